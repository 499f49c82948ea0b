"""Networks, their meetings, memberships, registrations and calendar feeds."""

from .calendar_feeds import CalendarFeed
from .case_links import MeetingLesson, NetworkSharedCase
from .meeting_pages import MeetingPage, MeetingTimeZone
from .memberships import Membership, MembershipQuerySet
from .network_pages import (
    NetworkCountry,
    NetworkIndexPage,
    NetworkPage,
    coordinated_networks,
    networks_run_by,
)
from .permissions import NetworkPermissionTester
from .registrations import Registration, RegistrationQuerySet

__all__ = [
    "CalendarFeed",
    "MeetingLesson",
    "MeetingPage",
    "MeetingTimeZone",
    "Membership",
    "MembershipQuerySet",
    "NetworkCountry",
    "NetworkIndexPage",
    "NetworkPage",
    "NetworkPermissionTester",
    "NetworkSharedCase",
    "Registration",
    "RegistrationQuerySet",
    "networks_run_by",
    "coordinated_networks",
]
