"""One-click unsubscribe: a signed token naming one saved search of one user, so the link in
an e-mail works without signing in and cannot be forged for anyone else's search."""

from django.core import signing

from .models import SavedSearch

_SALT = "alerts.unsubscribe"


def unsubscribe_token(saved_search: SavedSearch) -> str:
    return signing.dumps({"s": saved_search.pk, "u": saved_search.user_id}, salt=_SALT)


def saved_search_for(token: str) -> SavedSearch | None:
    """The saved search a token names, or None for a forged, mangled or stale token."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return SavedSearch.objects.filter(pk=data.get("s"), user_id=data.get("u")).first()
