"""The catalogue as an RDF graph in DCAT-AP 3.0, with what DCAT-AP-SE 3.0.1 and DCAT-AP-DK 2.0.2
add: a named publisher and licence on the catalogue, a format on each distribution, a contact
point with a name and an e-mail address, access rights from the EU vocabulary.

What it holds: the catalogue; one dataset for the case library, with CSV, JSON and API
distributions; one dataset per public case (``dct:isPartOf`` the library), so that each
published record keeps its own identifiers (its address as ``dct:identifier``, the registration
number as ``adms:identifier``), publisher, access rights and dates, which a row in a file
cannot carry for a harvester; and one dataset per public indicator series where the indicators
app is installed (catalog/indicator_series.py). A case is not given a catalogue record
(``dcat:CatalogRecord``): DCAT-AP keeps those for metadata about a catalogue entry, and a case
is content, not an entry about one.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from cases.models import CaseIndexPage
from cases.models.records import AccessRights
from portal.site_url import absolute_url, base_url
from search.visibility import public_pages

from . import indicator_series
from .case_library import canonical_url, public_cases
from .config import catalog_settings
from .terms import ADMS, PREFIXES, UI_LANGUAGES, GraphTerms
from .vocabularies import CASE_LIBRARY_THEME, COUNTRY_CODES, FILE_TYPE, FORMATS, IANA_MEDIA_TYPE

LIBRARY_FILE_TITLES = {
    "csv": _("Case library as a CSV file"),
    "json": _("Case library as a JSON file"),
}


def build_catalog() -> Graph:
    """The whole catalogue, as an anonymous visitor may see it."""
    return _CatalogBuilder().build()


def serialize(graph: Graph, export_format: str) -> str:
    """``graph`` as Turtle (``ttl``) or JSON-LD (``jsonld``)."""
    if export_format == "jsonld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=2)
    return graph.serialize(format="turtle")


def translated(text) -> list[Literal]:
    """A translatable text in each of the portal's languages, language-tagged."""
    literals = []
    for language in UI_LANGUAGES:
        with translation.override(language):
            literals.append(Literal(str(text), lang=language))
    return literals


