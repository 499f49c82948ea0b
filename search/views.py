from django.core.paginator import Paginator
from django.shortcuts import render

from .extra_matches import extra_matches
from .facets import FACETS
from .forms import SearchForm
from .query import SearchResults, search

RESULTS_PER_PAGE = 10
FACET_LEGENDS = {facet.name: facet.label for facet in FACETS}


def search_view(request):
    """The search page: works as a plain GET form, without JavaScript."""
    form = SearchForm(request.GET or None)
    results: SearchResults | None = None
    page_obj = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        page_number = data.get("page") or 1
        results = search(
            data.get("q", ""),
            mode=data.get("mode") or "hybrid",
            filters=form.filters() if request.GET else None,
            request=request,
            limit=RESULTS_PER_PAGE,
            offset=(page_number - 1) * RESULTS_PER_PAGE,
        )
        # The paginator only draws the links: the results are already this page's slice.
        page_obj = Paginator(range(results.count), RESULTS_PER_PAGE).get_page(page_number)
    facets = []
    if results is not None:
        facets = [
            (name, FACET_LEGENDS[name], values) for name, values in results.facets.items() if values
        ]
    # Non-page matches (indicators, organisation profiles) above the first page of
    # unfiltered results only: a type or country filter asks for pages.
    extra = []
    if (
        results is not None
        and results.query
        and page_obj.number == 1
        and not any(form.filters().by_facet().values())
    ):
        extra = extra_matches(results.query, request=request)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "facets": facets,
            "extra_matches": extra,
            "page_obj": page_obj,
            "query_string": query_without_page.urlencode(),
            "selected_filter_count": sum(
                1 for _name, _legend, values in facets for value in values if value.selected
            ),
            "has_filters": bool(results and form.is_bound and form.is_valid() and form.filters()),
        },
    )
