import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A secret address for a user's personal calendar feed; calendar apps send no cookies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    # When the current address was issued: saving happens only when it is made or replaced.
    issued_at = models.DateTimeField(_("address issued"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = self.new_token()
        super().save(*args, **kwargs)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def regenerate(self) -> None:
        """Issue a new address; the old one stops working at once."""
        self.token = self.new_token()
        self.save(update_fields=["token", "issued_at"])
