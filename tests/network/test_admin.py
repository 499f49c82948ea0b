import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from network import registrations
from network.models import MeetingPage
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    OrganisationFactory,
)

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(meeting, network):
    """Two seats taken (one with notes), one on the waiting list."""
    organisation = OrganisationFactory(name="Lantmäteriet", slug="lantmateriet")
    anna = MemberFactory(first_name="Anna", last_name="Berg", email="anna@example.org")
    anna.member_profile.organisation = organisation
    anna.member_profile.save()
    MembershipFactory(network=network, user=anna)
    others = [MembershipFactory(network=network).user for _ in range(2)]
    registrations.register(
        meeting, anna, dietary_needs="=HYPERLINK(1)", accessibility_needs="Hörslinga"
    )
    for user in others:
        registrations.register(meeting, user)
    return anna


def test_coordinator_downloads_the_attendee_list_as_csv(
    client, meeting, coordinator, registered, settings
):
    settings.LANGUAGE_CODE = "en"  # the English words, whatever the translations say
    client.force_login(coordinator)
    response = client.get(f"/admin/network/meetings/{meeting.pk}/attendees.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-attendees.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "Name",
        "Email",
        "Organisation",
        "Status",
        "Registered at",
        "Dietary needs",
        "Accessibility needs",
    ]
    assert len(rows) == 4
    anna = rows[1]
    assert anna[:4] == ["Anna Berg", "anna@example.org", "Lantmäteriet", "Registered"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", anna[4])
    assert anna[5] == "'=HYPERLINK(1)"  # no formula for spreadsheets to run
    assert anna[6] == "Hörslinga"
    assert [row[3] for row in rows[1:]] == ["Registered", "Registered", "On the waiting list"]


@pytest.mark.parametrize(
    ("language", "header", "waitlisted", "date_pattern"),
    [
        ("sv", "Namn", "På väntelistan", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"),
        ("da", "Navn", "På ventelisten", r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}"),
    ],
)
def test_attendee_csv_follows_the_coordinators_language(
    client, meeting, coordinator, registered, language, header, waitlisted, date_pattern
):
    """Excel in Swedish or Danish reads ";" between cells; headers and statuses translated."""
    client.force_login(coordinator)
    response = client.get(
        f"/admin/network/meetings/{meeting.pk}/attendees.csv", HTTP_ACCEPT_LANGUAGE=language
    )
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0][0] == header
    assert len(rows[0]) == 7
    assert rows[3][3] == waitlisted
    assert re.fullmatch(date_pattern, rows[1][4])
    assert rows[1][5] == "'=HYPERLINK(1)"


def test_coordinator_downloads_the_attendee_list_as_xlsx(
    client, meeting, coordinator, registered, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(coordinator)
    page = BeautifulSoup(
        client.get(f"/admin/network/meetings/{meeting.pk}/").content, "html.parser"
    )
    csv_link = page.find("a", href=f"/admin/network/meetings/{meeting.pk}/attendees.csv")
    xlsx_link = page.find("a", href=f"/admin/network/meetings/{meeting.pk}/attendees.xlsx")
    assert csv_link is not None and xlsx_link is not None  # XLSX beside every CSV
    response = client.get(xlsx_link["href"])
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Name" and sheet["A1"].font.bold
    anna = list(sheet[2])
    assert [cell.value for cell in anna[:4]] == [
        "Anna Berg",
        "anna@example.org",
        "Lantmäteriet",
        "Registered",
    ]
    assert isinstance(anna[4].value, datetime)  # a date a spreadsheet can sort
    assert anna[5].value == "=HYPERLINK(1)"
    assert anna[5].data_type == "s"  # stored as text, never as a formula
    assert sheet.max_row == 4


def test_other_coordinators_get_no_xlsx_either(client, meeting, other_network, registered):
    client.force_login(make_coordinator(other_network))
    assert client.get(f"/admin/network/meetings/{meeting.pk}/attendees.xlsx").status_code == 403


def test_coordinator_of_another_network_gets_403(client, meeting, other_network, registered):
    outsider = make_coordinator(other_network)
    client.force_login(outsider)
    for url in (
        f"/admin/network/meetings/{meeting.pk}/attendees.csv",
        f"/admin/network/meetings/{meeting.pk}/",
        f"/admin/network/meetings/{meeting.pk}/message/",
        f"/admin/network/meetings/{meeting.pk}/copy/",
    ):
        assert client.get(url).status_code == 403, url
    listing = client.get("/admin/network/").content.decode()
    assert meeting.title not in listing


def test_members_and_anonymous_visitors_get_no_attendee_list(client, meeting, member, registered):
    url = f"/admin/network/meetings/{meeting.pk}/attendees.csv"
    response = client.get(url)
    assert response.status_code == 302  # to the admin login
    client.force_login(member)
    assert client.get(url).status_code in (302, 403)
    assert "Anna" not in client.get(url).content.decode()


def test_attendee_page_shows_counts_and_marks_attendance(client, meeting, coordinator, registered):
    client.force_login(coordinator)
    html = client.get(f"/admin/network/meetings/{meeting.pk}/").content.decode()
    assert "Anna Berg" in html
    listing = client.get("/admin/network/").content.decode()
    assert meeting.title in listing
    registration = meeting.registrations.get(user=registered)
    client.post(f"/admin/network/registrations/{registration.pk}/attendance/", {"attended": "1"})
    registration.refresh_from_db()
    assert registration.status == "attended"
    assert meeting.registrations.counts() == {
        "registered": 1,
        "waitlisted": 1,
        "cancelled": 0,
        "attended": 1,
    }


def test_message_goes_to_each_seat_holder_separately(
    client, meeting, coordinator, registered, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/network/meetings/{meeting.pk}/message/",
            {"subject": "Ny lokal", "body": "Vi ses i sal B."},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert all(len(message.to) == 1 and not message.bcc for message in mail.outbox)
    assert registered.email in {message.to[0] for message in mail.outbox}
    assert mail.outbox[0].reply_to == [coordinator.email]


def test_copy_makes_a_draft_with_dates_moved_by_wall_clock_time(
    client, network, coordinator, registered
):
    """A 10:00 January meeting copied to June still starts at 10:00 local time."""
    zone = timezone.get_default_timezone()
    january = datetime(timezone.now().year + 1, 1, 20, 10, tzinfo=zone)
    original = MeetingPageFactory(
        parent=network,
        title="Vinterträffen",
        start=january,
        end=january + timedelta(hours=4),
        registration_closes=january - timedelta(days=7),
        minutes="<p>Anteckningar</p>",
    )
    registrations.register(original, registered)
    client.force_login(coordinator)
    response = client.post(
        f"/admin/network/meetings/{original.pk}/copy/",
        {"title": "Sommarträffen", "start": f"{january.year}-06-16T10:00"},
    )
    assert response.status_code == 302
    copy = MeetingPage.objects.get(title="Sommarträffen")
    assert not copy.live
    assert copy.get_parent().pk == network.pk
    assert (copy.local_start.month, copy.local_start.hour) == (6, 10)
    assert copy.local_end.hour == 14
    assert copy.registration_closes == copy.start - timedelta(days=7)
    assert copy.minutes == ""
    assert copy.registrations.count() == 0
    assert original.registrations.count() == 1


def test_coordinator_sees_and_answers_requests_in_the_admin(client, network, coordinator):
    pending = MembershipFactory(network=network, status="requested")
    client.force_login(coordinator)
    html = client.get("/admin/network/requests/").content.decode()
    assert pending.user.username in html or pending.user.email in html


def test_coordinators_edit_their_own_meetings_in_the_admin_only(
    client, network, other_network, meeting
):
    """Coordinators hold page permissions on the network index; each edits their own network."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.get(name="Coordinators")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=network.get_parent(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    client.force_login(make_coordinator(network))
    assert client.get(f"/admin/pages/{meeting.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/network/meetingpage/{network.pk}/").status_code == 200
    index = network.get_parent()
    assert client.get(f"/admin/pages/add/network/networkpage/{index.pk}/").status_code == 200
    client.force_login(make_coordinator(other_network))
    assert client.get(f"/admin/pages/{meeting.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/add/network/meetingpage/{network.pk}/").status_code in (
        302,
        403,
    )


def test_admin_menu_offers_the_coordinator_tools_to_those_who_manage_a_network(client, network):
    client.force_login(make_coordinator(network))
    assert (
        "Meetings and attendees"
        in client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    )
    moderator = MemberFactory(groups=["Members", "Moderators"])
    client.force_login(moderator)
    assert (
        "Meetings and attendees"
        in client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    )
    without_network = MemberFactory(groups=["Members", "Coordinators"])
    client.force_login(without_network)
    assert (
        "Meetings and attendees"
        not in client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    )


def test_a_new_meeting_can_be_previewed_before_it_is_saved(client, network):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    GroupPagePermission.objects.create(
        group=Group.objects.get(name="Coordinators"),
        page=network.get_parent(),
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="add_page"
        ),
    )
    client.force_login(make_coordinator(network))
    url = f"/admin/pages/add/network/meetingpage/{network.pk}/preview/"
    data = {
        "title": "Förhandsvisning",
        "slug": "forhandsvisning",
        "start": "2031-05-12 10:00",
        "end": "2031-05-12 12:00",
        "time_zone": "Europe/Stockholm",
        "format": "in_person",
        "audience": "members",
        "language": "sv",
        "agenda-count": "0",
        "lessons-count": "0",
    }
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert "Förhandsvisning" in response.content.decode()


def test_a_new_network_can_be_previewed_before_it_is_saved(admin_client, network_index):
    url = f"/admin/pages/add/network/networkpage/{network_index.pk}/preview/"
    data = {
        "title": "Nytt nätverk",
        "slug": "nytt-natverk",
        "summary": "Ett nytt nätverk.",
        "purpose": '{"blocks": [{"key": "a", "text": "Syfte", "type": "unstyled", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
        "country": "SE",
        "language": "sv",
        "join_policy": "open",
        "shared_cases-TOTAL_FORMS": "0",
        "shared_cases-INITIAL_FORMS": "0",
        "shared_cases-MIN_NUM_FORMS": "0",
        "shared_cases-MAX_NUM_FORMS": "1000",
    }
    assert admin_client.post(url, data).json()["is_valid"]
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Nytt nätverk" in response.content.decode()
