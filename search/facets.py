"""The search facets, declared once: the form, the API schema, the filters and the counts
all read this table.

A facet has a query parameter name, a heading, where its value lives on a page's index
entry (``PageSearchMeta``), how a value from a query string is validated, and how values
are labelled. Values of one facet combine with OR, facets with AND.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import ContentLanguage, Country, Organisation, Topic

from .documents import DocumentKind
from .models import PageSearchMeta

KIND_LABELS = {
    DocumentKind.CASE: _("Case"),
    DocumentKind.LESSON: _("Lesson learned"),
    DocumentKind.MEETING: _("Meeting"),
    DocumentKind.NETWORK: _("Network"),
}

_YEAR = re.compile(r"[0-9]{4}")
_SLUG = re.compile(r"[-\w]{1,100}")


def parse_year(value: Any) -> int | None:
    """A four-digit year, or None: "²" is a digit to ``str.isdigit`` but not to ``int``."""
    text = str(value).strip()
    return int(text) if _YEAR.fullmatch(text) else None


def parse_code(value: Any) -> str | None:
    """A slug or code as the index stores it, or None for anything else."""
    text = str(value).strip()
    return text if _SLUG.fullmatch(text) else None


def _kind_labels() -> dict:
    return dict(KIND_LABELS)


def _country_labels() -> dict:
    return dict(Country.choices)


def _language_labels() -> dict:
    return dict(ContentLanguage.choices)


# Every search labels its facets and results with topic and organisation names: keep them
# for a minute instead of reading both tables on each query. A change in this process
# clears them at once; other processes see it within the minute.
LABEL_TTL = 60
_LABEL_KEYS = ("topics", "organisations")


def _label_key(name: str, language: str | None = None) -> str:
    return f"search:labels:{name}:{language if language is not None else get_language()}"


def _topic_labels() -> dict:
    return cache.get_or_set(
        _label_key("topics"),
        lambda: {topic.slug: topic.name for topic in Topic.objects.all()},
        LABEL_TTL,
    )


def organisation_names() -> dict:
    """Organisation names by slug."""
    return cache.get_or_set(
        _label_key("organisations"),
        lambda: dict(Organisation.objects.values_list("slug", "name")),
        LABEL_TTL,
    )


@receiver([post_save, post_delete], sender=Topic, dispatch_uid="search-topic-labels")
@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="search-org-labels")
def _forget_labels(sender, **kwargs) -> None:
    cache.delete_many(
        [_label_key(name, code) for name in _LABEL_KEYS for code, _label in settings.LANGUAGES]
        + [_label_key(name, "None") for name in _LABEL_KEYS]
    )


@dataclass(frozen=True)
class Facet:
    name: str  # query parameter and API field
    attribute: str  # the SearchFilters field holding the chosen values
    label: Promise
    values_of: Callable[[PageSearchMeta], list]
    parse: Callable[[Any], Any] = parse_code
    labels: Callable[[], dict] = dict
    value_type: type = str
    newest_first: bool = False  # years read best in order, the rest by count


FACETS: tuple[Facet, ...] = (
    Facet("type", "kinds", _("Type"), lambda m: [m.kind], labels=_kind_labels),
    Facet("country", "countries", _("Country"), lambda m: m.countries, labels=_country_labels),
    Facet("language", "languages", _("Language"), lambda m: [m.language], labels=_language_labels),
    Facet("topic", "topics", _("Topic"), lambda m: m.topics, labels=_topic_labels),
    Facet(
        "organisation",
        "organisations",
        _("Organisation"),
        lambda m: m.organisations,
        labels=organisation_names,
    ),
    Facet(
        "year",
        "years",
        _("Year"),
        lambda m: [m.year] if m.year else [],
        parse=parse_year,
        value_type=int,
        newest_first=True,
    ),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)


@dataclass(frozen=True)
class SearchFilters:
    """Chosen values per facet (see FACETS)."""

    kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    @classmethod
    def from_values(cls, values: Callable[[str], Iterable]) -> SearchFilters:
        """Filters from raw values per facet name (a QueryDict's ``getlist``, say): each
        value is validated by its facet, and one that is not a valid value is dropped."""
        chosen = {}
        for facet in FACETS:
            parsed = (facet.parse(value) for value in values(facet.name) or ())
            chosen[facet.attribute] = tuple(
                dict.fromkeys(value for value in parsed if value is not None)
            )
        return cls(**chosen)

    def by_facet(self) -> dict[str, tuple]:
        return {facet.name: getattr(self, facet.attribute) for facet in FACETS}

    def accepts(self, meta: PageSearchMeta, *, ignore: str | None = None) -> bool:
        return all(
            not wanted or not set(wanted).isdisjoint(facet.values_of(meta))
            for facet in FACETS
            if facet.name != ignore and (wanted := getattr(self, facet.attribute))
        )

    def __bool__(self) -> bool:
        return any(self.by_facet().values())


@dataclass
class FacetValue:
    value: str | int
    label: str
    count: int
    selected: bool


def count_values(
    items: Iterable, values_of: dict[str, Callable[[Any], Iterable]], selected: dict[str, Iterable]
) -> dict[str, Counter]:
    """Per facet, how many of ``items`` hold each value, counted over the items that pass
    every *other* facet's selection: ticking another value shows what it would add.

    The one counting rule for faceted lists: search results here, the lesson index in
    cases/filtering.py (the case library counts the same way in SQL).
    """
    items = list(items)
    wanted = {name: set(values) for name, values in selected.items() if values}
    held = [{name: set(get(item)) for name, get in values_of.items()} for item in items]
    counts: dict[str, Counter] = {}
    for name in values_of:
        counter: Counter = Counter()
        for values in held:
            if all(
                not values[other].isdisjoint(chosen)
                for other, chosen in wanted.items()
                if other != name
            ):
                counter.update(values[name])
        counts[name] = counter
    return counts


def count_facets(
    metas: Iterable[PageSearchMeta], filters: SearchFilters
) -> dict[str, list[FacetValue]]:
    """Search's facet values with their counts over ``metas`` (see count_values)."""
    selected = filters.by_facet()
    counts = count_values(metas, {f.name: f.values_of for f in FACETS}, selected)
    counted: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counter = counts[facet.name]
        for value in selected[facet.name]:
            counter.setdefault(value, 0)
        if facet.newest_first:
            values = sorted(counter, reverse=True)
        else:
            values = [value for value, _count in counter.most_common()]
        labels = facet.labels()
        counted[facet.name] = [
            FacetValue(
                value=value,
                label=str(labels.get(value, value)),
                count=counter[value],
                selected=value in selected[facet.name],
            )
            for value in values
        ]
    return counted
