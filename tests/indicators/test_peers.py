"""Peers with a similar profile: standardised, missing values handled, explained in words."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from indicators import peers
from indicators.models import Observation
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    MemberFactory,
    OrganisationFactory,
    TopicFactory,
)
from tests.indicators import test_views_world as setup
from tests.indicators.test_views_world import indicator, observe, series

fresh_peers = setup.fresh_peers  # clears the cached matrices around each test

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(db):
    """Five agencies on three indicators of very different scales. "Twin" is nearest to
    "Target" once each indicator is standardised, though raw IT cost alone (in SEK, far
    larger numbers) would pick "Costly-twin"; "Gappy" lacks one indicator and an older year."""
    public = series("profile")
    cost = indicator(public, "it-cost", unit="SEK", name="IT-kostnad per anställd", currency="SEK")
    share = indicator(public, "it-share", unit="%", name="IT-kostnadsandel")
    maturity = indicator(public, "maturity", unit="level", name="Mognad")
    values = {
        # name: (cost, share, maturity)
        "target": (60_000, 10.0, 3.0),
        "twin": (62_000, 10.5, 3.1),
        "costly-twin": (60_500, 25.0, 1.0),
        "far": (90_000, 30.0, 5.0),
        "other": (80_000, 20.0, 4.0),
    }
    orgs = {name: OrganisationFactory(name=name.title(), slug=name) for name in [*values, "gappy"]}
    for name, (c, s, m) in values.items():
        observe(cost, orgs[name], {2022: c - 5000, 2023: c})  # the latest year counts
        observe(share, orgs[name], {2023: s})
        observe(maturity, orgs[name], {2023: m})
    # Gappy: no maturity at all, its share only in 2021 (the latest it has).
    observe(cost, orgs["gappy"], {2023: 70_000})
    observe(share, orgs["gappy"], {2021: 15.0})
    return orgs, (cost, share, maturity)


def test_the_nearest_peer_is_the_known_twin(profiles):
    orgs, _indicators = profiles
    found = peers.similar_organisations(orgs["target"], count=3)
    assert [peer.organisation.slug for peer in found][:1] == ["twin"]
    assert found[0].shared == 3
    assert found[0].distance < found[1].distance


def test_a_missing_indicator_is_left_out_of_the_comparison_not_counted_as_zero(profiles):
    """Gappy shares two indicators with Target (cost and an older share) and is compared on
    those: it comes out near, not far, for the maturity it never reported."""
    orgs, _indicators = profiles
    found = {
        peer.organisation.slug: peer
        for peer in peers.similar_organisations(orgs["target"], count=5)
    }
    assert found["gappy"].shared == 2
    assert found["gappy"].distance < found["far"].distance


def test_the_matrix_uses_each_indicators_latest_year_and_z_scores(profiles):
    orgs, (cost, _share, _maturity) = profiles
    matrix = peers.profile_matrix()
    column = list(matrix.indicator_ids).index(cost.pk)
    latest = np.array([60_000, 62_000, 60_500, 90_000, 80_000, 70_000], dtype=float)
    row = matrix.row_of[orgs["target"].pk]
    expected = (60_000 - latest.mean()) / latest.std()
    assert matrix.scores[row, column] == pytest.approx(expected)


def test_the_explanation_names_the_closest_indicators_and_the_cases(profiles, home_page):
    orgs, _indicators = profiles
    index = CaseIndexPageFactory(parent=home_page)
    topic = TopicFactory(slug="e-services", name_sv="E-tjänster", name_en="E-services")
    for number in range(3):
        CaseStudyPageFactory(
            parent=index, title=f"E-tjänst {number}", organisations=[orgs["twin"]], topics=[topic]
        )
    hidden = CaseStudyPageFactory(
        parent=index, title="Utkast", organisations=[orgs["twin"]], topics=[topic]
    )
    hidden.unpublish()
    with translation.override("en"):
        twin = peers.similar_organisations(orgs["target"], count=1)[0]
    assert len(twin.cases) == 3  # the unpublished case is not among them
    assert twin.explanation.startswith("Similar ")
    assert twin.explanation.endswith("; 3 cases on e-services")
    with translation.override("sv"):
        swedish = peers.explain(twin)
    assert "3" in swedish and "e-tjänster" in swedish


def test_the_standardised_matrix_is_cached_per_data_version(profiles):
    orgs, (cost, _share, _maturity) = profiles
    peers.similar_organisations(orgs["target"])
    with CaptureQueriesContext(connection) as queries:
        peers.similar_organisations(orgs["target"])
    assert not any("indicators_observation" in q["sql"] and "ORDER BY" in q["sql"] for q in queries)
    # New data makes a new version, and the matrix follows it.
    Observation.objects.filter(indicator=cost, organisation=orgs["far"], year=2023).update(
        value=60_100
    )
    Observation.objects.filter(indicator=cost, organisation=orgs["far"]).first().save()
    matrix = peers.profile_matrix()
    column = list(matrix.indicator_ids).index(cost.pk)
    assert matrix.scores[matrix.row_of[orgs["far"].pk], column] < 0


def test_members_only_indicators_shape_only_members_peers(profiles):
    orgs, _indicators = profiles
    secret = indicator(series("hemlig", members_only=True), "secret", name="Hemligt")
    for slug, value in {
        "target": 1,
        "far": 1,
        "twin": 100,
        "costly-twin": 100,
        "other": 100,
    }.items():
        observe(secret, orgs[slug], {2023: value})
    public = {p.organisation.slug: p for p in peers.similar_organisations(orgs["target"], count=5)}
    assert all(secret not in peer.similar for peer in public.values())
    member = MemberFactory(username="medlem")
    for_member = {
        p.organisation.slug: p
        for p in peers.similar_organisations(orgs["target"], user=member, count=5)
    }
    assert peers.profile_matrix(user=member).indicator_ids.size == 4
    assert peers.profile_matrix().indicator_ids.size == 3
    # "Far" shares the secret value with "Target": closer for members only.
    assert for_member["far"].shared == 4 and public["far"].shared == 3
    assert for_member["far"].distance < public["far"].distance


def test_peers_at_300_organisations_and_40_indicators_are_the_nearest_by_shared_indicators():
    """The vectorised lookup on a matrix of the issue's size, against the definition written
    out pair by pair: root mean square difference over the indicators both have. (Its speed
    is measured in bench/bench_indicators_pages.py.)"""
    rng = np.random.default_rng(7)
    n, k = 300, 40
    values = rng.normal(size=(n, k))
    present = rng.random((n, k)) > 0.1
    matrix = peers.ProfileMatrix(
        organisation_ids=np.arange(1, n + 1),
        indicator_ids=np.arange(1, k + 1),
        scores=np.where(present, values, 0.0),
        present=present.astype(float),
        row_of={pk: pk - 1 for pk in range(1, n + 1)},
    )

    def by_definition(row: int) -> list[int]:
        distances = []
        for other in range(n):
            both = present[row] & present[other]
            if other == row or both.sum() < present[row].sum() / 2:
                continue
            rms = float(np.sqrt(np.mean((values[row, both] - values[other, both]) ** 2)))
            distances.append((rms, other + 1))
        return [pk for _distance, pk in sorted(distances)[:5]]

    for organisation_id in (1, 77, 300):
        found = peers.nearest(matrix, organisation_id, 5)
        assert [pk for pk, *_rest in found] == by_definition(organisation_id - 1)
