"""Documents attached to pages are searched as passages of their page, with file and page."""

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from cases.report_files import ReportPage, pdf_report
from search.models import Chunk
from search.page_vectors import page_vectors
from search.query import search
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    DocumentFactory,
    attach,
)

# A Danish report whose third page, alone, is about winter road salt.
FILLER_DA = [
    "Kommunen har gennemgået sine indkøb af kontorartikler og samlet aftalerne i én portal.",
    "Medarbejderne fik kortere vej til de varer, de bruger mest, og færre fakturaer skulle behandles.",
    "Leverandørerne blev bedt om at sende elektroniske fakturaer i et fælles format.",
    "Indkøbsafdelingen fulgte op hvert kvartal og delte tallene med alle afdelinger.",
    "Aftalerne blev genforhandlet, så priserne nu følger et offentligt indeks.",
    "Der blev oprettet et kursus for nye medarbejdere i brugen af indkøbsportalen.",
    "Revisionen roste den nye ordning for at give bedre overblik over forbruget.",
    "Erfaringerne deles nu med nabokommunerne i et fælles netværk for indkøbere.",
]
SALT_DA = [
    "Vejsaltning om vinteren blev styret efter vejrudsigter og sensorer i vejbanen.",
    "Forbruget af salt faldt med en fjerdedel, uden at glatføreulykkerne blev flere.",
    "Saltspredere på lastbilerne blev kalibreret, så de lægger mindre salt på vejene.",
    "Vejfolkene fik en app, der viser, hvor vejbanen er ved at blive glat om natten.",
    "Snerydningen på cykelstierne blev prioriteret før villavejene i boligkvartererne.",
    "Kommunen købte saltlage i stedet for tørt salt, fordi lagen bliver liggende på vejen.",
    "Glatførevarslingen sendes nu direkte til vagthavende, når temperaturen nærmer sig frysepunktet.",
    "Borgerne kan se på et kort, hvilke veje der er saltet, og hvornår det skete.",
    "Udgifterne til vintertjenesten faldt, selv om vintrene var lige så kolde som før.",
    "Erfaringerne med saltning efter sensordata deles nu med andre kommuner i regionen.",
]


def _report() -> bytes:
    pages = [
        ReportPage([("Indkøb", FILLER_DA + FILLER_DA[::-1])]),
        ReportPage([("Fakturaer", FILLER_DA[::-1] + FILLER_DA)]),
        ReportPage([("Vintervedligeholdelse", SALT_DA)]),
    ]
    return pdf_report("Erfaringer fra driften", pages, header="Kommunens driftsrapport 2024")


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def run(page):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    return run


@pytest.fixture
def cases(home_page):
    return CaseIndexPageFactory(parent=home_page)


def _case_with_report(cases, publish, **kwargs):
    document = DocumentFactory(
        title="Driftsrapport", file__filename="driftsrapport.pdf", file__data=_report()
    )
    page = CaseStudyPageFactory(parent=cases, title="Drift i kommunen", live=False, **kwargs)
    attach(page, document)
    return publish(page), document


def test_a_swedish_query_finds_page_three_of_a_danish_report(cases, publish):
    """The hit says which file and page it matched in, and links to that page of the file."""
    page, document = _case_with_report(cases, publish)
    stored = Chunk.objects.filter(page=page, document=document)
    assert stored.exists()
    assert {chunk.file_name for chunk in stored} == {document.filename}

    hits = search("saltning av vägar på vintern", log=False).hits
    hit = next(hit for hit in hits if hit.page_id == page.pk)
    assert hit.source is not None, hit.snippet
    assert hit.source.page == 3
    with translation.override("en"):
        assert str(hit.source.label) == f"{document.filename}, page 3"
    assert hit.source.url == f"/documents/{document.pk}/{document.filename}#page=3"
    assert "salt" in hit.snippet.lower()


def test_search_page_links_to_the_page_of_the_file(client, cases, publish):
    page, document = _case_with_report(cases, publish)
    html = client.get("/search/", {"q": "saltning av vägar på vintern"}).content.decode()
    assert f'href="/documents/{document.pk}/{document.filename}#page=3"' in html
    assert f"{document.filename}, page 3" in html or f"{document.filename}, sida 3" in html


def test_the_api_says_which_file_and_page_a_result_matched_in(client, cases, publish):
    page, document = _case_with_report(cases, publish)
    results = client.get("/api/search/", {"q": "saltning av vägar på vintern"}).json()["results"]
    result = next(result for result in results if result["page_id"] == page.pk)
    assert result["source"] == {
        "file_name": document.filename,
        "page": 3,
        "label": f"{document.filename}, sida 3",
        "url": f"/documents/{document.pk}/{document.filename}#page=3",
    }


def test_document_passages_stay_out_of_the_page_vector(
    cases, publish, django_capture_on_commit_callbacks
):
    """A report attached to a case does not move the case's page vector."""
    others = [
        publish(CaseStudyPageFactory(parent=cases, live=False, title=f"Fall {n}", summary=text))
        for n, text in enumerate(FILLER_DA[:2] + SALT_DA[:2])
    ]
    page = publish(CaseStudyPageFactory(parent=cases, live=False, title="Drift i kommunen"))
    before = page_vectors()
    row = before.matrix[before.position(page.pk)].copy()
    document = DocumentFactory(file__filename="driftsrapport.pdf", file__data=_report())
    attach(page, document)
    publish(page)
    after = page_vectors()
    assert Chunk.objects.filter(page=page, document__isnull=False).exists()
    assert np.allclose(after.matrix[after.position(page.pk)], row, atol=1e-5)
    assert len(others) == 4


def test_replacing_and_deleting_a_document_reindexes_its_pages(
    cases, publish, django_capture_on_commit_callbacks
):
    page, document = _case_with_report(cases, publish)
    replacement = pdf_report(
        "Ny rapport",
        [ReportPage([("Parker", ["Parkerne fik flere bænke og bedre belysning om aftenen."])])],
    )
    with django_capture_on_commit_callbacks(execute=True):
        document.file.save("parker.pdf", ContentFile(replacement), save=False)
        document.save()
    texts = " ".join(
        Chunk.objects.filter(page=page, document=document).values_list("text", flat=True)
    )
    assert "bænke" in texts and "salt" not in texts

    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert not Chunk.objects.filter(page=page, document__isnull=False).exists()
    assert Chunk.objects.filter(page=page).exists()


def test_a_bad_attachment_does_not_stop_the_page_being_indexed(cases, publish):
    document = DocumentFactory(file__filename="trasig.pdf", file__data=b"%PDF-1.7 broken")
    page = CaseStudyPageFactory(parent=cases, live=False)
    attach(page, document)
    publish(page)
    assert Chunk.objects.filter(page=page).exists()
    assert not Chunk.objects.filter(page=page, document__isnull=False).exists()
