"""Validation against the DCAT-AP 3.0.0 SHACL shapes, read where they are kept.

The shapes live in ../shared/data/dcat-ap-3.0.0 (see PROVENANCE.md there) and are never copied
into the project: dcat-ap-SHACL.ttl (the combined shapes) and range.ttl (the classes each
property's values must have).
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace

REPOSITORY = Path(__file__).resolve().parents[2]
SHAPES_DIR = REPOSITORY / "../shared/data/dcat-ap-3.0.0"
SHAPE_FILES = ("dcat-ap-SHACL.ttl", "range.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


def load_shapes() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def validate(data: Graph, shapes: Graph) -> Graph:
    """pyshacl's report graph: no inference, so that a class a value lacks is not made up."""
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    return report


def violations(report: Graph) -> list[tuple]:
    """(focus node, path, message) of each result of severity Violation."""
    return [
        (
            report.value(result, SH.focusNode),
            report.value(result, SH.resultPath),
            report.value(result, SH.resultMessage),
        )
        for result in report.subjects(SH.resultSeverity, SH.Violation)
    ]
