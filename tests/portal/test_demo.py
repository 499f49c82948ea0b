"""The whole demo, loaded twice once for this module (it takes a while) and rolled back."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page, Site

from gaps.models import CallForExperiences, GapQuery, SearchGap
from network.models import Membership, NetworkPage
from portal.models import HomePage, Organisation, Topic
from search.models import SearchQueryLog
from search.state import reset_caches


def _counts():
    return {
        "pages": Page.objects.count(),
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
        "users": get_user_model().objects.count(),
        "logged searches": SearchQueryLog.objects.count(),
        "gaps": SearchGap.objects.count(),
        "gap queries": GapQuery.objects.count(),
        "calls": CallForExperiences.objects.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """load_demo run twice: the counts after the first and after the second run."""
    reset_caches()
    with (
        django_db_blocker.unblock(),
        override_settings(ERFA_INDEX_DIR=tmp_path_factory.mktemp("demo-index")),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=StringIO())
        first = _counts()
        call_command("load_demo", stdout=StringIO())
        yield first, _counts()
        transaction.set_rollback(True)
    reset_caches()


def test_load_demo_is_idempotent(demo, db):
    """Running load_demo twice creates nothing new the second time, search log included."""
    first, second = demo
    assert second == first
    assert first["logged searches"] > 0 and first["calls"] == 1


def test_demo_covers_both_countries_and_sets_up_the_site(demo, db):
    assert Organisation.objects.filter(country="SE").count() >= 8
    assert Organisation.objects.filter(country="DK").count() >= 8
    assert Topic.objects.count() >= 10
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


def test_every_demo_network_shows_its_coordinators_a_search_gap(demo, db, client):
    """Each network's tab lists at least one open gap of the demo's search log to its
    coordinator (`coordinator` or `samordnare`), and one of them is trending."""
    trending = 0
    for network in NetworkPage.objects.live():
        coordinator = Membership.objects.filter(
            network=network, role="coordinator", status="active"
        ).first()
        assert coordinator is not None, network.slug
        client.force_login(coordinator.user)
        response = client.get(reverse("gaps:network_gaps", args=[network.pk]))
        assert response.status_code == 200
        assert response.context["open_gaps"], network.slug
        trending += sum(gap.trending for gap in response.context["open_gaps"])
    assert trending >= 1


def test_searches_the_demo_answers_do_not_become_gaps(demo, db):
    """Searches that found enough are in the log but in no gap; the demo's needs are none of
    them answered by the demo content."""
    assert SearchQueryLog.objects.filter(query="riskbaserat urval för tillsyn").exists()
    assert not GapQuery.objects.filter(query="riskbaserat urval för tillsyn").exists()
    assert not SearchGap.objects.filter(status=SearchGap.Status.ANSWERED).exists()


def test_the_demo_network_page_shows_the_call_for_experiences(demo, db, client):
    call = CallForExperiences.objects.select_related("network", "gap").get()
    assert call.gap is not None and call.network.search_gaps.filter(pk=call.gap.pk).exists()
    response = client.get(call.network.url)
    assert response.status_code == 200
    assert call.title in response.content.decode()
