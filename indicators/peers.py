"""Agencies with a similar profile: the nearest organisations by standardised indicators.

Each organisation's profile is its latest value of every visible indicator (the latest year
it reported that indicator, so one missing year does not drop it). Each indicator is
standardised across organisations (z-scores: IT cost per employee in SEK and a maturity
level 1–5 weigh the same), and two profiles are compared on the indicators both have: the
root mean square of the differences, so an organisation that reported fewer indicators is
not closer for it, and a missing value is left out of the comparison rather than counted as
average. Peers must share at least half of the indicators the organisation has (two at
least, where it has two or more).

The standardised matrix is built once per data version and visibility (members see more
indicators than the public), and kept in this process: a peers lookup is then one vector
operation over the matrix (goal: 50 ms at 300 organisations × 40 indicators).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import CaseStudyPage
from portal.models import Organisation
from search.visibility import visible_pages

from .models import Indicator
from .versions import data_version
from .visibility import sees_members_only, visible_observations

MIN_SHARED = 2
PEER_COUNT = 5
SIMILAR_NAMED = 2  # indicators named in the explanation
_CACHE_SIZE = 4
_cache: OrderedDict[tuple[str, bool], ProfileMatrix] = OrderedDict()
_lock = Lock()


@dataclass
class ProfileMatrix:
    organisation_ids: np.ndarray  # (n,)
    indicator_ids: np.ndarray  # (k,)
    scores: np.ndarray  # (n, k) z-scores, 0 where missing
    present: np.ndarray  # (n, k) float 1.0 where the organisation has a value
    row_of: dict[int, int] = field(default_factory=dict)


@dataclass
class Peer:
    organisation: Organisation
    distance: float
    shared: int  # indicators compared
    similar: list[Indicator]  # the indicators on which the two are closest
    cases: list = field(default_factory=list)
    explanation: str = ""


def build_matrix(observations) -> ProfileMatrix:
    """The standardised profiles, from ``observations`` (those the visitor may see)."""
    rows = observations.values_list("organisation_id", "indicator_id", "year", "value").order_by(
        "organisation_id", "indicator_id", "year"
    )
    latest: dict[tuple[int, int], float] = {}
    for organisation_id, indicator_id, _year, value in rows.iterator(chunk_size=10_000):
        latest[(organisation_id, indicator_id)] = value  # ordered by year: the last one wins
    organisation_ids = np.array(sorted({o for o, _i in latest}), dtype=np.int64)
    indicator_ids = np.array(sorted({i for _o, i in latest}), dtype=np.int64)
    row_of = {int(pk): n for n, pk in enumerate(organisation_ids)}
    column_of = {int(pk): n for n, pk in enumerate(indicator_ids)}
    values = np.full((len(organisation_ids), len(indicator_ids)), np.nan)
    for (organisation_id, indicator_id), value in latest.items():
        values[row_of[organisation_id], column_of[indicator_id]] = value
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(values, axis=0) if values.size else np.zeros(0)
        spread = np.nanstd(values, axis=0) if values.size else np.zeros(0)
    spread = np.where((spread > 0) & np.isfinite(spread), spread, 1.0)
    scores = np.where(present, (values - mean) / spread, 0.0)
    return ProfileMatrix(
        organisation_ids=organisation_ids,
        indicator_ids=indicator_ids,
        scores=scores,
        present=present.astype(float),
        row_of=row_of,
    )


def profile_matrix(*, request=None, user=None, version: str | None = None) -> ProfileMatrix:
    members = sees_members_only(request=request, user=user)
    key = (version or data_version(), members)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    # Every member sees the same series, and every other visitor the public ones: one
    # matrix for each of the two, built from what this visitor may see.
    matrix = build_matrix(visible_observations(request=request, user=user))
    with _lock:
        _cache[key] = matrix
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return matrix


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def nearest(
    matrix: ProfileMatrix, organisation_id: int, count: int = PEER_COUNT
) -> list[tuple[int, float, int, list[int]]]:
    """(organisation id, distance, indicators compared, closest indicator ids) of the
    ``count`` organisations nearest to ``organisation_id``."""
    row = matrix.row_of.get(organisation_id)
    if row is None:
        return []
    own, own_present = matrix.scores[row], matrix.present[row]
    shared = matrix.present @ own_present
    own_count = int(own_present.sum())
    needed = min(own_count, max(MIN_SHARED, -(-own_count // 2)))
    differences = (matrix.scores - own) * matrix.present * own_present
    with np.errstate(invalid="ignore", divide="ignore"):
        distances = np.sqrt((differences**2).sum(axis=1) / shared)
    eligible = (shared >= max(needed, 1)) & np.isfinite(distances)
    eligible[row] = False
    candidates = np.flatnonzero(eligible)
    order = candidates[np.lexsort((matrix.organisation_ids[candidates], distances[candidates]))]
    result = []
    for peer_row in order[:count]:
        both = np.flatnonzero(matrix.present[peer_row] * own_present)
        closest = both[np.argsort(np.abs(differences[peer_row, both]), kind="stable")]
        result.append(
            (
                int(matrix.organisation_ids[peer_row]),
                float(distances[peer_row]),
                int(shared[peer_row]),
                [int(matrix.indicator_ids[c]) for c in closest[:SIMILAR_NAMED]],
            )
        )
    return result


def similar_organisations(
    organisation: Organisation, *, request=None, user=None, count: int = PEER_COUNT
) -> list[Peer]:
    """The organisations most like ``organisation`` by indicator profile, each with its
    visible cases and a sentence saying why it is similar."""
    found = nearest(profile_matrix(request=request, user=user), organisation.pk, count)
    if not found:
        return []
    organisations = Organisation.objects.in_bulk([pk for pk, *_rest in found])
    indicators = Indicator.objects.in_bulk({i for *_rest, ids in found for i in ids})
    cases = cases_by_organisation(list(organisations), request=request, user=user)
    peers = []
    for pk, distance, shared, similar_ids in found:
        peer = Peer(
            organisation=organisations[pk],
            distance=distance,
            shared=shared,
            similar=[indicators[i] for i in similar_ids if i in indicators],
            cases=cases.get(pk, []),
        )
        peer.explanation = explain(peer)
        peers.append(peer)
    return peers


def cases_by_organisation(organisation_ids: list[int], *, request=None, user=None) -> dict:
    """{organisation id: [visible cases]}, newest first, through the one visibility rule."""
    pages = (
        visible_pages(
            CaseStudyPage.objects.filter(organisations__in=organisation_ids),
            request=request,
            user=user,
        )
        .distinct()
        .prefetch_related("organisations", "topics")
        .order_by("-first_published_at")
    )
    found: dict[int, list] = {}
    for page in pages:
        for organisation in page.organisations.all():
            if organisation.pk in organisation_ids:
                found.setdefault(organisation.pk, []).append(page)
    return found


def _in_sentence(name: str) -> str:
    """ "IT-kostnad per anställd" -> "IT-kostnad per anställd"; "Mognad" -> "mognad"."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def explain(peer: Peer) -> str:
    """Why ``peer`` is similar, in the reader's language ("Similar IT cost share and
    maturity; 3 cases on e-services")."""
    parts = []
    names = [_in_sentence(indicator.name) for indicator in peer.similar]
    if len(names) >= 2:
        parts.append(
            _("Similar %(first)s and %(second)s") % {"first": names[0], "second": names[1]}
        )
    elif names:
        parts.append(_("Similar %(first)s") % {"first": names[0]})
    if peer.cases:
        topics = Counter(topic.name for case in peer.cases for topic in case.topics.all())
        count = len(peer.cases)
        if topics:
            topic = topics.most_common(1)[0][0]
            parts.append(
                ngettext("%(count)s case on %(topic)s", "%(count)s cases on %(topic)s", count)
                % {"count": count, "topic": _in_sentence(topic)}
            )
        else:
            parts.append(ngettext("%(count)s case", "%(count)s cases", count) % {"count": count})
    return "; ".join(parts)
