from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .attachments import may_fetch
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


@hooks.register("before_serve_document")
def serve_documents_only_to_those_who_may_see_their_pages(document, request):
    """/documents/<id>/<name> answers as the pages using the document would (search/attachments.py)."""
    if may_fetch(document, request):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
