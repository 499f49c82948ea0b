from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from network import registrations
from network.models import CalendarFeed
from tests.factories import MeetingPageFactory, MemberFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _meeting_at(network, year, month, **kwargs):
    start = datetime(year, month, 15, 10, 0, tzinfo=STOCKHOLM)
    return MeetingPageFactory(parent=network, start=start, end=start + timedelta(hours=2), **kwargs)


def test_meeting_file_is_valid_icalendar_with_time_zone(client, network):
    meeting = _meeting_at(network, timezone.now().year + 1, 7, title="Sommarträff")
    calendar = _parse(client.get(f"/members/network/meetings/{meeting.pk}.ics"))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    (event,) = calendar.walk("VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS", "URL"):
        assert required in event
    assert str(event["SUMMARY"]) == "Sommarträff"
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


@pytest.mark.parametrize(("month", "utc_hour"), [(7, 8), (1, 9)])
def test_ten_in_stockholm_is_eight_utc_in_summer_and_nine_in_winter(
    client, network, month, utc_hour
):
    """A meeting at 10:00 Stockholm time: 08:00Z in July (CEST), 09:00Z in January (CET)."""
    meeting = _meeting_at(network, timezone.now().year + 1, month)
    assert meeting.start.astimezone(UTC).hour == utc_hour  # stored in UTC
    (event,) = _parse(client.get(f"/members/network/meetings/{meeting.pk}.ics")).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (10, 0)
    assert start.astimezone(UTC).hour == utc_hour
    assert b"DTSTART;TZID=Europe/Stockholm:" in event.to_ical()


def test_copenhagen_meetings_carry_their_own_zone(client, network):
    start = datetime(timezone.now().year + 1, 3, 30, 9, tzinfo=ZoneInfo("Europe/Copenhagen"))
    meeting = MeetingPageFactory(
        parent=network, start=start, end=start + timedelta(hours=1), time_zone="Europe/Copenhagen"
    )
    calendar = _parse(client.get(f"/members/network/meetings/{meeting.pk}.ics"))
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event.decoded("DTSTART") == start


def test_public_meeting_file_never_contains_the_online_link(client, meeting, member):
    registrations.register(meeting, member)
    client.force_login(member)
    body = client.get(f"/members/network/meetings/{meeting.pk}.ics").content.decode()
    assert "secret-room" not in body


def test_unpublished_and_private_meetings_have_no_public_file(client, network, meeting):
    draft = MeetingPageFactory(parent=network, live=False)
    assert client.get(f"/members/network/meetings/{draft.pk}.ics").status_code == 404
    PageViewRestriction.objects.create(page=meeting, restriction_type="login")
    assert client.get(f"/members/network/meetings/{meeting.pk}.ics").status_code == 404


def test_network_feed_lists_public_meetings_only(client, network, meeting):
    private = MeetingPageFactory(parent=network, title="Intern planering")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    MeetingPageFactory(parent=network, title="Utkast", live=False)
    calendar = _parse(client.get(f"/members/network/networks/{network.pk}.ics"))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Vårträffen"]
    assert b"secret-room" not in calendar.to_ical()


def test_personal_feed_needs_the_token_and_shows_the_online_link_to_seat_holders(
    client, meeting, network, member
):
    registrations.register(meeting, member)
    feed = CalendarFeed.objects.create(user=member)
    calendar = _parse(client.get(f"/members/network/feeds/{feed.token}.ics"))
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CONFIRMED"
    assert "https://meet.example/secret-room" in str(event["DESCRIPTION"])
    assert client.get("/members/network/feeds/not-a-token.ics").status_code == 404


def test_waitlisted_meetings_are_tentative_and_without_link(client, network):
    full = MeetingPageFactory(
        parent=network, capacity=0, online_link="https://meet.example/x", format="online"
    )
    user = MemberFactory()
    registrations.register(full, user)
    feed = CalendarFeed.objects.create(user=user)
    calendar = _parse(client.get(f"/members/network/feeds/{feed.token}.ics"))
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "TENTATIVE"
    assert "meet.example" not in calendar.to_ical().decode()


def test_a_new_feed_address_retires_the_old_one(client, member):
    client.force_login(member)
    client.post("/members/network/feeds/new/")
    first = CalendarFeed.objects.get(user=member)
    old = first.token
    assert client.get(f"/members/network/feeds/{old}.ics").status_code == 200
    client.post("/members/network/feeds/new/", {"confirm": "yes"})
    second = CalendarFeed.objects.get(user=member)
    new = second.token
    assert new != old
    assert second.issued_at > first.issued_at
    assert client.get(f"/members/network/feeds/{old}.ics").status_code == 404
    assert client.get(f"/members/network/feeds/{new}.ics").status_code == 200
    assert new in client.get("/members/network/my-meetings/").content.decode()
