"""Saved runs: the numeric methods, a run's lifecycle through its background task, newer
data and re-running, progress, and privacy of runs opened by share link."""

from statistics import correlation

import numpy as np
import pytest
from django.utils import translation

from indicators.importing import import_file
from indicators.models import ExchangeRate, Indicator, IndicatorRun, Observation, PriceIndex
from indicators.runs import (
    RunError,
    compute,
    create_demo_run,
    execute_run,
    kmeans,
    newer_data_exists,
    ranks,
    spearman,
    standardise,
)
from indicators.versions import data_version
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.indicators.conftest import make_series

Method = IndicatorRun.Method


def two_groups(size_a: int = 10, size_b: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Two clouds far apart: group A around (10, 4), group B around (30, 2)."""
    rng = np.random.default_rng(3)
    a = rng.normal([10.0, 4.0], [1.0, 0.2], (size_a, 2))
    b = rng.normal([30.0, 2.0], [1.0, 0.2], (size_b, 2))
    return np.vstack([a, b]), np.array([0] * size_a + [1] * size_b)


def test_kmeans_finds_two_constructed_groups():
    points, truth = two_groups()
    result = kmeans(standardise(points), 2)
    # Numbered by size: the larger group A is group 0.
    assert result.labels.tolist() == truth.tolist()


def test_kmeans_is_deterministic():
    points, _truth = two_groups(25, 25)
    noisy = points + np.random.default_rng(9).normal(0, 8, points.shape)
    first = kmeans(standardise(noisy), 3)
    second = kmeans(standardise(noisy), 3)
    assert first.labels.tolist() == second.labels.tolist()
    assert np.allclose(first.centres, second.centres)


def test_kmeans_refuses_more_groups_than_agencies():
    with pytest.raises(RunError):
        kmeans(np.zeros((2, 2)), 3)


def test_spearman_ranks_ties_by_their_average():
    assert ranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3.5, 1.0, 3.5, 2.0]
    x, y = [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.0, 5.0, 4.0, 5.0]
    expected = correlation([1, 2, 3, 4, 5], [1, 2.5, 4.5, 2.5, 4.5])
    assert spearman(np.array(x), np.array(y)) == pytest.approx(expected)


@pytest.fixture
def grouped_data(db):
    """16 agencies with it-share and maturity in two groups, 2024 and (for group A) 2023."""
    series = make_series()
    share, maturity = series.indicators.order_by("order")
    points, truth = two_groups()
    organisations = []
    for number, ((x, y), group) in enumerate(zip(points, truth, strict=True)):
        organisation = OrganisationFactory(name=f"Verk {'AB'[group]}{number:02}", employees=500)
        organisations.append(organisation)
        Observation.objects.create(indicator=share, organisation=organisation, year=2024, value=x)
        Observation.objects.create(
            indicator=maturity, organisation=organisation, year=2024, value=y
        )
        if group == 0:  # an older value that the latest one must win over
            Observation.objects.create(
                indicator=share, organisation=organisation, year=2023, value=99.0
            )
    return {"share": share, "maturity": maturity, "organisations": organisations, "truth": truth}


def test_kmeans_run_reports_sizes_centroids_in_units_and_members(grouped_data):
    ids = [grouped_data["share"].pk, grouped_data["maturity"].pk]
    result = compute(Method.KMEANS, {"indicators": ids, "k": 2})
    sizes = [group["size"] for group in result["groups"]]
    assert sizes == [10, 6]
    # Centroids in the original units (the latest year's values, not 2023's 99).
    assert result["groups"][0]["centroid"][0] == pytest.approx(10, abs=1)
    assert result["groups"][1]["centroid"][0] == pytest.approx(30, abs=1)
    members_a = {member["name"] for member in result["groups"][0]["members"]}
    assert all(name.startswith("Verk A") for name in members_a)


def test_filters_narrow_the_agencies(grouped_data):
    small = grouped_data["organisations"][:3]
    for organisation in small:
        organisation.employees = 100
        organisation.save()
    ids = [grouped_data["share"].pk, grouped_data["maturity"].pk]
    result = compute(
        Method.CORRELATION, {"indicators": ids, "filters": {"size": "small", "country": "SE"}}
    )
    assert result["n"] == 3


def test_correlation_run_values(grouped_data):
    share, maturity = grouped_data["share"], grouped_data["maturity"]
    result = compute(Method.CORRELATION, {"indicators": [share.pk, maturity.pk]})
    pairs = [(point["x"], point["y"]) for point in result["points"]]
    assert result["n"] == 16 == len(pairs)
    assert result["pearson"] == pytest.approx(correlation(*zip(*pairs, strict=True)))
    assert result["pearson"] < -0.9  # the high-share group is the low-maturity group
    assert -1 <= result["spearman"] < -0.5


def test_peers_run_finds_the_nearest_twin(grouped_data):
    share, maturity = grouped_data["share"], grouped_data["maturity"]
    target = OrganisationFactory(name="Målverket")
    twin = OrganisationFactory(name="Tvillingverket")
    for organisation, (x, y) in ((target, (50.0, 0.5)), (twin, (49.5, 0.55))):
        Observation.objects.create(indicator=share, organisation=organisation, year=2024, value=x)
        Observation.objects.create(
            indicator=maturity, organisation=organisation, year=2024, value=y
        )
    result = compute(
        Method.PEERS, {"indicators": [share.pk, maturity.pk], "organisation": target.pk}
    )
    assert result["organisation"]["name"] == "Målverket"
    assert result["peers"][0]["name"] == "Tvillingverket"
    assert len(result["peers"]) == 5


def test_a_run_that_cannot_be_computed_fails_with_a_reason(grouped_data):
    run = IndicatorRun.objects.create(
        title="För få",
        method=Method.CORRELATION,
        parameters={"indicators": [grouped_data["share"].pk]},
    )
    execute_run(run)
    run.refresh_from_db()
    assert run.status == IndicatorRun.Status.FAILED
    assert "exactly two" in run.error


def test_corrections_new_rates_and_deletions_are_newer_data(grouped_data):
    """A finished run notices a corrected value (imported), a new exchange rate, a changed
    price index and a deleted organisation; importing the same values again is not news."""
    share = grouped_data["share"]
    first = grouped_data["organisations"][0]
    run = IndicatorRun.objects.create(
        title="Grupper", method=Method.KMEANS, parameters={"indicators": [share.pk], "k": 2}
    )

    def recomputed() -> IndicatorRun:
        execute_run(run)
        assert run.status == IndicatorRun.Status.DONE and not newer_data_exists(run)
        return run

    value = Observation.objects.get(organisation=first, indicator=share, year=2024).value
    same = f"organisation,indicator,year,value\n{first.name},it-share,2024,{value}\n".encode()
    recomputed()
    assert import_file("same.csv", same, series="it-costs").rows_unchanged == 1
    assert not newer_data_exists(run)

    corrected = same.replace(str(value).encode(), b"11.5")
    assert import_file("corrected.csv", corrected, series="it-costs").rows_updated == 1
    assert newer_data_exists(run)

    recomputed()
    ExchangeRate.objects.create(currency="DKK", year=2024, to_sek=1.55)
    assert newer_data_exists(run)

    recomputed()
    index = PriceIndex.objects.create(currency="SEK", year=2024, value=100)
    recomputed()
    index.value = 101
    index.save()
    assert newer_data_exists(run)

    recomputed()
    first.delete()
    assert newer_data_exists(run)


def _create(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/en/data/indicators/runs/new/", data)


def test_lifecycle_create_task_done_newer_data_rerun(
    client, grouped_data, django_capture_on_commit_callbacks
):
    """Created by a member, computed by the task, stale after an import, fresh after a re-run."""
    client.force_login(MemberFactory())
    share, maturity = grouped_data["share"], grouped_data["maturity"]
    response = _create(
        client,
        {"title": "Grupper", "method": "kmeans", "indicators": [share.pk, maturity.pk], "k": 2},
        django_capture_on_commit_callbacks,
    )
    run = IndicatorRun.objects.get(title="Grupper")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/runs/{run.share_token}/")
    assert run.status == IndicatorRun.Status.DONE
    assert run.progress == 100
    assert run.data_version == data_version()
    assert [group["size"] for group in run.result["groups"]] == [10, 6]
    assert run.parameters["k"] == 2 and run.computed_at is not None

    with translation.override("en"):
        listing = client.get("/en/data/indicators/runs/").content.decode()
        assert "Grupper" in listing and "Up to date" in listing
        Observation.objects.create(
            indicator=share, organisation=grouped_data["organisations"][0], year=2025, value=12
        )
        listing = client.get("/en/data/indicators/runs/").content.decode()
        assert "Newer data exists" in listing
        detail = client.get(f"/en/data/indicators/runs/{run.share_token}/").content.decode()
        assert "Newer data exists" in detail

        old_version = run.data_version
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/en/data/indicators/runs/{run.share_token}/rerun/")
        run.refresh_from_db()
        assert run.status == IndicatorRun.Status.DONE
        assert run.data_version == data_version() != old_version
        assert "Newer data exists" not in client.get("/en/data/indicators/runs/").content.decode()


def test_a_queued_run_page_shows_progress_and_reloads_itself(client, grouped_data):
    run = IndicatorRun.objects.create(
        title="Väntar",
        method=Method.KMEANS,
        parameters={"indicators": [grouped_data["share"].pk], "k": 2},
        created_by=MemberFactory(),
        progress=40,
        status=IndicatorRun.Status.RUNNING,
    )
    page = client.get(f"/data/indicators/runs/{run.share_token}/").content.decode()
    assert '<meta http-equiv="refresh"' in page and 'value="40"' in page
    execute_run(run)
    page = client.get(f"/data/indicators/runs/{run.share_token}/").content.decode()
    assert "http-equiv" not in page
    assert "<svg" in page and "<table" in page  # the chart with its table beneath


def test_only_members_create_runs(client, grouped_data):
    response = client.get("/data/indicators/runs/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())  # signed in, not a member
    assert client.get("/data/indicators/runs/new/").status_code == 403
    client.force_login(MemberFactory())
    assert client.get("/data/indicators/runs/new/").status_code == 200


def test_a_members_only_run_is_hidden_from_anonymous_by_link_and_downloads(client, db):
    secret = make_series("secret", members_only=True, indicators=[("zqsecretind", "%", 0, 100)])
    indicator = Indicator.objects.get(series=secret)
    for number in range(4):
        Observation.objects.create(
            indicator=indicator,
            organisation=OrganisationFactory(name=f"Zqsecretorg {number}"),
            year=2024,
            value=number,
        )
    run = IndicatorRun.objects.create(
        title="Zqsecretrun",
        method=Method.KMEANS,
        parameters={"indicators": [indicator.pk], "k": 2},
    )
    execute_run(run)
    assert run.status == IndicatorRun.Status.DONE
    urls = [
        f"/data/indicators/runs/{run.share_token}/",
        f"/data/indicators/runs/{run.share_token}/data/?format=csv",
        f"/data/indicators/runs/{run.share_token}/data/?format=json",
        f"/data/indicators/runs/{run.share_token}/data/?format=xlsx",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert "zqsecretrun" not in client.get("/data/indicators/runs/").content.decode().lower()
    for url in ["/api/indicators/series/", "/api/indicators/observations/"]:
        assert "zqsecret" not in client.get(url).content.decode().lower()
    client.force_login(MemberFactory())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Zqsecretorg" in client.get(urls[2]).content.decode()
    assert "Zqsecretrun" in client.get("/data/indicators/runs/").content.decode()


def test_demo_run_is_finished_and_public(db, client):
    series = make_series(
        "demo-index", indicators=[("digg", "index", 0, 100), ("tech", "index", 0, 100)]
    )
    series.is_demo = True
    series.save()
    for number in range(6):
        organisation = OrganisationFactory()
        for value, indicator in enumerate(series.indicators.all()):
            Observation.objects.create(
                indicator=indicator, organisation=organisation, year=2024, value=number * 10 + value
            )
    run = create_demo_run()
    assert run.status == IndicatorRun.Status.DONE
    assert create_demo_run().pk == run.pk  # idempotent
    assert client.get(f"/data/indicators/runs/{run.share_token}/").status_code == 200


def test_the_run_page_names_its_filters_in_the_visitors_language(client, grouped_data):
    run = IndicatorRun.objects.create(
        title="Svenska verk",
        method=Method.CORRELATION,
        parameters={
            "indicators": [grouped_data["share"].pk, grouped_data["maturity"].pk],
            "filters": {"country": "SE", "size": "medium"},
        },
    )
    execute_run(run)
    with translation.override("en"):
        page = client.get(f"/en/data/indicators/runs/{run.share_token}/").content.decode()
    assert "Country: Sweden" in page and "Size: 250–999 employees" in page
    assert run.result["n"] == 16  # every agency is Swedish with 500 employees
