"""The main pages under axe-core: no "serious" or "critical" violation, in Swedish, Danish
and English, on a desktop screen and on a phone.

This is the automated part of what the accessibility statement (/accessibility/) reports;
axe finds perhaps half of what WCAG asks, so it is a floor, not a proof.
"""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.factories import (
    CaseIndexPageFactory,
    LessonIndexPageFactory,
    LessonLearnedPageFactory,
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 390, "height": 844}}
LANGUAGES = ("sv", "da", "en")
BLOCKING = {"serious", "critical"}
DRAWN = ".datalab-figure--drawn"


@pytest.fixture
def site(home_page, publish_cases):
    cases, organisations = publish_cases(3)
    lesson = LessonLearnedPageFactory(parent=LessonIndexPageFactory(parent=home_page))
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    start = timezone.now() + timedelta(days=10)
    meeting = MeetingPageFactory(parent=network, start=start, end=start + timedelta(hours=2))
    se, dk = organisations["SE"].slug, organisations["DK"].slug
    yield [
        ("/", None),
        ("/cases/", None),
        (cases[0].url, None),
        (lesson.get_parent().url, None),
        (network.get_parent().url, None),
        (network.url, None),
        (meeting.url, None),
        ("/search/?q=chattbot", "ol.search-results"),
        ("/datalab/", DRAWN),
        ("/datalab/map/", DRAWN),
        ("/datalab/experts/?q=chatbot", None),
        (f"/datalab/compare/?org={se}&org={dk}", DRAWN),
        ("/accounts/login/", None),
        ("/accessibility/", None),
    ]


def _describe(where: str, violation: dict) -> str:
    targets = "; ".join(
        " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
        for node in violation["nodes"]
    )
    return (
        f"{where}: {violation['id']} ({violation['impact']}) – {violation['help']}\n"
        f"    targets: {targets}"
    )


def _blocking_violations(axe: Axe, page, where: str) -> list[str]:
    results = axe.run(page)
    return [
        _describe(where, violation)
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.fixture
def member_pages(home_page):
    """A member of a network, and the pages only members see: their account, the form to
    share a case, their meetings, and the network's members-only meeting with its form."""
    CaseIndexPageFactory(parent=home_page)
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    start = timezone.now() + timedelta(days=10)
    meeting = MeetingPageFactory(
        parent=network, start=start, end=start + timedelta(hours=2), audience="members"
    )
    member = MemberFactory(username="medlem")
    MembershipFactory(network=network, user=member)
    return member, [
        ("/members/account/", None),
        ("/members/cases/share/", "form"),
        ("/members/cases/mine/", None),
        ("/members/network/my-meetings/", None),
        (network.url, None),
        (meeting.url, "#id_dietary_needs"),
    ]


def test_member_pages_have_no_serious_or_critical_violations(
    page, log_in, live_server, member_pages, settings
):
    member, paths = member_pages
    page.set_viewport_size(VIEWPORTS["desktop"])
    log_in(member.username)
    axe = Axe()
    found = []
    for language in ("sv", "en"):
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        for path, wait_for in paths:
            response = page.goto(f"{live_server.url}{prefix}{path}")
            assert response.ok, f"{path}: {response.status}"
            assert "/accounts/login/" not in page.url, f"{path}: not signed in"
            assert page.locator("html").get_attribute("lang") == language, path
            if wait_for:
                page.wait_for_selector(wait_for)
            page.wait_for_load_state("networkidle")
            found += _blocking_violations(axe, page, f"desktop {language} {path} (member)")
        # The form again with its errors: the summary at the top, each field marked invalid.
        page.goto(f"{live_server.url}{prefix}/members/cases/share/")
        page.fill("#id_title", "")
        page.click("form.stacked-form button[type=submit]")
        page.wait_for_selector("[data-error-summary]")
        found += _blocking_violations(axe, page, f"desktop {language} share form with errors")
    assert not found, f"{len(found)} serious or critical violation(s):\n" + "\n".join(found)


def test_main_pages_have_no_serious_or_critical_violations(browser, live_server, site, settings):
    axe = Axe()
    found = []
    for viewport_name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            for language in LANGUAGES:
                # The language is in the address: the default one (English in the browser
                # tests, conftest.py) without a prefix, the others /sv/…, /da/….
                prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
                for path, wait_for in site:
                    response = page.goto(f"{live_server.url}{prefix}{path}")
                    assert response.ok, f"{path}: {response.status}"
                    assert page.locator("html").get_attribute("lang") == language, path
                    if wait_for:
                        page.wait_for_selector(wait_for)
                    page.wait_for_load_state("networkidle")
                    found += _blocking_violations(axe, page, f"{viewport_name} {language} {path}")
        finally:
            context.close()
    assert not found, f"{len(found)} serious or critical violation(s):\n" + "\n".join(found)
