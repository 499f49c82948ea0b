"""The dashboard and the semantic map on the real demo content: exact counts, and Swedish
and Danish cases about the same initiative in the same theme. The demo is loaded (and
encoded) once for the module."""

import io
import itertools
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cases.demo_data import CASES, LESSONS
from cases.models import CaseStudyPage, LessonLearnedPage
from datalab import dashboard
from datalab.forms import DashboardFilters
from datalab.models import DatalabSnapshot
from datalab.semantic_map import map_state, theme_count
from portal.models import Country, Topic
from search.state import reset_caches


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, rolled back when the module is done."""
    index_dir = tmp_path_factory.mktemp("demo-index")
    reset_caches()
    with (
        django_db_blocker.unblock(),
        override_settings(ERFA_INDEX_DIR=index_dir, ERFA_SEARCH={"STATE_TTL": 0}),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    reset_caches()


@pytest.fixture
def index_settings(settings, demo):
    """The module's demo index instead of a fresh one per test."""
    return settings


@pytest.fixture
def themes_by_slug(demo, db):
    payload = DatalabSnapshot.objects.get(kind=DatalabSnapshot.Kind.SEMANTIC_MAP).payload
    slugs = dict(CaseStudyPage.objects.values_list("pk", "slug"))
    return {slugs[point["page_id"]]: point["theme"] for point in payload["points"]}


def test_dashboard_counts_match_the_demo_data(demo, db):
    """The dashboard's counts on the demo content equal those derived from its source data."""
    topic_names = {topic.slug: topic.name for topic in Topic.objects.all()}
    filters = DashboardFilters()

    per_topic = Counter(slug for case in CASES for slug in case["topics"])
    assert dict(dashboard.cases_by_topic(filters).rows) == {
        topic_names[slug]: count for slug, count in per_topic.items()
    }
    per_country = Counter(str(Country(case["country"]).label) for case in CASES)
    assert dict(dashboard.cases_by_country(filters).rows) == per_country
    per_year_status = Counter((int(case["start"][:4]), case["status"]) for case in CASES)
    statuses = CaseStudyPage.Status.values
    for year, *counts in dashboard.cases_by_year_and_status(filters).rows:
        assert counts == [per_year_status[year, status] for status in statuses]
    lessons = Counter()
    for case in CASES:
        for _text, kind in case["lessons"]:
            lessons.update((slug, kind) for slug in case["topics"])
    # Standalone lessons come from the cases demo and from network meetings' minutes.
    standalone = LessonLearnedPage.objects.live().public().prefetch_related("topics")
    assert len(standalone) >= len(LESSONS)
    for lesson in standalone:
        lessons.update((topic.slug, lesson.kind) for topic in lesson.topics.all())
    assert {
        name: (successes, pitfalls)
        for name, successes, pitfalls in dashboard.lessons_by_topic(filters).rows
    } == {
        topic_names[slug]: (lessons[slug, "success"], lessons[slug, "pitfall"])
        for slug in {slug for slug, _kind in lessons}
    }


def test_load_demo_computes_the_map_of_every_demo_case(demo, db):
    state = map_state()
    assert state.snapshot is not None and not state.stale
    payload = state.snapshot.payload
    assert len(payload["points"]) == len(CASES)
    assert payload["unplaced"] == []
    assert len(payload["themes"]) == theme_count(len(CASES))
    assert all(theme["terms"] for theme in payload["themes"])


def test_swedish_and_danish_cases_about_the_same_initiative_share_a_theme(themes_by_slug):
    """Cases in different languages about one initiative (the demo's ``theme``) land
    together: in most initiatives written up in both Swedish and Danish, at least one
    Swedish and one Danish case share a theme, and for the chatbots every case does."""
    by_initiative = defaultdict(lambda: defaultdict(list))
    for case in CASES:
        by_initiative[case["theme"]][case["language"]].append(themes_by_slug[case["slug"]])
    bilingual = {
        initiative: languages
        for initiative, languages in by_initiative.items()
        if languages["sv"] and languages["da"]
    }
    together = [
        initiative
        for initiative, languages in bilingual.items()
        if set(languages["sv"]) & set(languages["da"])
    ]
    assert len(together) >= 0.75 * len(bilingual), sorted(set(bilingual) - set(together))
    chatbots = by_initiative["chatbot"]
    assert len(set(chatbots["sv"] + chatbots["da"])) == 1


def test_themes_separate_different_initiatives(themes_by_slug):
    """The themes are not one big heap: most pairs of cases about different initiatives
    lie in different themes."""
    initiative = {case["slug"]: case["theme"] for case in CASES}
    pairs = [
        themes_by_slug[a] != themes_by_slug[b]
        for a, b in itertools.combinations(initiative, 2)
        if initiative[a] != initiative[b]
    ]
    assert sum(pairs) / len(pairs) > 0.7


def test_theme_labels_name_words_of_their_cases(demo, db):
    """Each theme's words occur in its cases and are not stop words."""
    payload = DatalabSnapshot.objects.get().payload
    cases = {case.pk: case for case in CaseStudyPage.objects.all()}
    for theme in payload["themes"]:
        text = " ".join(
            f"{cases[point['page_id']].title} {cases[point['page_id']].summary} "
            f"{cases[point['page_id']].problem} {cases[point['page_id']].approach}"
            for point in payload["points"]
            if point["theme"] == theme["theme"]
        ).lower()
        for language, words in theme["terms"].items():
            assert language in {"sv", "da", "en"}
            for word in words:
                assert word not in {"och", "og", "the", "att", "at", "det"}
                assert word in text or any(word in str(case.results) for case in cases.values())


@pytest.mark.parametrize("colour", ["country", "topic", "theme"])
def test_map_page_shows_every_case_and_opens_it_on_click(client, demo, db, colour):
    """Whatever the colouring, every case is drawn once, linked to its page."""
    response = client.get(f"/datalab/map/?colour={colour}")
    assert response.status_code == 200
    chart = response.context["chart"]
    assert len(chart.rows) == len(CASES)
    assert chart.links[0].startswith("/cases/")
    points = chart.plot.points
    assert len(points) == len(CASES)
    assert all(point.url.startswith("/") for point in points)
    assert response.context["themes"]
    assert response.content.decode().count('class="point"') == len(CASES)
