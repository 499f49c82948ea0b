"""Production: everything deploy-specific comes from the environment.

Refuses to load without SECRET_KEY and ERFA_BASE_URL; passes `manage.py check --deploy` with
no warnings once they and ALLOWED_HOSTS are set.
"""

import ipaddress
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters."
    )


def public_base_url(value: str) -> str:
    """ERFA_BASE_URL, checked: every e-mail, calendar feed and export links to it, so it must
    be the site's public origin (scheme and host, no path), never a local address."""
    parts = urlsplit(value.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not host:
        raise ImproperlyConfigured(
            "ERFA_BASE_URL must be set to the site's public root URL, e.g. https://erfa.example"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            "ERFA_BASE_URL must be the site's origin only (https://erfa.example), without a path."
        )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    else:
        local = address.is_loopback or address.is_unspecified
    if local:
        raise ImproperlyConfigured(
            f"ERFA_BASE_URL points at {host}: links in e-mails and feeds would not work. "
            "Set it to the site's public root URL."
        )
    return f"{parts.scheme}://{parts.netloc}"


# `make serve` on this machine only (portal/serve.py sets it when bound to loopback): plain
# HTTP, a local base URL. Never set it on a server that others reach.
SERVE_LOCAL = env_bool("ERFA_SERVE_LOCAL")
if SERVE_LOCAL:
    ERFA_BASE_URL = os.environ.get("ERFA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
else:
    ERFA_BASE_URL = public_base_url(os.environ.get("ERFA_BASE_URL", ""))
WAGTAILADMIN_BASE_URL = ERFA_BASE_URL

# Behind a reverse proxy that terminates TLS, Django learns that a request came over HTTPS
# only from the header the proxy sets. Trusting that header without such a proxy would let
# any client claim HTTPS, so it is off unless named: SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto
# (or HTTP_X_FORWARDED_PROTO); the proxy must set or strip it on every request.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    _meta_name = _proxy_ssl_header.upper().replace("-", "_")
    if not _meta_name.startswith("HTTP_"):
        _meta_name = f"HTTP_{_meta_name}"
    SECURE_PROXY_SSL_HEADER = (_meta_name, "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer asks each node over plain HTTP; a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
if SERVE_LOCAL:
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
