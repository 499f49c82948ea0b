from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from network import registrations
from network.models import Registration
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

pytestmark = [
    pytest.mark.browser,
    # Wagtail's root page and the member groups come from data migrations: keep them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_registers_cancels_and_the_waiting_list_moves_up(
    home_page, live_server, page, log_in
):
    """A member takes the last seat, sees it in My meetings and cancels; the first on the
    waiting list gets the seat and an email."""
    network = NetworkPageFactory(
        parent=NetworkIndexPageFactory(parent=home_page), title="Analysnätverket i staten"
    )
    start = timezone.now() + timedelta(days=10)
    meeting = MeetingPageFactory(
        parent=network,
        title="Datadelning och juridik",
        start=start,
        end=start + timedelta(hours=2),
        capacity=1,
        audience="members",
    )
    erik = MembershipFactory(network=network, user=MemberFactory(username="erik")).user
    waiting = MembershipFactory(network=network, user=MemberFactory(username="mette")).user

    log_in("erik")
    page.goto(f"{live_server.url}{meeting.url}")
    page.get_by_label("Dietary needs").fill("Vegetarian")
    page.get_by_role("button", name="Register", exact=True).click()
    assert "You are registered" in page.get_by_role("status").inner_text()

    registrations.register(meeting, waiting)  # the meeting is full now: Mette waits
    assert meeting.registrations.get(user=waiting).status == Registration.Status.WAITLISTED

    page.get_by_role("link", name="My meetings").first.click()
    page.wait_for_url(f"{live_server.url}/members/network/my-meetings/")
    row = page.get_by_role("row", name="Datadelning och juridik")
    assert "Registered" in row.inner_text()
    mail.outbox.clear()
    row.get_by_role("button", name="Cancel").click()
    # Nothing happens before the member confirms.
    page.get_by_role("heading", name="Cancel your registration?").wait_for()
    assert meeting.registrations.get(user=waiting).status == Registration.Status.WAITLISTED
    page.get_by_role("button", name="Yes, cancel my registration").click()

    page.wait_for_url(f"{live_server.url}/members/network/my-meetings/")
    assert "Your registration is cancelled" in page.get_by_role("status").inner_text()
    assert page.get_by_role("row", name="Datadelning och juridik").count() == 0
    assert meeting.registrations.get(user=erik).status == Registration.Status.CANCELLED
    assert meeting.registrations.get(user=waiting).status == Registration.Status.REGISTERED
    assert waiting.email in [message.to[0] for message in mail.outbox]


def test_a_member_who_starts_to_cancel_can_keep_the_seat(home_page, live_server, page, log_in):
    """Cancelling asks first; "Keep my seat" leaves the seat, and the waiting list, as they were."""
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    start = timezone.now() + timedelta(days=10)
    meeting = MeetingPageFactory(
        parent=network,
        title="Öppna data i praktiken",
        start=start,
        end=start + timedelta(hours=2),
        capacity=1,
        audience="members",
    )
    anna = MembershipFactory(network=network, user=MemberFactory(username="anna")).user
    waiting = MembershipFactory(network=network, user=MemberFactory(username="mette")).user
    registrations.register(meeting, anna)
    registrations.register(meeting, waiting)

    log_in("anna")
    page.goto(f"{live_server.url}{meeting.url}")
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_role("heading", name="Cancel your registration?").wait_for()
    assert "next person on the waiting list" in page.locator("main").inner_text()
    page.get_by_role("link", name="Keep my seat").click()

    page.wait_for_url(f"{live_server.url}{meeting.url}")
    assert page.get_by_role("button", name="Cancel my registration").is_visible()
    assert meeting.registrations.get(user=anna).status == Registration.Status.REGISTERED
    assert meeting.registrations.get(user=waiting).status == Registration.Status.WAITLISTED


def test_the_error_summary_takes_the_focus_and_leads_to_the_field(
    home_page, live_server, page, log_in
):
    """Under the site's CSP the static script focuses the summary; its link focuses the field."""
    MemberFactory(username="sofie")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in("sofie", password="wrong")  # noqa: S106 - a wrong password on purpose
    summary = page.locator("[data-error-summary]")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert summary.evaluate("element => element === document.activeElement")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert not errors, errors
