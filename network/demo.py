"""Demo networks, meetings, memberships and registrations.

The content itself is data: a YAML file per network (its meetings inside) in
``demo_content/networks/``, and the index page and their order in ``demo_content/index.yaml``;
``demo_content/README.md`` describes the fields. Edit a file and run ``load_demo`` again.

Idempotent: pages are found by slug and updated in place, memberships and registrations
by user. Meeting dates are computed from today, so upcoming meetings stay upcoming.
"""

from datetime import datetime, time, timedelta
from html import escape
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission

from cases.models import CaseStudyPage
from portal.demo_loader import (
    check_fields,
    in_order,
    read_yaml,
    translation_fields,
    upsert_page,
)
from portal.models import COORDINATORS_GROUP, HomePage, Topic

from .meeting_lessons import submit_meeting_lessons
from .models import (
    MeetingPage,
    Membership,
    NetworkIndexPage,
    NetworkPage,
    NetworkSharedCase,
    Registration,
)

CONTENT = Path(__file__).with_name("demo_content")


@transaction.atomic
def load() -> None:
    content = check_fields(
        CONTENT / "index.yaml", read_yaml(CONTENT / "index.yaml"), "index networks"
    )
    spec = check_fields(
        CONTENT / "index.yaml", content["index"], "slug title intro", "translations"
    )
    index = upsert_page(
        HomePage.objects.first(),
        NetworkIndexPage,
        spec["slug"],
        title=spec["title"],
        intro=spec["intro"],
        **translation_fields(
            CONTENT / "index.yaml", spec.get("translations"), "title seo_title intro"
        ),
    )
    _grant_coordinators(index)
    files = in_order(CONTENT / "networks", ".yaml", content["networks"])
    specs = {slug: check_network(path, read_yaml(path)) for slug, path in files}
    networks = {slug: _load_network(index, slug, spec) for slug, spec in specs.items()}
    for slug, spec in specs.items():
        for meeting in spec.get("meetings", []):
            _load_meeting(networks[slug], meeting)


def check_network(path: Path, spec) -> dict:
    """The network read from ``path`` once it and its meetings have the fields they must
    (README.md here describes them)."""
    check_fields(
        path,
        spec,
        "title country language join_policy summary purpose",
        "topics member_information shared_cases coordinators members requests meetings "
        "translations",
    )
    for number, meeting in enumerate(spec.get("meetings", []), 1):
        where = f"{path}, meeting {number}"
        check_fields(
            where,
            meeting,
            "slug title days hour hours tz format summary agenda",
            "language venue address online_link capacity audience registration_opens_days "
            "registration_closes_days publish_lessons minutes lessons registrations",
        )
        for item in meeting["agenda"]:
            check_fields(f"{where}, agenda", item, "time title", "speaker")
        for lesson in meeting.get("lessons", []):
            check_fields(f"{where}, lessons", lesson, "title text kind")
    return spec


def _html(text: str) -> str:
    """Rich text from plain text: a paragraph a line (a blank line in a folded ``>-`` text)."""
    return "".join(
        f"<p>{escape(line.strip(), quote=False)}</p>" for line in text.split("\n") if line.strip()
    )


def _grant_coordinators(index: NetworkIndexPage) -> None:
    """Coordinators plan meetings in the admin; models.NetworkPermissionTester keeps each to
    their own networks."""
    group = Group.objects.get(name=COORDINATORS_GROUP)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def _user(username):
    return get_user_model().objects.get(username=username)


def _description_translations(where, spec) -> dict:
    """The network's summary and purpose in the other languages, as page fields."""
    values = translation_fields(
        where, spec.get("translations"), "summary purpose", languages=("sv", "da", "en")
    )
    return {
        name: _html(value) if name.startswith("purpose_") else value
        for name, value in values.items()
    }


