"""My saved searches: save one from the search page, see what each found since the last
look, choose how often to get e-mail, delete, pause all; and the one-click unsubscribe."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from search.facets import FACETS
from search.forms import SearchForm
from search.saved_queries import encode_saved_query, query_language, snippet_for
from search.visibility import visible_page_ids

from .models import AlertSetting, Frequency, SavedSearch, SavedSearchMatch
from .tokens import saved_search_for

RECENT_MATCHES = 5  # shown per saved search; the search page has them all


class FrequencyForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["frequency"]
        labels = {"frequency": _("E-mail me")}


def _stored_filters(form: SearchForm) -> dict[str, list]:
    """The chosen filter values by facet name, empty facets left out (one spelling per
    search, so saving the same search twice finds the first)."""
    chosen = form.filters().by_facet()
    return {facet.name: list(chosen[facet.name]) for facet in FACETS if chosen[facet.name]}


@login_required
@require_POST
def save_search(request):
    form = SearchForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("q"):
        return HttpResponseBadRequest(_("Only a search with words can be saved."))
    query = " ".join(form.cleaned_data["q"].split())
    mode = form.cleaned_data["mode"].value
    filters = _stored_filters(form)
    existing = SavedSearch.objects.filter(
        user=request.user, query=query, mode=mode, filters=filters
    ).first()
    if existing is not None:
        messages.info(request, _("You have already saved this search."))
        return redirect("alerts:saved_searches")
    saved = SavedSearch(
        user=request.user, query=query, mode=mode, filters=filters, language=query_language(query)
    )
    # The one query a request may encode: saved now, so matching never encodes it again.
    saved.set_vector(*encode_saved_query(query))
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError:  # the same search saved twice at once
        pass
    messages.success(request, _("Search saved. Erfa will tell you when something new matches it."))
    return redirect("alerts:saved_searches")


@login_required
def saved_searches(request):
    searches = list(SavedSearch.objects.for_user(request.user))
    matches = list(
        SavedSearchMatch.objects.filter(saved_search__user=request.user)
        .select_related("page")
        .order_by("-found")
    )
    visible = visible_page_ids({match.page_id for match in matches}, user=request.user)
    rows = []
    for saved in searches:
        found = [m for m in matches if m.saved_search_id == saved.pk and m.page_id in visible]
        rows.append(
            {
                "search": saved,
                "new_count": sum(1 for m in found if m.found > saved.last_viewed),
                "matches": [
                    {
                        "match": m,
                        "is_new": m.found > saved.last_viewed,
                        "url": m.page.get_url(request=request),
                        "snippet": snippet_for(saved.query, m.passage),
                    }
                    for m in found[:RECENT_MATCHES]
                ],
                "form": FrequencyForm(instance=saved, prefix=f"s{saved.pk}"),
            }
        )
    response = render(
        request,
        "alerts/saved_searches.html",
        {"rows": rows, "paused": AlertSetting.is_paused(request.user)},
    )
    # Looked at now: the next visit shows what is new since this one.
    SavedSearch.objects.filter(pk__in=[s.pk for s in searches]).update(last_viewed=timezone.now())
    return response


@login_required
@require_POST
def update_search(request, pk: int):
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    form = FrequencyForm(request.POST, instance=saved, prefix=f"s{saved.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
    return redirect("alerts:saved_searches")


@login_required
@require_POST
def delete_search(request, pk: int):
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("The saved search was deleted."))
    return redirect("alerts:saved_searches")


@login_required
@require_POST
def pause_all(request):
    paused = request.POST.get("paused") == "1"
    AlertSetting.objects.update_or_create(user=request.user, defaults={"paused": paused})
    if paused:
        messages.success(request, _("All e-mail about your saved searches is paused."))
    else:
        messages.success(request, _("E-mail about your saved searches is on again."))
    return redirect("alerts:saved_searches")


# The token is the credential: mail clients POST here on their own (RFC 8058, one click),
# with no session and no CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    saved = saved_search_for(token)
    if saved is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        saved.frequency = Frequency.NEVER
        saved.save(update_fields=["frequency"])
        return render(request, "alerts/unsubscribe.html", {"search": saved, "done": True})
    return render(request, "alerts/unsubscribe.html", {"search": saved})
