"""The RDF terms the catalogue is made of: agents, contact points, vocabulary terms, periods.

Every term the export points to is declared with its class (and a label where the shapes ask
for one), so that the catalogue validates without fetching the EU vocabularies: the SHACL
range shapes check each value's class in the data itself.
"""

from __future__ import annotations

import re

from django.utils import timezone, translation
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from cases.models.records import AccessRights
from portal.models import Organisation

from .vocabularies import (
    COUNTRY,
    COUNTRY_CODES,
    COUNTRY_LABELS,
    DATA_THEME,
    DATA_THEME_SCHEME,
    LANGUAGE,
    LANGUAGE_CODES,
    PUBLISHER_TYPE,
    THEME_LABELS,
)

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "adms": ADMS,
    "skos": SKOS,
    "xsd": XSD,
    "rdfs": RDFS,
    "dcatap": DCATAP,
}
UI_LANGUAGES = ("sv", "da", "en")
# The kinds of organisation the portal knows -> ADMS publisher types.
PUBLISHER_TYPES = {
    "agency": "NationalAuthority",
    "ministry": "NationalAuthority",
    "region": "RegionalAuthority",
    "municipality": "LocalAuthority",
    "state_company": "Company",
}


class GraphTerms:
    """A graph being written, with the terms it declares as it goes."""

    def __init__(self, node_base: str):
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.node = Namespace(node_base)

    def add(self, subject, predicate, *objects):
        """Add each of ``objects`` that has a value (None and "" are left out)."""
        for value in objects:
            if value is not None and value != "":
                self.graph.add((subject, predicate, value))

    def agent(self, organisation: Organisation) -> URIRef:
        node = self.node[f"agent-{organisation.slug}"]
        self.agent_node(node, organisation.name, PUBLISHER_TYPES.get(organisation.kind))
        if organisation.website:
            self.add(node, FOAF.homepage, URIRef(organisation.website))
        return node

    def agent_node(self, node, name, publisher_type):
        self.add(node, RDF.type, FOAF.Agent, FOAF.Organization)
        self.add(node, FOAF.name, Literal(name))
        if publisher_type:
            concept = self.typed(PUBLISHER_TYPE[publisher_type], SKOS.Concept)
            label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", publisher_type).capitalize()
            self.add(concept, SKOS.prefLabel, Literal(label, lang="en"))
            self.add(node, DCTERMS.type, concept)

    def contact_point(self, node, name, email) -> URIRef:
        self.add(node, RDF.type, VCARD.Kind, VCARD.Organization)
        self.add(node, VCARD.fn, Literal(name))
        self.add(node, VCARD.hasEmail, URIRef(f"mailto:{email}"))
        return node

    def access_rights(self, value: AccessRights) -> URIRef:
        node = self.typed(URIRef(value.uri), DCTERMS.RightsStatement)
        with translation.override("en"):
            self.add(node, RDFS.label, Literal(str(value.label), lang="en"))
        return node

    def licence_document(self, licence) -> URIRef | BNode:
        node = licence if isinstance(licence, BNode) else URIRef(licence)
        return self.typed(node, DCTERMS.LicenseDocument)

    def theme_scheme(self) -> URIRef:
        scheme = self.typed(URIRef(DATA_THEME_SCHEME), SKOS.ConceptScheme)
        self.add(scheme, DCTERMS.title, Literal("Data theme", lang="en"))
        return scheme

    def theme(self, code) -> URIRef:
        theme = self.typed(DATA_THEME[code], SKOS.Concept)
        self.add(theme, SKOS.prefLabel, Literal(THEME_LABELS[code], lang="sv"))
        self.add(theme, SKOS.inScheme, URIRef(DATA_THEME_SCHEME))
        return theme

    def countries(self, codes) -> list[URIRef]:
        nodes = []
        for code in sorted(code for code in codes if code in COUNTRY_CODES):
            node = self.typed(COUNTRY[COUNTRY_CODES[code]], DCTERMS.Location)
            self.add(node, SKOS.prefLabel, Literal(COUNTRY_LABELS[code], lang="sv"))
            nodes.append(node)
        return nodes

    def languages(self, codes) -> list[URIRef]:
        return [
            self.typed(LANGUAGE[LANGUAGE_CODES[code]], DCTERMS.LinguisticSystem)
            for code in sorted(code for code in codes if code in LANGUAGE_CODES)
        ]

    def keywords(self, dataset, topic):
        for language in UI_LANGUAGES:
            name = getattr(topic, f"name_{language}")
            if name:
                self.add(dataset, DCAT.keyword, Literal(name, lang=language))

    def resource(self, url) -> URIRef:
        # The shapes ask for rdfs:Resource, which is only known without inference if stated.
        return self.typed(URIRef(url), RDFS.Resource)

    def document(self, url) -> URIRef:
        return self.typed(URIRef(url), FOAF.Document)

    def typed(self, node, rdf_class):
        self.add(node, RDF.type, rdf_class)
        return node

    def period(self, cases):
        starts = [case.start_date for case in cases if case.start_date]
        if not starts:
            return None
        period = BNode()
        self.add(period, RDF.type, DCTERMS.PeriodOfTime)
        self.add(period, DCAT.startDate, Literal(min(starts), datatype=XSD.date))
        # Work still going on leaves the period open.
        ends = [case.end_date for case in cases]
        if all(ends):
            self.add(period, DCAT.endDate, Literal(max(ends), datatype=XSD.date))
        return period

    def dates(self, node, cases):
        issued = [case.first_published_at for case in cases if case.first_published_at]
        modified = [case.last_published_at for case in cases if case.last_published_at]
        if issued:
            self.add(node, DCTERMS.issued, Literal(min(issued), datatype=XSD.dateTime))
        self.add(
            node,
            DCTERMS.modified,
            Literal(max(modified) if modified else timezone.now(), datatype=XSD.dateTime),
        )
