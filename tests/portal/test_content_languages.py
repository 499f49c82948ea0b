"""The site's own wording in three languages, with the language in the URL (issue 14).

Cases, lessons, networks and meetings stay single pages in the language they were written in;
the home page, the index pages, standard pages and network descriptions are translated field
by field, and fall back to the original, saying so, while a translation is missing.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from network.models import CalendarFeed
from portal.models import StandardPage
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    MeetingPageFactory,
    MemberFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

pytestmark = pytest.mark.django_db


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def h1_of(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.fixture
def home(home_page):
    home_page.hero_title = "Lär av andra myndigheter"
    home_page.hero_title_da = "Lær af andre myndigheder"
    home_page.hero_title_en = "Learn from other agencies"
    home_page.hero_text = "Erfarenheter från svenska och danska myndigheter."
    home_page.hero_text_en = "Experience from Swedish and Danish public agencies."
    home_page.save()
    return home_page


@pytest.fixture
def case_index(home):
    return CaseIndexPageFactory(
        parent=home,
        title="Fallstudier",
        title_da="Casebibliotek",
        title_en="Case library",
        seo_title="Erfarenheter från myndigheter",
        seo_title_da="Erfaringer fra myndigheder",
        intro="Så gjorde andra myndigheter.",
        intro_da="Sådan gjorde andre myndigheder.",
        intro_en="How other agencies did it.",
    )


def test_danish_case_library_has_danish_heading_intro_and_browser_title(client, case_index):
    html = client.get("/da/cases/").content.decode()
    assert '<html lang="da">' in html
    assert h1_of(html) == "Casebibliotek"
    assert "Sådan gjorde andre myndigheder." in html
    assert title_of(html) == "Erfaringer fra myndigheder · Erfa"
    assert "translation-notice" not in html


def test_a_translated_title_wins_over_an_untranslated_browser_title(client, case_index):
    html = client.get("/en/cases/").content.decode()
    assert h1_of(html) == "Case library"
    assert title_of(html) == "Case library · Erfa"


def test_unprefixed_address_is_swedish_whatever_the_cookie_says(client, case_index):
    client.cookies["django_language"] = "en"
    html = client.get("/cases/", headers={"accept-language": "da"}).content.decode()
    assert '<html lang="sv">' in html
    assert h1_of(html) == "Fallstudier"
    assert title_of(html) == "Erfarenheter från myndigheter · Erfa"


def test_english_home_page_shows_the_english_hero(client, home):
    html = client.get("/en/").content.decode()
    assert h1_of(html) == "Learn from other agencies"
    assert "Experience from Swedish and Danish public agencies." in html
    assert "Lär av andra myndigheter" not in html


def test_missing_translation_shows_the_original_with_a_notice(client, home):
    page = StandardPage(title="Om Erfa", slug="om", intro="Erfa drivs av myndigheterna själva.")
    home.add_child(instance=page)
    page.save_revision().publish()

    html = client.get("/en/om/").content.decode()
    assert '<h1 lang="sv">Om Erfa</h1>' in html
    assert '<p class="lead" lang="sv">Erfa drivs av myndigheterna själva.</p>' in html
    assert "This text is not yet available in English; shown in Swedish." in html
    # The Swedish page itself says nothing of the kind.
    assert "translation-notice" not in client.get("/om/").content.decode()


def test_network_description_is_translated_and_falls_back_to_its_own_language(client, home):
    index = NetworkIndexPageFactory(parent=home, title_en="Networks")
    network = NetworkPageFactory(
        parent=index,
        language="da",
        summary="Et netværk for digitaliseringschefer.",
        summary_en="A network for heads of digitalisation.",
    )
    english = client.get(f"/en/networks/{network.slug}/").content.decode()
    assert "A network for heads of digitalisation." in english
    assert "not yet available" not in english.split('id="purpose-heading"')[0]

    swedish = client.get(f"/networks/{network.slug}/").content.decode()
    assert '<p class="lead" lang="da">Et netværk for digitaliseringschefer.</p>' in swedish
    assert "This text is not yet available in Swedish; shown in Danish." in swedish or (
        "translation-notice" in swedish  # the notice itself is translated into Swedish
    )
    danish = client.get(f"/da/networks/{network.slug}/").content.decode()
    assert "Et netværk for digitaliseringschefer." in danish
    assert "translation-notice" not in danish


def test_a_case_is_one_page_under_every_prefix(client, case_index):
    case = CaseStudyPageFactory(parent=case_index, title="Digital ärendesortering")
    for prefix in ("", "/da", "/en"):
        response = client.get(f"{prefix}/cases/{case.slug}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert h1_of(html) == "Digital ärendesortering"  # written in Swedish, shown as written
        assert f'hreflang="en" href="/en/cases/{case.slug}/"' in html
        assert f'hreflang="da" href="/da/cases/{case.slug}/"' in html
        assert f'hreflang="sv" href="/cases/{case.slug}/"' in html
    case.refresh_from_db()
    with translation.override("sv"):
        assert case.url == f"/cases/{case.slug}/"
    with translation.override("da"):
        assert case.url == f"/da/cases/{case.slug}/"


def test_links_on_a_prefixed_page_keep_its_language(client, case_index):
    case = CaseStudyPageFactory(parent=case_index)
    html = client.get("/da/cases/").content.decode()
    assert f'href="/da/cases/{case.slug}/"' in html
    assert 'href="/da/networks/"' in html and 'href="/da/search/"' in html
    assert 'href="/da/accessibility/"' in html


def test_search_lists_a_page_once_whatever_the_language(
    client, case_index, django_capture_on_commit_callbacks
):
    case = CaseStudyPageFactory(parent=case_index, title="Nyckeltal för IT-kostnader", live=False)
    case.summary = "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal."
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    for prefix in ("", "/da", "/en"):
        html = client.get(f"{prefix}/search/", {"q": "nyckeltal IT-kostnader"}).content.decode()
        links = re.findall(rf'href="([^"]*/cases/{case.slug}/)"', html)
        assert links == [f"{prefix}/cases/{case.slug}/"], (prefix, links)


@pytest.mark.parametrize(
    ("current", "language", "expected"),
    [
        ("/cases/", "en", "/en/cases/"),
        ("/da/cases/?topic=x", "en", "/en/cases/?topic=x"),
        ("/en/cases/", "da", "/da/cases/"),
        ("/da/cases/", "sv", "/cases/"),
        ("/en/search/?q=ai", "sv", "/search/?q=ai"),
    ],
)
def test_language_switcher_goes_to_the_same_page_in_the_other_language(
    client, case_index, current, language, expected
):
    # The cookie of an earlier choice must not stop the address from being translated.
    client.cookies["django_language"] = "en" if language == "da" else "da"
    html = client.get(current).content.decode()
    assert f'name="next" type="hidden" value="{current.replace("&", "&amp;")}"' in html
    response = client.post(reverse("set_language"), {"language": language, "next": current})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert client.cookies["django_language"].value == language


def test_calendar_feed_addresses_are_unchanged_in_every_language(client, home):
    index = NetworkIndexPageFactory(parent=home)
    network = NetworkPageFactory(parent=index)
    meeting = MeetingPageFactory(parent=network)
    member = MemberFactory()
    feed = CalendarFeed.objects.create(user=member)
    for language in ("sv", "da", "en"):
        with translation.override(language):
            assert reverse("network_feeds:meeting_ics", args=[meeting.pk]) == (
                f"/members/network/meetings/{meeting.pk}.ics"
            )
            assert reverse("network_feeds:network_ics", args=[network.pk]) == (
                f"/members/network/networks/{network.pk}.ics"
            )
            assert reverse("network_feeds:personal_feed", args=[feed.token]) == (
                f"/members/network/feeds/{feed.token}.ics"
            )
    assert client.get(f"/members/network/meetings/{meeting.pk}.ics").status_code == 200
    assert client.get(f"/members/network/feeds/{feed.token}.ics").status_code == 200
    html = client.get(f"/da/networks/{network.slug}/{meeting.slug}/").content.decode()
    assert f'href="/members/network/meetings/{meeting.pk}.ics"' in html


def test_admin_api_and_feeds_keep_negotiating_their_language(client, home):
    response = client.get("/api/openapi.json", headers={"accept-language": "da"})
    assert response["Content-Language"] == "da"


def test_editor_translates_in_a_translations_tab(admin_client, case_index):
    html = admin_client.get(f"/admin/pages/{case_index.pk}/edit/").content.decode()
    assert "Translations" in html or "Översättningar" in html
    for field in ("title_da", "title_en", "seo_title_da", "intro_da", "intro_en"):
        assert f'name="{field}"' in html
