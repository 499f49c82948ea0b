from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.pages import PageListingViewSet

from portal.models import is_moderator

from . import outcome_admin
from .admin_views import ImportDocumentsView, ImportStatusView, can_import_documents
from .models import CaseStudyPage


class CaseStudyListingViewSet(PageListingViewSet):
    """All case studies in one list, for moderators to filter by language, status and country."""

    model = CaseStudyPage
    icon = "doc-full"
    menu_label = _("Case studies")
    menu_order = 150
    add_to_admin_menu = True
    list_filter = ["language", "status", "country", "organisations", "topics"]


class ImportDocumentsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_documents(request.user)


@hooks.register("register_admin_viewset")
def register_case_study_listing():
    return CaseStudyListingViewSet("case_studies")


@hooks.register("register_admin_urls")
def register_import_documents_url():
    return [
        path(
            "cases/import/",
            ImportDocumentsView.as_view(),
            name="cases_import_documents",
        ),
        path(
            "cases/import/<uuid:batch>/",
            ImportStatusView.as_view(),
            name="cases_import_status",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_import_documents_menu_item():
    return ImportDocumentsMenuItem(
        _("Import documents"),
        reverse("cases_import_documents"),
        icon_name="doc-full-inverse",
        order=160,
    )


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_urls")
def register_follow_up_urls():
    return [
        path("cases/results/", outcome_admin.outcome_list, name="cases_outcomes"),
        path(
            "cases/results/<id:outcome_id>/",
            outcome_admin.outcome_review,
            name="cases_outcome_review",
        ),
        path(
            "cases/follow-ups/",
            outcome_admin.overdue_follow_ups,
            name="cases_follow_ups_overdue",
        ),
        path(
            "cases/follow-ups/<id:follow_up_id>/remind/",
            outcome_admin.remind_follow_up,
            name="cases_follow_up_remind",
        ),
        path(
            "cases/follow-ups/<id:follow_up_id>/close/",
            outcome_admin.close_follow_up,
            name="cases_follow_up_close",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_follow_up_menu():
    menu = Menu(
        items=[
            ModeratorMenuItem(
                _("Results to review"), reverse("cases_outcomes"), icon_name="tasks", order=100
            ),
            ModeratorMenuItem(
                _("Overdue follow-ups"),
                reverse("cases_follow_ups_overdue"),
                icon_name="time",
                order=200,
            ),
        ]
    )
    return SubmenuMenuItem(_("Follow-up"), menu, icon_name="tasks", name="follow-up", order=170)
