"""Hostile input found by bench/bench_fuzz.py over HTTP on PostgreSQL: a 404 or a redirect,
never a 500."""

import pytest

from network import registrations


@pytest.mark.parametrize("token", ["%00", "abc%00def", "%C3%A5%00.x", "a%20b"])
def test_a_feed_token_that_no_feed_can_have_is_not_found(client, db, token):
    # PostgreSQL refused the NUL in the lookup (DataError, a 500); tokens are URL-safe
    # base64, so anything else is no token.
    assert client.get(f"/members/network/feeds/{token}.ics").status_code == 404
    assert client.post(f"/members/network/feeds/{token}.ics").status_code == 404


@pytest.mark.parametrize("next_value", ["90", "Infinity", "€€€", "network:my_meetings", ""])
def test_cancel_with_a_next_that_is_not_a_path_goes_back_to_the_meeting(
    client, meeting, member, next_value
):
    # A "next" without a slash was taken for a view name by redirect(): NoReverseMatch, a 500.
    registrations.register(meeting, member)
    client.force_login(member)
    response = client.post(
        f"/members/network/meetings/{meeting.pk}/cancel/", {"next": next_value, "confirm": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == meeting.url
    assert not meeting.registrations.current().exists()


def test_cancel_still_goes_back_to_a_local_path(client, meeting, member):
    registrations.register(meeting, member)
    client.force_login(member)
    response = client.post(
        f"/members/network/meetings/{meeting.pk}/cancel/",
        {"next": "/members/network/my-meetings/", "confirm": "yes"},
    )
    assert response["Location"] == "/members/network/my-meetings/"