class _CatalogBuilder(GraphTerms):
    def __init__(self):
        super().__init__(base_url() + "/catalog#")
        self.config = catalog_settings()
        self.catalog = self.node["catalog"]
        self.licence = URIRef(self.config.licence)

    def build(self) -> Graph:
        cases = list(public_cases())
        publisher = self._portal_publisher()
        contact = self.contact_point(
            self.node["contact"], self.config.contact_name, self.config.contact_email
        )
        catalog = self.catalog
        self.add(catalog, RDF.type, DCAT.Catalog)
        self.add(catalog, DCTERMS.title, *translated(_("Erfa open-data catalogue")))
        self.add(
            catalog,
            DCTERMS.description,
            *translated(
                _(
                    "Open data from Erfa, where Swedish and Danish public agencies share "
                    "their experiences: the case library and public indicator series."
                )
            ),
        )
        self.add(catalog, DCTERMS.publisher, publisher)
        self.add(catalog, DCTERMS.license, self.licence_document(self.licence))
        self.add(catalog, FOAF.homepage, self.document(absolute_url("/")))
        self.add(catalog, DCTERMS.language, *self.languages(UI_LANGUAGES))
        self.add(catalog, DCTERMS.spatial, *self.countries(COUNTRY_CODES))
        self.add(catalog, DCAT.themeTaxonomy, self.theme_scheme())
        self.dates(catalog, cases)
        library = self._case_library(cases, publisher, contact)
        self.add(catalog, DCAT.dataset, library)
        for case in cases:
            dataset = self._case(case, library, publisher, contact)
            self.add(catalog, DCAT.dataset, dataset)
            self.add(library, DCTERMS.hasPart, dataset)
        for series in indicator_series.public_series():
            self.add(catalog, DCAT.dataset, self._series(series, publisher, contact))
        return self.graph

    # --- Datasets ---------------------------------------------------------------------

    def _case_library(self, cases, publisher, contact) -> URIRef:
        library = self.node["dataset-cases"]
        self.add(library, RDF.type, DCAT.Dataset)
        self.add(library, DCTERMS.title, *translated(_("Erfa case library")))
        self.add(
            library,
            DCTERMS.description,
            *translated(
                _(
                    "Experiences that Swedish and Danish public agencies have shared: what "
                    "they tried, what came of it and the lessons they learned. One record per "
                    "public case; restricted and non-public cases are left out."
                )
            ),
        )
        self.add(library, DCTERMS.identifier, Literal(str(library)))
        self._common(library, publisher, contact)
        index_url = self._case_index_url()
        if index_url:
            self.add(library, DCAT.landingPage, self.document(index_url))
        self.add(library, DCTERMS.language, *self.languages({case.language for case in cases}))
        self.add(library, DCTERMS.spatial, *self.countries({case.country for case in cases}))
        self.add(library, DCTERMS.temporal, self.period(cases))
        self.dates(library, cases)
        for topic in {topic for case in cases for topic in case.topics.all()}:
            self.keywords(library, topic)
        for export_format in ("csv", "json"):
            url = absolute_url(reverse(f"catalog:cases_{export_format}"))
            distribution = self.node[f"distribution-cases-{export_format}"]
            self._distribution(
                distribution, url, export_format, LIBRARY_FILE_TITLES[export_format], download=True
            )
            self.add(library, DCAT.distribution, distribution)
        self.add(library, DCAT.distribution, self._api_distribution(library, publisher, contact))
        return library

    def _case(self, case, library, publisher, contact) -> URIRef:
        dataset = self.node[f"case-{case.pk}"]
        language = case.language or "sv"
        url = canonical_url(case)
        self.add(dataset, RDF.type, DCAT.Dataset)
        self.add(dataset, DCTERMS.title, Literal(case.title, lang=language))
        self.add(dataset, DCTERMS.description, Literal(case.summary, lang=language))
        self.add(dataset, DCTERMS.identifier, Literal(url))
        if case.registration_number:
            identifier = BNode()
            self.add(dataset, ADMS.identifier, identifier)
            self.add(identifier, RDF.type, ADMS.Identifier)
            self.add(identifier, SKOS.notation, Literal(case.registration_number))
        agency = case.publishing_agency
        self._common(
            dataset,
            self.agent(agency) if agency else publisher,
            self.contact_point(
                self.node[f"contact-case-{case.pk}"],
                case.contact_point_name or (agency.name if agency else ""),
                case.contact_point_email,
            )
            if case.contact_point_email
            else contact,
            access_rights=AccessRights(case.access_rights),
        )
        self.add(dataset, DCTERMS.creator, *map(self.agent, case.organisations.all()))
        self.add(dataset, DCTERMS.isPartOf, library)
        self.add(dataset, DCAT.landingPage, self.document(url))
        self.add(dataset, DCTERMS.language, *self.languages([case.language]))
        self.add(dataset, DCTERMS.spatial, *self.countries([case.country]))
        self.add(dataset, DCTERMS.temporal, self.period([case]))
        self.dates(dataset, [case])
        for topic in case.topics.all():
            self.keywords(dataset, topic)
        return dataset

    def _series(self, series, publisher, contact) -> URIRef:
        dataset = self.node[f"series-{series.code}"]
        self.add(dataset, RDF.type, DCAT.Dataset)
        for language in UI_LANGUAGES:
            self.add(dataset, DCTERMS.title, Literal(series.name_in(language), lang=language))
        for language, description in indicator_series.descriptions(series).items():
            self.add(dataset, DCTERMS.description, Literal(description, lang=language))
        self.add(dataset, DCTERMS.identifier, Literal(str(dataset)))
        self._common(dataset, publisher, contact)
        self.add(dataset, DCTERMS.spatial, *self.countries(COUNTRY_CODES))
        self.add(dataset, DCTERMS.issued, Literal(series.created_at, datatype=XSD.dateTime))
        if series.source:
            provenance = BNode()
            self.add(dataset, DCTERMS.provenance, provenance)
            self.add(provenance, RDF.type, DCTERMS.ProvenanceStatement)
            self.add(provenance, RDFS.label, Literal(series.source))
        for code, name, url in indicator_series.indicator_pages(series):
            distribution = self.node[f"series-{series.code}-{code}"]
            self._distribution(
                distribution, url, "html", [Literal(name)], licence=self._series_licence(series)
            )
            self.add(dataset, DCAT.distribution, distribution)
        return dataset

    def _common(self, dataset, publisher, contact, *, access_rights=AccessRights.PUBLIC):
        """What every dataset here says: publisher, contact point, access rights, theme.
        (Licences go on the distributions, as DCAT-AP has them.)"""
        self.add(dataset, DCTERMS.publisher, publisher)
        self.add(dataset, DCAT.contactPoint, contact)
        self.add(dataset, DCTERMS.accessRights, self.access_rights(access_rights))
        self.add(dataset, DCAT.theme, self.theme(CASE_LIBRARY_THEME))

    # --- Distributions and the API -----------------------------------------------------

    def _distribution(self, node, url, export_format, titles, *, download=False, licence=None):
        file_type, media_type = FORMATS[export_format]
        self.add(node, RDF.type, DCAT.Distribution)
        self.add(node, DCAT.accessURL, self.resource(url))
        if download:
            self.add(node, DCAT.downloadURL, self.resource(url))
        self.add(
            node, DCTERMS.title, *(translated(titles) if isinstance(titles, Promise) else titles)
        )
        self.add(node, DCTERMS.format, self.typed(FILE_TYPE[file_type], DCTERMS.MediaTypeOrExtent))
        self.add(node, DCAT.mediaType, self.typed(IANA_MEDIA_TYPE[media_type], DCTERMS.MediaType))
        self.add(node, DCTERMS.license, self.licence_document(licence or self.licence))

    def _api_distribution(self, library, publisher, contact) -> URIRef:
        api_root = absolute_url(reverse("api:api-root"))
        service = self.node["service-api"]
        self.add(service, RDF.type, DCAT.DataService)
        self.add(service, DCTERMS.title, *translated(_("Erfa API")))
        self.add(service, DCAT.endpointURL, self.resource(api_root))
        self.add(
            service,
            DCAT.endpointDescription,
            self.resource(absolute_url(reverse("api:openapi-json"))),
        )
        self.add(service, DCAT.servesDataset, library)
        self.add(service, DCTERMS.publisher, publisher)
        self.add(service, DCAT.contactPoint, contact)
        self.add(service, DCTERMS.accessRights, self.access_rights(AccessRights.PUBLIC))
        self.add(service, DCTERMS.license, self.licence_document(self.licence))
        self.add(self.catalog, DCAT.service, service)
        distribution = self.node["distribution-cases-api"]
        self._distribution(distribution, api_root, "json", _("Case library through the JSON API"))
        self.add(distribution, DCAT.accessService, service)
        return distribution

    def _portal_publisher(self) -> URIRef:
        node = self.node["publisher"]
        self.agent_node(node, self.config.publisher_name, self.config.publisher_type)
        self.add(node, FOAF.homepage, URIRef(absolute_url("/")))
        return node

    def _series_licence(self, series) -> URIRef | BNode:
        """A series' own licence: its EU licence URI, or else a licence document that just
        names it (never the catalogue's licence, which may not apply to someone's data)."""
        uri = indicator_series.licence_uri(series)
        if uri:
            return URIRef(uri)
        node = BNode()
        self.add(node, RDFS.label, Literal(series.licence or _("Licence not stated")))
        return node

    def _case_index_url(self) -> str | None:
        index = public_pages(CaseIndexPage.objects.all()).first()
        return canonical_url(index) if index else None
