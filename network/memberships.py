"""Joining and leaving networks; coordinators approve or decline requests."""

from django.db import transaction
from django.utils import timezone

from .models import Membership, NetworkPage


@transaction.atomic
def join(network: NetworkPage, user) -> Membership:
    """Open networks take members at once; the others record a request for coordinators."""
    membership, created = Membership.objects.select_for_update().get_or_create(
        network=network, user=user
    )
    if not created and membership.status in (Membership.Status.ACTIVE, Membership.Status.REQUESTED):
        return membership
    membership.requested_at = timezone.now()
    if network.join_policy == NetworkPage.JoinPolicy.OPEN:
        _activate(membership)
    else:
        membership.status = Membership.Status.REQUESTED
        membership.since = None
    # Someone who left as coordinator comes back as a member.
    membership.role = Membership.Role.MEMBER
    membership.save()
    return membership


def leave(membership: Membership) -> None:
    membership.status = Membership.Status.LEFT
    membership.since = None
    membership.save(update_fields=["status", "since"])


def approve(membership: Membership) -> None:
    if membership.status != Membership.Status.REQUESTED:
        return
    _activate(membership)
    membership.save(update_fields=["status", "since"])


def decline(membership: Membership) -> None:
    if membership.status != Membership.Status.REQUESTED:
        return
    membership.status = Membership.Status.DECLINED
    membership.save(update_fields=["status"])


def _activate(membership: Membership) -> None:
    membership.status = Membership.Status.ACTIVE
    membership.since = timezone.now()
