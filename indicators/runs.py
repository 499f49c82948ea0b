"""Saved analyses of indicator data (``IndicatorRun``): what each method computes, how a run
is executed and stored, and who may see it.

Three methods, all on one table of agencies × chosen indicators (each agency's latest value
of each indicator, or its value in the chosen year), after the run's filters:

- ``kmeans``: agencies grouped on standardised indicators (z-scores), so that an index of
  0–100 and a cost in SEK weigh alike; centroids are reported back in the original units.
  Deterministic: a fixed seed, k-means++ starts, the best of several restarts by inertia.
- ``correlation``: Pearson and Spearman of two indicators over the agencies with both.
- ``peers``: the agencies nearest to one organisation on the standardised indicators.

A run's result is stored with its parameters and the ``data_version()`` it was computed on,
so the run list can say when newer data exists. Runs execute in ``tasks.execute_run_task``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as _
from numpy.typing import NDArray

from portal.models import Organisation

from .filters import SIZE_BANDS, IndicatorFilters
from .models import Indicator, IndicatorRun, Observation
from .peers import build_matrix, nearest
from .versions import data_version
from .visibility import visible_indicators

Method = IndicatorRun.Method
Status = IndicatorRun.Status

KMEANS_SEED = 12  # any fixed number: the same data always gives the same groups
KMEANS_RESTARTS = 10
KMEANS_ITERATIONS = 100
PEER_COUNT = 5
DEMO_RUN_TITLE = "Demo: två grupper av myndigheter efter digitaliseringsindex"

Progress = Callable[[int], None]


class RunError(ValueError):
    """A run that cannot be computed as asked (too few agencies, unknown indicator…).

    Messages are stored in English on the run and translated when shown (the run page
    passes them through ``{% translate %}``), since a task has no visitor's language."""


# The table ---------------------------------------------------------------------------------


@dataclass
class AgencyTable:
    organisations: list[Organisation]
    indicators: list[Indicator]
    values: NDArray[np.float64]  # organisations × indicators; NaN where an agency has no value

    def complete_rows(self) -> NDArray[np.bool_]:
        return ~np.isnan(self.values).any(axis=1)


def run_filters(raw: dict) -> IndicatorFilters:
    """A run's stored filters as the indicator pages' filters (unknown values filter nothing)."""
    size = str(raw.get("size") or "")
    return IndicatorFilters(
        country=str(raw.get("country") or ""),
        level=str(raw.get("level") or ""),
        sector=str(raw.get("sector") or ""),
        size=size if size in {band[0] for band in SIZE_BANDS} else "",
    )


def run_observations(
    indicators: list[Indicator], filters: IndicatorFilters, year: int | None, also: int | None
) -> QuerySet:
    """The observations a run reads: its indicators, of the filtered agencies (and of the
    organisation ``also``, whose peers are sought, whatever the filters), in ``year`` if set."""
    agencies = Q(organisation__in=filters.organisations()) if filters else Q()
    if filters and also is not None:
        agencies |= Q(organisation_id=also)
    observations = Observation.objects.filter(agencies, indicator__in=indicators)
    return observations if year is None else observations.filter(year=year)


def agency_table(observations: QuerySet, indicators: list[Indicator]) -> AgencyTable:
    """Each agency's latest value of each indicator among ``observations``."""
    column = {indicator.pk: index for index, indicator in enumerate(indicators)}
    latest: dict[tuple[int, int], float] = {}
    # Ordered by year, so a later year overwrites an earlier one.
    for organisation_id, indicator_id, value in observations.order_by("year").values_list(
        "organisation_id", "indicator_id", "value"
    ):
        latest[organisation_id, indicator_id] = value
    organisation_ids = {organisation_id for organisation_id, _ in latest}
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids).order_by("name", "pk")
    )
    values = np.full((len(organisations), len(indicators)), np.nan)
    row = {organisation.pk: index for index, organisation in enumerate(organisations)}
    for (organisation_id, indicator_id), value in latest.items():
        values[row[organisation_id], column[indicator_id]] = value
    return AgencyTable(organisations, indicators, values)


# Numeric core -------------------------------------------------------------------------------


