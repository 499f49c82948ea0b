"""Organisations side by side: their cases, topics, lessons and network participation.

Counts come from live, public pages only. Network participation is counted, never named:
how many of an organisation's people are active members of a network, and how many
meeting places they have taken, not who. Even a count can name someone (an organisation
with one member on the platform), so these figures about people are shown to signed-in
members only, and then only from ``privacy.min_group_size()`` up: a network with fewer of
the organisation's members is not listed, and a smaller count is "fewer than N".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cases.models import CaseLesson, CaseStudyPage, LessonKind
from network.models import MeetingPage, Membership, NetworkPage, Registration
from portal.models import Organisation, is_member
from search.visibility import public_pages

from .charts import Chart, bar_plot
from .privacy import shown_count


@dataclass
class NetworkParticipation:
    network: NetworkPage
    members: int


@dataclass
class OrganisationProfile:
    organisation: Organisation
    cases: list[CaseStudyPage] = field(default_factory=list)
    topics: list[tuple[str, int]] = field(default_factory=list)
    statuses: list[tuple[str, int]] = field(default_factory=list)
    successes: int = 0
    pitfalls: int = 0
    # Figures about people; see the module docstring. ``None``: fewer than the minimum.
    people_shown: bool = False
    networks: list[NetworkParticipation] = field(default_factory=list)
    registrations: int | None = None
    attended: int | None = None


def compare(organisations: list[Organisation], *, user=None) -> list[OrganisationProfile]:
    """The organisations' profiles as ``user`` may see them (anonymous when ``None``)."""
    profiles = {
        organisation.pk: OrganisationProfile(organisation) for organisation in organisations
    }
    cases = (
        public_pages(CaseStudyPage.objects.filter(organisations__in=organisations))
        .distinct()
        .prefetch_related("organisations", "topics")
        .order_by("-start_date", "title")
    )
    status_labels = dict(CaseStudyPage.Status.choices)
    topic_counts: dict[int, Counter] = {pk: Counter() for pk in profiles}
    status_counts: dict[int, Counter] = {pk: Counter() for pk in profiles}
    for case in cases:
        for organisation in case.organisations.all():
            if organisation.pk in profiles:
                profiles[organisation.pk].cases.append(case)
                topic_counts[organisation.pk].update(topic.name for topic in case.topics.all())
                status_counts[organisation.pk][str(status_labels[case.status])] += 1
    for pk, profile in profiles.items():
        profile.topics = sorted(topic_counts[pk].items(), key=lambda item: (-item[1], item[0]))
        profile.statuses = status_counts[pk].most_common()
    for row in (
        CaseLesson.objects.filter(
            page__in=cases.values("pk"), page__organisations__in=organisations
        )
        .values("page__organisations", "kind")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        profile = profiles[row["page__organisations"]]
        if row["kind"] == LessonKind.SUCCESS:
            profile.successes += row["n"]
        else:
            profile.pitfalls += row["n"]
    if user is not None and is_member(user):
        _add_network_participation(profiles)
    return [profiles[organisation.pk] for organisation in organisations]


def _add_network_participation(profiles: dict[int, OrganisationProfile]) -> None:
    networks = public_pages(NetworkPage.objects.all()).in_bulk()
    memberships = (
        Membership.objects.active()
        .filter(
            user__member_profile__organisation__in=list(profiles), network_id__in=list(networks)
        )
        .values("user__member_profile__organisation", "network_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in memberships:
        if shown_count(row["n"]) is not None:
            profiles[row["user__member_profile__organisation"]].networks.append(
                NetworkParticipation(networks[row["network_id"]], row["n"])
            )
    for profile in profiles.values():
        profile.networks.sort(key=lambda participation: participation.network.title)
    registrations = (
        Registration.objects.current()
        .filter(
            user__member_profile__organisation__in=list(profiles),
            meeting__in=public_pages(MeetingPage.objects.all()),
        )
        .values("user__member_profile__organisation", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    registered: Counter = Counter()
    attended: Counter = Counter()
    for row in registrations:
        organisation = row["user__member_profile__organisation"]
        registered[organisation] += row["n"]
        if row["status"] == Registration.Status.ATTENDED:
            attended[organisation] += row["n"]
    for pk, profile in profiles.items():
        profile.people_shown = True
        profile.registrations = shown_count(registered[pk])
        profile.attended = shown_count(attended[pk])


def topics_chart(profiles: list[OrganisationProfile]) -> Chart:
    """Cases per topic, one column per organisation."""
    names = [profile.organisation.name for profile in profiles]
    counts = {profile.organisation.name: dict(profile.topics) for profile in profiles}
    topics = sorted(
        {topic for profile in profiles for topic, _count in profile.topics},
        key=lambda topic: (-sum(counts[name].get(topic, 0) for name in names), topic),
    )
    chart = Chart(
        key="compare-topics",
        title=_("Cases per topic by organisation"),
        columns=[_("Topic"), *names],
        rows=[[topic, *[counts[name].get(topic, 0) for name in names]] for topic in topics],
    )
    chart.plot = bar_plot(chart)
    return chart
