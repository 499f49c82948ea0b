"""The privacy matrix: every role × every URL that shows data, looking for words it must not see.

A URL pattern of the project's own apps that is neither walked here nor listed as exempt
(with the reason) fails `test_every_url_pattern_is_in_the_matrix`, so new URLs join the matrix.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook
from wagtail.models import get_page_models

from datalab.dashboard import CHARTS
from portal.csv_export import XLSX_CONTENT_TYPE

from .world import ROLES, SITE_ALLOWED, TOPIC_WORD, World, build_world, may_see

# Route names walked below, by URL namespace.
WALKED = {
    "search:search",
    "api:search",
    "api:similar",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:indicator_series",
    "api:indicator_list",
    "api:observation_list",
    "indicator_runs:list",
    "indicator_runs:create",
    "indicator_runs:detail",
    "indicator_runs:download",
    "indicators:index",
    "indicators:indicator",
    "indicators:indicator_data",
    "indicators:organisation",
    "indicators:organisation_data",
    "indicators:compare",
    "health",
    "portal_failed_tasks",
    "cases_import_documents",
    "cases_import_status",
    "indicators_import",
    "indicators_import_preview",
    "datalab:overview",
    "datalab:chart_data",
    "datalab:semantic_map",
    "datalab:experts",
    "datalab:compare",
    "network:my_meetings",
    "network_feeds:network_ics",
    "network_feeds:meeting_ics",
    "network_feeds:personal_feed",
    "network_admin:meetings",
    "network_admin:membership_requests",
    "network_admin:attendees",
    "network_admin:attendees_csv",
    "network_admin:attendees_xlsx",
    "network_admin:message",
    "cases:my_submissions",
    "cases:share",
    "cases:report_outcome",
    "cases_outcomes",
    "cases_outcome_review",
    "cases_follow_ups_overdue",
    "account:account",
    "account:download",
    "catalog:turtle",
    "catalog:jsonld",
    "catalog:cases_csv",
    "catalog:cases_json",
    "account:api_tokens",
    "api:cases",
    "api:case",
    "api:lessons",
    "api:lesson",
    "api:networks",
    "api:network",
    "api:meetings",
    "api:meeting",
    "alerts:saved_searches",
    "gaps:network_gaps",
}
# Actions that take a POST and show no one else's data; their effects are tested per app.
EXEMPT = {
    "network:join": "POST action on the visitor's own membership",
    "network:leave": "the visitor's own membership: a confirmation page, then a POST action",
    "network:approve_membership": "POST action, coordinators of that network only",
    "network:decline_membership": "POST action, coordinators of that network only",
    "network:register": "POST action on the visitor's own registration",
    "network:cancel": "the visitor's own registration: a confirmation page, then a POST action",
    "network:regenerate_feed": "the visitor's own feed: a confirmation page, then a POST action",
    "network_admin:copy": "POST action, coordinators of that network only",
    "network_admin:publish_lessons": "POST action, coordinators of that network only",
    "network_admin:set_attendance": "POST action, coordinators of that network only",
    "account:close": "the visitor's own account; a confirmation form",
    "account:closed": "a static goodbye page",
    "account:revoke_api_token": "POST action on the visitor's own API token",
    "favicon": "a redirect to the static icon",
    "accessibility": "the accessibility statement: static text, the same for everyone",
    "set_language": "POST action: the visitor's own language, then a redirect to the same page",
    "portal_rerun_task": "POST action, administrators only (tests/portal/test_task_queue.py)",
    "cases_follow_up_remind": "POST action, moderators only: e-mails the case's own people",
    "cases_follow_up_close": "POST action, moderators only: stops a case's follow-up prompts",
    "alerts:save": "POST action: saves the visitor's own search, then a redirect",
    "alerts:update": "POST action on the visitor's own saved search",
    "alerts:delete": "POST action on the visitor's own saved search",
    "alerts:pause": "POST action on the visitor's own e-mail setting",
    "alerts:unsubscribe": "a signed token's own saved search: a confirmation page, then a POST",
    "indicator_runs:rerun": "POST action: recomputes a run the visitor may already see",
    "gaps:add_to_agenda": "POST action, coordinators of that network and moderators only",
    "gaps:call_for_experiences": "POST action, coordinators of that network and moderators only",
    "gaps:close_call": "POST action, coordinators of that network and moderators only",
}
OWN_APPS = (
    "portal.",
    "cases.",
    "network.",
    "search.",
    "datalab.",
    "indicators.",
    "catalog.",
    "gaps.",
)
HIDDEN_CASE_KEYS = ("draft", "pending", "unpublished", "login", "group", "password")
PAGE_KEYS = [
    "public_case",
    "lesson",
    "cases",
    "lessons",
    "networks",
    "network_a",
    "network_b",
    "meeting_a",
    "meeting_b",
    "draft",
    "pending",
    "unpublished",
    "login",
    "group",
    "password",
]


def _follow_up_results(world: World) -> str:
    """A pending result on the public case and an approved one on the unpublished case: the
    case pages, the library's "with follow-up results" filter and the follow-up form show
    neither; moderators review the pending one in the admin. Returns its review URL."""
    from cases.models import CaseOutcome, FollowUp

    pending, _created = CaseOutcome.objects.get_or_create(
        case=world.pages["public_case"], months=6, what_happened="Prognosen zqpendingmark."
    )
    CaseOutcome.objects.get_or_create(
        case=world.pages["unpublished"],
        months=6,
        status=CaseOutcome.Status.APPROVED,
        what_happened="Prognosen zqunpublishedmark.",
    )
    FollowUp.objects.get_or_create(
        case=world.pages["public_case"], months=12, defaults={"due_on": "2020-01-01"}
    )
    return f"/admin/cases/results/{pending.pk}/"


def _import_batch(world: World):
    """An upload whose file became the draft case: its status page names and links it."""
    from cases.models import DocumentImport

    draft = world.pages["draft"]
    record, _created = DocumentImport.objects.get_or_create(
        name="bilaga.pdf",
        defaults={
            "batch": uuid.uuid4(),
            "state": DocumentImport.State.IMPORTED,
            "message": f"“{draft.title}” (draft)",
            "page": draft,
        },
    )
    return record.batch


def _saved_searches(world: World, role: str) -> str:
    """The role's saved search, made to have found every page of the world (the matching
    task would not have): the list must still show only what the role may see."""
    from alerts.models import SavedSearch, SavedSearchMatch

    saved, _created = SavedSearch.objects.get_or_create(
        user=world.users[role], query=TOPIC_WORD, mode="hybrid", filters={}
    )
    for page in world.pages.values():
        SavedSearchMatch.objects.get_or_create(
            saved_search=saved, page_id=page.pk, defaults={"passage": page.title}
        )
    return "/members/account/searches/"


def urls_to_walk(world: World, role: str) -> list[str]:
    pages = world.pages
    hidden_ids = [pages[key].pk for key in ("draft", "pending", "unpublished", "login", "group")]
    hidden_ids.append(world.ids["deleted"])
    id_params = "&".join(f"id={pk}" for pk in hidden_ids)
    urls = ["/", *(pages[key].url for key in PAGE_KEYS if pages[key].url)]
    urls += [
        f"/search/?q={TOPIC_WORD}",
        f"/search/?q={TOPIC_WORD}&type=case",
        f"/api/search/?q={TOPIC_WORD}&limit=100",
        f"/api/similar/{pages['public_case'].pk}/",
        *(f"/api/similar/{pages[key].pk}/" for key in ("draft", "login", "group", "password")),
        "/api/",
        "/api/openapi.json",
        "/api/docs",
        # The content API, as the session's user (an API token speaks for its user the same
        # way: tests/portal/test_api_tokens.py).
        "/api/cases/?limit=100",
        *(f"/api/cases/{pages[key].pk}/" for key in ("public_case", *HIDDEN_CASE_KEYS)),
        f"/api/cases/{world.ids['deleted']}/",
        "/api/lessons/?limit=100",
        f"/api/lessons/{pages['lesson'].pk}/",
        "/api/networks/",
        *(f"/api/networks/{pages[key].pk}/" for key in ("network_a", "network_b")),
        "/api/meetings/?limit=100",
        *(f"/api/meetings/{pages[key].pk}/" for key in ("meeting_a", "meeting_b")),
        "/members/account/api-tokens/",
        "/datalab/",
        "/datalab/map/",
        "/datalab/map/?format=csv",
        "/datalab/map/?format=json",
        "/datalab/map/?format=xlsx",
        f"/datalab/experts/?q={TOPIC_WORD}",
        "/datalab/compare/",
        *(
            f"/datalab/charts/{key}/?format={fmt}"
            for key in CHARTS
            for fmt in ("json", "csv", "xlsx")
        ),
        "/members/network/my-meetings/",
        "/members/cases/mine/",
        "/members/cases/share/",
        f"/members/cases/{pages['public_case'].pk}/results/new/",
        f"/members/cases/{pages['unpublished'].pk}/results/new/",
        "/cases/?results=with",
        "/admin/cases/results/",
        _follow_up_results(world),
        "/admin/cases/follow-ups/",
        "/members/account/",
        "/members/account/data.json",
        # The open-data catalogue and its files: public cases only, the same for every role.
        "/catalog.ttl",
        "/catalog.jsonld",
        "/catalog/cases.csv",
        "/catalog/cases.json",
        *(f"/members/network/networks/{pages[key].pk}.ics" for key in ("network_a", "network_b")),
        *(f"/members/network/meetings/{pages[key].pk}.ics" for key in ("meeting_a", "meeting_b")),
        *(f"/members/network/networks/{pages[key].pk}/gaps/" for key in ("network_a", "network_b")),
        # The admin views a coordinator can reach, and Wagtail's own that list page titles.
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{pages['cases'].pk}/",
        f"/admin/pages/search/?q={TOPIC_WORD}",
        "/admin/choose-page/",
        f"/admin/choose-page/{pages['cases'].pk}/",
        f"/admin/choose-page/search/?q={TOPIC_WORD}",
        *(
            f"/admin/bulk/wagtailcore/page/{action}/?{id_params}&next=/admin/"
            for action in ("delete", "publish", "unpublish", "move")
        ),
        "/admin/reports/page-types-usage/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
        "/admin/reports/site-history/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/health/",
        "/admin/tasks/failed/",
        "/admin/cases/import/",
        f"/admin/cases/import/{_import_batch(world)}/",
        "/admin/indicators/import/",
        f"/admin/indicators/import/{_indicator_import_batch()}/",
        "/admin/network/",
        "/admin/network/requests/",
        # Documents attached to hidden pages (Wagtail's serve view; search/attachments.py).
        *(document.url for document in world.documents.values()),
        *(
            f"/admin/network/meetings/{pages[key].pk}/{suffix}"
            for key in ("meeting_a", "meeting_b")
            for suffix in ("", "attendees.csv", "attendees.xlsx", "message/")
        ),
    ]
    urls += _indicator_urls(world)
    if role != "anonymous":
        urls.append(f"/members/network/feeds/{world.users[role].calendar_feed.token}.ics")
        urls.append(_saved_searches(world, role))
    return urls


def _indicator_import_batch() -> int:
    """A previewed indicator upload: its preview is for moderators only (issue 12)."""
    from indicators.models import ImportBatch

    batch, _created = ImportBatch.objects.get_or_create(
        file_name="nyckeltal.csv", defaults={"file_sha256": "0" * 64, "rows_total": 1}
    )
    return batch.pk


def _indicator_urls(world: World) -> list[str]:
    """The API and a members-only run, by its share link and downloads (issue 12)."""
    run = f"/data/indicators/runs/{world.indicators['members_run'].share_token}/"
    indicator = world.indicators["members_indicator"]
    return [
        "/api/indicators/series/",
        "/api/indicators/indicators/",
        "/api/indicators/indicators/?series=medlemsserie",
        "/api/indicators/observations/",
        f"/api/indicators/observations/?indicator={indicator.pk}",
        "/data/indicators/runs/",
        "/data/indicators/runs/new/",
        run,
        *(f"{run}data/?format={fmt}" for fmt in ("csv", "xlsx", "json")),
        *_indicator_page_urls(),
    ]


def _members_only_page_indicator():
    """A members-only indicator whose codes do not hold the marker (its names do): a 404
    page or a download link that repeats the address asked for is no leak."""
    from indicators.models import Indicator, IndicatorSeries, Observation
    from portal.models import Organisation

    series, _created = IndicatorSeries.objects.get_or_create(
        code="medlemsdata",
        defaults={
            "name_sv": "Zqmembersseries medlemsdata",
            "name_en": "Zqmembersseries members' data",
            "source": "Test",
            "licence": "CC0",
            "members_only": True,
        },
    )
    indicator, _created = Indicator.objects.get_or_create(
        series=series, code="andel", defaults={"name_sv": "Zqmembersseries andel", "unit": "%"}
    )
    for organisation in Organisation.objects.filter(slug__startswith="matverket-"):
        Observation.objects.get_or_create(
            indicator=indicator, organisation=organisation, year=2024, defaults={"value": 12.5}
        )
    return indicator


def _indicator_page_urls() -> list[str]:
    """The indicator pages of a members-only indicator, its charts' downloads, the profile
    of an agency that has only members-only data, and a scatter that asks for it."""
    indicator = _members_only_page_indicator()
    page = f"/data/indicators/indicator/{indicator.series.code}/{indicator.code}/"
    profile = "/data/indicators/organisation/matverket-1/"
    pair = f"x={indicator.series.code}.{indicator.code}&y={indicator.series.code}.{indicator.code}"
    return [
        "/data/indicators/",
        page,
        f"{page}?organisation=matverket-1",
        *(
            f"{page}data/{chart}/?format={fmt}"
            for chart in ("distribution", "trend")
            for fmt in ("csv", "xlsx", "json")
        ),
        profile,
        *(
            f"{profile}data/{indicator.series.code}-{indicator.code}/?format={fmt}"
            for fmt in ("csv", "json")
        ),
        f"/data/indicators/compare/?{pair}",
        f"/data/indicators/compare/?{pair}&format=json",
        f"/data/indicators/compare/?{pair}&format=csv",
    ]


@pytest.fixture
def world(home_page, django_capture_on_commit_callbacks):
    return build_world(home_page, django_capture_on_commit_callbacks)


def _read(client, url: str) -> tuple[int, str]:
    response = client.get(url, follow=True)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.get("Content-Type", "").startswith(XLSX_CONTENT_TYPE):
        # A workbook is a zip: read its cells, so that the markers can be looked for.
        sheet = load_workbook(io.BytesIO(body)).active
        cells = (str(value) for row in sheet.iter_rows(values_only=True) for value in row)
        return response.status_code, " ".join(cells).lower()
    return response.status_code, body.decode("utf-8", "replace").lower()


# Where each marker must show, so a marker that went missing cannot make the matrix pass.
SEEN_BY_THOSE_ALLOWED = [
    ("moderator", "zqpendingmark", lambda w: "/admin/cases/results/"),
    ("moderator", "zqpendingmark", _follow_up_results),
    ("superuser", "zqdraftmark", lambda w: f"/admin/pages/{w.pages['draft'].pk}/edit/"),
    ("superuser", "zqpendingmark", lambda w: f"/admin/pages/{w.pages['pending'].pk}/edit/"),
    ("moderator", "zqunpublishedmark", lambda w: f"/admin/pages/{w.pages['cases'].pk}/"),
    ("outsider", "zqloginmark", lambda w: w.pages["login"].url),
    ("outsider", "zqloginmark", lambda w: f"/search/?q={TOPIC_WORD}"),
    ("outsider", "zqloginmark", lambda w: w.documents["login"].url),
    ("member_a", "zqgroupmark", lambda w: w.documents["group"].url),
    ("moderator", "zqdraftmark", lambda w: w.documents["draft"].url),
    ("member_a", "zqgroupmark", lambda w: w.pages["group"].url),
    ("member_a", "zqgroupmark", lambda w: _saved_searches(w, "member_a")),
    ("member_b", "zqmembersinfob", lambda w: w.pages["network_b"].url),
    (
        "member_b",
        "zqonlinelinkb",
        lambda w: f"/members/network/feeds/{w.users['member_b'].calendar_feed.token}.ics",
    ),
    ("coordinator_b", "zqjoinrequestb", lambda w: w.pages["network_b"].url),
    ("outsider", "zqloginmark", lambda w: "/api/cases/?limit=100"),
    ("member_a", "zqgroupmark", lambda w: f"/api/cases/{w.pages['group'].pk}/"),
    ("member_b", "zqmembersinfob", lambda w: f"/api/networks/{w.pages['network_b'].pk}/"),
    ("member_b", "zqonlinelinkb", lambda w: f"/api/meetings/{w.pages['meeting_b'].pk}/"),
    ("outsider", "zqmembersseries", lambda w: "/api/indicators/series/"),
    ("member_b", "zqmembersseries", lambda w: "/data/indicators/"),
    (
        "outsider",
        "zqmembersseries",
        lambda w: "/data/indicators/indicator/medlemsdata/andel/",
    ),
    ("member_a", "zqmembersseries", lambda w: "/data/indicators/organisation/matverket-1/"),
    (
        "member_a",
        "zqmembersseries",
        lambda w: f"/data/indicators/runs/{w.indicators['members_run'].share_token}/",
    ),
    (
        "member_b",
        "zqmembersseries",
        lambda w: (
            f"/data/indicators/runs/{w.indicators['members_run'].share_token}/data/?format=json"
        ),
    ),
    (
        "coordinator_a",
        "zqdietnotea",
        lambda w: f"/admin/network/meetings/{w.pages['meeting_a'].pk}/attendees.csv",
    ),
    (
        "coordinator_a",
        "zqdietnotea",
        lambda w: f"/admin/network/meetings/{w.pages['meeting_a'].pk}/attendees.xlsx",
    ),
]


def test_no_role_sees_what_it_may_not(client, world):
    """One world for all eight roles (building it indexes pages, which is the slow part)."""
    leaks, errors, missing = [], [], []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        for url in urls_to_walk(world, role):
            status, body = _read(client, url)
            if status >= 500:
                errors.append(f"{role}: {url} → {status}")
            leaks += [
                f"{role} sees {marker} in {url}"
                for marker in SITE_ALLOWED
                if marker in body and not may_see(role, marker, url)
            ]
    for role, marker, url_of in SEEN_BY_THOSE_ALLOWED:
        client.logout()
        client.force_login(world.users[role])
        status, body = _read(client, url_of(world))
        if status != 200 or marker not in body:
            missing.append(f"{role} does not see {marker} in {url_of(world)} ({status})")
    assert not errors, errors
    assert not leaks, leaks
    assert not missing, missing


def _named_routes(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "")
            if module.startswith(OWN_APPS) or namespace == "api:":
                yield f"{namespace}{entry.name}"


def test_every_url_pattern_is_in_the_matrix():
    routes = set(_named_routes(get_resolver()))
    assert "search:search" in routes
    missing = routes - WALKED - set(EXEMPT)
    assert not missing, f"URL patterns not in the privacy matrix: {sorted(missing)}"


def test_every_page_type_is_in_the_matrix(world):
    walked = {type(world.pages[key].specific) for key in PAGE_KEYS}
    own = {model for model in get_page_models() if model.__module__.startswith(OWN_APPS)}
    # The home page is walked as "/"; StandardPage is a plain public page with no hidden parts.
    from portal.models import HomePage, StandardPage

    missing = own - walked - {HomePage, StandardPage}
    assert not missing, (
        f"page types not in the privacy matrix: {sorted(m.__name__ for m in missing)}"
    )
