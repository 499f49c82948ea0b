"""The language of a request: from its URL on the site, negotiated elsewhere.

The site's pages carry their language in the URL (``/da/…``, ``/en/…``; Swedish without a
prefix), so a shared link opens in the language it was shared in. The addresses outside the
language prefixes (the admin, the API, calendar feeds, the language switch) keep choosing by
the visitor's cookie and ``Accept-Language``: Django's ``LocaleMiddleware`` would give every
unprefixed address the default language once ``i18n_patterns`` is in use.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.conf.urls.i18n import set_language as django_set_language
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, URLResolver, get_resolver
from django.utils import translation


def localized_path(path: str, language: str | None = None) -> str:
    """``path`` (an address on the site, without a prefix) in ``language`` (the active one
    by default): ``/cases/`` is ``/da/cases/`` in Danish and stays ``/cases/`` in Swedish."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language == settings.LANGUAGE_CODE or language not in dict(settings.LANGUAGES):
        return path
    return f"/{language}{path}"


def without_language_prefix(path: str) -> str:
    """``/da/cases/`` -> ``/cases/``; an unprefixed path is returned as it is."""
    language = translation.get_language_from_path(path)
    if not language:
        return path
    return path.removeprefix(f"/{language}") or "/"


def outside_language_prefixes(path: str, urlconf=None) -> bool:
    """Whether ``path`` is one of the addresses declared before ``i18n_patterns``."""
    path = path.removeprefix("/")
    for pattern in get_resolver(urlconf).url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            return False
        try:
            if pattern.resolve(path):
                return True
        except Resolver404:
            continue
    return False


class LanguageMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware``, except that addresses outside the language prefixes
    negotiate their language as they did before the site had prefixes."""

    def __call__(self, request):
        if self.async_mode:  # under ASGI each request has its own context already
            return super().__call__(request)
        previous = translation.get_language()
        try:
            return super().__call__(request)
        finally:
            # A request's language ends with it. Now that reverse() and page URLs follow the
            # active language, an in-process caller (the test client, a management command
            # rendering a page) must not be left in the language of the last page it asked for.
            translation.activate(previous or settings.LANGUAGE_CODE)

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if translation.get_language_from_path(request.path_info) or not outside_language_prefixes(
            request.path_info, urlconf
        ):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
        return None


def set_language(request):
    """Django's ``set_language``, resolving ``next`` in the language of its own prefix.

    Django translates ``next`` by resolving it in the language active for this request (the
    cookie's): ``/da/cases/`` would not resolve for an English cookie, and an unprefixed path
    would resolve as a page path under a Danish one (``/en/da/cases/``).
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(unquote(urlsplit(next_url).path))
    with translation.override(language or settings.LANGUAGE_CODE):
        return django_set_language(request)
