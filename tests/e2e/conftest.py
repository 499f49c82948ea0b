"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test itself are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Playwright's running event loop gives Django's connection handler a new context
        # without the serialized test database: without it serialized_rollback silently
        # restores nothing, and every transactional test after a browser test finds the
        # migrations' data (root page, locale, groups) flushed away.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def english_site(settings):
    """The browser tests read the site in English, as their browsers ask (en-GB). The site
    takes its language from the address, not the browser: English is made the language
    without a prefix, so the tests' addresses (/cases/, /search/) are English pages."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """Log a user in through the login form: ``log_in(username, password="pw")``."""

    def _log_in(username: str, password: str = "pw") -> None:  # noqa: S107 - the factories' test password
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form.stacked-form button[type=submit]")
        page.wait_for_load_state()

    return _log_in


# Cases in both languages the browser tests publish: title, language, country, summary.
CASES = [
    ("Chattbot i kontaktcenter", "sv", "SE", "En chattbot svarar invånarna på vanliga frågor."),
    ("Chatbot i borgerservice", "da", "DK", "En chatbot besvarer borgernes spørgsmål."),
    ("Öppna geodata", "sv", "SE", "Kartor och fastighetsdata släpps fritt som öppna data."),
    ("Åbne data om virksomheder", "da", "DK", "Data om virksomheder udgives frit via et API."),
    ("Riskbaserad tillsyn", "sv", "SE", "Urval till tillsyn görs med en riskmodell."),
]


@pytest.fixture
def publish_cases(home_page, settings, tmp_path):
    """``publish_cases(n)``: the first ``n`` of CASES published under /cases/, indexed and
    mapped by the tasks publication enqueues; returns (cases, organisations by country)."""
    from django.utils.text import slugify

    from cases.models import CaseIndexPage, CaseStudyPage
    from search.state import reset_caches
    from tests.factories import OrganisationFactory, TopicFactory

    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    reset_caches()

    def publish(count: int = len(CASES)):
        index = CaseIndexPage(title="Fallstudier", slug="cases")
        home_page.add_child(instance=index)
        topic = TopicFactory(slug="service", name_en="Service")
        organisations = {country: OrganisationFactory(country=country) for country in ("SE", "DK")}
        cases = []
        for number, (title, language, country, summary) in enumerate(CASES[:count]):
            case = CaseStudyPage(
                title=title,
                slug=slugify(title),
                summary=summary,
                language=language,
                country=country,
                start_date=f"{2020 + number}-01-01",
                live=False,
            )
            case.organisations = [organisations[country]]
            case.topics = [topic]
            index.add_child(instance=case)
            case.save_revision().publish()  # autocommit: indexing and the map refresh run now
            cases.append(case)
        return cases, organisations

    yield publish
    reset_caches()
