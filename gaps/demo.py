"""Demo: a search log of needs the demo content does not answer, grouped into gaps.

The searches are data, in ``demo_content/searches.yaml`` (each need written several ways
in sv/da/en, with the days ago they were searched), and so is the one call for
experiences a coordinator opened. Runs after search's demo loader: grouping encodes the
queries with the served model, and matching gaps with networks needs the networks.

Idempotent: the demo's searches replace the log rows (and daily roll-ups) of the same
queries, at the same distance from today, so loading again neither doubles a count nor
lets a trend go stale; gaps keep their identity (grouping recomputes every count).
"""

from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from network.models import NetworkPage
from portal.demo_loader import DemoContentError, check_fields, read_yaml
from search.models import SearchQueryDay, SearchQueryLog

from . import answers, grouping
from .models import CallForExperiences, GapQuery

CONTENT = Path(__file__).with_name("demo_content")
SEARCH_FIELDS = "query language results days"


def load() -> None:
    path = CONTENT / "searches.yaml"
    content = check_fields(path, read_yaml(path), "needs answered call")
    searches = [
        check_fields(f"{path}, {need}", search, SEARCH_FIELDS)
        for need, entries in content["needs"].items()
        for search in entries
    ]
    searches += [
        check_fields(f"{path}, answered", search, SEARCH_FIELDS) for search in content["answered"]
    ]
    logged = _log_searches(searches)
    run = grouping.find_gaps()
    answered = answers.recheck_open_gaps()
    call = _load_call(path, content["call"])
    print(
        f"  search gaps: {logged} logged searches, {run.gaps} gaps "
        f"({run.trending} trending, {len(answered)} answered), call “{call.title}”"
    )


@transaction.atomic
def _log_searches(searches: list[dict]) -> int:
    queries = {search["query"] for search in searches}
    SearchQueryLog.objects.filter(query__in=queries).delete()
    SearchQueryDay.objects.filter(query__in={query.lower() for query in queries}).delete()
    today = timezone.localdate()
    rows = []
    for number, search in enumerate(searches):
        for days_ago in search["days"]:
            # Spread over the working day, so that one need's searches are not one moment.
            moment = datetime.combine(today - timedelta(days=days_ago), time(8 + number % 9))
            entry = SearchQueryLog.objects.create(
                query=search["query"],
                language=search["language"],
                mode="hybrid",
                result_count=search["results"],
            )
            rows.append((entry.pk, timezone.make_aware(moment)))
    for pk, moment in rows:  # ``created`` is set on insert (auto_now_add)
        SearchQueryLog.objects.filter(pk=pk).update(created=moment)
    return len(rows)


def _load_call(path: Path, spec) -> CallForExperiences:
    spec = check_fields(f"{path}, call", spec, "network coordinator gap_query title text")
    network = NetworkPage.objects.filter(slug=spec["network"]).first()
    if network is None:
        raise DemoContentError(f"{path}, call: no network “{spec['network']}”")
    gap_query = GapQuery.objects.filter(query=spec["gap_query"].lower()).first()
    call, _created = CallForExperiences.objects.update_or_create(
        network=network,
        title=spec["title"],
        defaults={
            "text": spec["text"],
            "gap": gap_query.gap if gap_query else None,
            "created_by": get_user_model().objects.get(username=spec["coordinator"]),
        },
    )
    return call
