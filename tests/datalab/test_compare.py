"""Organisations side by side."""

import datetime

import pytest
from django.utils import timezone

from datalab.comparison import compare, topics_chart
from network.models import Registration
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def participation(home_page, organisations):
    """Three Skatteverket members in one network (and one who left); one attended a meeting,
    two registered."""
    network = NetworkPageFactory(
        parent=NetworkIndexPageFactory(parent=home_page), title="AI-nätverket"
    )
    meeting = MeetingPageFactory(parent=network, start=timezone.now() - datetime.timedelta(days=3))
    first, second, third = (
        MemberFactory(profile__organisation=organisations["skv"]) for _ in "123"
    )
    for user in (first, second, third):
        MembershipFactory(network=network, user=user)
    MembershipFactory(
        network=network,
        user=MemberFactory(profile__organisation=organisations["skv"]),
        status="left",
    )
    Registration.objects.create(meeting=meeting, user=first, status="attended")
    Registration.objects.create(meeting=meeting, user=second, status="registered")
    Registration.objects.create(meeting=meeting, user=third, status="registered")
    return network


def test_compare_counts_cases_topics_lessons_and_networks(
    make_case, topics, organisations, participation
):
    skv, gbg = organisations["skv"], organisations["gbg"]
    make_case(
        "AI-sortering",
        organisations=[skv],
        topics=[topics["ai"], topics["data"]],
        lessons=(("Börja smått", "success"), ("Dyrt", "pitfall")),
    )
    make_case(
        "Gemensam chattbot",
        organisations=[skv, gbg],
        topics=[topics["ai"]],
        status="ongoing",
        start=datetime.date(2023, 9, 1),
    )
    make_case("Utkast", organisations=[gbg], topics=[topics["data"]], publish=False)

    skatteverket, goteborg = compare([skv, gbg], user=MemberFactory())

    # Newest first.
    assert [case.title for case in skatteverket.cases] == ["Gemensam chattbot", "AI-sortering"]
    assert skatteverket.topics == [("AI", 2), ("Data", 1)]
    assert dict(skatteverket.statuses) == {"Completed": 1, "Ongoing": 1}
    assert (skatteverket.successes, skatteverket.pitfalls) == (1, 1)
    assert [(p.network.title, p.members) for p in skatteverket.networks] == [("AI-nätverket", 3)]
    # One attended: too few to show (see test_people_counts_below_three_are_never_shown).
    assert (skatteverket.registrations, skatteverket.attended) == (3, None)
    assert [case.title for case in goteborg.cases] == ["Gemensam chattbot"]
    assert goteborg.topics == [("AI", 1)]
    assert goteborg.networks == []

    chart = topics_chart([skatteverket, goteborg])
    assert chart.columns[1:] == ["Skatteverket", "Göteborgs Stad"]
    assert chart.rows == [["AI", 2, 1], ["Data", 1, 0]]


def test_compare_page_needs_two_to_five_organisations(client, organisations):
    one = client.get("/datalab/compare/?org=skatteverket")
    assert one.status_code == 200
    assert one.context["profiles"] is None
    assert "org" in one.context["form"].errors
    two = client.get("/datalab/compare/?org=skatteverket&org=goteborgs-stad")
    assert [p.organisation.slug for p in two.context["profiles"]] == [
        "skatteverket",
        "goteborgs-stad",
    ]


def test_compare_download_holds_the_chart(client, make_case, topics, organisations):
    make_case("AI-sortering", organisations=[organisations["skv"]], topics=[topics["ai"]])
    data = client.get("/datalab/compare/?org=skatteverket&org=skattestyrelsen&format=json").json()
    assert data["columns"] == ["Topic", "Skatteverket", "Skattestyrelsen"]
    assert data["rows"] == [["AI", 1, 0]]
    assert data["filters"] == {"org": ["skatteverket", "skattestyrelsen"]}
