import pytest
from django.core.exceptions import ValidationError

from cases.lessons import create_lesson
from cases.models import CaseContact, CaseLesson, LessonLearnedPage
from search.documents import DocumentKind, search_document_of
from tests.factories import CaseStudyPageFactory, OrganisationFactory, TopicFactory


def test_summary_longer_than_500_characters_is_rejected(case_index):
    """A summary is short by definition: 501 characters fail validation."""
    page = CaseStudyPageFactory(parent=case_index)
    page.summary = "x" * 500
    page.full_clean()
    page.summary = "x" * 501
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "summary" in error.value.message_dict


def test_end_before_start_is_rejected(case_index):
    """A period cannot end before it starts."""
    page = CaseStudyPageFactory(parent=case_index)
    page.end_date = page.start_date.replace(year=page.start_date.year - 1)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "end_date" in error.value.message_dict


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("Vi digitaliserade ansökan om bidrag och halverade handläggningstiden.", "sv"),
        ("Vi digitaliserede ansøgningen om tilskud og halverede sagsbehandlingstiden.", "da"),
        ("We digitised the grant application and halved the processing time.", "en"),
    ],
)
def test_language_is_detected_on_save_when_left_empty(case_index, summary, expected):
    """Leaving the language empty lets the text decide it."""
    page = CaseStudyPageFactory(
        parent=case_index, title="Bidrag", summary=summary, language="", problem="", approach=""
    )
    assert page.language == expected


def test_a_chosen_language_is_kept(case_index):
    """An editor's choice wins over detection."""
    page = CaseStudyPageFactory(
        parent=case_index, summary="Vi digitaliserade ansökan.", language="en"
    )
    assert page.language == "en"


def test_case_search_document_has_sections_lessons_and_filters_but_no_contacts(case_index):
    """Search gets the case's text and every lesson on its own, never the contact persons."""
    organisation = OrganisationFactory(slug="skatteverket", name="Skatteverket")
    topic = TopicFactory(slug="ai-in-casework")
    page = CaseStudyPageFactory(
        parent=case_index,
        title="Sortering med maskininlärning",
        summary="Inkommande ärenden sorteras automatiskt.",
        organisations=[organisation],
        topics=[topic],
        results=[("key_figure", {"value": "38", "unit": "%", "label": "kortare ledtid"})],
    )
    page.lessons = [
        CaseLesson(text="Ta in juristerna tidigt.", kind="success"),
        CaseLesson(text="Rensa ärendetyperna först.", kind="pitfall"),
    ]
    page.contacts = [
        CaseContact(name="Helena Strand", role="Sektionschef", email="helena@example.org")
    ]
    page.save()

    document = search_document_of(page)  # what search reads of the page
    assert document is not None and document.kind == DocumentKind.CASE
    assert document.title == "Sortering med maskininlärning"
    assert document.language == "sv"
    assert document.country == ["SE"]
    assert document.topics == ["ai-in-casework"]
    assert document.organisations == ["skatteverket"]
    assert document.date == page.start_date
    texts = [section.text for section in document.sections]
    assert "Inkommande ärenden sorteras automatiskt." in texts
    assert any("Handläggningen tog för lång tid." in text for text in texts)
    assert any("kortare ledtid" in text for text in texts)
    standalone = [section.text for section in document.sections if section.standalone]
    assert standalone == ["Ta in juristerna tidigt.", "Rensa ärendetyperna först."]
    everything = repr(document)
    assert "Helena" not in everything
    assert "helena@example.org" not in everything


def test_create_lesson_publishes_a_standalone_lesson(lesson_index):
    """Other apps (network minutes) add lessons through create_lesson."""
    topic = TopicFactory(slug="open-data")
    lesson = create_lesson(
        lesson_index,
        "Publicera data tidigt",
        "Det är bättre att publicera ofullständiga data än inga alls.",
        "success",
        context="Från nätverksträffen om öppna data.\n\nStockholm, 2024.",
        topics=[topic],
        country="SE",
    )
    lesson = LessonLearnedPage.objects.get(pk=lesson.pk)
    assert lesson.live
    assert lesson.language == "sv"
    assert lesson.context.count("<p>") == 2
    document = lesson.search_document()
    assert document.kind == DocumentKind.LESSON
    assert document.topics == ["open-data"]
    assert document.sections[0].standalone
    assert document.sections[0].text.startswith("Det är bättre")


def test_create_lesson_can_leave_a_draft(lesson_index):
    lesson = create_lesson(lesson_index, "Utkast", "En lärdom.", "pitfall", "sv", publish=False)
    assert not LessonLearnedPage.objects.get(pk=lesson.pk).live
