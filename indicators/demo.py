"""Demo indicator data for the demo organisations, 2019–2025 (``load_demo``).

Every value here is invented and labelled so (``is_demo``, the source says "Demo data written
for Erfa"), modelled on three real measures: the Swedish financial management authority's
(ESV) IT cost key figures and IT maturity levels, and the Swedish digitalisation agency's
(Digg) four 0–100 indices. The indices follow Digg's finding: large citizen-facing agencies
with high case volumes score high on technology and development; smaller agencies on maturity
and collaboration. A few years are missing, as in real follow-ups. One series (strategic IT
projects) is for members only.

Deterministic (a seeded generator) and idempotent: values are compared with what is stored
and only differences are written, so loading again changes nothing, not even the data version.
"""

from __future__ import annotations

import random

from django.db import transaction

from portal.models import Organisation

from .demo_data import EXCHANGE_RATES, LARGE, PRICE_INDICES, PROFILES, SERIES
from .models import ExchangeRate, Indicator, IndicatorSeries, Observation, PriceIndex
from .versions import raise_data_version

YEARS = range(2019, 2026)
SEED = 12
DEMO_SOURCE = "Demo data written for Erfa"
DEMO_LICENCE = "CC0 1.0 (invented demo data)"


@transaction.atomic
def load() -> None:
    organisations = _load_profiles()
    indicators = _load_series()
    values = _values(organisations, indicators)
    _write(values, [indicator.pk for indicator in indicators.values()])
    _load_rates()
    from .runs import create_demo_run

    create_demo_run()


def _load_profiles() -> list[Organisation]:
    organisations = list(Organisation.objects.filter(slug__in=PROFILES).order_by("slug"))
    for organisation in organisations:
        employees, sector, level, _group = PROFILES[organisation.slug]
        organisation.employees, organisation.sector, organisation.government_level = (
            employees,
            sector,
            level,
        )
    Organisation.objects.bulk_update(organisations, ["employees", "sector", "government_level"])
    return organisations


def _load_series() -> dict[str, Indicator]:
    indicators = {}
    for code, spec in SERIES.items():
        names, descriptions = spec["names"], spec["descriptions"]
        series, _created = IndicatorSeries.objects.update_or_create(
            code=code,
            defaults={
                "name_sv": names[0],
                "name_da": names[1],
                "name_en": names[2],
                "description_sv": descriptions[0],
                "description_da": descriptions[1],
                "description_en": descriptions[2],
                "source": DEMO_SOURCE,
                "licence": DEMO_LICENCE,
                "members_only": spec["members_only"],
                "is_demo": True,
            },
        )
        for order, row in enumerate(spec["indicators"]):
            (indicator_code, sv, da, en, unit, low, high, better, currency, price_year) = row
            indicators[indicator_code], _created = Indicator.objects.update_or_create(
                series=series,
                code=indicator_code,
                defaults={
                    "name_sv": sv,
                    "name_da": da,
                    "name_en": en,
                    "unit": unit,
                    "scale_min": low,
                    "scale_max": high,
                    "higher_is_better": better,
                    "currency": currency,
                    "price_year": price_year,
                    "order": order,
                },
            )
    return indicators


def _values(organisations: list[Organisation], indicators: dict[str, Indicator]) -> dict:
    """(indicator id, organisation id, year) -> value, drawn from one seeded generator."""
    rng = random.Random(SEED)  # noqa: S311 - invented demo values, not secrets
    values = {}

    def put(
        code: str, organisation: Organisation, year: int, value: float, digits: int = 1
    ) -> None:
        indicator = indicators[code]
        low = indicator.scale_min if indicator.scale_min is not None else value
        high = indicator.scale_max if indicator.scale_max is not None else value
        values[(indicator.pk, organisation.pk, year)] = round(min(max(value, low), high), digits)

    for organisation in organisations:
        large = PROFILES[organisation.slug][3] == LARGE
        # Each organisation's own level around its group's, so agencies differ within a group.
        own = {
            key: rng.gauss(0, 5)
            for key in ("development", "maturity", "collaboration", "technology")
        }
        cost_share = (24 if large else 14) + rng.gauss(0, 3)
        per_employee = (190_000 if large else 150_000) * rng.uniform(0.85, 1.15)
        level = (2.6 if large else 3.0) + rng.uniform(-0.5, 0.5)
        # A few missing years: some organisations joined the follow-up late or skipped a year.
        missing = (
            {2019, 2020}
            if rng.random() < 0.15
            else ({rng.choice(YEARS)} if rng.random() < 0.3 else set())
        )
        for year in YEARS:
            if year in missing:
                continue
            trend = (year - YEARS.start) * 1.5
            centre = (
                {"development": 72, "maturity": 50, "collaboration": 45, "technology": 78}
                if large
                else {"development": 45, "maturity": 72, "collaboration": 75, "technology": 40}
            )
            for name, base in centre.items():
                put(f"{name}-index", organisation, year, base + own[name] + trend + rng.gauss(0, 3))
            put(
                "it-cost-share",
                organisation,
                year,
                cost_share + (year - 2019) * 0.3 + rng.gauss(0, 1),
            )
            currency_code = (
                "it-cost-per-employee-dkk"
                if organisation.country == "DK"
                else "it-cost-per-employee-sek"
            )
            factor = 0.72 if organisation.country == "DK" else 1.0
            put(
                currency_code,
                organisation,
                year,
                per_employee * factor * (1 + 0.025 * (year - 2019)),
                0,
            )
            for code in ("benefits-realisation", "it-governance", "data-use", "digital-services"):
                put(
                    code,
                    organisation,
                    year,
                    round(level + (year - 2019) * 0.12 + rng.uniform(-0.6, 0.6)),
                    0,
                )
            if year >= 2021:  # the members-only series starts later
                put("strategic-projects", organisation, year, rng.randint(1, 12 if large else 4), 0)
                put("projects-on-budget", organisation, year, rng.uniform(35, 90), 0)
    return values


def _write(values: dict, indicator_ids: list[int]) -> None:
    """Make the stored demo observations equal ``values``: create, update and delete differences."""
    existing = {
        (indicator_id, organisation_id, year): (pk, value)
        for pk, indicator_id, organisation_id, year, value in Observation.objects.filter(
            indicator_id__in=indicator_ids
        ).values_list("id", "indicator_id", "organisation_id", "year", "value")
    }
    new = [
        Observation(indicator_id=i, organisation_id=o, year=y, value=value, note="")
        for (i, o, y), value in values.items()
        if (i, o, y) not in existing
    ]
    if new:  # bulk_create sends no signal (the saves and the delete below do)
        raise_data_version()
    Observation.objects.bulk_create(new, batch_size=2000)
    changed = [
        Observation(pk=existing[key][0], value=value)
        for key, value in values.items()
        if key in existing and existing[key][1] != value
    ]
    for observation in changed:
        observation.save(update_fields=["value", "updated_at"])
    Observation.objects.filter(
        pk__in=[pk for key, (pk, _v) in existing.items() if key not in values]
    ).delete()


def _load_rates() -> None:
    """Rates and indices only where missing: the administrator's own figures are kept."""
    for currency, years in EXCHANGE_RATES.items():
        for year, rate in years.items():
            ExchangeRate.objects.get_or_create(
                currency=currency, year=year, defaults={"to_sek": rate}
            )
    for currency, years in PRICE_INDICES.items():
        for year, value in years.items():
            PriceIndex.objects.get_or_create(
                currency=currency, year=year, defaults={"value": value}
            )
