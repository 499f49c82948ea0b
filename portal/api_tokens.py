"""Personal API tokens: read-only keys a member gives an intranet integration.

Not Wagtail's own ``APIToken`` (Wagtail 8): that one authenticates Wagtail's API as the user,
with all their rights; a key given to an intranet reads Erfa's content API and nothing else.

Only a SHA-256 hash of each key is stored, so a copy of the database reveals no key; the key
itself is shown once, when it is made. Keys are 256 random bits, so a fast hash is enough (a
slow password hash guards guessable secrets; nobody guesses 256 bits). A revoked key stops
working at once and stays listed, so its owner can see when it was last used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "erfa_"
# How stale last_used_at may get: one write a minute per token, not one per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def create_for(self, user, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user`` and its key: the only time the key is known."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, key_hash=hash_key(key))
        return token, key

    def authenticate(self, key: str) -> ApiToken | None:
        """The active token whose key is ``key`` (its user's account active), else None."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None  # never a key: no database lookup
        token = self.active().select_related("user").filter(key_hash=hash_key(key)).first()
        if token is not None:
            token.record_use()
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erfa_api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the key is for, e.g. the intranet.")
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} – {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def record_use(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
