"""Query texts are for the network's coordinators and the moderators, and only for gaps
of at least three logged searches."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from gaps.models import SearchGap
from portal.models import MODERATORS_GROUP
from tests.factories import MemberFactory, UserFactory

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db


def _gap(network, label, searches):
    now = timezone.now()
    gap = SearchGap.objects.create(
        label=label, model_id="m", centroid=b"", first_seen=now, last_seen=now, searches=searches
    )
    gap.queries.create(query=label, searches=searches, last_seen=now, model_id="m", vector=b"")
    gap.networks.add(network)
    return gap


@pytest.fixture
def gaps(it_network):
    return _gap(it_network, "zqshowngap", 3), _gap(it_network, "zqsmallgap", 2)


def test_only_coordinators_and_moderators_see_the_tab(
    client, gaps, it_network, climate_network, member
):
    tab = reverse("gaps:network_gaps", args=[it_network.pk])
    anonymous = client.get(tab)
    assert anonymous.status_code == 302 and "zqshowngap" not in anonymous.content.decode()
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    for user, status in (
        (member, 403),
        (MemberFactory(), 403),
        (make_coordinator(climate_network), 403),
        (make_coordinator(it_network), 200),
        (moderator, 200),
    ):
        client.force_login(user)
        response = client.get(tab)
        assert response.status_code == status, user
        assert ("zqshowngap" in response.content.decode()) == (status == 200)


def test_gaps_of_fewer_than_three_searches_are_not_listed(client, gaps, it_network, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("gaps:network_gaps", args=[it_network.pk])).content.decode()
    assert "zqshowngap" in page
    assert "zqsmallgap" not in page
    small = gaps[1]
    call = reverse("gaps:call_for_experiences", args=[it_network.pk, small.pk])
    assert client.post(call, {"title": "t", "text": "x"}).status_code == 404


def test_the_public_network_page_shows_no_query_text(client, gaps, it_network, coordinator):
    for user in (None, coordinator):
        client.logout()
        if user:
            client.force_login(user)
        page = client.get(it_network.url).content.decode()
        assert "zqshowngap" not in page and "zqsmallgap" not in page
    # Its coordinators find the tab from the network's page; visitors do not.
    assert reverse("gaps:network_gaps", args=[it_network.pk]) in page
    client.logout()
    assert "/gaps/" not in client.get(it_network.url).content.decode()


def test_bad_input_gets_a_clear_error_not_a_500(client, gaps, it_network, coordinator):
    shown = gaps[0]
    client.force_login(coordinator)
    agenda = reverse("gaps:add_to_agenda", args=[it_network.pk, shown.pk])
    response = client.post(agenda, {"meeting": "not-a-number"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    call = reverse("gaps:call_for_experiences", args=[it_network.pk, shown.pk])
    response = client.post(call, {"title": "", "text": "x" * 3000}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not shown.calls.exists()
    assert client.get(agenda).status_code == 405
