"""The export validates against the DCAT-AP 3.0.0 SHACL shapes, and the shapes do bite."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import DCAT, DCTERMS

from .shacl import SH, SHAPE_FILES, SHAPES_DIR, validate, violations

# The session's world is built outside any test; marking the tests makes pytest-django set up
# the test database for them.
pytestmark = pytest.mark.django_db


def test_the_shapes_are_the_provenanced_ones():
    provenance = (SHAPES_DIR / "PROVENANCE.md").read_text("utf-8")
    assert "releases/3.0.0/shacl/dcat-ap-SHACL.ttl" in provenance
    assert all((SHAPES_DIR / name).is_file() for name in SHAPE_FILES)


def test_the_export_validates_with_no_violations(exported, shapes, report):
    """Zero violations, over a known number of catalogues, datasets and distributions: the
    catalogue, the case library, two public cases and one public indicator series; the CSV,
    JSON and API distributions of the library and the series' one indicator page."""
    assert violations(report) == []
    graph = exported.graph
    counts = {
        name: len(set(graph.subjects(RDF.type, rdf_class)))
        for name, rdf_class in (
            ("catalogue", DCAT.Catalog),
            ("dataset", DCAT.Dataset),
            ("distribution", DCAT.Distribution),
            ("data service", DCAT.DataService),
        )
    }
    assert counts == {"catalogue": 1, "dataset": 4, "distribution": 4, "data service": 1}
    # Each of those classes is a target of the shapes, so each node above was checked.
    targets = set(shapes.objects(None, SH.targetClass))
    assert {DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService} <= targets


def test_an_export_without_its_publisher_fails(exported, shapes):
    """The negative control: the same export, less every dct:publisher, is refused."""
    graph = Graph()
    for triple in exported.graph:
        graph.add(triple)
    graph.remove((None, DCTERMS.publisher, None))
    found = violations(validate(graph, shapes))
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert (catalog, DCTERMS.publisher) in {(focus, path) for focus, path, _message in found}
