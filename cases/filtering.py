"""Facet filters for the case library and the lesson index.

Every choice lives in the query string, so a filtered list can be bookmarked and shared.
Values of one facet combine with OR, facets with AND. The count beside a value says how
many results choosing it would give: it is computed on the set filtered by every *other*
facet, so choosing a second country does not make the first one's count drop to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.models import ContentLanguage, Country, Organisation, Topic
from search.facets import count_values, parse_year


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str  # the current URL with this value switched on or off


@dataclass
class Facet:
    name: str  # the query parameter
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected_options(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]


class _QueryState:
    """The query string of a listing, and URLs that change one thing in it."""

    facet_names: tuple[str, ...] = ()

    def __init__(self, params: QueryDict):
        self.params = params
        # No stored value holds a NUL, and PostgreSQL refuses one in a query parameter
        # (DataError, a 500): such a value selects nothing.
        self.selection = {
            name: list(dict.fromkeys(v for v in params.getlist(name) if v and "\x00" not in v))
            for name in self.facet_names
        }

    def url_with(self, name: str, values: list[str]) -> str:
        params = self.params.copy()
        params.setlist(name, values)
        params.pop("page", None)
        query = params.urlencode()
        return f"?{query}" if query else "?"

    def toggle_url(self, name: str, value: str) -> str:
        current = self.selection[name]
        values = [v for v in current if v != value] if value in current else [*current, value]
        return self.url_with(name, values)

    @property
    def page_url_prefix(self) -> str:
        """The current query string without the page number, ready for "page=N"."""
        params = self.params.copy()
        params.pop("page", None)
        query = params.urlencode()
        return f"?{query}&" if query else "?"

    @property
    def clear_url(self) -> str:
        params = self.params.copy()
        for name in [*self.facet_names, "page"]:
            params.pop(name, None)
        query = params.urlencode()
        return f"?{query}" if query else "?"

    @property
    def is_filtered(self) -> bool:
        return any(self.selection.values())

    def _options(self, name, counts: dict[str, int], labels: dict[str, str]) -> list[FacetOption]:
        """Options with results, plus selected ones without (so they can be switched off)."""
        selected = self.selection[name]
        return [
            FacetOption(
                value=value,
                label=label,
                count=counts.get(value, 0),
                selected=value in selected,
                toggle_url=self.toggle_url(name, value),
            )
            for value, label in labels.items()
            if counts.get(value) or value in selected
        ]


class CaseFilter(_QueryState):
    """Filters, counts and sorting for a queryset of case study pages."""

    facet_names = ("topic", "country", "organisation", "language", "status", "year", "results")
    # The database field behind each facet.
    _fields = {
        "topic": "topics__slug",
        "country": "country",
        "organisation": "organisations__slug",
        "language": "language",
        "status": "status",
        "year": "start_date__year",
    }
    # "results=with": cases with at least one approved follow-up result (cases/follow_up.py).
    WITH_RESULTS = "with"
    sort_choices = {"newest": _("Newest first"), "title": _("Title (A–Z)")}
    _orderings = {
        # The id last: pages must not swap places between one page of results and the next.
        "newest": [F("start_date").desc(nulls_last=True), "-first_published_at", "title", "pk"],
        "title": ["title", "pk"],
    }

    def __init__(self, queryset: QuerySet, params: QueryDict):
        super().__init__(params)
        self.queryset = queryset
        # The one validated year parser: "²" is a digit to str.isdigit but not to int().
        self.selection["year"] = [
            str(year) for value in self.selection["year"] if (year := parse_year(value))
        ]
        self.selection["results"] = [v for v in self.selection["results"] if v == self.WITH_RESULTS]
        sort = params.get("sort", "")
        self.sort = sort if sort in self.sort_choices else "newest"

    def results(self) -> QuerySet:
        return (
            self._filtered()
            .prefetch_related("organisations", "topics")
            .order_by(*self._orderings[self.sort])
        )

    @cached_property
    def facets(self) -> list[Facet]:
        status_labels = dict(self.queryset.model.Status.choices)
        labels = {
            "topic": {
                topic.slug: topic.name
                for topic in sorted(Topic.objects.all(), key=lambda topic: topic.name)
            },
            "country": dict(Country.choices),
            "organisation": dict(Organisation.objects.values_list("slug", "name")),
            "language": dict(ContentLanguage.choices),
            "status": status_labels,
            "results": {self.WITH_RESULTS: _("With follow-up results")},
        }
        headings = {
            "topic": _("Topic"),
            "country": _("Country"),
            "organisation": _("Organisation"),
            "language": _("Language"),
            "status": _("Status"),
            "year": _("Start year"),
            "results": _("Follow-up"),
        }
        facets = []
        for name in self.facet_names:
            counts = self._counts(name)
            if name == "year":
                years = sorted({*counts, *self.selection["year"]}, reverse=True)
                labels[name] = {year: year for year in years}
            facets.append(Facet(name, headings[name], self._options(name, counts, labels[name])))
        return facets

    @property
    def active_filters(self) -> list[tuple[Facet, FacetOption]]:
        return [(facet, option) for facet in self.facets for option in facet.selected_options]

    def _filtered(self, leave_out: str = "") -> QuerySet:
        queryset = self.queryset
        for name, values in self.selection.items():
            if name == leave_out or not values:
                continue
            if name == "results":  # only "with" is kept in the selection
                queryset = queryset.filter(pk__in=self._with_results())
                continue
            lookup = Q(**{f"{self._fields[name]}__in": values})
            if name in ("topic", "organisation"):
                # Through a many-to-many join a page would appear once per matching value.
                queryset = queryset.filter(
                    pk__in=self.queryset.model.objects.filter(lookup).values("pk")
                )
            else:
                queryset = queryset.filter(lookup)
        return queryset

    def _with_results(self) -> QuerySet:
        return self.queryset.model.objects.filter(outcomes__status="approved").values("pk")

    def _counts(self, name: str) -> dict[str, int]:
        if name == "results":
            with_results = self._filtered(leave_out=name).filter(pk__in=self._with_results())
            return {self.WITH_RESULTS: with_results.count()}
        field_name = self._fields[name]
        rows = (
            self._filtered(leave_out=name)
            .order_by()
            .values(field_name)
            .annotate(count=Count("pk", distinct=True))
            .values_list(field_name, "count")
        )
        return {str(value): count for value, count in rows if value is not None}


@dataclass
class LessonItem:
    """A lesson learned, whether a page of its own or part of a case."""

    text: str
    kind: str
    kind_label: str
    url: str
    title: str  # the lesson page's title, or the case's
    within_case: bool
    topics: list[str]  # slugs
    published_at: object
    page_id: int = 0  # the lesson page's, or the case's


class LessonFilter(_QueryState):
    """Standalone lesson pages and lessons within cases, together, by kind and topic."""

    facet_names = ("kind", "topic")

    def __init__(self, *, standalone: QuerySet, within_cases: QuerySet, params: QueryDict, request):
        super().__init__(params)
        self.kind_labels = dict(within_cases.model._meta.get_field("kind").flatchoices)
        self._items = self._collect(standalone, within_cases, request)

    def results(self) -> list[LessonItem]:
        return self._filtered()

    @property
    def active_filters(self) -> list[tuple[Facet, FacetOption]]:
        return [(facet, option) for facet in self.facets for option in facet.selected_options]

    @cached_property
    def facets(self) -> list[Facet]:
        topic_labels = {
            topic.slug: topic.name
            for topic in sorted(Topic.objects.all(), key=lambda topic: topic.name)
        }
        counts = count_values(
            self._items,
            {"kind": lambda item: [item.kind], "topic": lambda item: item.topics},
            self.selection,
        )
        facets = []
        for name, label, labels in (
            ("kind", _("Kind"), self.kind_labels),
            ("topic", _("Topic"), topic_labels),
        ):
            facets.append(Facet(name, label, self._options(name, counts[name], labels)))
        return facets

    def _filtered(self, leave_out: str = "") -> list[LessonItem]:
        kinds = [] if leave_out == "kind" else self.selection["kind"]
        topics = set() if leave_out == "topic" else set(self.selection["topic"])
        return [
            item
            for item in self._items
            if (not kinds or item.kind in kinds) and (not topics or topics & set(item.topics))
        ]

    def _collect(self, standalone, within_cases, request) -> list[LessonItem]:
        items = [
            LessonItem(
                text=page.lesson,
                kind=page.kind,
                kind_label=self.kind_labels.get(page.kind, page.kind),
                url=page.get_url(request),
                title=page.title,
                within_case=False,
                topics=[topic.slug for topic in page.topics.all()],
                published_at=page.first_published_at,
                page_id=page.pk,
            )
            for page in standalone.prefetch_related("topics")
        ]
        items += [
            LessonItem(
                text=lesson.text,
                kind=lesson.kind,
                kind_label=self.kind_labels.get(lesson.kind, lesson.kind),
                url=lesson.page.get_url(request),
                title=lesson.page.title,
                within_case=True,
                topics=[topic.slug for topic in lesson.page.topics.all()],
                published_at=lesson.page.first_published_at,
                page_id=lesson.page_id,
            )
            for lesson in within_cases.select_related("page").prefetch_related("page__topics")
        ]
        # Newest first; sorting is stable, so a case's lessons keep their order.
        items.sort(
            key=lambda item: item.published_at.timestamp() if item.published_at else 0,
            reverse=True,
        )
        return items
