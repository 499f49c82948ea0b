"""A small portal full of things someone must not see, each carrying a unique marker word.

Restricted (login, group, password), draft, pending, unpublished and deleted pages, a
members-only meeting link, members-only network information, a pending join request and
attendee notes; eight roles to look at them. The matrix test walks every URL that shows
data as every role and looks for the markers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from network.models import CalendarFeed, Membership
from network.registrations import register
from portal.models import COORDINATORS_GROUP, MODERATORS_GROUP
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    DocumentFactory,
    LessonIndexPageFactory,
    LessonLearnedPageFactory,
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    UserFactory,
    attach,
)

ROLES = [
    "anonymous",
    "outsider",  # signed in, member of no network
    "member_a",
    "member_b",
    "coordinator_a",
    "coordinator_b",
    "moderator",
    "superuser",
]
SIGNED_IN = set(ROLES) - {"anonymous"}
EDITORS = {"moderator", "superuser"}

# Every hidden page is about the same thing, so one search meets them all, and the search
# words differ from the markers, so a page that echoes the query cannot look like a leak.
TOPIC_WORD = "beläggningsprognos"
HIDDEN_SUMMARY = "Beläggningsprognos för vårdplatser på sjukhus med maskininlärning."

# marker -> the roles that may see it on the site (pages, search, feeds, exports, charts).
SITE_ALLOWED: dict[str, set[str]] = {
    "zqdraftmark": set(),
    "zqpendingmark": set(),
    "zqunpublishedmark": set(),
    "zqdeletedmark": set(),
    "zqloginmark": SIGNED_IN,
    "zqgroupmark": {"member_a", "superuser"},
    "zqpasswordmark": set(),
    "zqmembersinfob": {"member_b", "coordinator_b", "superuser"},
    "zqonlinelinkb": {"member_b", "coordinator_b", "superuser"},
    "zqjoinrequestb": {"coordinator_b", "superuser"},
    "zqdietnotea": {"member_a", "coordinator_a", "superuser"},
    # A members-only indicator series (issue 12): every signed-in role here counts as a member.
    "zqmembersseries": SIGNED_IN,
}
# Editors work on every page in the admin, drafts and deleted pages' history included;
# attendee data and join requests stay with the network's coordinators.
PAGE_MARKERS = {
    "zqdraftmark",
    "zqpendingmark",
    "zqunpublishedmark",
    "zqdeletedmark",
    "zqloginmark",
    "zqgroupmark",
    "zqpasswordmark",
    "zqmembersinfob",
    "zqonlinelinkb",
}


def may_see(role: str, marker: str, url: str) -> bool:
    if role in SITE_ALLOWED[marker]:
        return True
    # Editors may fetch any document (/documents/…): the admin lists and links them all.
    return url.startswith(("/admin/", "/documents/")) and role in EDITORS and marker in PAGE_MARKERS


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    pages: dict[str, object] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    documents: dict[str, object] = field(default_factory=dict)  # page key -> its attachment
    indicators: dict[str, object] = field(default_factory=dict)  # members-only series, its run


def _attach_marked_document(world: World, key: str, page, marker: str) -> None:
    """Each hidden case carries a document that names its marker (text, so it can be read)."""
    document = DocumentFactory(
        title=f"Bilaga {key}",
        file__filename=f"bilaga-{key}.txt",
        file__data=f"Bilaga om beläggningsprognos. {marker}".encode(),
    )
    attach(page, document)
    world.documents[key] = document


def _hidden_case(parent, marker: str, **kwargs):
    return CaseStudyPageFactory(
        parent=parent,
        title=f"Beläggningsprognos {marker}",
        # Not the marker: a login form's ?next= names the page asked for, which is no leak.
        slug=f"fall-{sorted(SITE_ALLOWED).index(marker)}",
        summary=f"{HIDDEN_SUMMARY} {marker}",
        problem=f"<p>{HIDDEN_SUMMARY} Kodord {marker}.</p>",
        **kwargs,
    )


def build_world(home_page, capture_on_commit) -> World:
    world = World()
    with capture_on_commit(execute=True):  # index as a running portal would
        _build(world, home_page)
    return world


def _build(world: World, home) -> None:
    users = world.users
    cases = CaseIndexPageFactory(parent=home)
    lessons = LessonIndexPageFactory(parent=home)
    networks = NetworkIndexPageFactory(parent=home)
    network_a = NetworkPageFactory(parent=networks, title="Analysnätverket")
    network_b = NetworkPageFactory(
        parent=networks,
        title="Tilsynsnetværket",
        member_information=(
            "<p>Mødelokale og dagsorden findes i den delte mappe zqmembersinfob.</p>"
        ),
    )
    world.pages.update(
        cases=cases, lessons=lessons, networks=networks, network_a=network_a, network_b=network_b
    )

    users["outsider"] = MemberFactory(username="outsider")
    users["member_a"] = MembershipFactory(
        network=network_a, user=MemberFactory(username="member_a")
    ).user
    users["member_b"] = MembershipFactory(
        network=network_b, user=MemberFactory(username="member_b")
    ).user
    for role, network in (("coordinator_a", network_a), ("coordinator_b", network_b)):
        user = MemberFactory(username=role, groups=["Members", COORDINATORS_GROUP])
        MembershipFactory(network=network, user=user, role=Membership.Role.COORDINATOR)
        users[role] = user
    users["moderator"] = UserFactory(username="moderator", groups=[MODERATORS_GROUP])
    users["superuser"] = UserFactory(username="superuser", is_superuser=True, is_staff=True)
    # Someone who asked to join network B: only B's coordinators see the request.
    requester = MemberFactory(username="requester", first_name="Zqjoinrequestb")
    MembershipFactory(network=network_b, user=requester, status=Membership.Status.REQUESTED)

    public = CaseStudyPageFactory(
        parent=cases, title="Beläggningsprognos i regionen", summary=HIDDEN_SUMMARY
    )
    world.pages["lesson"] = LessonLearnedPageFactory(
        parent=lessons, title="Förankra prognoser tidigt"
    )
    world.pages["public_case"] = public

    world.pages["draft"] = _hidden_case(cases, "zqdraftmark", live=False)
    _attach_marked_document(world, "draft", world.pages["draft"], "zqdraftmark")

    pending = _hidden_case(cases, "zqpendingmark", live=False)
    pending.save_revision(user=users["member_a"])
    pending.get_workflow().start(pending, users["member_a"])
    world.pages["pending"] = pending

    unpublished = _hidden_case(cases, "zqunpublishedmark")
    _attach_marked_document(world, "unpublished", unpublished, "zqunpublishedmark")
    unpublished.unpublish()
    world.pages["unpublished"] = unpublished

    deleted = _hidden_case(cases, "zqdeletedmark")
    world.ids["deleted"] = deleted.pk
    _attach_marked_document(world, "deleted", deleted, "zqdeletedmark")
    deleted.delete()

    login = _hidden_case(cases, "zqloginmark")
    PageViewRestriction.objects.create(page=login, restriction_type=PageViewRestriction.LOGIN)
    world.pages["login"] = login
    _attach_marked_document(world, "login", login, "zqloginmark")

    group_only = _hidden_case(cases, "zqgroupmark")
    reviewers = Group.objects.create(name="Granskare")
    users["member_a"].groups.add(reviewers)
    restriction = PageViewRestriction.objects.create(
        page=group_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([reviewers])
    world.pages["group"] = group_only
    _attach_marked_document(world, "group", group_only, "zqgroupmark")

    password = _hidden_case(cases, "zqpasswordmark")
    PageViewRestriction.objects.create(
        page=password, restriction_type=PageViewRestriction.PASSWORD, password="hemligt"
    )
    world.pages["password"] = password
    _attach_marked_document(world, "password", password, "zqpasswordmark")

    start = timezone.now() + timedelta(days=14)
    for key, network, link in (
        ("meeting_a", network_a, "https://meet.example/analys"),
        ("meeting_b", network_b, "https://meet.example/zqonlinelinkb"),
    ):
        world.pages[key] = MeetingPageFactory(
            parent=network,
            title=f"Vinterträff {network.title}",
            start=start,
            end=start + timedelta(hours=3),
            capacity=10,
            format="hybrid",
            online_link=link,
            audience="members",
        )
    register(world.pages["meeting_a"], users["member_a"], dietary_needs="zqdietnotea")
    register(world.pages["meeting_b"], users["member_b"])
    for role in SIGNED_IN:
        CalendarFeed.objects.get_or_create(user=users[role])
    _members_only_indicators(world)


def _members_only_indicators(world: World) -> None:
    """A members-only series with values of three agencies, and a finished run over it."""
    from indicators.models import Indicator, IndicatorRun, IndicatorSeries, Observation
    from indicators.runs import execute_run
    from tests.factories import OrganisationFactory

    series = IndicatorSeries.objects.create(
        code="medlemsserie",  # not the marker: addresses repeat codes, names hold the marker
        name_sv="Zqmembersseries IT-kostnad",
        name_da="Zqmembersseries IT-omkostninger",
        name_en="Zqmembersseries IT cost",
        source="Test",
        licence="CC0",
        members_only=True,
    )
    indicator = Indicator.objects.create(
        series=series, code="medlemsandel", name_sv="Zqmembersseries andel", unit="%"
    )
    for number in range(3):
        organisation = OrganisationFactory(name=f"Mätverket {number}", slug=f"matverket-{number}")
        Observation.objects.create(
            indicator=indicator, organisation=organisation, year=2024, value=10.0 * number
        )
    run = IndicatorRun.objects.create(
        title="Grupper av mätverk",
        method=IndicatorRun.Method.KMEANS,
        parameters={"indicators": [indicator.pk], "k": 2},
    )
    execute_run(run)
    world.indicators.update(members_series=series, members_indicator=indicator, members_run=run)
