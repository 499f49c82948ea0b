"""Links in e-mails and calendar feeds start with the one configured root URL, ERFA_BASE_URL:
not the Wagtail Site record's hostname (``localhost`` here, as in a demo database), not
whichever host a request came in on."""

import re

import pytest
from django.core import mail
from icalendar import Calendar

from network import notifications, registrations
from network.models import CalendarFeed
from portal.site_url import absolute_url

pytestmark = pytest.mark.django_db

BASE = "https://erfa.example"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.ERFA_BASE_URL = BASE


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def test_absolute_url_puts_paths_and_site_urls_on_the_base_url():
    assert absolute_url("/members/network/my-meetings/") == f"{BASE}/members/network/my-meetings/"
    assert absolute_url("http://localhost/cases/x/?a=1#b") == f"{BASE}/cases/x/?a=1#b"


def test_a_registration_email_sent_without_a_request_links_to_the_base_url(meeting, member):
    registration = registrations.register(meeting, member)
    mail.outbox.clear()
    assert notifications.send_registration_email(
        registration, notifications.RegistrationEmail.REGISTERED
    )
    (message,) = mail.outbox
    links = [link for link in _links(message.body) if "meet.example" not in link]
    assert f"{BASE}{meeting.url}" in links
    assert f"{BASE}/members/network/my-meetings/" in links
    assert all(link.startswith(BASE) for link in links), links
    ics = Calendar.from_ical(message.attachments[0][1])
    (event,) = ics.walk("VEVENT")
    assert str(event["URL"]) == f"{BASE}{meeting.url}"


def test_calendar_feeds_link_to_the_base_url_whatever_host_was_asked(client, meeting, member):
    registrations.register(meeting, member)
    feed = CalendarFeed.objects.create(user=member)
    for path in (
        f"/members/network/meetings/{meeting.pk}.ics",
        f"/members/network/networks/{meeting.network.pk}.ics",
        f"/members/network/feeds/{feed.token}.ics",
    ):
        response = client.get(path, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, path
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(event["URL"]) for event in events] == [f"{BASE}{meeting.url}"], path


def test_the_feed_address_shown_to_a_member_uses_the_base_url(client, member):
    feed = CalendarFeed.objects.create(user=member)
    client.force_login(member)
    response = client.get("/members/network/my-meetings/", HTTP_HOST="127.0.0.1")
    assert response.context["feed_url"] == f"{BASE}/members/network/feeds/{feed.token}.ics"
