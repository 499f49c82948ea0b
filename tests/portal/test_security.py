"""Hardening: the Content-Security-Policy, the lock-out after failed logins, the API docs."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import F
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


# Content-Security-Policy


def test_public_pages_get_the_strict_policy(client, home_page):
    policy = _policy(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))


@pytest.mark.parametrize("path", ["/accounts/login/", "/search/", "/datalab/experts/"])
def test_site_pages_allow_no_inline_script(client, home_page, path):
    policy = _policy(client.get(path))
    assert policy["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/datalab/", "/datalab/map/", "/datalab/compare/"])
def test_chart_pages_get_the_strict_policy_too(client, home_page, path):
    """The data lab's charts are SVG drawn on the server: no allowance for styles or scripts."""
    policy = _policy(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "style-src-attr" not in policy
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_the_admin_gets_its_own_looser_policy(client, path):
    policy = _policy(client.get(path))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    # The page editor frames its own preview; nobody else may frame the admin.
    assert policy["frame-ancestors"] == ["'self'"]


def test_admin_avatars_are_not_fetched_from_gravatar(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert b"gravatar.com" not in response.content


# Templates the public policy applies to: no inline script, handler or style attribute.
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I), "script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "style element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _site_templates():
    root = settings.BASE_DIR / "templates"
    for path in sorted(root.rglob("*.html")):
        # Admin screens (templates/<app>/admin/) are served under /admin/ with its policy.
        if "admin" not in path.relative_to(root).parts[:-1]:
            yield path


def test_site_templates_carry_nothing_inline_that_the_policy_would_block():
    found = [
        f"{path.name}: {what}: {match.group(0)!r}"
        for path in _site_templates()
        for pattern, what in INLINE
        for match in pattern.finditer(path.read_text())
    ]
    assert not found, found


# Lock-out after failed logins (django-axes)


def _login(client, path, username, password):
    return client.post(path, {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/en/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_out_the_right_one(client, path):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin negotiates; the site is /en/
    user = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(4):
        assert _login(client, path, user.username, "wrong").status_code == 200
    fifth = _login(client, path, user.username, "wrong")
    assert fifth.status_code == 429
    refused = _login(client, path, user.username, "pw")
    assert refused.status_code == 429
    assert not _logged_in(client)
    assert "Too many failed logins" in refused.content.decode()
    assert "15 minutes" in refused.content.decode()
    assert "registration/lockout.html" in [template.name for template in refused.templates]


def test_the_lockout_is_per_user_and_address(client):
    locked, other = UserFactory(), UserFactory()
    for _ in range(5):
        _login(client, "/accounts/login/", locked.username, "wrong")
    # Another user from the same address logs in.
    assert _login(client, "/accounts/login/", other.username, "pw").status_code == 302
    assert _logged_in(client)
    # The same user from another address too: an attacker cannot lock a member out.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert _login(elsewhere, "/accounts/login/", locked.username, "pw").status_code == 302


def test_behind_a_proxy_the_lockout_keys_on_the_address_it_recorded(client, settings):
    """The proxy appends the address it saw; what the client put before it is ignored."""
    settings.ERFA_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    path = "/accounts/login/"
    for number in range(5):
        made_up = f"10.0.0.{number}, 198.51.100.9"
        client.post(
            path, {"username": user.username, "password": "x"}, HTTP_X_FORWARDED_FOR=made_up
        )
    data = {"username": user.username, "password": "pw"}
    assert client.post(path, data, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.9").status_code == 429
    # Another client behind the same proxy (same REMOTE_ADDR) is not locked out.
    assert client.post(path, data, HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 302


def test_successful_logins_never_count(client):
    user = UserFactory()
    for _ in range(10):
        assert _login(client, "/accounts/login/", user.username, "pw").status_code == 302
        client.post("/accounts/logout/")
    # A success also clears earlier failures: four, a success, four more, still let in.
    for _ in range(4):
        _login(client, "/accounts/login/", user.username, "wrong")
    assert _login(client, "/accounts/login/", user.username, "pw").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, "/accounts/login/", user.username, "wrong")
    assert _login(client, "/accounts/login/", user.username, "pw").status_code == 302
    # Nor are they recorded: who logged in when and from where is not kept.
    assert not AccessLog.objects.exists()


def test_the_cool_off_ends(client):
    user = UserFactory()
    for _ in range(5):
        _login(client, "/accounts/login/", user.username, "wrong")
    assert _login(client, "/accounts/login/", user.username, "pw").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert _login(client, "/accounts/login/", user.username, "pw").status_code == 302


def test_logins_without_a_request_are_not_guarded(client):
    """A test's client.login() or a script's authenticate() is no guessing attack."""
    user = UserFactory()
    assert client.login(username=user.username, password="pw")


# The API's documentation page


def test_api_docs_load_swagger_ui_from_this_site_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*\s(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in source for source in sources)
    for source in sources:
        assert not source.startswith(("http:", "https:", "//")), source
        assert "cdn." not in source
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), f"{source} is not a static file"
    # No inline script: the settings travel as JSON, read by Swagger UI's own init script.
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert _policy(response)["script-src"] == ["'self'"]


def test_the_development_media_route_serves_images_but_never_documents(settings):
    """Under DEBUG the media folder is served for images; documents keep going through the
    view that checks who may fetch them, so a file's address alone reveals nothing."""
    import importlib

    from django.urls import Resolver404, clear_url_caches, resolve
    from django.views.static import serve

    import portal.urls

    def view(path):
        try:
            return resolve(path).func
        except Resolver404:
            return None

    settings.DEBUG = True
    try:
        clear_url_caches()
        importlib.reload(portal.urls)
        assert view("/media/original_images/kommun.jpg") is serve
        for private in ("/media/documents/rapport.pdf", "/media/document-imports/0123abcd"):
            assert view(private) is not serve, private
    finally:
        settings.DEBUG = False
        importlib.reload(portal.urls)
        clear_url_caches()
