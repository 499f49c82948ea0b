"""Indicator pages and peers at the issue's size: 300 organisations × 40 indicators × 10 years.

For each database (SQLite and PostgreSQL, each in its own process: Django configures one
engine per process) a throwaway database is migrated and filled with generated data: 300
organisations (Swedish and Danish, three levels of government, eleven sectors, 50–40,000
employees), two series of 20 indicators (one of them amounts in SEK), the years 2015–2024
with about 3 % of the values missing (~116k observations), price indices and exchange
rates, and 150 published cases tied to the organisations. Then, through
``django.test.Client`` (the whole Django stack without a socket), p50/p95 server time of:

- the indicator page (distribution and trend), plain and filtered with an agency highlighted;
- the organisation profile (40 charts against the median of its peers, its cases, similar
  agencies), against the filters' peers and against the most similar profiles;
- the scatter comparison of two indicators;
- peers of one organisation (``indicators.peers.similar_organisations``: the data version,
  the cached standardised matrix, the nearest five, their names, cases and explanations),
  and the one-off build of the matrix after new data.

Goals (issue 12): indicator and profile pages p50 <= 300 ms, peers <= 50 ms.

    .venv/bin/python bench/bench_indicators_pages.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/bench_indicators_pages.py --database sqlite --quick
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import _support
from _support import latency_summary, log

GOAL_PAGE_P50_MS = 300
GOAL_PEERS_P50_MS = 50
ORGANISATIONS, INDICATORS, YEARS = 300, 40, range(2015, 2025)
POSTGRES_URL = os.environ.get("ERFA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
POSTGRES_DB = "erfa_bench_indicators"


def _setup(database: str) -> None:
    if database == "sqlite":
        _support.setup_django()
        _support.fresh_database("indicators").__enter__()  # closed when the process exits
        return
    subprocess.run(
        ["psql", f"{POSTGRES_URL}/postgres", "-qc", f"drop database if exists {POSTGRES_DB}"],
        check=True,
    )
    subprocess.run(
        ["psql", f"{POSTGRES_URL}/postgres", "-qc", f"create database {POSTGRES_DB}"], check=True
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DATABASE_URL"] = f"{POSTGRES_URL}/{POSTGRES_DB}"
    sys.path.insert(0, str(_support.REPO_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def generate() -> dict:
    """The data set; returns what the timings ask for (slugs, codes)."""
    import numpy as np

    from cases.models import CaseStudyPage
    from indicators.models import ExchangeRate, Indicator, IndicatorSeries, Observation, PriceIndex
    from portal.models import GovernmentLevel, Organisation, Sector

    rng = np.random.default_rng(12)
    sectors, levels = [s.value for s in Sector], [lvl.value for lvl in GovernmentLevel]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Myndighet {number:03d}",
            slug=f"myndighet-{number:03d}",
            country="SE" if number % 3 else "DK",
            kind=Organisation.Kind.GOVERNMENT_AGENCY,
            government_level=levels[number % len(levels)],
            sector=sectors[number % len(sectors)],
            employees=int(rng.integers(50, 40_000)),
        )
        for number in range(ORGANISATIONS)
    )
    indicators = []
    for series_number in range(2):
        series = IndicatorSeries.objects.create(
            code=f"serie-{series_number}",
            name_sv=f"Serie {series_number}",
            source="Genererad",
            licence="CC0",
            is_demo=True,
        )
        for number in range(INDICATORS // 2):
            money = series_number == 0 and number < 3
            indicators.append(
                Indicator.objects.create(
                    series=series,
                    code=f"indikator-{number:02d}",
                    name_sv=f"Indikator {series_number}.{number}",
                    unit="SEK" if money else "index",
                    currency="SEK" if money else "",
                    higher_is_better=bool(number % 2),
                    order=number,
                )
            )
    large = {org.pk: org.employees > 5000 for org in organisations}
    rows = []
    for indicator in indicators:
        for org in organisations:
            base = (70 if large[org.pk] else 35) + rng.normal(0, 8)
            for year in YEARS:
                if rng.random() < 0.03:
                    continue
                value = base + (year - YEARS[0]) + rng.normal(0, 2)
                rows.append(
                    Observation(indicator=indicator, organisation=org, year=year, value=value)
                )
    Observation.objects.bulk_create(rows, batch_size=5000)
    PriceIndex.objects.bulk_create(
        PriceIndex(currency="SEK", year=year, value=300 + 6 * (year - YEARS[0])) for year in YEARS
    )
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency=code, year=year, to_sek=rate)
        for year in YEARS
        for code, rate in (("DKK", 1.5), ("EUR", 11.2))
    )
    index = _support.case_index()
    cases = _support.add_live_pages(
        index,
        [
            CaseStudyPage(
                title=f"Fall {number}",
                slug=f"fall-{number}",
                summary="Ett genererat fall.",
                language="sv",
                country="SE",
                start_date=f"{2016 + number % 8}-01-01",
            )
            for number in range(150)
        ],
    )
    for number, case in enumerate(cases):
        case.organisations.set([organisations[(number * 7) % ORGANISATIONS]])
    return {
        "observations": len(rows),
        "organisation": organisations[7].slug,
        "indicator": (indicators[0].series.code, indicators[0].code),
        "second": (indicators[21].series.code, indicators[21].code),
    }


def measure(client, path: str, repetitions: int) -> dict:
    for _ in range(2):  # warm-up: imports, template compilation, the peers matrix
        assert client.get(path).status_code == 200, path
    seconds, cpu = [], []
    for _ in range(repetitions):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, path
    # CPU time of this process too: on a shared machine the wall clock counts the waits for
    # a core (SQLite's work is in this process; PostgreSQL's is not).
    return {
        **latency_summary(seconds),
        "cpu_p50_ms": round(_support.percentile(cpu, 0.5) * 1000, 2),
    }


def run_one(database: str, repetitions: int) -> dict:
    _setup(database)
    from django.test import Client, override_settings

    log(f"{database}: generating {ORGANISATIONS} × {INDICATORS} × {len(YEARS)}")
    started = time.perf_counter()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        data = generate()
    figures = {
        "generate_s": round(time.perf_counter() - started, 1),
        "observations": data["observations"],
    }
    series, code = data["indicator"]
    second = data["second"]
    org = data["organisation"]
    pages = {
        "indicator": f"/data/indicators/indicator/{series}/{code}/",
        "indicator_filtered": f"/data/indicators/indicator/{series}/{code}/?country=SE&level=state&year=2020&organisation={org}",
        "profile": f"/data/indicators/organisation/{org}/",
        "profile_similar": f"/data/indicators/organisation/{org}/?peers=similar",
        "compare": f"/data/indicators/compare/?x={series}.{code}&y={second[0]}.{second[1]}",
    }
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        for name, path in pages.items():
            log(f"{database}: {name}")
            figures[name] = measure(client, path, repetitions)
    from indicators import peers
    from portal.models import Organisation

    organisation = Organisation.objects.get(slug=org)
    peers.clear_cache()
    started = time.perf_counter()
    peers.similar_organisations(organisation)
    figures["peers_matrix_build_ms"] = round((time.perf_counter() - started) * 1000, 1)
    seconds, cpu = [], []
    others = list(Organisation.objects.order_by("pk")[: repetitions * 2])
    for other in others:
        started, started_cpu = time.perf_counter(), time.process_time()
        peers.similar_organisations(other)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    figures["peers"] = {
        **latency_summary(seconds),
        "cpu_p50_ms": round(_support.percentile(cpu, 0.5) * 1000, 2),
    }
    figures["machine"] = _support.machine_info()
    return figures


def main() -> None:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    repetitions = 5 if args.quick else 20
    if args.child:
        print("RESULT " + json.dumps(run_one(args.database, repetitions)), flush=True)
        return
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    results = {}
    for database in databases:
        command = [sys.executable, __file__, "--child", "--database", database]
        if args.quick:
            command.append("--quick")
        output = subprocess.run(command, check=True, capture_output=True, text=True)
        sys.stderr.write(output.stderr[-4000:])
        line = next(x for x in output.stdout.splitlines() if x.startswith("RESULT "))
        results[database] = json.loads(line[len("RESULT ") :])
        print(output.stdout.replace(line, "").strip())
    names = ["indicator", "indicator_filtered", "profile", "profile_similar", "compare", "peers"]
    rows = []
    for database, figures in results.items():
        for name in names:
            goal = GOAL_PEERS_P50_MS if name == "peers" else GOAL_PAGE_P50_MS
            summary = figures[name]
            rows.append(
                [
                    database,
                    name,
                    summary["p50_ms"],
                    summary["p95_ms"],
                    summary["cpu_p50_ms"],
                    summary["n"],
                    goal,
                    "yes" if summary["p50_ms"] <= goal else "NO",
                ]
            )
        rows.append(
            [
                database,
                "peers matrix build (once per data version)",
                figures["peers_matrix_build_ms"],
                "",
                "",
                1,
                "",
                "",
            ]
        )
    _support.print_table(
        ["database", "what", "p50 ms", "p95 ms", "cpu p50 ms", "n", "goal p50 ms", "met"],
        rows,
        title=f"Indicator pages, {ORGANISATIONS} organisations × {INDICATORS} indicators × {len(YEARS)} years",
    )
    _support.write_results(
        "indicators_pages",
        {
            database: {k: v for k, v in f.items() if k != "machine"}
            for database, f in results.items()
        },
        {
            "organisations": ORGANISATIONS,
            "indicators": INDICATORS,
            "years": len(YEARS),
            "repetitions": repetitions,
        },
        enabled=not args.no_write,
        merge=True,
    )


if __name__ == "__main__":
    main()