def standardise(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each column as z-scores (NaN ignored); a column with no spread becomes 0."""
    mean = np.nanmean(values, axis=0)
    spread = np.nanstd(values, axis=0)
    spread[spread == 0] = 1.0
    return (values - mean) / spread


@dataclass
class KMeansResult:
    labels: NDArray[np.int64]  # group of each row, numbered by size (0 = largest)
    centres: NDArray[np.float64]  # k × columns, in the units given
    inertia: float


def kmeans(points: NDArray[np.float64], k: int, *, seed: int = KMEANS_SEED) -> KMeansResult:
    """Lloyd's k-means with k-means++ starts, the best of ``KMEANS_RESTARTS`` by inertia."""
    if points.ndim != 2 or np.isnan(points).any():
        raise RunError(_("k-means needs a table of numbers without missing values."))
    if not 2 <= k <= len(points):
        raise RunError(_("Too few agencies have every indicator for this number of groups."))
    rng = np.random.default_rng(seed)
    best: KMeansResult | None = None
    for _restart in range(KMEANS_RESTARTS):
        centres = _plus_plus_starts(points, k, rng)
        for _iteration in range(KMEANS_ITERATIONS):
            labels = _nearest(points, centres)
            moved = np.array(
                [
                    points[labels == group].mean(axis=0)
                    if (labels == group).any()
                    else centres[group]
                    for group in range(k)
                ]
            )
            if np.allclose(moved, centres):
                break
            centres = moved
        labels = _nearest(points, centres)
        inertia = float(((points - centres[labels]) ** 2).sum())
        if best is None or inertia < best.inertia - 1e-9:
            best = KMeansResult(labels, centres, inertia)
    return _numbered_by_size(best)


def _plus_plus_starts(points: NDArray[np.float64], k: int, rng: np.random.Generator):
    centres = [points[rng.integers(len(points))]]
    for _centre in range(1, k):
        distances = ((points[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2).min(axis=1)
        total = distances.sum()
        chosen = (
            rng.choice(len(points), p=distances / total) if total > 0 else rng.integers(len(points))
        )
        centres.append(points[chosen])
    return np.array(centres)


def _nearest(points: NDArray[np.float64], centres: NDArray[np.float64]) -> NDArray[np.int64]:
    return ((points[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)


def _numbered_by_size(result: KMeansResult) -> KMeansResult:
    """Group 0 is the largest (ties by centre), so numbering does not depend on the restarts."""
    k = len(result.centres)
    sizes = np.bincount(result.labels, minlength=k)
    order = sorted(range(k), key=lambda group: (-sizes[group], tuple(result.centres[group])))
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    return KMeansResult(renumber[result.labels], result.centres[order], result.inertia)


def ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks from 1, ties sharing their average rank (as Spearman's coefficient needs)."""
    order = np.argsort(values, kind="mergesort")
    ranked = np.empty(len(values))
    ranked[order] = np.arange(1, len(values) + 1)
    for value in np.unique(values):
        tied = values == value
        if tied.sum() > 1:
            ranked[tied] = ranked[tied].mean()
    return ranked


def pearson(x: NDArray[np.float64], y: NDArray[np.float64]) -> float | None:
    """Pearson's r; None when either variable has no spread (r is undefined then)."""
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def spearman(x: NDArray[np.float64], y: NDArray[np.float64]) -> float | None:
    return pearson(ranks(x), ranks(y))


# Parameters and visibility --------------------------------------------------------------------


def run_indicator_ids(parameters: dict) -> list[int]:
    """The chosen indicators' ids, in the order chosen (anything else in the list is ignored)."""
    ids = parameters.get("indicators") or []
    return [int(value) for value in ids if isinstance(value, int) or str(value).isdigit()]


def run_is_visible(run: IndicatorRun, *, request=None, user=None) -> bool:
    """A run shows only to visitors who may see every series it uses, also when opened by
    its share link; a run whose indicators were deleted shows to no one, since what it held
    can no longer be judged."""
    ids = set(run_indicator_ids(run.parameters))
    if not ids:
        return False
    visible = visible_indicators(request=request, user=user).filter(pk__in=ids)
    return set(visible.values_list("pk", flat=True)) == ids


def newer_data_exists(run: IndicatorRun, current_version: str | None = None) -> bool:
    """Whether the data changed since the run was computed (so a re-run may differ)."""
    if run.status != Status.DONE:
        return False
    return run.data_version != (current_version if current_version is not None else data_version())


# Computing --------------------------------------------------------------------------------------


def indicator_info(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "series": indicator.series.code,
        "names": {language: indicator.name_in(language) for language in ("sv", "da", "en")},
        "unit": indicator.unit,
    }


def organisation_info(organisation: Organisation) -> dict:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "slug": organisation.slug,
        "country": organisation.country,
    }


def compute(method: str, parameters: dict, progress: Progress = lambda percent: None) -> dict:
    """The result of a run with these parameters, as stored in ``IndicatorRun.result``."""
    ids = run_indicator_ids(parameters)
    by_id = Indicator.objects.select_related("series").in_bulk(ids)
    if not ids or len(by_id) != len(set(ids)):
        raise RunError(_("Choose indicators that exist."))
    indicators = [by_id[pk] for pk in dict.fromkeys(ids)]
    filters = run_filters(parameters.get("filters") or {})
    year = parameters.get("year") or None
    target = _organisation_id(parameters) if method == Method.PEERS else None
    observations = run_observations(indicators, filters, int(year) if year else None, target)
    progress(10)
    table = agency_table(observations, indicators)
    progress(40)
    result = {
        "method": method,
        "indicators": [indicator_info(indicator) for indicator in indicators],
        "filters": {key: value for key, value in filters.as_dict().items() if key != "year"},
        "year": year,
    }
    if method == Method.KMEANS:
        result |= _kmeans_result(table, int(parameters.get("k") or 3))
    elif method == Method.CORRELATION:
        result |= _correlation_result(table)
    elif method == Method.PEERS:
        result |= _peers_result(table, observations, target)
    else:
        raise RunError(_("Unknown method."))
    progress(90)
    return result


def _kmeans_result(table: AgencyTable, k: int) -> dict:
    complete = table.complete_rows()
    values = table.values[complete]
    members = [org for org, keep in zip(table.organisations, complete, strict=True) if keep]
    grouping = kmeans(standardise(values), k)
    groups = []
    for number in range(k):
        in_group = grouping.labels == number
        groups.append(
            {
                "number": number + 1,
                "size": int(in_group.sum()),
                # In the indicators' own units: the mean of the members' values.
                "centroid": [round(float(value), 4) for value in values[in_group].mean(axis=0)],
                "members": [
                    organisation_info(org) | {"values": [float(v) for v in row]}
                    for org, row, member in zip(members, values, in_group, strict=True)
                    if member
                ],
            }
        )
    return {"k": k, "groups": groups, "excluded": int((~complete).sum())}


def _correlation_result(table: AgencyTable) -> dict:
    if len(table.indicators) != 2:
        raise RunError(_("A correlation needs exactly two indicators."))
    complete = table.complete_rows()
    x, y = table.values[complete, 0], table.values[complete, 1]
    if len(x) < 3:
        raise RunError(_("A correlation needs at least 3 agencies with both indicators."))
    points = [
        organisation_info(org) | {"x": float(row[0]), "y": float(row[1])}
        for org, row, keep in zip(table.organisations, table.values, complete, strict=True)
        if keep
    ]
    return {"pearson": pearson(x, y), "spearman": spearman(x, y), "n": len(x), "points": points}


def _organisation_id(parameters: dict) -> int:
    try:
        return int(parameters.get("organisation"))
    except (TypeError, ValueError):
        raise RunError(_("Choose the organisation whose peers you want.")) from None


def _peers_result(table: AgencyTable, observations: QuerySet, organisation_id: int) -> dict:
    """The nearest agencies as the organisation profiles find them (indicators/peers.py),
    on the run's indicators and agencies only."""
    rows = {org.pk: index for index, org in enumerate(table.organisations)}
    if organisation_id not in rows:
        raise RunError(_("The organisation has no values for these indicators."))
    found = nearest(build_matrix(observations), organisation_id, PEER_COUNT)
    return {
        "organisation": organisation_info(table.organisations[rows[organisation_id]])
        | {"values": _plain(table.values[rows[organisation_id]])},
        "peers": [
            organisation_info(table.organisations[rows[peer_id]])
            | {"distance": round(distance, 4), "values": _plain(table.values[rows[peer_id]])}
            for peer_id, distance, _shared, _closest in found
        ],
    }


def _plain(values: NDArray[np.float64]) -> list[float | None]:
    """JSON has no NaN: a missing value is null."""
    return [None if np.isnan(value) else float(value) for value in values]


# Executing ----------------------------------------------------------------------------------------


def execute_run(run: IndicatorRun) -> IndicatorRun:
    """Compute ``run`` and store its result with the data version it used; progress and
    status are written as it goes, so its page can show them."""
    # Read before the data: data arriving during the run then marks it as having newer data.
    version = data_version()
    _update(run, status=Status.RUNNING, progress=5, error="")
    try:
        result = compute(run.method, run.parameters, lambda percent: _update(run, progress=percent))
    except RunError as error:
        _update(run, status=Status.FAILED, progress=100, error=str(error))
        return run
    _update(
        run,
        status=Status.DONE,
        progress=100,
        result=result,
        data_version=version,
        computed_at=timezone.now(),
    )
    return run


def _update(run: IndicatorRun, **fields) -> None:
    # A plain UPDATE of these fields only: a parallel re-run request cannot be overwritten whole.
    IndicatorRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def create_demo_run() -> IndicatorRun | None:
    """A finished k-means run over the public demo indices, for `load_demo` (idempotent)."""
    demo = visible_indicators(user=None).filter(series__is_demo=True)
    chosen = list(demo.filter(unit="index").values_list("pk", flat=True)[:4]) or list(
        demo.values_list("pk", flat=True)[:4]
    )
    if len(chosen) < 2:
        return None
    with transaction.atomic():
        run, _created = IndicatorRun.objects.update_or_create(
            title=DEMO_RUN_TITLE,
            created_by=None,
            defaults={"method": Method.KMEANS, "parameters": {"indicators": chosen, "k": 2}},
        )
    return execute_run(run)
