"""Absolute links to the site, for places that have no request: e-mails, calendar feeds, exports.

Every absolute URL Erfa writes starts with the one configured root URL, ``ERFA_BASE_URL``
(which also feeds Wagtail's ``WAGTAILADMIN_BASE_URL``): never the host of whichever request
happened to trigger the work, and never the hostname in Wagtail's Site record (``localhost``
in a demo database). production.py refuses to start without it, or with a local address.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def base_url() -> str:
    """The site's root URL, without a trailing slash: ``https://erfa.example``."""
    return settings.ERFA_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (a path such as ``reverse()`` gives, or any URL of this site) on the root URL.

    A scheme and host already in ``path`` are replaced: the site's own links may carry the
    hostname of a Wagtail Site record, which is not the public address."""
    parts = urlsplit(path)
    relative = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if not relative.startswith("/"):
        relative = "/" + relative
    return base_url() + relative


def page_url(page) -> str | None:
    """A Wagtail page's public address, or None where the page is not routable."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    _site_id, _root_url, page_path = parts
    return absolute_url(page_path)
