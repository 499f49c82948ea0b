"""The content API over cases and lessons: what each visitor sees, filters, pages, languages."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from cases.models import CaseContact, CaseLesson
from tests.factories import (
    CaseStudyPageFactory,
    LessonLearnedPageFactory,
    MemberFactory,
    OrganisationFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(case_index, lesson_index):
    """Public cases, and cases no anonymous visitor may see (draft, signed-in, one group)."""
    topic = TopicFactory(
        slug="ai",
        name_sv="AI i förvaltningen",
        name_da="AI i forvaltningen",
        name_en="AI in government",
    )
    agency = OrganisationFactory(slug="skatteverket", name="Skatteverket")
    public = CaseStudyPageFactory(
        parent=case_index,
        title="Chatbot i kundtjänsten",
        start_date=date(2023, 3, 1),
        topics=[topic],
        organisations=[agency],
    )
    public.lessons.add(CaseLesson(text="Börja med de vanligaste frågorna.", kind="success"))
    public.contacts.add(CaseContact(name="Eva Ek", email="eva.ek@example.se"))
    public.save_revision().publish()
    danish = CaseStudyPageFactory(
        parent=case_index,
        title="Digital post",
        country="DK",
        language="da",
        start_date=date(2021, 5, 1),
        status="ongoing",
    )
    draft = CaseStudyPageFactory(parent=case_index, title="Utkast zqdraft", live=False)
    members_only = CaseStudyPageFactory(parent=case_index, title="Bara för inloggade zqlogin")
    members_only.lessons.add(CaseLesson(text="Intern lärdom zqlogin", kind="pitfall"))
    members_only.save_revision().publish()
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )
    group_only = CaseStudyPageFactory(parent=case_index, title="Bara för granskare zqgroup")
    restriction = PageViewRestriction.objects.create(
        page=group_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Granskare")])
    lesson = LessonLearnedPageFactory(parent=lesson_index, title="Förankra tidigt")
    hidden_lesson = LessonLearnedPageFactory(
        parent=lesson_index, title="Utkast till lärdom", live=False
    )
    return {
        "public": public,
        "danish": danish,
        "draft": draft,
        "members_only": members_only,
        "group_only": group_only,
        "lesson": lesson,
        "hidden_lesson": hidden_lesson,
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_anonymous_visitors_get_public_cases_only(client, library):
    """A draft or restricted case is in no list and answers 404, as if it did not exist."""
    response = client.get("/api/cases/")
    assert sorted(_ids(response)) == sorted([library["public"].pk, library["danish"].pk])
    assert response.json()["count"] == 2
    assert b"zq" not in response.content
    for key in ("draft", "members_only", "group_only"):
        assert client.get(f"/api/cases/{library[key].pk}/").status_code == 404
    assert client.get("/api/cases/999999/").status_code == 404


def test_signed_in_visitors_get_what_the_site_shows_them(client, library):
    client.force_login(MemberFactory())
    ids = _ids(client.get("/api/cases/"))
    assert library["members_only"].pk in ids
    assert library["group_only"].pk not in ids and library["draft"].pk not in ids
    detail = client.get(f"/api/cases/{library['members_only'].pk}/").json()
    assert detail["title"] == "Bara för inloggade zqlogin"


def test_a_case_comes_with_its_lessons_organisations_and_topics(client, library):
    case = next(
        item
        for item in client.get("/api/cases/").json()["results"]
        if item["id"] == library["public"].pk
    )
    assert case["lessons"] == [
        {"kind": "success", "kind_label": "Success", "text": "Börja med de vanligaste frågorna."}
    ]
    assert case["organisations"][0]["slug"] == "skatteverket"
    assert case["topics"] == [{"slug": "ai", "name": "AI in government"}]
    assert case["url"].startswith("http") and case["url"].endswith("/chatbot-i-kundtjansten/")


def test_contact_persons_are_for_members_only(client, library):
    """As on the case page: anonymous visitors and signed-in non-members get null."""
    url = f"/api/cases/{library['public'].pk}/"
    assert client.get(url).json()["contacts"] is None
    assert b"eva.ek@example.se" not in client.get(url).content
    client.force_login(UserFactory())  # signed in, but no member
    assert client.get(url).json()["contacts"] is None
    client.force_login(MemberFactory())
    assert client.get(url).json()["contacts"][0]["email"] == "eva.ek@example.se"


def test_case_filters_are_the_case_librarys(client, library):
    public, danish = library["public"].pk, library["danish"].pk
    assert _ids(client.get("/api/cases/?country=DK")) == [danish]
    assert _ids(client.get("/api/cases/?topic=ai")) == [public]
    assert _ids(client.get("/api/cases/?organisation=skatteverket")) == [public]
    assert _ids(client.get("/api/cases/?year=2021")) == [danish]
    assert _ids(client.get("/api/cases/?status=ongoing")) == [danish]
    assert _ids(client.get("/api/cases/?language=da")) == [danish]
    assert sorted(_ids(client.get("/api/cases/?country=DK&country=SE"))) == sorted([public, danish])
    assert _ids(client.get("/api/cases/?country=DK&topic=ai")) == []
    facets = client.get("/api/cases/?country=DK").json()["facets"]
    assert facets["country"] == {"SE": 1, "DK": 1}  # counted without the country filter
    assert client.get("/api/cases/?country=NO").status_code == 422


def test_cases_come_in_pages_in_a_stable_order(client, case_index):
    for number in range(7):
        CaseStudyPageFactory(parent=case_index, title=f"Fall {number}", start_date=date(2022, 1, 1))
    everything = _ids(client.get("/api/cases/?limit=100"))
    pages = [client.get(f"/api/cases/?limit=3&offset={offset}").json() for offset in (0, 3, 6)]
    assert [page["count"] for page in pages] == [7, 7, 7]
    assert [item["id"] for page in pages for item in page["results"]] == everything
    assert len(set(everything)) == 7
    assert client.get("/api/cases/?limit=0").status_code == 422
    assert client.get("/api/cases/?limit=101").status_code == 422
    assert client.get("/api/cases/?offset=-1").status_code == 422


def test_the_answer_speaks_the_visitors_language(client, library):
    """?lang= wins; without it, Accept-Language decides. The case text stays as written."""
    url = f"/api/cases/{library['danish'].pk}/"
    english = client.get(url, {"lang": "en"}).json()
    assert english["status_label"] == "Ongoing"
    swedish = client.get(url, {"lang": "sv"}).json()
    assert swedish["status_label"] == "Pågående"
    danish = client.get("/api/cases/?topic=ai", HTTP_ACCEPT_LANGUAGE="da").json()
    assert danish["language"] == "da"
    assert danish["results"][0]["topics"][0]["name"] == "AI i forvaltningen"
    assert danish["results"][0]["url"].split("/", 3)[3].startswith("da/")
    assert english["title"] == swedish["title"] == "Digital post"


def test_lessons_list_pages_and_lessons_within_visible_cases(client, library):
    results = client.get("/api/lessons/").json()["results"]
    texts = {item["text"] for item in results}
    assert "Börja med de vanligaste frågorna." in texts  # within the public case
    assert any(
        item["page_id"] == library["lesson"].pk and not item["within_case"] for item in results
    )
    assert "Intern lärdom zqlogin" not in texts
    assert library["hidden_lesson"].pk not in {item["page_id"] for item in results}
    client.force_login(MemberFactory())
    assert "Intern lärdom zqlogin" in {
        item["text"] for item in client.get("/api/lessons/").json()["results"]
    }


def test_lessons_filter_by_kind_and_topic(client, library):
    pitfalls = client.get("/api/lessons/?kind=pitfall").json()
    assert pitfalls["count"] == 0  # the only pitfall is in a case anonymous visitors cannot see
    on_ai = client.get("/api/lessons/?topic=ai").json()
    assert [item["page_id"] for item in on_ai["results"]] == [library["public"].pk]
    assert on_ai["facets"]["kind"] == {"success": 1}


def test_a_lesson_page_in_detail(client, library):
    detail = client.get(f"/api/lessons/{library['lesson'].pk}/").json()
    assert detail["title"] == "Förankra tidigt"
    assert detail["lesson"] == "Förankra tidigt hos dem som ska använda lösningen."
    assert client.get(f"/api/lessons/{library['hidden_lesson'].pk}/").status_code == 404
    # A case's id is no lesson page.
    assert client.get(f"/api/lessons/{library['public'].pk}/").status_code == 404


def test_queries_do_not_grow_with_the_cases_listed(client, library, case_index):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/cases/").status_code == 200
        return len(captured)

    queries()  # the first request fills caches (the site's root paths) that later ones reuse
    few = queries()
    for number in range(4):
        CaseStudyPageFactory(parent=case_index, title=f"Fler {number}", topics=[TopicFactory()])
    assert queries() <= few
