"""My meetings offers a copy button for the calendar address, without inline script."""

import pytest

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_address_is_shown_with_a_copy_button_and_its_script(client, home_page, settings):
    settings.LANGUAGE_CODE = "en"
    member = MemberFactory()
    client.force_login(member)
    client.post("/members/network/feeds/new/")
    html = client.get("/members/network/my-meetings/").content.decode()
    assert 'id="feed-url"' in html and "readonly" in html
    # Hidden until the script finds a clipboard to copy to: progressive enhancement.
    assert 'data-copy-target="feed-url"' in html
    assert 'data-copied="Copied"' in html
    assert 'aria-live="polite"' in html
    assert "network/js/copy" in html
    assert "onclick" not in html


def test_no_copy_button_before_there_is_an_address(client, home_page):
    client.force_login(MemberFactory())
    html = client.get("/members/network/my-meetings/").content.decode()
    assert "data-copy-target" not in html
