"""The dashboard's aggregations, counted on a small corpus whose numbers are known."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cases.models import LessonIndexPage, LessonLearnedPage
from datalab import dashboard
from datalab.forms import DashboardFilters
from network.models import Registration
from search.models import SearchQueryLog
from tests.factories import (
    MeetingPageFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_case, topics, organisations, home_page):
    """Three visible cases, a draft and a private case (neither of which may count)."""
    ai, data = topics["ai"], topics["data"]
    skv, gbg, sktst = organisations["skv"], organisations["gbg"], organisations["sktst"]
    make_case(
        "AI-sortering av ärenden",
        organisations=[skv],
        topics=[ai, data],
        start=datetime.date(2021, 3, 1),
        lessons=(("Börja smått", "success"), ("Ta in juristerna", "success"), ("Dyrt", "pitfall")),
    )
    make_case(
        "Chattbot i kontaktcenter",
        organisations=[gbg],
        topics=[ai],
        status="ongoing",
        start=datetime.date(2022, 5, 1),
        lessons=(("Tonen spelar roll", "pitfall"),),
    )
    make_case(
        "Dataanalyse af skattesager",
        country="DK",
        language="da",
        organisations=[sktst],
        topics=[data],
        start=datetime.date(2022, 1, 1),
    )
    make_case("Utkast om AI", organisations=[skv], topics=[ai], publish=False)
    private = make_case("Hemligt AI-projekt", organisations=[skv], topics=[ai])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    lesson_index = LessonIndexPage(title="Lärdomar", slug="lessons")
    home_page.add_child(instance=lesson_index)
    lesson = LessonLearnedPage(title="Data först", lesson="Städa data först.", country="SE")
    lesson_index.add_child(instance=lesson)
    lesson.topics = [data]
    lesson.save_revision().publish()
    return topics


def rows(chart):
    return [list(row) for row in chart.rows]


def test_cases_per_topic_count_only_live_public_cases(corpus):
    """Drafts and restricted cases are not counted; a case counts under each of its topics."""
    assert rows(dashboard.cases_by_topic(DashboardFilters())) == [["AI", 2], ["Data", 2]]


def test_cases_per_country_kind_and_year(corpus):
    filters = DashboardFilters()
    assert rows(dashboard.cases_by_country(filters)) == [["Sweden", 2], ["Denmark", 1]]
    assert rows(dashboard.cases_by_organisation_kind(filters)) == [
        ["Government agency", 2],
        ["Municipality", 1],
    ]
    assert dashboard.cases_by_year_and_status(filters).columns[1:] == [
        "Planned",
        "Ongoing",
        "Completed",
        "Stopped",
    ]
    assert rows(dashboard.cases_by_year_and_status(filters)) == [
        [2021, 0, 0, 1, 0],
        [2022, 0, 1, 1, 0],
    ]


def test_lessons_per_topic_count_case_lessons_and_standalone_lessons(corpus):
    """Lessons within cases count under each topic of their case, plus standalone lessons."""
    assert rows(dashboard.lessons_by_topic(DashboardFilters())) == [
        ["AI", 2, 2],
        ["Data", 3, 1],
    ]


def test_filters_narrow_every_case_chart(corpus):
    """Country, period and topic filters apply; a topic filter still shows co-topics."""
    assert rows(dashboard.cases_by_topic(DashboardFilters(country="DK"))) == [["Data", 1]]
    assert rows(dashboard.cases_by_topic(DashboardFilters(year_from=2022))) == [
        ["AI", 1],
        ["Data", 1],
    ]
    assert rows(dashboard.cases_by_topic(DashboardFilters(year_to=2021))) == [
        ["AI", 1],
        ["Data", 1],
    ]
    assert rows(dashboard.cases_by_topic(DashboardFilters(topic="ai"))) == [
        ["AI", 2],
        ["Data", 1],
    ]
    assert rows(dashboard.cases_by_country(DashboardFilters(topic="data"))) == [
        ["Sweden", 1],
        ["Denmark", 1],
    ]


def test_network_activity_per_network_and_quarter(home_page, topics):
    """Meetings, registrations without cancellations, and attendance, per quarter."""
    index = NetworkIndexPageFactory(parent=home_page)
    network = NetworkPageFactory(parent=index, title="Analysnätverket", country="SE")
    danish = NetworkPageFactory(parent=index, title="Tilsynsnetværket", country="DK")
    stockholm = datetime.timezone(datetime.timedelta(hours=1))
    winter = MeetingPageFactory(
        parent=network, start=datetime.datetime(2025, 2, 10, 9, tzinfo=stockholm)
    )
    spring = MeetingPageFactory(
        parent=network, start=datetime.datetime(2025, 4, 2, 9, tzinfo=stockholm)
    )
    MeetingPageFactory(parent=danish, start=datetime.datetime(2025, 3, 1, 9, tzinfo=stockholm))
    for status in ["registered", "registered", "attended", "cancelled"]:
        Registration.objects.create(meeting=winter, user=UserFactory(), status=status)
    Registration.objects.create(meeting=spring, user=UserFactory(), status="waitlisted")

    chart = dashboard.network_activity(DashboardFilters(country="SE"))

    assert rows(chart) == [
        ["Analysnätverket", "2025 Q1", 1, 3, 1],
        ["Analysnätverket", "2025 Q2", 1, 1, 0],
    ]
    everywhere = rows(dashboard.network_activity(DashboardFilters(year_from=2025, year_to=2025)))
    assert ["Tilsynsnetværket", "2025 Q1", 1, 0, 0] in everywhere
    assert rows(dashboard.network_activity(DashboardFilters(year_from=2026))) == []


@pytest.fixture
def searches(db):
    for query, results in [
        ("chatbot", 5),
        ("Chatbot", 5),
        ("chatbot ", 4),
        ("blockkedja", 0),
        ("Blockkedja", 0),
        ("blockkedja", 1),
        ("robotar", 2),
        ("robotar", 2),
        ("öppna data", 12),
    ]:
        SearchQueryLog.objects.create(query=query.strip(), mode="hybrid", result_count=results)


def test_search_demand_groups_queries_and_finds_unmet_ones(searches):
    """Queries group case-insensitively; "unmet" are those that never found more than two.
    Searches made fewer than three times are not quoted at all."""
    assert rows(dashboard.top_queries(DashboardFilters())) == [
        ["blockkedja", 3, 1],
        ["chatbot", 3, 5],
    ]
    assert rows(dashboard.unmet_queries(DashboardFilters())) == [["blockkedja", 3, 1]]
    next_year = timezone.now().year + 1
    assert rows(dashboard.top_queries(DashboardFilters(year_from=next_year))) == []


def test_search_demand_is_for_members_only(client, searches, home_page):
    """Anonymous visitors see neither the search-demand charts nor their downloads."""
    page = client.get("/datalab/")
    assert page.status_code == 200
    assert "blockkedja" not in page.content.decode()
    assert client.get("/datalab/charts/unmet-queries/?format=csv").status_code == 403

    member = UserFactory(groups=["Members"])
    client.force_login(member)
    assert "blockkedja" in client.get("/datalab/").content.decode()
    assert client.get("/datalab/charts/unmet-queries/?format=csv").status_code == 200
    Group.objects.all().delete()
