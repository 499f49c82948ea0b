"""A member downloads their data and closes their account."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from cases.models import CaseStudyPage
from network import registrations
from network.models import CalendarFeed, Membership, Registration
from portal.models import MemberProfile
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACCOUNT = "/members/account/"
DATA = "/members/account/data.json"
CLOSE = "/members/account/close/"


@pytest.fixture(autouse=True)
def english_ui(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(home_page):
    """Anna: a member with a profile, a network, a seat at a full meeting (Bo waits for it),
    a past meeting she attended, a calendar feed, a published case and a draft."""
    anna = MemberFactory(
        username="anna", first_name="Anna", last_name="Berg", email="anna@example.org"
    )
    anna.member_profile.job_title = "Controller"
    anna.member_profile.phone = "+46 8 123 45"
    anna.member_profile.save()
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    MembershipFactory(network=network, user=anna, role="coordinator")
    bo = MemberFactory(username="bo", email="bo@example.org")
    MembershipFactory(network=network, user=bo)
    upcoming = MeetingPageFactory(parent=network, title="Höstträffen", capacity=1)
    seat = registrations.register(upcoming, anna, dietary_needs="Glutenfri")
    waiting = registrations.register(upcoming, bo)
    ended = timezone.now() - timedelta(days=3)
    past = MeetingPageFactory(
        parent=network, title="Vårträffen", start=ended - timedelta(hours=2), end=ended
    )
    attended = Registration.objects.create(
        meeting=past, user=anna, status="attended", accessibility_needs="Rullstol"
    )
    feed = CalendarFeed.objects.create(user=anna)
    cases = CaseIndexPageFactory(parent=home_page)
    published = CaseStudyPageFactory(parent=cases, title="Nyckeltal för IT", owner=anna)
    draft = CaseStudyPageFactory(parent=cases, title="Ett utkast", owner=anna, live=False)
    mail.outbox.clear()
    return {
        "anna": anna,
        "bo": bo,
        "seat": seat,
        "waiting": waiting,
        "attended": attended,
        "feed": feed,
        "published": published,
        "draft": draft,
    }


def test_the_account_pages_need_a_login(client, home_page):
    for url in (ACCOUNT, DATA, CLOSE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert client.post(CLOSE, {"password": "pw", "confirm": "on"}).status_code == 302


def test_the_account_area_is_linked_from_every_page(client, home_page):
    client.force_login(MemberFactory())
    assert f'href="{ACCOUNT}"' in client.get("/").content.decode()
    page = client.get(ACCOUNT).content.decode()
    assert f'href="{DATA}"' in page and f'href="{CLOSE}"' in page


def test_a_member_downloads_their_data(client, world):
    other = MemberFactory(username="carl", email="carl@example.org")
    client.force_login(world["anna"])
    response = client.get(DATA)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "anna@example.org"
    assert data["profile"]["job_title"] == "Controller"
    assert data["profile"]["phone"] == "+46 8 123 45"
    assert [m["role"] for m in data["networks"]["memberships"]] == ["coordinator"]
    notes = {
        r["meeting"]: (r["status"], r["dietary_needs"], r["accessibility_needs"])
        for r in data["networks"]["meeting_registrations"]
    }
    assert notes == {
        "Höstträffen": ("registered", "Glutenfri", ""),
        "Vårträffen": ("attended", "", "Rullstol"),
    }
    assert data["networks"]["calendar_feed"]["token"] == world["feed"].token
    submissions = {s["title"]: s["state"] for s in data["cases"]["case_submissions"]}
    assert submissions == {"Nyckeltal för IT": "published", "Ett utkast": "draft"}
    assert "carl" not in response.content.decode() and other.email not in str(data)


def _close(client, user, **data):
    client.force_login(user)
    return client.post(CLOSE, {"password": "pw", "confirm": "on", **data})


def test_closing_needs_the_password_and_the_confirmation(client, world):
    anna = world["anna"]
    response = _close(client, anna, password="wrong")
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert _close(client, anna, confirm="").status_code == 200
    anna.refresh_from_db()
    assert anna.is_active and anna.email == "anna@example.org"
    assert Registration.objects.get(pk=world["seat"].pk).status == "registered"


def test_closing_is_a_post_with_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert _close(client, world["anna"]).status_code == 403
    assert get_user_model().objects.get(pk=world["anna"].pk).is_active


def test_closing_an_account(client, world, django_capture_on_commit_callbacks):
    anna = world["anna"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _close(client, anna)
    assert response.status_code == 302
    closed = client.get(response.url)
    assert "Your account is closed" in closed.content.decode()

    # Logged out, and the old password no longer works.
    assert client.get(ACCOUNT).status_code == 302
    assert not client.login(username="anna", password="pw")

    # The person is gone from the account.
    anna.refresh_from_db()
    assert anna.username == f"former-member-{anna.pk}"
    assert (anna.first_name, anna.last_name, anna.email) == ("", "", "")
    assert not anna.is_active and not anna.has_usable_password()
    assert not anna.groups.exists()
    assert not MemberProfile.objects.filter(user=anna).exists()

    # The seat went to the waiting list, through the usual path: Bo is told (and nothing
    # goes to the closed account).
    assert Registration.objects.get(pk=world["seat"].pk).status == "cancelled"
    assert Registration.objects.get(pk=world["waiting"].pk).status == "registered"
    assert [message.to for message in mail.outbox] == [["bo@example.org"]]

    # Memberships ended, the calendar address no longer works.
    assert set(Membership.objects.filter(user=anna).values_list("status", flat=True)) == {"left"}
    assert not CalendarFeed.objects.filter(user=anna).exists()
    assert client.get(f"/members/network/feeds/{world['feed'].token}.ics").status_code == 404

    # Past attendance stays as an anonymous count, without the notes.
    attended = Registration.objects.get(pk=world["attended"].pk)
    assert attended.status == "attended" and attended.accessibility_needs == ""
    assert attended.notes_removed

    # The published case stays, owned by a nameless former member; the draft is withdrawn.
    published = CaseStudyPage.objects.get(pk=world["published"].pk)
    assert published.live and published.owner_id == anna.pk
    assert "Anna" not in (published.owner.get_full_name() + published.owner.get_username())
    assert not CaseStudyPage.objects.filter(pk=world["draft"].pk).exists()


def test_superusers_are_not_closed_from_the_site(client, home_page):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.post(CLOSE, {"password": "pw", "confirm": "on"}).status_code == 403
    admin.refresh_from_db()
    assert admin.is_active
