"""The accessibility statement: in all three languages, and linked from every page's footer."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["sv", "da", "en"])
def test_the_statement_answers_in_each_language(client, settings, language):
    settings.ERFA_ACCESSIBILITY_CONTACT = "access@erfa.example"
    with translation.override(language):
        url = reverse("accessibility")  # the language is in the address: /da/accessibility/
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for required in ("WCAG 2.1", "EN 301 549", "axe", "Digg", "Digitaliseringsstyrelsen"):
        assert required in html, required
    assert 'href="mailto:access@erfa.example"' in html


def test_the_footer_links_to_the_statement(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    footer = response.content.decode().split('<footer class="site-footer">', 1)[1]
    assert f'href="{reverse("accessibility")}"' in footer
