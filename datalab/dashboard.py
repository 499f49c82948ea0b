"""The overview dashboard's charts: what the platform holds, counted.

Only live, public pages count (``search.visibility.public_pages``): a draft, an unpublished page or one
behind a view restriction is never in a figure, whoever looks. Search demand quotes what
visitors typed, so it is shown to members only, and a search only once at least
``privacy.min_group_size()`` searches share it: one visitor's words are never quoted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseLesson, CaseStudyPage, LessonKind, LessonLearnedPage
from network.models import MeetingPage, NetworkPage, Registration
from portal.models import Country, Organisation, Topic
from search.query_log import query_counts
from search.visibility import public_pages

from .charts import PALETTE, Chart, bar_plot
from .forms import DashboardFilters
from .privacy import min_group_size

TOP_QUERIES = 15
# "Few results": a query that found this many pages or fewer found next to nothing.
FEW_RESULTS = 2


def visible_cases():
    return public_pages(CaseStudyPage.objects.all())


def filtered_cases(filters: DashboardFilters):
    """Visible cases matching the filters; the period is the year the work started."""
    cases = visible_cases()
    if filters.country:
        cases = cases.filter(country=filters.country)
    if filters.year_from:
        cases = cases.filter(start_date__year__gte=filters.year_from)
    if filters.year_to:
        cases = cases.filter(start_date__year__lte=filters.year_to)
    if filters.topic:
        cases = cases.filter(topics__slug=filters.topic)
    # As a subquery: joins made by the filters must not narrow the counts made from it.
    return CaseStudyPage.objects.filter(pk__in=cases.values("pk")).order_by()


def _topic_names() -> dict[str, str]:
    return {topic.slug: topic.name for topic in Topic.objects.all()}


def cases_by_topic(filters: DashboardFilters) -> Chart:
    cases = filtered_cases(filters)
    topics = (
        Topic.objects.filter(case_studies__in=cases)
        .annotate(cases=Count("case_studies", distinct=True))
        .order_by("-cases", "slug")
    )
    chart = Chart(
        key="cases-by-topic",
        title=_("Cases per topic"),
        description=_("A case about several topics counts once under each of them."),
        columns=[_("Topic"), _("Cases")],
        rows=[[topic.name, topic.cases] for topic in topics],
    )
    chart.plot = bar_plot(chart)
    return chart


def cases_by_country(filters: DashboardFilters) -> Chart:
    counts = dict(
        filtered_cases(filters)
        .values("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    chart = Chart(
        key="cases-by-country",
        title=_("Cases per country"),
        columns=[_("Country"), _("Cases")],
        rows=[[label, counts[code]] for code, label in Country.choices if counts.get(code)],
    )
    chart.plot = bar_plot(chart)
    return chart


def cases_by_organisation_kind(filters: DashboardFilters) -> Chart:
    counts = dict(
        Organisation.objects.filter(case_studies__in=filtered_cases(filters))
        .values("kind")
        .annotate(n=Count("case_studies", distinct=True))
        .order_by()
        .values_list("kind", "n")
    )
    chart = Chart(
        key="cases-by-organisation-kind",
        title=_("Cases per kind of organisation"),
        description=_("A case shared by several kinds of organisation counts under each."),
        columns=[_("Kind of organisation"), _("Cases")],
        rows=[
            [label, counts[kind]] for kind, label in Organisation.Kind.choices if counts.get(kind)
        ],
    )
    chart.plot = bar_plot(chart)
    return chart


def cases_by_year_and_status(filters: DashboardFilters) -> Chart:
    counts = {
        (row["start_date__year"], row["status"]): row["n"]
        for row in filtered_cases(filters)
        .filter(start_date__isnull=False)
        .values("start_date__year", "status")
        .annotate(n=Count("pk"))
    }
    years = sorted({year for year, _status in counts})
    statuses = CaseStudyPage.Status
    chart = Chart(
        key="cases-by-year-and-status",
        title=_("Cases per start year and status"),
        description=_("Cases without a start date are not shown."),
        columns=[_("Year"), *statuses.labels],
        rows=[
            [year, *[counts.get((year, status), 0) for status in statuses.values]] for year in years
        ],
    )
    chart.plot = bar_plot(chart, stacked=True)
    return chart


def _filtered_standalone_lessons(filters: DashboardFilters):
    """Standalone lessons match the period by the year they were first published."""
    lessons = public_pages(LessonLearnedPage.objects.all())
    if filters.country:
        lessons = lessons.filter(country=filters.country)
    if filters.year_from:
        lessons = lessons.filter(first_published_at__year__gte=filters.year_from)
    if filters.year_to:
        lessons = lessons.filter(first_published_at__year__lte=filters.year_to)
    if filters.topic:
        lessons = lessons.filter(topics__slug=filters.topic)
    return LessonLearnedPage.objects.filter(pk__in=lessons.values("pk")).order_by()


def lessons_by_topic(filters: DashboardFilters) -> Chart:
    counts: Counter = Counter()
    within_cases = (
        CaseLesson.objects.filter(page__in=filtered_cases(filters), page__topics__isnull=False)
        .values("page__topics__slug", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in within_cases:
        counts[row["page__topics__slug"], row["kind"]] += row["n"]
    standalone = (
        _filtered_standalone_lessons(filters)
        .filter(topics__isnull=False)
        .values("topics__slug", "kind")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in standalone:
        counts[row["topics__slug"], row["kind"]] += row["n"]
    names = _topic_names()
    totals: Counter = Counter()
    for (slug, _kind), n in counts.items():
        totals[slug] += n
    slugs = sorted(totals, key=lambda slug: (-totals[slug], slug))
    chart = Chart(
        key="lessons-by-topic",
        title=_("Lessons learned per topic: successes and pitfalls"),
        description=_(
            "Lessons within cases and standalone lessons. A lesson counts under each topic "
            "of its case."
        ),
        columns=[_("Topic"), LessonKind.SUCCESS.label, LessonKind.PITFALL.label],
        rows=[
            [
                names.get(slug, slug),
                counts[slug, LessonKind.SUCCESS],
                counts[slug, LessonKind.PITFALL],
            ]
            for slug in slugs
        ],
    )
    # Successes bluish green, pitfalls vermilion.
    chart.plot = bar_plot(chart, stacked=True, colours=[PALETTE[2], PALETTE[3]])
    return chart


def _quarter(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year} Q{(local.month - 1) // 3 + 1}"


def network_activity(filters: DashboardFilters) -> Chart:
    """Meetings, registrations (not cancelled) and attendance per network and quarter.

    Countries and topics are the network's; the period is the year a meeting starts.
    """
    networks = {}
    for network in public_pages(NetworkPage.objects.all()).prefetch_related("topics"):
        if filters.country and filters.country not in network.countries:
            continue
        if filters.topic and filters.topic not in {topic.slug for topic in network.topics.all()}:
            continue
        networks[network.path] = network
    meetings = public_pages(MeetingPage.objects.all())
    if filters.year_from:
        meetings = meetings.filter(start__year__gte=filters.year_from)
    if filters.year_to:
        meetings = meetings.filter(start__year__lte=filters.year_to)
    step = MeetingPage.steplen
    meeting_keys = {}
    for meeting_id, path, start in meetings.values_list("pk", "path", "start"):
        network = networks.get(path[:-step])
        if network is not None:
            meeting_keys[meeting_id] = (network.title, _quarter(start))
    registrations: dict[int, Counter] = defaultdict(Counter)
    for row in (
        Registration.objects.filter(meeting_id__in=list(meeting_keys))
        .values("meeting_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        registrations[row["meeting_id"]][row["status"]] = row["n"]
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for meeting_id, key in meeting_keys.items():
        counts = registrations[meeting_id]
        totals[key][0] += 1
        totals[key][1] += sum(counts.values()) - counts[Registration.Status.CANCELLED]
        totals[key][2] += counts[Registration.Status.ATTENDED]
    chart = Chart(
        key="network-activity",
        title=_("Network activity per quarter"),
        description=_(
            "Registrations exclude cancellations; attendance is recorded after a meeting."
        ),
        columns=[_("Network"), _("Quarter"), _("Meetings"), _("Registrations"), _("Attended")],
        rows=[[*key, *totals[key]] for key in sorted(totals)],
        label_columns=2,
    )
    chart.plot = bar_plot(chart)
    return chart


def _filtered_queries(filters: DashboardFilters) -> list[dict]:
    """Searches grouped case-insensitively, with how often and how well each was searched,
    most searched first. The log and its daily totals are read together
    (``search.query_log``), so pruning the log changes no figure.

    Only searches shared by at least ``min_group_size()`` searches: a rarer one may be one
    visitor's words (a name, a case number), and those are never quoted.
    """
    return query_counts(
        year_from=filters.year_from, year_to=filters.year_to, min_searches=min_group_size()
    )


def top_queries(filters: DashboardFilters) -> Chart:
    rows = _filtered_queries(filters)[:TOP_QUERIES]
    return _query_chart(
        key="top-queries",
        title=_("What people search for"),
        description=_("The most frequent searches; country and topic filters do not apply."),
        rows=rows,
    )


def unmet_queries(filters: DashboardFilters) -> Chart:
    rows = [row for row in _filtered_queries(filters) if row["most"] <= FEW_RESULTS]
    return _query_chart(
        key="unmet-queries",
        title=_("Searches with no or few results"),
        description=_("What people look for that nobody has shared yet."),
        rows=rows[:TOP_QUERIES],
    )


def _query_chart(*, key: str, title, description, rows) -> Chart:
    rule = _("Only searches made at least %(count)d times are shown.") % {"count": min_group_size()}
    chart = Chart(
        key=key,
        title=title,
        description=f"{description} {rule}",
        columns=[_("Search"), _("Times searched"), _("Most results")],
        rows=[[row["normalised"], row["times"], row["most"]] for row in rows],
    )
    chart.plot = bar_plot(chart)
    return chart


@dataclass(frozen=True)
class ChartSpec:
    build: Callable[[DashboardFilters], Chart]
    members_only: bool = False


CHARTS: dict[str, ChartSpec] = {
    "cases-by-topic": ChartSpec(cases_by_topic),
    "cases-by-country": ChartSpec(cases_by_country),
    "cases-by-organisation-kind": ChartSpec(cases_by_organisation_kind),
    "cases-by-year-and-status": ChartSpec(cases_by_year_and_status),
    "lessons-by-topic": ChartSpec(lessons_by_topic),
    "network-activity": ChartSpec(network_activity),
    "top-queries": ChartSpec(top_queries, members_only=True),
    "unmet-queries": ChartSpec(unmet_queries, members_only=True),
}
