"""The DCAT-AP catalogue (/catalog.ttl, /catalog.jsonld) at the size of a grown case library.

On a throwaway SQLite database: N published public cases (with registration numbers and a
publishing agency, half Swedish and half Danish) plus restricted ones that must stay out. For
each N: the time to build the graph (warm: URL configuration and site roots loaded), to write
it as Turtle and as JSON-LD, a whole GET /catalog.ttl through ``django.test.Client`` (first
after a change: built; again: from the cache, which checks the fingerprint; and a harvester's
conditional GET answered 304), and, for
the smallest N, a pyshacl validation against the DCAT-AP 3.0.0 shapes in
../shared/data/dcat-ap-3.0.0 (the violations must be 0).

    .venv/bin/python bench/bench_dcat.py            # 200 and 1000 cases
    .venv/bin/python bench/bench_dcat.py --quick    # 50 cases
"""

from __future__ import annotations

import time
from datetime import date

import _support
from _support import log

SHAPES_DIR = _support.REPO_DIR / "../shared/data/dcat-ap-3.0.0"


def _fill(count: int) -> None:
    from cases.models import CaseStudyPage
    from portal.models import Organisation

    index = _support.case_index()
    agency = Organisation.objects.create(
        name="Skatteverket", slug="skv", country="SE", kind="agency"
    )
    pages = [
        CaseStudyPage(
            title=f"Fall {number}",
            slug=f"fall-{number}",
            summary="Vi införde digitalt stöd i handläggningen och kortade ledtiderna.",
            language="sv" if number % 2 else "da",
            country="SE" if number % 2 else "DK",
            start_date=date(2020 + number % 5, 1, 1),
            registration_number=f"SKV 2024/{number}",
            publishing_agency=agency,
            # One in eleven is restricted: it must not reach the catalogue.
            access_rights="public" if number < count else "restricted",
        )
        for number in range(count + count // 10)
    ]
    _support.add_live_pages(index, pages)


def _measure(count: int, validate: bool) -> dict:
    from django.test import Client
    from rdflib import RDF
    from rdflib.namespace import DCAT

    from catalog.dcat import build_catalog, serialize

    build_catalog()  # warm
    started = time.perf_counter()
    graph = build_catalog()
    figures = {"triples": len(graph), "datasets": len(set(graph.subjects(RDF.type, DCAT.Dataset)))}
    figures["build_s"] = round(time.perf_counter() - started, 3)
    assert figures["datasets"] == count + 1, figures  # each public case and the library
    for export_format in ("ttl", "jsonld"):
        started = time.perf_counter()
        text = serialize(graph, export_format)
        figures[f"{export_format}_s"] = round(time.perf_counter() - started, 3)
        figures[f"{export_format}_kib"] = len(text.encode()) // 1024
    from django.core.cache import cache

    cache.clear()
    client = Client()
    started = time.perf_counter()
    response = client.get("/catalog.ttl")
    figures["get_catalog_ttl_s"] = round(time.perf_counter() - started, 3)
    assert response.status_code == 200
    started = time.perf_counter()
    again = client.get("/catalog.ttl")
    figures["get_cached_ttl_s"] = round(time.perf_counter() - started, 4)
    assert again.content == response.content
    started = time.perf_counter()
    unchanged = client.get("/catalog.ttl", HTTP_IF_NONE_MATCH=response["ETag"])
    figures["get_not_modified_s"] = round(time.perf_counter() - started, 4)
    assert unchanged.status_code == 304
    if validate:
        import pyshacl
        from rdflib import Graph

        shapes = Graph()
        for name in ("dcat-ap-SHACL.ttl", "range.ttl"):
            shapes.parse(SHAPES_DIR / name, format="turtle")
        started = time.perf_counter()
        conforms, _report, _text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
        figures["shacl_s"] = round(time.perf_counter() - started, 3)
        figures["shacl_conforms"] = conforms
    return figures


def main() -> None:
    arguments = _support.argument_parser(__doc__.splitlines()[0]).parse_args()
    _support.setup_django()
    sizes = [50] if arguments.quick else [200, 1000]
    figures = {}
    for count in sizes:
        with _support.fresh_database(f"dcat-{count}"):
            log(f"{count} public cases")
            _fill(count)
            figures[f"{count}_cases"] = _measure(count, validate=count == sizes[0])
            log(str(figures[f"{count}_cases"]))
    _support.print_table(
        [
            "cases",
            "triples",
            "build s",
            "Turtle s",
            "JSON-LD s",
            "GET s",
            "GET cached s",
            "GET 304 s",
            "SHACL s",
        ],
        [
            [
                key.split("_")[0],
                part["triples"],
                part["build_s"],
                part["ttl_s"],
                part["jsonld_s"],
                part["get_catalog_ttl_s"],
                part["get_cached_ttl_s"],
                part["get_not_modified_s"],
                part.get("shacl_s", "-"),
            ]
            for key, part in figures.items()
        ],
        title="DCAT-AP catalogue",
    )
    _support.write_results("dcat", figures, {"sizes": sizes}, enabled=not arguments.no_write)


if __name__ == "__main__":
    main()
