"""The served catalogue is built once per change and never outlives a change in what is public."""

from unittest import mock

from wagtail.models import PageViewRestriction

from catalog import views
from tests.catalog.conftest import PUBLIC_MARK
from tests.factories import CaseStudyPageFactory


def test_the_catalogue_is_built_once_until_something_changes(client, two_cases):
    with mock.patch.object(views, "build_catalog", wraps=views.build_catalog) as build:
        first = client.get("/catalog.ttl")
        again = client.get("/catalog.ttl")
        assert build.call_count == 1
        assert again.content == first.content and PUBLIC_MARK in again.content.decode()

        newer = CaseStudyPageFactory(parent=two_cases.get_parent(), title="Ny zqnewercase")
        newer.save_revision().publish()
        after_publishing = client.get("/catalog.ttl").content.decode()
        assert build.call_count == 2 and "zqnewercase" in after_publishing


def test_a_page_made_private_leaves_the_catalogue_at_once(client, two_cases):
    first = client.get("/catalog.jsonld")
    assert PUBLIC_MARK in first.content.decode()
    PageViewRestriction.objects.create(page=two_cases, restriction_type="login")
    after = client.get("/catalog.jsonld", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and PUBLIC_MARK not in after.content.decode()
    assert after["ETag"] != first["ETag"]


def test_a_harvester_with_the_current_catalogue_gets_not_modified(client, two_cases):
    first = client.get("/catalog.ttl")
    assert "no-cache" in first["Cache-Control"]
    unchanged = client.get("/catalog.ttl", HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""
    other_format = client.get("/catalog.jsonld", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other_format.status_code == 200
