"""Who belongs to which network, and who coordinates it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.REQUESTED).order_by("requested_at")

    def coordinated_by(self, user):
        """Memberships in the networks ``user`` coordinates (all of them for superusers):
        who asks to join a network is its coordinators' business, not the moderators'."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        coordinated = Membership.objects.active().filter(
            user=user, role=Membership.Role.COORDINATOR
        )
        return self.filter(network__in=coordinated.values("network"))


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("user"),
    )
    network = models.ForeignKey(
        "network.NetworkPage",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("network"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    since = models.DateTimeField(_("member since"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["network", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="network_one_membership")
        ]

    def __str__(self):
        return f"{self.user} – {self.network} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
