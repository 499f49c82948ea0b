from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from . import admin_privacy, admin_urls
from .models import MeetingPage, Membership, NetworkPage, coordinated_networks


@hooks.register("register_admin_urls")
def register_network_admin_urls():
    return [path("network/", include(admin_urls, namespace="network_admin"))]


class CoordinatorMenuItem(MenuItem):
    """Shown to those who coordinate at least one network (and to administrators)."""

    def is_shown(self, request):
        return coordinated_networks(request.user).exists()


class MembershipAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("network.change_membership")


@hooks.register("register_admin_menu_item")
def register_network_menu():
    menu = Menu(
        items=[
            CoordinatorMenuItem(
                _("Meetings and attendees"),
                reverse("network_admin:meetings"),
                icon_name="date",
                order=100,
            ),
            CoordinatorMenuItem(
                _("Requests to join"),
                reverse("network_admin:membership_requests"),
                icon_name="user",
                order=200,
            ),
            MembershipAdminMenuItem(
                _("Memberships"),
                reverse("network_memberships:index"),
                icon_name="group",
                order=300,
            ),
        ]
    )
    return SubmenuMenuItem(_("Networks"), menu, icon_name="group", name="networks", order=250)


@hooks.register("register_page_header_buttons")
def meeting_attendees_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, MeetingPage) and page.specific.network.is_run_by(user):
        yield Button(
            _("Attendees"),
            reverse("network_admin:attendees", args=[page.pk]),
            icon_name="group",
            priority=25,
        )


@hooks.register("after_create_page")
def make_creator_coordinator(request, page):
    """Whoever creates a network coordinates it, so they can go on to plan its meetings."""
    if isinstance(page.specific_deferred, NetworkPage) and not request.user.is_superuser:
        Membership.objects.update_or_create(
            network=page.specific,
            user=request.user,
            defaults={
                "role": Membership.Role.COORDINATOR,
                "status": Membership.Status.ACTIVE,
                "since": timezone.now(),
            },
        )


class MembershipViewSet(ModelViewSet):
    """Administrators appoint coordinators and correct memberships here."""

    model = Membership
    icon = "group"
    menu_label = _("Memberships")
    add_to_admin_menu = False
    list_display = ["user", "network", "role", "status", "since"]
    list_filter = ["network", "role", "status"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    form_fields = ["user", "network", "role", "status", "since"]


@hooks.register("register_admin_viewset")
def register_membership_viewset():
    return MembershipViewSet("network_memberships")


# What coordinators may read in the admin (admin_privacy): the page chooser lists readable
# pages only, the reports menu leaves out the moderators' reports, and the page bulk actions
# replace Wagtail's own (registered after them, hence the order).
hooks.register("construct_page_chooser_queryset", admin_privacy.chooser_pages)
hooks.register("construct_reports_menu", admin_privacy.hide_moderator_reports)
for bulk_action in admin_privacy.BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action, order=100)
