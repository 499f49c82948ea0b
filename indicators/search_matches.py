"""Search finds indicator pages and organisation profiles (issue 12), in Swedish, Danish and
English, through search's match-provider hook (search/extra_matches.py), not its page index.

Why not the page index: these are views over rows that change with every import, not pages;
indexing them as Chunk rows would tie the index's invariants (generations, page visibility)
to a second kind of object for a few hundred names. Names are short, so two plain signals do:

- words: every word of the query begins a word of the name in any of its three languages
  ("it-omkostninger pr. medarbejder" finds the Danish name whatever the active language);
- meaning: the configured encoder's vectors of the names in sv/da/en, cached per set of names
  (a changed name or a new indicator builds them again), the best language counting.

Members-only series are filtered per visitor through indicators.visibility.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass

import numpy as np
from django.urls import reverse
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from portal.models import Organisation
from search.encoders import get_encoder, query_vector
from search.extra_matches import ExtraMatch

from .models import Indicator
from .visibility import visible_indicators, visible_observations

LANGUAGES = ("sv", "da", "en")
# Cosine (multilingual-e5-small, query against a name) from which a name counts as meant.
# Measured on the 39 demo names (sv/da/en): unrelated queries ("semesterplanering",
# "lönesättning för chefer", "chatbot i kundtjänsten") peak at 0.844–0.859; meant ones
# ("vad kostar IT per medarbetare" 0.912, "ny teknik" 0.877, "samverkan" 0.868) clear it.
MEANING_THRESHOLD = 0.865
# ...and no further than this below the best name: "IT-kostnad per anställd" meets its own
# name at 0.939 and "Antal strategiska IT-projekt" at 0.896; only the first is meant.
MEANING_MARGIN = 0.04
WORD_SCORE = 1.0
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _NameVectors:
    fingerprint: str
    indicator_ids: list[int]  # one per row of ``vectors``: each name in each language
    vectors: NDArray[np.float32]


_cache: dict[str, _NameVectors] = {}
_lock = threading.Lock()


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def words_match(query: str, name: str) -> bool:
    """Every word of ``query`` begins a word of ``name`` (case and hyphens aside)."""
    query_words, name_words = _words(query), _words(name)
    return bool(query_words) and all(
        any(word.startswith(query_word) for word in name_words) for query_word in query_words
    )


def _name_vectors(rows: list[tuple]) -> _NameVectors:
    """Vectors of every indicator name, built again only when a name changed."""
    encoder = get_encoder()
    fingerprint = hashlib.sha256(repr((encoder.model_id, rows)).encode()).hexdigest()
    with _lock:
        cached = _cache.get(encoder.model_id)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    ids, names = [], []
    for pk, *language_names in rows:
        for name in dict.fromkeys(name for name in language_names if name):
            ids.append(pk)
            names.append(name)
    vectors = encoder.encode_passages(names) if names else np.zeros((0, 1), np.float32)
    built = _NameVectors(fingerprint, ids, vectors)
    with _lock:
        _cache[encoder.model_id] = built
    return built


def indicator_scores(query: str, *, request=None, user=None) -> dict[int, float]:
    """Visible indicators matching ``query``, with a score: 1 for a word match, else the
    best cosine of the query to the indicator's names, when above MEANING_THRESHOLD."""
    rows = list(Indicator.objects.order_by("pk").values_list("pk", "name_sv", "name_da", "name_en"))
    visible = set(visible_indicators(request=request, user=user).values_list("pk", flat=True))
    scores: dict[int, float] = {}
    for pk, *names in rows:
        if pk in visible and any(words_match(query, name) for name in names if name):
            scores[pk] = WORD_SCORE
    names = _name_vectors(rows)
    if len(names.indicator_ids):
        cosines = names.vectors @ query_vector(get_encoder(), query)[0]
        shown = [
            (pk, cosine)
            for pk, cosine in zip(names.indicator_ids, cosines.tolist(), strict=True)
            if pk in visible
        ]
        best = max((cosine for _pk, cosine in shown), default=0.0)
        floor = max(MEANING_THRESHOLD, best - MEANING_MARGIN)
        for pk, cosine in shown:
            if cosine >= floor:
                scores[pk] = max(scores.get(pk, 0.0), cosine)
    return scores


def indicator_matches(query: str, *, request=None, limit: int = 5) -> list[ExtraMatch]:
    """The search page's match provider: indicator pages, then organisation profiles."""
    scores = indicator_scores(query, request=request)
    best = sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]
    indicators = Indicator.objects.select_related("series").in_bulk(best)
    matches = [
        ExtraMatch(
            title=indicators[pk].name,
            url=reverse(
                "indicators:indicator",
                kwargs={"series": indicators[pk].series.code, "code": indicators[pk].code},
            ),
            kind=_("Indicator"),
            description=indicators[pk].series.name,
            score=scores[pk],
        )
        for pk in best
    ]
    return matches + organisation_matches(query, request=request, limit=limit)


def organisation_matches(query: str, *, request=None, limit: int = 5) -> list[ExtraMatch]:
    """Profiles of organisations with data this visitor may see, found by their names."""
    with_data = visible_observations(request=request).values("organisation_id")
    found = [
        organisation
        for organisation in Organisation.objects.filter(pk__in=with_data).order_by("name")
        if words_match(query, organisation.name)
        or (organisation.short_name and words_match(query, organisation.short_name))
    ]
    return [
        ExtraMatch(
            title=organisation.name,
            url=reverse("indicators:organisation", kwargs={"slug": organisation.slug}),
            kind=_("Organisation profile"),
            description=organisation.get_country_display(),
            score=WORD_SCORE,
        )
        for organisation in found[:limit]
    ]
