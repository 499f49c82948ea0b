from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    menu_label = _("Search synonyms")
    icon = "search"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["terms", "updated"]
    search_fields = ["terms"]


register_snippet(SearchSynonymViewSet)
