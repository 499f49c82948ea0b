from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import MemberProfile, Organisation, Topic


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
