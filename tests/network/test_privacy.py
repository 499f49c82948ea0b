"""Attendee data is the network's coordinators' (and superusers'); calendar feeds speak for
active users only; attendee downloads carry no spreadsheet formulas."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook
from wagtail.models import PageViewRestriction

from network import registrations
from network.models import CalendarFeed
from network.wagtail_hooks import meeting_attendees_button
from tests.factories import MemberFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(meeting, network):
    anna = MemberFactory(first_name="=Anna", last_name="Berg")
    MembershipFactory(network=network, user=anna)
    registrations.register(
        meeting, anna, dietary_needs="Vegetarisk", accessibility_needs="Hörslinga"
    )
    return anna


def attendee_urls(meeting) -> list[str]:
    return [
        f"/admin/network/meetings/{meeting.pk}/",
        f"/admin/network/meetings/{meeting.pk}/attendees.csv",
    ]


def test_moderators_do_not_see_other_networks_attendees(client, meeting, registered):
    moderator = MemberFactory(groups=["Members", "Moderators"], is_staff=True)
    client.force_login(moderator)
    for url in attendee_urls(meeting):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Hörslinga" not in response.content.decode()
    registration = meeting.registrations.get(user=registered)
    response = client.post(
        f"/admin/network/registrations/{registration.pk}/attendance/", {"attended": "1"}
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == "registered"
    # The meeting list still lists the meeting for moderators, without the attendee link.
    listing = client.get("/admin/network/").content.decode()
    assert meeting.title in listing
    assert f"/admin/network/meetings/{meeting.pk}/" not in listing
    # Nor does the meeting's page in the admin offer an "Attendees" button.
    assert list(meeting_attendees_button(meeting, moderator, "edit")) == []


def test_coordinators_and_superusers_see_the_attendees(client, meeting, coordinator, registered):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for user in (coordinator, superuser):
        assert len(list(meeting_attendees_button(meeting, user, "edit"))) == 1
        client.force_login(user)
        for url in attendee_urls(meeting):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            assert "Hörslinga" in response.content.decode("utf-8-sig")
        listing = client.get("/admin/network/").content.decode()
        assert f"/admin/network/meetings/{meeting.pk}/" in listing


def test_a_coordinator_whose_account_is_deactivated_sees_no_attendees(meeting, coordinator):
    assert meeting.network.is_run_by(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert not meeting.network.is_run_by(coordinator)


def test_attendee_csv_neutralises_formulas(client, meeting, coordinator, network):
    notes = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
    for dietary, accessibility in zip(notes[::2], notes[1::2], strict=True):
        user = MembershipFactory(network=network).user
        registrations.register(
            meeting, user, dietary_needs=dietary, accessibility_needs=accessibility
        )
    client.force_login(coordinator)
    response = client.get(f"/admin/network/meetings/{meeting.pk}/attendees.csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=";"))
    written = [cell for row in rows[1:] for cell in row[5:]]
    assert written == ["'" + note for note in notes]

    workbook = client.get(f"/admin/network/meetings/{meeting.pk}/attendees.xlsx").content
    cells = [row[5:] for row in load_workbook(io.BytesIO(workbook)).active.iter_rows()][1:]

    # XML may read a carriage return back as a line feed (openpyxl versions differ); the
    # text is otherwise as written, with no quote added: a workbook cell is never a formula.
    def lines(text: str) -> str:
        return text.replace("\r", "\n")

    assert [lines(cell.value) for row in cells for cell in row] == [lines(n) for n in notes]
    assert {cell.data_type for row in cells for cell in row} == {"s"}  # text, not formulas


def test_a_deactivated_users_feed_stops_serving(client, meeting, member):
    registrations.register(meeting, member)
    feed = CalendarFeed.objects.create(user=member)
    url = f"/members/network/feeds/{feed.token}.ics"
    assert "secret-room" in client.get(url).content.decode()
    member.is_active = False
    member.save()
    response = client.get(url)
    assert response.status_code in (404, 410)
    assert "secret-room" not in response.content.decode()
    assert "Vårträffen" not in response.content.decode()


def test_a_feed_leaves_out_meetings_its_user_may_no_longer_view(client, meeting, member):
    registrations.register(meeting, member)
    feed = CalendarFeed.objects.create(user=member)
    restriction = PageViewRestriction.objects.create(
        page=meeting, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Planning group"))
    body = client.get(f"/members/network/feeds/{feed.token}.ics").content.decode()
    assert "secret-room" not in body
    assert "Vårträffen" not in body
