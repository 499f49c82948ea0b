"""What a search answers: the results, each with why it matched and how relevant it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .facets import KIND_LABELS, FacetValue
from .relevance import Relevance


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    SEMANTIC = "semantic"
    KEYWORD = "keyword"


class MatchedBy(StrEnum):
    SEMANTIC = "semantic"
    KEYWORD = "keyword"
    BOTH = "both"
    RECENT = "recent"  # empty query: newest content, nothing matched


# Whole phrases, so each language can write the language name its own way ("på danska").
SAME_MEANING_IN = {
    "sv": _("same meaning, in Swedish"),
    "da": _("same meaning, in Danish"),
    "en": _("same meaning, in English"),
}


@dataclass(frozen=True)
class DocumentSource:
    """Where in an attached file a snippet comes from: "report.pdf, page 12", linked."""

    file_name: str
    page: int | None
    url: str

    @property
    def label(self) -> str:
        if self.page is None:
            return self.file_name
        return _("%(file)s, page %(page)d") % {"file": self.file_name, "page": self.page}


def document_source(document_id: int, file_name: str, page: int | None) -> DocumentSource:
    url = reverse("wagtaildocs_serve", args=[document_id, file_name])
    return DocumentSource(file_name, page, f"{url}#page={page}" if page else url)


@dataclass
class SearchHit:
    page_id: int
    title: str
    url: str
    kind: str
    language: str
    organisations: list[str]
    score: float
    matched_by: MatchedBy
    snippet: SafeString = mark_safe("")  # noqa: S308 - empty
    date: object = None
    relevance: Relevance | None = None
    matched_words: tuple[str, ...] = ()
    passage_language: str = ""  # the matched passage's language, when found by meaning
    query_language: str = ""
    source: DocumentSource | None = None  # the snippet is from a file attached to the page

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def relevance_label(self) -> str:
        return self.relevance.label if self.relevance else ""

    @property
    def why(self) -> str:
        """Why this page matched, in the visitor's words."""
        other_language = self.passage_language and self.passage_language != self.query_language
        meaning = str(
            SAME_MEANING_IN.get(self.passage_language, _("same meaning"))
            if other_language
            else _("same meaning")
        )
        words = ", ".join(f"“{word}”" for word in self.matched_words)
        if self.matched_by is MatchedBy.BOTH:
            return str(_("Words %(words)s and %(meaning)s") % {"words": words, "meaning": meaning})
        if self.matched_by is MatchedBy.KEYWORD:
            return str(_("Words %(words)s") % {"words": words})
        if self.matched_by is MatchedBy.SEMANTIC:
            return str(meaning[:1].upper() + meaning[1:])
        return ""


@dataclass
class SearchResults:
    query: str
    mode: SearchMode
    count: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 10
    count_is_exact: bool = True  # False: at least ``count`` results (candidates were capped)

    def facet_counts(self) -> dict[str, dict[str, int]]:
        return {
            name: {str(value.value): value.count for value in values}
            for name, values in self.facets.items()
        }
