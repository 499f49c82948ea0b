import pytest
from django.contrib.auth.models import Group

from portal.models import is_member
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_page_renders_in_swedish_by_default(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Lär av andra myndigheter" in html
    assert "Hoppa till innehållet" in html  # the skip link, translated


def test_home_page_links_to_every_section(client, home_page):
    html = client.get("/").content.decode()
    for href in ('href="/cases/"', 'href="/networks/"', 'href="/search/"', 'href="/datalab/"'):
        assert href in html


def test_member_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Members",
        "Coordinators",
        "Moderators",
    }


def test_is_member_distinguishes_members_from_other_users():
    assert is_member(MemberFactory())
    assert not is_member(UserFactory())
