"""Django-side helpers of the HTTP benchmarks, run in ``--child`` processes on a bench
database with the demo loaded: member accounts, meetings with few seats, the site's URLs,
and the checks of registrations after a load run.

Nothing here is imported by the site; every function needs Django set up
(``_servers.setup_child_django()``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

BENCH_USER_PREFIX = "bench-member-"
BENCH_PASSWORD = "bench-Erfa-2024-load"  # noqa: S105 (a throwaway database's test accounts)
# Meetings with few seats, so that the waiting list and promotion from it are exercised:
# (slug, capacity, audience); every one opens for registration now and starts in 30 days.
BENCH_MEETINGS = [
    ("bench-one-seat", 1, "members"),
    ("bench-three-seats", 3, "members"),
    ("bench-five-seats", 5, "signed_in"),
    ("bench-no-limit", None, "members"),
]


def create_members(count: int, password: str = BENCH_PASSWORD) -> list[str]:
    """``count`` member accounts (the Members group, a profile at an organisation, an
    active membership of every network) that log in with ``password``; their usernames.

    The password is hashed once and the hash shared: hashing it per account would cost
    the setup half a second a member and measure nothing.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from network.models import Membership, NetworkPage
    from portal.models import MEMBERS_GROUP, MemberProfile, Organisation

    user_model = get_user_model()
    hashed = make_password(password)
    organisations = list(Organisation.objects.order_by("pk"))
    networks = list(NetworkPage.objects.order_by("path"))
    group, _ = Group.objects.get_or_create(name=MEMBERS_GROUP)
    now = timezone.now()
    names = [f"{BENCH_USER_PREFIX}{number:03d}" for number in range(count)]
    with transaction.atomic():
        existing = set(
            user_model.objects.filter(username__in=names).values_list("username", flat=True)
        )
        users = user_model.objects.bulk_create(
            [
                user_model(
                    username=name,
                    password=hashed,
                    first_name="Bench",
                    last_name=name.removeprefix(BENCH_USER_PREFIX),
                    email=f"{name}@bench.invalid",
                    is_active=True,
                )
                for name in names
                if name not in existing
            ]
        )
        users = list(user_model.objects.filter(pk__in=[u.pk for u in users]))
        group.user_set.add(*users)
        MemberProfile.objects.bulk_create(
            [
                MemberProfile(
                    user=user,
                    organisation=organisations[n % len(organisations)] if organisations else None,
                )
                for n, user in enumerate(users)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user,
                    network=network,
                    role=Membership.Role.MEMBER,
                    status=Membership.Status.ACTIVE,
                    requested_at=now,
                    since=now,
                )
                for user in users
                for network in networks
            ]
        )
    return names


