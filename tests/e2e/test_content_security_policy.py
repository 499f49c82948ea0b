"""The main pages under their Content-Security-Policy in a real browser: nothing refused.

Chromium reports every blocked script, style or request as a ``securitypolicyviolation``
event and as a "Refused to …" / "… violates the following Content Security Policy
directive …" console message; any of either fails the test, with the page it came from.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from network import registrations
from tests.factories import (
    LessonIndexPageFactory,
    LessonLearnedPageFactory,
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs in every document before the page's own scripts; a CSP does not apply to it.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""
CSP_CONSOLE = ("Refused to", "Content Security Policy")


@pytest.fixture
def site(home_page, publish_cases):
    """A little of everything: cases (indexed and mapped), lessons, a network and a meeting."""
    cases, by_country = publish_cases(4)
    organisations = [by_country["SE"], by_country["DK"]]
    lesson = LessonLearnedPageFactory(parent=LessonIndexPageFactory(parent=home_page))
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    start = timezone.now() + timedelta(days=10)
    meeting = MeetingPageFactory(
        parent=network, start=start, end=start + timedelta(hours=2), audience="members"
    )
    member = MembershipFactory(network=network, user=MemberFactory(username="erik")).user
    registrations.register(meeting, member)
    yield {
        "case": cases[0],
        "lesson": lesson,
        "network": network,
        "meeting": meeting,
        "organisations": organisations,
    }


@pytest.fixture
def violations(page):
    """Collects what the policy refused; ``violations()`` returns and clears it."""
    console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if any(marker in message.text for marker in CSP_CONSOLE)
            else None
        ),
    )

    def _collect() -> list[str]:
        found = console + page.evaluate("window.__cspViolations || []")
        console.clear()
        page.evaluate("window.__cspViolations = []")
        return found

    return _collect


def _hover_charts(page):
    """Move over every chart, so that hover labels and tooltips are drawn too."""
    for figure in page.locator(".datalab-figure--drawn").all():
        box = figure.bounding_box()
        for step in range(1, 20):
            for height in (0.3, 0.5, 0.7):
                page.mouse.move(
                    box["x"] + box["width"] * step / 20, box["y"] + box["height"] * height
                )


def _visit(page, live_server, path, violations, *, wait_for=None, charts=False) -> list[str]:
    response = page.goto(f"{live_server.url}{path}")
    assert response.ok, f"{path}: {response.status}"
    assert response.headers.get("content-security-policy"), f"{path} has no CSP"
    if wait_for:
        page.wait_for_selector(wait_for)
    if charts:
        _hover_charts(page)
    page.wait_for_load_state("networkidle")
    return [f"{path}: {violation}" for violation in violations()]


def test_public_and_member_pages_run_under_the_policy(page, live_server, site, log_in, violations):
    se, dk = (organisation.slug for organisation in site["organisations"])
    found = []
    for path, options in [
        ("/", {}),
        ("/cases/", {}),
        (site["case"].url, {}),
        (site["lesson"].get_parent().url, {}),
        (site["lesson"].url, {}),
        (site["network"].get_parent().url, {}),
        (site["network"].url, {}),
        ("/search/?q=chattbot", {"wait_for": "ol.search-results"}),
        ("/datalab/", {"wait_for": ".datalab-figure--drawn", "charts": True}),
        ("/datalab/map/", {"wait_for": ".datalab-figure--drawn", "charts": True}),
        ("/datalab/experts/?q=chatbot", {}),
        (f"/datalab/compare/?org={se}&org={dk}", {"wait_for": ".datalab-figure--drawn"}),
        ("/api/docs", {"wait_for": ".swagger-ui .opblock"}),
        ("/accounts/login/", {}),
    ]:
        found += _visit(page, live_server, path, violations, **options)
    # The map's hover labels are the last place styled text could appear.
    page.goto(f"{live_server.url}/datalab/map/")
    page.wait_for_selector(".datalab-figure--drawn .point")
    for point in page.locator(".datalab-figure--drawn .point").all():
        point.hover(force=True)
    found += [f"map hover: {violation}" for violation in violations()]

    log_in("erik")
    for path in (site["meeting"].url, "/members/network/my-meetings/", "/members/cases/share/"):
        found += _visit(page, live_server, path, violations)
    assert not found, "\n".join(found)


def test_the_admin_and_the_editors_userbar_run_under_their_policies(
    page, live_server, site, log_in, violations
):
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/")
    found = violations()
    for path in (
        "/admin/",
        f"/admin/pages/{site['case'].pk}/edit/",
        f"/admin/pages/{site['meeting'].pk}/edit/",
        "/admin/images/",
        "/admin/users/",
    ):
        found += _visit(page, live_server, path, violations)
    # A public page with Wagtail's userbar, opened.
    found += _visit(page, live_server, site["case"].url, violations)
    page.locator("#wagtail-userbar-trigger").click()
    page.wait_for_load_state("networkidle")
    found += [f"userbar: {violation}" for violation in violations()]
    assert not found, "\n".join(found)
