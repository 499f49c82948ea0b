"""Which language to write to a user in, and remembering the one they use.

Mail goes out from tasks, long after the request: it is written in the user's chosen
language, else the one they last used on the site, else the site's default. Wagtail writes
its own workflow mail in the user's Wagtail profile language, so that is kept the same.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from .models import UserLanguage

_SESSION_KEY = "erfa_language_recorded"
_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for(user, fallback: str = "") -> str:
    """The language to write to ``user`` in."""
    if user is not None and user.pk:
        setting = UserLanguage.objects.filter(user=user).first()
        if setting is not None and (setting.chosen or setting.last_used):
            return setting.effective
    return fallback if fallback in _SUPPORTED else settings.LANGUAGE_CODE


def set_language(user, *, chosen: str | None = None, last_used: str | None = None) -> UserLanguage:
    """Record a choice (``chosen``, "" to follow the site) or a visit's language."""
    setting, _created = UserLanguage.objects.get_or_create(user=user)
    if chosen is not None:
        setting.chosen = chosen if chosen in _SUPPORTED else ""
    if last_used is not None and last_used in _SUPPORTED:
        setting.last_used = last_used
    setting.save()
    _sync_wagtail_profile(user, setting.effective)
    return setting


def _sync_wagtail_profile(user, language: str) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != language:
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])


class RememberLanguageMiddleware:
    """Records a signed-in user's interface language when it changes (once per session and
    language, so an ordinary request costs no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = (translation.get_language() or "")[:2]
        if (
            user is not None
            and user.is_authenticated
            and language in _SUPPORTED
            and not request.path.startswith("/admin/")  # the admin follows the profile
            and request.session.get(_SESSION_KEY) != language
        ):
            set_language(user, last_used=language)
            request.session[_SESSION_KEY] = language
        return self.get_response(request)
