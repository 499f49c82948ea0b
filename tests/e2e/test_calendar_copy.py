"""The personal calendar address can be copied with one click, and stays selectable."""

import pytest

from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_copies_the_calendar_address(home_page, live_server, page, log_in):
    MemberFactory(username="karin")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in("karin")
    page.goto(f"{live_server.url}/members/network/my-meetings/")
    page.click("text=Create my calendar address")
    page.wait_for_load_state()

    address = page.input_value("#feed-url")
    assert address.endswith(".ics")
    button = page.get_by_role("button", name="Copy address")
    assert button.is_visible()
    button.click()
    status = page.locator("[data-copy-status]")
    status.filter(has_text="Copied").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("navigator.clipboard.readText()") == address