def create_bench_meetings() -> list[int]:
    """The meetings of BENCH_MEETINGS, in the first network (by tree order); their ids."""
    from django.utils import timezone

    from network.models import MeetingPage, NetworkPage

    network = NetworkPage.objects.order_by("path").first()
    start = (timezone.now() + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    ids = []
    for slug, capacity, audience in BENCH_MEETINGS:
        meeting = MeetingPage.objects.filter(slug=slug).first()
        if meeting is None:
            meeting = MeetingPage(
                title=f"Bench: {slug.removeprefix('bench-').replace('-', ' ')}",
                slug=slug,
                summary="A meeting for the load benchmark.",
                start=start,
                end=start + timedelta(hours=3),
                venue="Loopback",
                capacity=capacity,
                audience=audience,
                registration_opens=timezone.now() - timedelta(days=1),
            )
            network.add_child(instance=meeting)
            meeting.save_revision().publish()
        ids.append(meeting.pk)
    return ids


def site_map(member_username: str | None = None) -> dict:
    """The URLs and ids a benchmark visits: public pages for visitors, and what the member
    ``member_username`` may see (members-only pages included), and the meetings open for
    registration now."""
    from django.contrib.auth import get_user_model

    from cases.models import CaseIndexPage, CaseStudyPage, LessonIndexPage, LessonLearnedPage
    from network.models import MeetingPage, NetworkIndexPage, NetworkPage
    from search.visibility import public_pages, visible_pages

    member = get_user_model().objects.get(username=member_username) if member_username else None

    def urls(model, *, members: bool = False) -> list[dict]:
        pages = model.objects.order_by("path")
        pages = visible_pages(pages, user=member) if members else public_pages(pages)
        return [{"id": page.pk, "url": page.url} for page in pages.specific() if page.url]

    models = {
        "cases": CaseStudyPage,
        "lessons": LessonLearnedPage,
        "networks": NetworkPage,
        "meetings": MeetingPage,
        "indexes": None,
    }
    result: dict = {"public": {}, "member": {}}
    for name, model in models.items():
        if model is None:
            continue
        result["public"][name] = urls(model)
        if member is not None:
            result["member"][name] = urls(model, members=True)
    indexes = []
    for model in (CaseIndexPage, LessonIndexPage, NetworkIndexPage):
        indexes += [page["url"] for page in urls(model)]
    result["indexes"] = indexes
    open_meetings = []
    for meeting in MeetingPage.objects.live().order_by("path"):
        if meeting.registration_is_open() and (member is None or meeting.is_in_audience(member)):
            open_meetings.append(
                {
                    "id": meeting.pk,
                    "url": meeting.url,
                    "slug": meeting.slug,
                    "capacity": meeting.capacity,
                }
            )
    result["open_meetings"] = open_meetings
    return result


def registration_summary() -> dict:
    """How many registrations there are by status, and how many were promoted."""
    from network.models import Registration

    return {
        "by_status": Registration.objects.all().counts(),
        "promoted": Registration.objects.filter(promoted_at__isnull=False).count(),
    }


def check_registrations(beliefs: dict[str, list[int]] | None = None) -> dict:
    """Every meeting's registrations after a run, against the rules of network/registrations.py.

    - no seat oversold: those holding a seat (registered, attended) <= capacity;
    - one current (not cancelled) registration per member and meeting;
    - nobody waits while a seat is free (before the meeting starts);
    - the waiting list is served in order: nobody still waiting registered before someone
      who then took a seat (directly, or promoted from the list);
    - ``beliefs`` (username -> meeting ids, what each load-test client was last told):
      the members' current registrations are those.
    """
    from django.db.models import Count
    from django.utils import timezone

    from network.models import MeetingPage, Registration

    now = timezone.now()
    problems: list[str] = []
    meetings = []
    for meeting in MeetingPage.objects.order_by("path"):
        rows = list(meeting.registrations.order_by("created_at", "pk"))
        holding = [r for r in rows if r.status in Registration.SEAT_HOLDING]
        waiting = [r for r in rows if r.status == Registration.Status.WAITLISTED]
        figures = {
            "id": meeting.pk,
            "slug": meeting.slug,
            "capacity": meeting.capacity,
            "seats_held": len(holding),
            "waitlisted": len(waiting),
            "cancelled": sum(r.status == Registration.Status.CANCELLED for r in rows),
            "promoted": sum(r.promoted_at is not None for r in rows),
        }
        meetings.append(figures)
        if meeting.capacity is not None and len(holding) > meeting.capacity:
            problems.append(
                f"{meeting.slug}: oversold, {len(holding)} seats held of {meeting.capacity}"
            )
        if waiting and meeting.start > now and meeting.has_free_seat():
            problems.append(
                f"{meeting.slug}: {len(waiting)} waiting while {meeting.seats_left} seat(s) free"
            )
        # Seat takers: those holding a seat now, and those promoted then cancelled.
        takers = [r for r in rows if r.status in Registration.SEAT_HOLDING or r.promoted_at]
        for taker in takers:
            jumped = [w for w in waiting if w.created_at < taker.created_at]
            if jumped:
                problems.append(
                    f"{meeting.slug}: registration {taker.pk} "
                    f"(created {taker.created_at:%H:%M:%S.%f}) took a seat ahead of {len(jumped)} still waiting who registered before it"
                    f" (first {jumped[0].pk}, {jumped[0].created_at:%H:%M:%S.%f})"
                )
                break
        times = [w.created_at for w in waiting]
        if len(set(times)) != len(times):
            problems.append(f"{meeting.slug}: two on the waiting list share a position")
    duplicates = list(
        Registration.objects.current()
        .values("meeting_id", "user_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in duplicates:
        problems.append(
            f"user {row['user_id']} has {row['n']} current registrations for meeting "
            f"{row['meeting_id']}"
        )
    mismatches = []
    if beliefs is not None:
        actual: dict[str, set[int]] = defaultdict(set)
        for username, meeting_id in (
            Registration.objects.current()
            .filter(user__username__in=list(beliefs))
            .values_list("user__username", "meeting_id")
        ):
            actual[username].add(meeting_id)
        for username, believed in beliefs.items():
            if set(believed) != actual[username]:
                mismatches.append(
                    f"{username}: client believes {sorted(believed)}, "
                    f"database has {sorted(actual[username])}"
                )
    return {
        "meetings": meetings,
        "oversold": sum(
            m["capacity"] is not None and m["seats_held"] > m["capacity"] for m in meetings
        ),
        "duplicate_current_registrations": len(duplicates),
        "problems": problems,
        "client_state_mismatches": mismatches,
        **registration_summary(),
    }
