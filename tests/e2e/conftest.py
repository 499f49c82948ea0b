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
