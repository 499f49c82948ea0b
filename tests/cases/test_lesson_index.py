import pytest

from cases.models import CaseLesson
from tests.factories import CaseStudyPageFactory, LessonLearnedPageFactory, TopicFactory


@pytest.fixture
def lessons(case_index, lesson_index):
    ai = TopicFactory(slug="ai-in-casework")
    data = TopicFactory(slug="open-data")
    standalone = LessonLearnedPageFactory(
        parent=lesson_index, lesson="Fristående framgång.", kind="success"
    )
    standalone.topics.set([data])
    standalone.save()
    case = CaseStudyPageFactory(parent=case_index, topics=[ai])
    case.lessons = [
        CaseLesson(text="Fallets framgång.", kind="success"),
        CaseLesson(text="Fallets fallgrop.", kind="pitfall"),
    ]
    case.save()
    draft = CaseStudyPageFactory(parent=case_index, live=False, topics=[ai])
    draft.lessons = [CaseLesson(text="Utkastets lärdom.", kind="pitfall")]
    draft.save()


def texts(response):
    return sorted(item.text for item in response.context["lessons"])


def test_lists_standalone_lessons_and_lessons_of_published_cases(client, lessons):
    response = client.get("/lessons/")
    assert texts(response) == ["Fallets fallgrop.", "Fallets framgång.", "Fristående framgång."]
    assert "Utkastets lärdom." not in response.content.decode()


def test_filters_by_kind_and_topic(client, lessons):
    assert texts(client.get("/lessons/?kind=pitfall")) == ["Fallets fallgrop."]
    assert texts(client.get("/lessons/?topic=open-data")) == ["Fristående framgång."]
    response = client.get("/lessons/?kind=success&topic=ai-in-casework")
    assert texts(response) == ["Fallets framgång."]
    kinds = {f.name: f for f in response.context["lesson_filter"].facets}["kind"]
    assert {option.value: option.count for option in kinds.options} == {
        "success": 1,
        "pitfall": 1,
    }


def test_lesson_page_renders(client, lesson_index):
    page = LessonLearnedPageFactory(parent=lesson_index, title="Börja smått")
    html = client.get(page.url).content.decode()
    assert "Börja smått" in html and "badge--success" in html
