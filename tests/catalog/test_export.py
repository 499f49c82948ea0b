"""What the catalogue says, where it is served, and what it never contains."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from catalog.terms import ADMS, VCARD
from catalog.vocabularies import ACCESS_RIGHT

from .conftest import HIDDEN_MARKS, PUBLIC_MARK, RESTRICTED_MARK

pytestmark = pytest.mark.django_db


def test_no_restricted_non_public_or_draft_case_is_exported(exported):
    """Nor a members-only indicator series, in either serialisation."""
    for text in (exported.turtle, exported.jsonld):
        assert PUBLIC_MARK in text
        assert [mark for mark in HIDDEN_MARKS if mark in text] == []


def test_turtle_and_json_ld_hold_the_same_graph(exported):
    turtle = Graph().parse(data=exported.turtle, format="turtle")
    jsonld = Graph().parse(data=exported.jsonld, format="json-ld")
    assert len(turtle) == len(exported.graph) > 100
    assert isomorphic(turtle, jsonld)


def test_each_public_case_carries_its_records_fields(exported):
    graph = exported.graph
    case = next(
        dataset
        for dataset in graph.subjects(RDF.type, DCAT.Dataset)
        if PUBLIC_MARK in str(graph.value(dataset, DCTERMS.title))
    )
    identifier = graph.value(case, ADMS.identifier)
    assert graph.value(identifier, SKOS.notation) == Literal("SKV 2024/1234")
    assert str(graph.value(case, DCTERMS.identifier)).endswith(
        "/cases/sortering-av-arenden-zqpubliccase/"
    )
    assert graph.value(graph.value(case, DCTERMS.publisher), FOAF.name) == Literal("Skatteverket")
    contact = graph.value(case, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:registrator@skatteverket.se")
    assert graph.value(case, DCTERMS.accessRights) == ACCESS_RIGHT.PUBLIC
    assert graph.value(case, DCTERMS.isPartOf) is not None
    assert graph.value(case, DCTERMS.issued) is not None
    period = graph.value(case, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2021-03-01"
    assert str(graph.value(period, DCAT.endDate)) == "2023-06-30"
    assert graph.value(case, DCTERMS.spatial) == URIRef(
        "http://publications.europa.eu/resource/authority/country/SWE"
    )


def test_what_dcat_ap_se_and_dk_add_is_there(exported):
    """Catalogue: licence and publisher (SE); distributions: a format (SE); datasets: a
    publisher (DK) and EU access rights; contact points: a name and an e-mail address."""
    graph = exported.graph
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert graph.value(catalog, DCTERMS.license) is not None
    assert graph.value(graph.value(catalog, DCTERMS.publisher), FOAF.name) is not None
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        assert graph.value(distribution, DCTERMS.format) is not None, distribution
        assert graph.value(distribution, DCTERMS.license) is not None, distribution
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert graph.value(graph.value(dataset, DCTERMS.publisher), FOAF.name) is not None
        assert graph.value(dataset, DCTERMS.accessRights) == ACCESS_RIGHT.PUBLIC
        assert graph.value(dataset, DCAT.theme) is not None
    contacts = set(graph.objects(None, DCAT.contactPoint))
    assert contacts
    for contact in contacts:
        assert graph.value(contact, VCARD.fn) is not None
        assert str(graph.value(contact, VCARD.hasEmail)).startswith("mailto:")


@pytest.mark.parametrize(
    ("url", "content_type", "rdf_format"),
    [
        ("/catalog.ttl", "text/turtle", "turtle"),
        ("/catalog.jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_the_catalogue_is_served_at_one_address_in_every_language(
    client, two_cases, url, content_type, rdf_format
):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    body = response.content.decode()
    assert PUBLIC_MARK in body and RESTRICTED_MARK not in body
    graph = Graph().parse(data=body, format=rdf_format)
    assert len(set(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    assert client.get(f"/en{url}").status_code == 404


def test_the_case_files_hold_public_cases_only(client, two_cases):
    csv_text = client.get("/catalog/cases.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("identifier,title,summary")
    assert PUBLIC_MARK in csv_text and "Dnr 1" in csv_text and RESTRICTED_MARK not in csv_text
    data = json.loads(client.get("/catalog/cases.json").content)
    assert [case["title"] for case in data["cases"]] == [two_cases.title]
    assert data["cases"][0]["access_rights"] == str(ACCESS_RIGHT.PUBLIC)


def test_export_dcat_writes_either_format(two_cases, tmp_path, capsys):
    output = tmp_path / "catalog.jsonld"
    call_command("export_dcat", "--format", "jsonld", "--output", str(output))
    graph = Graph().parse(output, format="json-ld")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2  # the library and one case
    call_command("export_dcat")
    turtle = capsys.readouterr().out
    assert PUBLIC_MARK in turtle and RESTRICTED_MARK not in turtle
