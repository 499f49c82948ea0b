"""JSON API over networks and their meetings, with their calendar links (schema at /api/docs).

Only what the visitor may see (the one visibility rule, with the request: a session or an API
token counts as its user). The information for members and a meeting's online link follow
the pages' own rules (``field_is_shown_to``, ``shows_online_link_to``). Calendar files are
fetched by calendar applications, which send no credentials, so a calendar address is given
only for a public network or meeting; members follow their own meetings through their
personal feed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from cases.models import CaseStudyPage, LessonLearnedPage
from portal.api_common import (
    NOT_FOUND,
    NOT_VALID,
    DetailParams,
    Id,
    LinkOut,
    ListParams,
    Slug,
    TopicOut,
    Year,
    answer_language,
    one_of,
    page_of,
    topics_out,
    url_of,
)
from portal.converters import MAX_ID
from portal.models import ContentLanguage
from portal.site_url import absolute_url
from search.visibility import public_pages, visible_pages

from .models import MeetingPage, NetworkCountry, NetworkPage

router = Router(tags=["networks"])


class NetworkListParams(ListParams):
    country: list[one_of(NetworkCountry)] = Field(
        [], description="SE or DK also give the networks for both countries (nordic)."
    )
    language: list[one_of(ContentLanguage)] = []
    topic: list[Slug] = Field([], description="Topic slugs (any of them).")


class NetworkOut(Schema):
    id: int
    title: str
    url: str
    summary: str = Field(description="In the answer's language where translated.")
    summary_language: str = Field(description="The language ``summary`` is in.")
    country: str
    country_label: str
    language: str
    topics: list[TopicOut]
    join_policy: str
    calendar_url: str | None = Field(description="The network's meetings (.ics); public only.")


class NetworkDetailOut(NetworkOut):
    purpose: str = Field(description="HTML, in the answer's language where translated.")
    purpose_language: str
    member_information: str | None = Field(
        description="HTML, for the network's members and coordinators only: null for others."
    )
    member_count: int
    shared_cases: list[LinkOut]
    meetings: list[LinkOut] = Field(description="Its meetings this visitor may see, by start.")


class NetworkListOut(Schema):
    count: int
    limit: int
    offset: int
    language: str
    results: list[NetworkOut]


class MeetingListParams(ListParams):
    network: list[Id] = Field([], description="Network ids (any of them).")
    when: Literal["all", "upcoming", "past"] = "all"
    year: list[Year] = []
    language: list[one_of(ContentLanguage)] = []
    country: list[one_of(NetworkCountry)] = Field([], description="The network's country.")
    topic: list[Slug] = Field([], description="The network's topics (slugs, any of them).")


class MeetingOut(Schema):
    id: int
    title: str
    url: str
    network: LinkOut
    summary: str
    start: datetime = Field(description="In the meeting's own time zone.")
    end: datetime
    time_zone: str
    format: str
    format_label: str
    venue: str
    address: str
    language: str
    audience: str
    audience_label: str
    calendar_url: str | None = Field(description="The meeting (.ics); public meetings only.")
    network_calendar_url: str | None = Field(description="The network's feed (.ics).")


class AgendaItemOut(Schema):
    time: str | None
    title: str
    speaker: str
    description: str


class MeetingLessonOut(Schema):
    title: str
    text: str
    kind: str


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]
    minutes: str = Field(description="HTML.")
    lessons: list[MeetingLessonOut]
    lesson_pages: list[LinkOut]
    capacity: int | None
    seats_left: int | None
    registration_open: bool
    online_link: str | None = Field(
        description="For registered participants and the network's coordinators: else null."
    )


class MeetingListOut(Schema):
    count: int
    limit: int
    offset: int
    language: str
    results: list[MeetingOut]


def _link(page) -> dict:
    return {"id": page.pk, "title": page.title, "url": url_of(page)}


def _public_ids(pages) -> set[int]:
    return set(
        public_pages(Page.objects.filter(pk__in=[page.pk for page in pages])).values_list(
            "pk", flat=True
        )
    )


def _calendar_url(name: str, page, public_ids: set[int]) -> str | None:
    if page.pk not in public_ids:
        return None
    return absolute_url(reverse(f"network_feeds:{name}", args=[page.pk]))


def _network(network: NetworkPage, public_ids: set[int]) -> dict:
    summary = network.translated("summary")
    return {
        "id": network.pk,
        "title": network.title,
        "url": url_of(network),
        "summary": str(summary),
        "summary_language": summary.language,
        "country": network.country,
        "country_label": str(network.get_country_display()),
        "language": network.language,
        "topics": topics_out(network.topics.all()),
        "join_policy": network.join_policy,
        "calendar_url": _calendar_url("network_ics", network, public_ids),
    }


def _networks_out(networks: list[NetworkPage]) -> list[dict]:
    public_ids = _public_ids(networks)
    return [_network(network, public_ids) for network in networks]


def _networks(request, *, country=(), language=(), topic=()):
    networks = visible_pages(NetworkPage.objects.all(), request=request)
    if country:
        # A network for both countries is one for each of them.
        countries = set(country)
        if countries & {NetworkCountry.SWEDEN, NetworkCountry.DENMARK}:
            countries.add(NetworkCountry.NORDIC)
        networks = networks.filter(country__in=countries)
    if language:
        networks = networks.filter(language__in=language)
    if topic:
        networks = networks.filter(
            pk__in=NetworkPage.objects.filter(topics__slug__in=topic).values("pk")
        )
    return networks


@router.get("/networks/", response={200: NetworkListOut, **NOT_VALID}, url_name="networks")
def network_list(request, params: Query[NetworkListParams]):
    """Networks this visitor may see, by name."""
    networks = (
        _networks(request, country=params.country, language=params.language, topic=params.topic)
        .prefetch_related("topics")
        .order_by("title", "pk")
    )
    with answer_language(params.lang):
        return page_of(networks, params, _networks_out)


def _visible_network(request, network_id: int) -> NetworkPage:
    network = visible_pages(NetworkPage.objects.filter(pk=network_id), request=request).first()
    if network is None:
        raise Http404  # the same answer whether the network is hidden or absent
    return network


@router.get(
    "/networks/{network_id}/",
    response={200: NetworkDetailOut, **NOT_FOUND, **NOT_VALID},
    url_name="network",
)
def network_detail(
    request, params: Query[DetailParams], network_id: int = Path(..., ge=1, le=MAX_ID)
):
    """One network with its meetings, cases shared in it and, for its members, the
    information for members; 404 for a network this visitor may not see."""
    network = _visible_network(request, network_id)
    with answer_language(params.lang):
        purpose = network.translated("purpose")
        meetings = visible_pages(MeetingPage.objects.child_of(network), request=request)
        shared = visible_pages(
            CaseStudyPage.objects.filter(network_links__network_id=network.pk), request=request
        ).order_by("network_links__sort_order")
        shows_information = network.field_is_shown_to("member_information", request.user)
        return {
            **_network(network, _public_ids([network])),
            "purpose": expand_db_html(str(purpose)),
            "purpose_language": purpose.language,
            "member_information": (
                expand_db_html(network.member_information) if shows_information else None
            ),
            "member_count": network.membership_set.active().count(),
            "shared_cases": [_link(case) for case in shared],
            "meetings": [_link(meeting) for meeting in meetings.order_by("start", "pk")],
        }


def _meetings(request, params: MeetingListParams):
    meetings = visible_pages(MeetingPage.objects.all(), request=request)
    if params.network or params.country or params.topic:
        # Meetings are their network's child pages: selected by the networks' tree paths.
        networks = _networks(request, country=params.country, topic=params.topic)
        if params.network:
            networks = networks.filter(pk__in=params.network)
        below = Q(pk__in=[])
        for path in networks.values_list("path", flat=True):
            below |= Q(path__startswith=path)
        meetings = meetings.filter(below)
    now = timezone.now()
    if params.when == "upcoming":
        meetings = meetings.filter(end__gte=now)
    elif params.when == "past":
        meetings = meetings.filter(end__lt=now)
    if params.year:
        meetings = meetings.filter(start__year__in=params.year)
    if params.language:
        meetings = meetings.filter(language__in=params.language)
    return meetings.order_by("start", "pk")


def _meeting(meeting: MeetingPage, public_ids: set[int]) -> dict:
    network = meeting.network
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "url": url_of(meeting),
        "network": _link(network),
        "summary": meeting.summary,
        "start": meeting.local_start,
        "end": meeting.local_end,
        "time_zone": meeting.time_zone,
        "format": meeting.format,
        "format_label": str(meeting.get_format_display()),
        "venue": meeting.venue,
        "address": meeting.address,
        "language": meeting.language,
        "audience": meeting.audience,
        "audience_label": str(meeting.get_audience_display()),
        "calendar_url": _calendar_url("meeting_ics", meeting, public_ids),
        "network_calendar_url": _calendar_url("network_ics", network, public_ids),
    }


def _meetings_out(meetings: list[MeetingPage]) -> list[dict]:
    # Each meeting's network in one query, not two per meeting (MeetingPage.network).
    parent_paths = {meeting.path[: -MeetingPage.steplen] for meeting in meetings}
    networks = {
        network.path: network for network in NetworkPage.objects.filter(path__in=parent_paths)
    }
    for meeting in meetings:
        if meeting.path[: -MeetingPage.steplen] in networks:
            meeting.network = networks[meeting.path[: -MeetingPage.steplen]]
    public_ids = _public_ids([*meetings, *(meeting.network for meeting in meetings)])
    return [_meeting(meeting, public_ids) for meeting in meetings]


@router.get("/meetings/", response={200: MeetingListOut, **NOT_VALID}, url_name="meetings")
def meeting_list(request, params: Query[MeetingListParams]):
    """Meetings this visitor may see, by start, with their calendar links."""
    meetings = _meetings(request, params)
    with answer_language(params.lang):
        return page_of(meetings, params, _meetings_out)


@router.get(
    "/meetings/{meeting_id}/",
    response={200: MeetingDetailOut, **NOT_FOUND, **NOT_VALID},
    url_name="meeting",
)
def meeting_detail(
    request, params: Query[DetailParams], meeting_id: int = Path(..., ge=1, le=MAX_ID)
):
    """One meeting: agenda, minutes, lessons and calendar links; the online link only for
    its registered participants and coordinators. 404 for a meeting this visitor may not see."""
    meeting = visible_pages(MeetingPage.objects.filter(pk=meeting_id), request=request).first()
    if meeting is None:
        raise Http404
    with answer_language(params.lang):
        lesson_pages = visible_pages(
            LessonLearnedPage.objects.filter(meeting_link__meeting_id=meeting.pk), request=request
        ).order_by("title", "pk")
        return {
            **_meeting(meeting, _public_ids([meeting, meeting.network])),
            "agenda": [
                {
                    "time": item.value["time"].strftime("%H:%M") if item.value["time"] else None,
                    "title": item.value["title"],
                    "speaker": item.value["speaker"],
                    "description": item.value["description"],
                }
                for item in meeting.agenda
            ],
            "minutes": expand_db_html(meeting.minutes),
            "lessons": [
                {
                    "title": item.value["title"],
                    "text": item.value["text"],
                    "kind": item.value["kind"],
                }
                for item in meeting.lessons
            ],
            "lesson_pages": [_link(page) for page in lesson_pages],
            "capacity": meeting.capacity,
            "seats_left": meeting.seats_left,
            "registration_open": meeting.registration_is_open(),
            "online_link": (
                meeting.online_link if meeting.shows_online_link_to(request.user) else None
            ),
        }
