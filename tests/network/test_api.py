"""The content API over networks and meetings: visibility, member-only fields, calendar links,
filters and languages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from network.registrations import register
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkPageFactory,
    TopicFactory,
)

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(network, other_network):
    soon = timezone.now() + timedelta(days=7)
    upcoming = MeetingPageFactory(
        parent=network,
        title="Vårträff",
        start=soon,
        end=soon + timedelta(hours=2),
        format="hybrid",
        online_link="https://meet.example/zqonline",
        audience="members",
    )
    past = MeetingPageFactory(
        parent=network,
        title="Höstträff",
        start=timezone.now() - timedelta(days=60),
        end=timezone.now() - timedelta(days=60) + timedelta(hours=2),
    )
    danish = MeetingPageFactory(parent=other_network, title="Netværksmøde", language="da")
    members_only = MeetingPageFactory(parent=network, title="Intern träff zqlogin")
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )
    draft = MeetingPageFactory(parent=network, title="Utkast zqdraft", live=False)
    return {
        "upcoming": upcoming,
        "past": past,
        "danish": danish,
        "members_only": members_only,
        "draft": draft,
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_anonymous_visitors_get_public_meetings_only(client, meetings):
    ids = _ids(client.get("/api/meetings/"))
    assert sorted(ids) == sorted(meetings[key].pk for key in ("upcoming", "past", "danish"))
    for key in ("members_only", "draft"):
        assert client.get(f"/api/meetings/{meetings[key].pk}/").status_code == 404
    client.force_login(MemberFactory())
    assert meetings["members_only"].pk in _ids(client.get("/api/meetings/"))
    assert meetings["draft"].pk not in _ids(client.get("/api/meetings/"))


def test_meetings_come_with_their_calendar_links(client, meetings, network):
    item = client.get(f"/api/meetings/{meetings['upcoming'].pk}/").json()
    assert item["calendar_url"].endswith(f"/members/network/meetings/{meetings['upcoming'].pk}.ics")
    assert item["network_calendar_url"].endswith(f"/members/network/networks/{network.pk}.ics")
    assert item["network"]["id"] == network.pk
    assert client.get(item["calendar_url"].split("testserver", 1)[-1]).status_code in (200, 404)
    ics = client.get(f"/members/network/meetings/{meetings['upcoming'].pk}.ics")
    assert b"BEGIN:VEVENT" in ics.content
    listed = client.get("/api/meetings/").json()["results"]
    assert all(entry["calendar_url"] and entry["network_calendar_url"] for entry in listed)


def test_a_restricted_meeting_has_no_calendar_address(client, meetings):
    """Calendar applications send no credentials: the .ics of a restricted meeting is 404
    for them, so the API gives none rather than a dead link."""
    client.force_login(MemberFactory())
    item = client.get(f"/api/meetings/{meetings['members_only'].pk}/").json()
    assert item["calendar_url"] is None
    assert item["network_calendar_url"]


def test_the_online_link_is_for_registered_participants(client, meetings, network):
    url = f"/api/meetings/{meetings['upcoming'].pk}/"
    assert client.get(url).json()["online_link"] is None
    member = MembershipFactory(network=network).user
    client.force_login(member)
    assert client.get(url).json()["online_link"] is None
    assert b"zqonline" not in client.get("/api/meetings/").content
    register(meetings["upcoming"], member)
    assert client.get(url).json()["online_link"] == "https://meet.example/zqonline"


def test_meetings_filter_by_network_time_and_language(client, meetings, network, other_network):
    upcoming, past, danish = (meetings[key].pk for key in ("upcoming", "past", "danish"))
    assert _ids(client.get(f"/api/meetings/?network={other_network.pk}")) == [danish]
    assert upcoming not in _ids(client.get("/api/meetings/?when=past"))
    assert _ids(client.get(f"/api/meetings/?when=past&network={network.pk}")) == [past]
    assert past not in _ids(client.get("/api/meetings/?when=upcoming"))
    assert _ids(client.get("/api/meetings/?language=da")) == [danish]
    assert _ids(client.get("/api/meetings/?country=DK")) == [danish]
    assert (
        _ids(client.get(f"/api/meetings/?year={meetings['past'].start.year}&network={network.pk}"))[
            0
        ]
        == past
    )
    # A number no column holds is refused, not passed on to the database (an overflow: 500).
    assert client.get(f"/api/meetings/?network={2**64}").status_code == 422
    assert client.get("/api/meetings/?year=99999").status_code == 422
    # By start, oldest first, the same on every page.
    everything = _ids(client.get("/api/meetings/"))
    assert everything[0] == past
    paged = [
        meeting
        for offset in (0, 1, 2)
        for meeting in _ids(client.get(f"/api/meetings/?limit=1&offset={offset}"))
    ]
    assert paged == everything


def test_anonymous_visitors_get_public_networks_only(client, network, other_network, network_index):
    hidden = NetworkPageFactory(parent=network_index, title="Slutet nätverk zqlogin")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/api/networks/")
    assert sorted(_ids(response)) == sorted([network.pk, other_network.pk])
    assert client.get(f"/api/networks/{hidden.pk}/").status_code == 404
    client.force_login(MemberFactory())
    assert hidden.pk in _ids(client.get("/api/networks/"))


def test_information_for_members_is_for_the_networks_members(client, network):
    network.member_information = "<p>Mappen finns på intranätet zqmembersinfo.</p>"
    network.save_revision().publish()
    url = f"/api/networks/{network.pk}/"
    assert client.get(url).json()["member_information"] is None
    client.force_login(MemberFactory())  # a member of Erfa, not of this network
    assert client.get(url).json()["member_information"] is None
    client.force_login(MembershipFactory(network=network).user)
    assert "zqmembersinfo" in client.get(url).json()["member_information"]
    client.force_login(make_coordinator(network))
    assert "zqmembersinfo" in client.get(url).json()["member_information"]


def test_a_network_in_detail(client, network, meetings):
    detail = client.get(f"/api/networks/{network.pk}/").json()
    assert detail["calendar_url"].endswith(f"/members/network/networks/{network.pk}.ics")
    assert [meeting["id"] for meeting in detail["meetings"]] == [
        meetings["past"].pk,
        meetings["upcoming"].pk,
    ]


def test_networks_filter_by_country_language_and_topic(
    client, network, other_network, network_index
):
    nordic = NetworkPageFactory(parent=network_index, title="Nordiskt nätverk", country="nordic")
    topic = TopicFactory(slug="tillsyn")
    other_network.topics.set([topic])
    other_network.language = "da"
    other_network.save_revision().publish()
    assert sorted(_ids(client.get("/api/networks/?country=DK"))) == sorted(
        [other_network.pk, nordic.pk]
    )
    assert _ids(client.get("/api/networks/?topic=tillsyn")) == [other_network.pk]
    assert sorted(_ids(client.get("/api/networks/?language=sv"))) == sorted([network.pk, nordic.pk])


def test_a_networks_description_follows_the_visitors_language(client, network):
    """Translated where a translation is written; the original (saying which) where not."""
    network.summary_en = "A network for agencies that learn from each other."
    network.save_revision().publish()
    english = client.get(f"/api/networks/{network.pk}/?lang=en").json()
    assert english["summary"] == "A network for agencies that learn from each other."
    assert english["summary_language"] == "en"
    danish = client.get(f"/api/networks/{network.pk}/", HTTP_ACCEPT_LANGUAGE="da").json()
    assert danish["summary"] == "Ett nätverk för myndigheter som vill lära av varandra."
    assert danish["summary_language"] == "sv"
    assert danish["country_label"] == "Sverige"


def test_queries_do_not_grow_with_the_meetings_listed(client, network, other_network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/meetings/").status_code == 200
        return len(captured)

    queries()  # the first request fills caches (the site's root paths) that later ones reuse
    MeetingPageFactory(parent=network)
    few = queries()
    for parent in (network, other_network, network, other_network):
        MeetingPageFactory(parent=parent)
    assert queries() <= few


@pytest.mark.parametrize("topic", ["a\x00b", "öppna data", "x" * 81])
def test_a_topic_that_is_not_a_slug_is_refused_clearly(client, topic):
    """Found by schemathesis on PostgreSQL, which refuses a NUL byte in a query parameter."""
    for url in ("/api/networks/", "/api/meetings/"):
        response = client.get(url, {"topic": topic})
        assert response.status_code == 422, (url, response.content)
