"""The site has an icon, linked from every page and at /favicon.ico for browsers that ask."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_every_page_links_the_svg_icon(client, home_page):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    assert "portal/favicon" in html and 'type="image/svg+xml"' in html


def test_favicon_ico_redirects_to_the_icon_instead_of_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert "portal/favicon" in response.url and response.url.endswith(".svg")


def test_the_icon_is_a_static_svg():
    path = finders.find("portal/favicon.svg")
    assert path
    with open(path, encoding="utf-8") as icon:
        assert icon.read().startswith("<svg ")