def _load_network(index, slug, spec) -> NetworkPage:
    network = upsert_page(
        index,
        NetworkPage,
        slug,
        title=spec["title"],
        summary=spec["summary"],
        purpose=_html(spec["purpose"]),
        country=spec["country"],
        language=spec["language"],
        join_policy=spec["join_policy"],
        member_information=_html(spec.get("member_information", "")),
        **_description_translations(CONTENT / "networks" / f"{slug}.yaml", spec),
    )
    network.topics.set(Topic.objects.filter(slug__in=spec.get("topics", [])))
    shared = spec.get("shared_cases", [])
    cases = {case.slug: case for case in CaseStudyPage.objects.filter(slug__in=shared)}
    network.shared_cases = [NetworkSharedCase(case=cases[slug]) for slug in shared if slug in cases]
    network.save_revision().publish()
    since = timezone.now() - timedelta(days=365)
    people = [(u, "coordinator", "active") for u in spec.get("coordinators", [])]
    people += [(u, "member", "active") for u in spec.get("members", [])]
    people += [(u, "member", "requested") for u in spec.get("requests", [])]
    for username, role, status in people:
        Membership.objects.update_or_create(
            network=network,
            user=_user(username),
            defaults={
                "role": role,
                "status": status,
                "since": since if status == "active" else None,
            },
        )
    return NetworkPage.objects.get(pk=network.pk)


def _local(days: int, hour: int, zone_name: str) -> datetime:
    """``hour`` o'clock local time, ``days`` from today."""
    zone = ZoneInfo(zone_name)
    day = timezone.localdate(timezone=zone) + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=zone)


def _load_meeting(network, spec) -> MeetingPage:
    start = _local(spec["days"], spec["hour"], spec["tz"])
    agenda = [
        (
            "item",
            {
                "time": _clock(item["time"]),
                "title": item["title"],
                "speaker": item.get("speaker", ""),
                "description": "",
            },
        )
        for item in spec["agenda"]
    ]
    # Stable block ids: publishing the lessons as pages is keyed on them.
    lessons = [
        {
            "type": "lesson",
            "id": str(uuid5(NAMESPACE_URL, f"erfa-demo/{spec['slug']}/lesson/{number}")),
            "value": {"title": lesson["title"], "text": lesson["text"], "kind": lesson["kind"]},
        }
        for number, lesson in enumerate(spec.get("lessons", []))
    ]
    opens = spec.get("registration_opens_days")
    closes = spec.get("registration_closes_days")
    meeting = upsert_page(
        network,
        MeetingPage,
        spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        start=start,
        end=start + timedelta(hours=spec["hours"]),
        time_zone=spec["tz"],
        format=spec["format"],
        venue=spec.get("venue", ""),
        address=spec.get("address", ""),
        online_link=spec.get("online_link", ""),
        capacity=spec.get("capacity"),
        audience=spec.get("audience", "members"),
        language=spec.get("language", network.language),
        agenda=agenda,
        minutes=_html(spec.get("minutes", "")),
        lessons=lessons,
        registration_opens=_local(opens, 8, spec["tz"]) if opens is not None else None,
        registration_closes=_local(closes, 23, spec["tz"]) if closes is not None else None,
    )
    _load_registrations(meeting, spec.get("registrations", []), past=spec["days"] < 0)
    if spec.get("publish_lessons"):
        # The demo's past meetings are history: their lessons went through moderation and
        # the demo moderator approved them.
        for lesson in submit_meeting_lessons(meeting):
            _approve(lesson, _user("moderator"))
    return meeting


def _approve(page, moderator) -> None:
    task_state = page.current_workflow_task_state
    if task_state is not None:
        task_state.task.specific.on_action(task_state, moderator, "approve")


def _clock(value) -> time:
    """An agenda time; YAML 1.1 reads an unquoted 13:00 as the number 780 (minutes)."""
    if isinstance(value, int):
        return time(*divmod(value, 60))
    return time.fromisoformat(value)


def _load_registrations(meeting: MeetingPage, usernames: list[str], *, past: bool) -> None:
    created = meeting.start - timedelta(days=30)
    for position, username in enumerate(usernames):
        seated = meeting.capacity is None or position < meeting.capacity
        if seated:
            status = Registration.Status.ATTENDED if past else Registration.Status.REGISTERED
        else:
            status = Registration.Status.WAITLISTED
        Registration.objects.update_or_create(
            meeting=meeting,
            user=_user(username),
            status__in=[s for s in Registration.Status.values if s != "cancelled"],
            defaults={
                "status": status,
                "created_at": created + timedelta(hours=position),
                "dietary_needs": "Vegetarisk" if username == "anna" else "",
            },
        )
