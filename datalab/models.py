"""Results of the data lab's heavy computations, kept so that no request has to wait for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatalabSnapshot(models.Model):
    """One computed result (e.g. the semantic map) with the fingerprint of the content it
    was computed from: when the content's fingerprint moves on, the snapshot is stale."""

    class Kind(models.TextChoices):
        SEMANTIC_MAP = "semantic_map", _("Semantic map")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, unique=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    payload = models.JSONField(_("payload"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    seconds = models.FloatField(_("seconds to compute"), default=0.0)

    class Meta:
        verbose_name = _("data lab snapshot")
        verbose_name_plural = _("data lab snapshots")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.computed_at:%Y-%m-%d %H:%M})"
