"""Irreversible member actions ask first; the registration form lists its errors at the top."""

import pytest
from bs4 import BeautifulSoup

from network import registrations
from network.models import CalendarFeed, Membership, Registration
from tests.error_summary import assert_summary_lists_every_error
from tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def english_ui(settings):
    settings.LANGUAGE_CODE = "en"


def _confirm_form(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    form = soup.select_one("form.confirm-actions")
    assert form is not None, "no confirmation form"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert form.select_one("input[name=confirm]")["value"] == "yes"
    return form, soup


@pytest.mark.parametrize("method", ["get", "post"])
def test_cancelling_a_seat_asks_first_and_changes_nothing(client, meeting, member, method):
    registrations.register(meeting, member)
    waiting = MembershipFactory(network=meeting.network).user
    registrations.register(meeting, MembershipFactory(network=meeting.network).user)
    registrations.register(meeting, waiting)  # two seats taken: the third one waits
    client.force_login(member)
    response = getattr(client, method)(f"/members/network/meetings/{meeting.pk}/cancel/")
    assert response.status_code == 200
    form, soup = _confirm_form(response)
    assert form["action"] == f"/members/network/meetings/{meeting.pk}/cancel/"
    text = soup.get_text(" ", strip=True)
    assert "Are you sure" in text and "next person on the waiting list" in text
    assert soup.find("a", string="Keep my seat")["href"] == meeting.url
    assert meeting.registrations.get(user=member).status == Registration.Status.REGISTERED
    assert meeting.registrations.get(user=waiting).status == Registration.Status.WAITLISTED


def test_cancelling_with_confirmation_gives_the_seat_away(client, meeting, member):
    registrations.register(meeting, member)
    client.force_login(member)
    response = client.post(
        f"/members/network/meetings/{meeting.pk}/cancel/",
        {"confirm": "yes", "next": "/members/network/my-meetings/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/members/network/my-meetings/"
    assert meeting.registrations.get(user=member).status == Registration.Status.CANCELLED


def test_the_confirmation_page_keeps_a_local_next_only(client, meeting, member):
    registrations.register(meeting, member)
    client.force_login(member)
    url = f"/members/network/meetings/{meeting.pk}/cancel/"
    form, soup = _confirm_form(client.post(url, {"next": "/members/network/my-meetings/"}))
    assert form.select_one("input[name=next]")["value"] == "/members/network/my-meetings/"
    assert soup.find("a", string="Keep my seat")["href"] == "/members/network/my-meetings/"
    form, _ = _confirm_form(client.post(url, {"next": "https://evil.example/"}))
    assert form.select_one("input[name=next]") is None


def test_confirmation_needs_csrf(meeting, member):
    from django.test import Client

    registrations.register(meeting, member)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(f"/members/network/meetings/{meeting.pk}/cancel/", {"confirm": "yes"})
    assert response.status_code == 403
    assert meeting.registrations.get(user=member).status == Registration.Status.REGISTERED


def test_leaving_a_network_asks_first(client, network, member):
    client.force_login(member)
    url = f"/members/network/networks/{network.pk}/leave/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        _confirm_form(response)
        assert Membership.objects.get(user=member, network=network).is_active
    client.post(url, {"confirm": "yes"})
    assert Membership.objects.get(user=member, network=network).status == "left"


def test_a_new_calendar_address_asks_first(client, member):
    client.force_login(member)
    url = "/members/network/feeds/new/"
    client.post(url)  # the first address replaces nothing: no question
    feed = CalendarFeed.objects.get(user=member)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        _, soup = _confirm_form(response)
        assert "old address stops working" in soup.get_text(" ", strip=True)
        assert CalendarFeed.objects.get(user=member).token == feed.token
    client.post(url, {"confirm": "yes"})
    assert CalendarFeed.objects.get(user=member).token != feed.token


def test_confirmation_pages_need_login(client, meeting, network):
    for url in (
        f"/members/network/meetings/{meeting.pk}/cancel/",
        f"/members/network/networks/{network.pk}/leave/",
        "/members/network/feeds/new/",
    ):
        assert client.get(url).status_code == 302


def test_registration_errors_are_listed_at_the_top_and_at_the_field(client, meeting, member):
    client.force_login(member)
    response = client.post(
        f"/members/network/meetings/{meeting.pk}/register/",
        {"dietary_needs": "x" * 301, "accessibility_needs": "y" * 301},
    )
    assert response.status_code == 200
    html = response.content.decode()
    links = assert_summary_lists_every_error(html, ["id_dietary_needs", "id_accessibility_needs"])
    assert len(links) == 2
    soup = BeautifulSoup(html, "html.parser")
    field = soup.find(id="id_dietary_needs")
    assert field.get_text() == "x" * 301 or field.get("value") == "x" * 301  # kept as written
    assert "id_dietary_needs_error" in field["aria-describedby"].split()
    assert "(optional)" in soup.select_one("label[for=id_dietary_needs]").get_text()
    assert soup.find(id="id_accessibility_needs").get("maxlength") is None
    assert not meeting.registrations.filter(user=member).exists()


def test_the_meeting_page_has_no_summary_without_errors(client, meeting):
    client.force_login(MembershipFactory(network=meeting.network).user)
    soup = BeautifulSoup(client.get(meeting.url).content.decode(), "html.parser")
    assert soup.select_one("[data-error-summary]") is None
    assert soup.find(id="id_dietary_needs") is not None


def test_the_registration_notes_do_not_cut_what_is_pasted(client, meeting):
    client.force_login(MembershipFactory(network=meeting.network).user)
    soup = BeautifulSoup(client.get(meeting.url).content.decode(), "html.parser")
    for name in ("dietary_needs", "accessibility_needs"):
        field = soup.find(id=f"id_{name}")
        assert field is not None and field.get("maxlength") is None
