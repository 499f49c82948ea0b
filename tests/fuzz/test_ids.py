"""Ids in URLs past what a 64-bit column holds: a 404, never a 500 (SQLite raised
OverflowError on the lookup)."""

import pytest
from django.urls import get_resolver

from portal.converters import MAX_ID

PAST_64_BITS = "99999999999999999999"
OWN_APPS = ("portal.", "cases.", "network.", "search.", "datalab.")


def _id_patterns():
    """Every URL pattern of the project's own apps that takes an id, as a fill-in template."""
    found = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if hasattr(entry, "url_patterns"):
                walk(entry, route)
            elif ("<id:" in route or "<int:" in route) and entry.callback.__module__.startswith(
                OWN_APPS
            ):
                found.append(route)

    walk(get_resolver())
    return found


def test_own_apps_take_ids_through_the_bounded_converter():
    routes = _id_patterns()
    assert any("meetings/<id:meeting_id>" in route for route in routes)
    assert not [route for route in routes if "<int:" in route]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/similar/{PAST_64_BITS}/",
        f"/api/similar/{MAX_ID}/",
        "/api/similar/-1/",
        f"/members/network/meetings/{PAST_64_BITS}.ics",
        f"/members/network/meetings/{MAX_ID}.ics",
        f"/members/network/networks/{PAST_64_BITS}.ics",
        f"/members/network/meetings/{PAST_64_BITS}/register/",
        f"/admin/network/meetings/{PAST_64_BITS}/",
        f"/admin/network/meetings/{PAST_64_BITS}/attendees.csv",
        f"/admin/pages/{PAST_64_BITS}/",
    ],
)
def test_an_id_past_64_bits_is_not_found(admin_client, home_page, url):
    assert admin_client.get(url, follow=True).status_code in (404, 422)
