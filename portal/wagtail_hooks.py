from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import MemberProfile, Organisation, Topic
from .task_admin import FailedTasksView, can_manage_tasks, rerun_task


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "short_name", "country", "kind"]
    list_filter = ["country", "kind"]
    search_fields = ["name", "short_name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name_sv", "name_da", "name_en", "slug"]
    search_fields = ["name_sv", "name_da", "name_en"]


class MemberProfileViewSet(SnippetViewSet):
    model = MemberProfile
    icon = "user"
    list_display = ["user", "organisation", "job_title"]
    list_filter = ["organisation"]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    items = (OrganisationViewSet, TopicViewSet, MemberProfileViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Directory")
    menu_name = "directory"


register_snippet(DirectoryViewSetGroup)


class FailedTasksMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_tasks(request.user)


@hooks.register("register_admin_urls")
def register_failed_tasks_urls():
    return [
        path("tasks/failed/", FailedTasksView.as_view(), name="portal_failed_tasks"),
        path("tasks/failed/<str:task_id>/rerun/", rerun_task, name="portal_rerun_task"),
    ]


@hooks.register("register_settings_menu_item")
def register_failed_tasks_menu_item():
    return FailedTasksMenuItem(
        _("Failed tasks"), reverse("portal_failed_tasks"), icon_name="warning", order=900
    )
