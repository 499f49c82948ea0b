"""The data lab's pages. Every page works without JavaScript: charts are SVG drawn on the
server over tables that hold the same data, and every filter is a plain GET parameter. The
site's strict Content-Security-Policy applies unchanged: the charts need no allowance."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from portal.csv_export import PEOPLE_FORMATS, table_response
from portal.models import is_member

from . import dashboard
from .charts import Chart
from .comparison import compare, topics_chart
from .expertise import rank_organisations
from .forms import CompareForm, DashboardFilterForm, ExpertForm
from .privacy import min_group_size
from .semantic_map import ColourBy, map_chart, map_state, visible_cases

# For people: CSV and XLSX in the visitor's language; for machines: JSON.
EXPORT_FORMATS = (*PEOPLE_FORMATS, "json")


def overview(request):
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters()
    member = is_member(request.user)
    charts = [
        spec.build(filters) for spec in dashboard.CHARTS.values() if member or not spec.members_only
    ]
    return render(
        request,
        "datalab/overview.html",
        {
            "form": form,
            "filters": filters,
            "charts": charts,
            "query_string": filters.query_string(),
            "search_demand_hidden": not member,
        },
    )


def chart_data(request, key: str):
    """One dashboard chart's data as CSV, XLSX or JSON, with the same filters as the page."""
    spec = dashboard.CHARTS.get(key)
    if spec is None:
        raise Http404
    if spec.members_only and not is_member(request.user):
        raise PermissionDenied
    filters = DashboardFilterForm(request.GET).filters()
    return _export(spec.build(filters), request.GET.get("format", "json"), filters.as_dict())


def semantic_map(request):
    try:
        colour_by = ColourBy(request.GET.get("colour", ColourBy.COUNTRY))
    except ValueError:
        colour_by = ColourBy.COUNTRY
    state = map_state()
    cases = visible_cases().order_by("title")
    visible_ids = set(cases.values_list("pk", flat=True))
    chart = None
    if state.snapshot is not None:
        chart = map_chart(
            state.snapshot.payload,
            visible_ids=visible_ids,
            colour_by=colour_by,
            language=(get_language() or "sv")[:2],
        )
    if "format" in request.GET:
        if chart is None:
            raise Http404
        return _export(chart, request.GET["format"], {"colour": colour_by.value})
    fallback = None
    if chart is None:
        fallback = cases.prefetch_related("organisations", "topics")
    return render(
        request,
        "datalab/semantic_map.html",
        {
            "chart": chart,
            "snapshot": state.snapshot,
            "stale": state.stale,
            "fallback_cases": fallback,
            "colour_by": colour_by.value,
            "themes": _themes(state.snapshot, visible_ids),
            "query_string": f"colour={colour_by.value}",
        },
    )


def experts(request):
    form = ExpertForm(request.GET or None)
    ranking = None
    show_contacts = is_member(request.user)
    if form.is_bound and form.is_valid():
        query, topic = form.cleaned_data["q"].strip(), form.cleaned_data["topic"]
        if query or topic:
            ranking = rank_organisations(query, topic, request=request, with_contacts=show_contacts)
    return render(
        request,
        "datalab/experts.html",
        {"form": form, "ranking": ranking, "show_contacts": show_contacts},
    )


def compare_organisations(request):
    form = CompareForm(request.GET or None)
    profiles = chart = None
    if form.is_bound and form.is_valid():
        profiles = compare(list(form.cleaned_data["org"]), user=request.user)
        chart = topics_chart(profiles)
        if "format" in request.GET:
            organisations = [profile.organisation.slug for profile in profiles]
            return _export(chart, request.GET["format"], {"org": organisations})
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "datalab/compare.html",
        {
            "form": form,
            "profiles": profiles,
            "people_shown": bool(profiles) and profiles[0].people_shown,
            "min_group": min_group_size(),
            "chart": chart,
            "query_string": query.urlencode(),
        },
    )


def _export(chart: Chart, export_format: str, filters: dict) -> HttpResponse:
    if export_format not in EXPORT_FORMATS:
        raise Http404
    if export_format in PEOPLE_FORMATS:
        return table_response(chart.key, chart.header(), chart.rows, export_format)
    return JsonResponse(chart.to_json(filters), json_dumps_params={"ensure_ascii": False})


def _themes(snapshot, visible_ids: set[int]) -> list[dict]:
    """The themes with cases on the map, with their terms in every language.

    A theme's size counts its cases visible now, not those it had when the snapshot was
    computed: a case made private or unpublished since is no longer counted.
    """
    if snapshot is None:
        return []
    sizes = Counter(
        point["theme"] for point in snapshot.payload["points"] if point["page_id"] in visible_ids
    )
    return [
        {"number": theme["theme"] + 1, "terms": theme["terms"], "size": sizes[theme["theme"]]}
        for theme in snapshot.payload["themes"]
        if sizes[theme["theme"]]
    ]
