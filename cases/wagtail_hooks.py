from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.pages import PageListingViewSet

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
