"""Meetings as pages: when and where, the agenda, registration rules, and afterwards the
minutes and lessons learned.

Times are stored in UTC; each meeting names the time zone it is held in, which is used
for display and in calendar files.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cases.models import LessonLearnedPage
from portal.blocks import RICH_TEXT_FEATURES
from portal.models import ContentLanguage
from search.documents import DocumentKind, SearchDocument, Section, page_search_document
from search.visibility import visible_pages

from ..blocks import AgendaBlock, LessonsBlock
from .permissions import NetworkPermissionTester
from .registrations import Registration, RegistrationQuerySet

if TYPE_CHECKING:
    from .network_pages import NetworkPage


class MeetingTimeZone(models.TextChoices):
    STOCKHOLM = "Europe/Stockholm", _("Stockholm")
    COPENHAGEN = "Europe/Copenhagen", _("Copenhagen")


class MeetingPage(Page):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Audience(models.TextChoices):
        NETWORK_MEMBERS = "members", _("Members of the network")
        SIGNED_IN = "signed_in", _("Everyone signed in")

    summary = models.TextField(_("summary"), blank=True)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=MeetingTimeZone.choices,
        default=MeetingTimeZone.STOCKHOLM,
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    online_link = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Shown only to registered participants."),
    )
    agenda = StreamField(AgendaBlock(), blank=True, verbose_name=_("agenda"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: registration stays open until the meeting starts."),
    )
    audience = models.CharField(
        _("who may register"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.NETWORK_MEMBERS,
    )
    language = models.CharField(
        _("language"), max_length=2, choices=ContentLanguage.choices, default="sv"
    )
    minutes = RichTextField(_("notes and minutes"), features=RICH_TEXT_FEATURES, blank=True)
    lessons = StreamField(LessonsBlock(), blank=True, verbose_name=_("lessons learned"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("online_link"),
                FieldPanel("language"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("agenda"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("capacity"),
                FieldRowPanel(
                    [FieldPanel("registration_opens"), FieldPanel("registration_closes")]
                ),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [FieldPanel("minutes"), FieldPanel("lessons")],
            heading=_("After the meeting"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("agenda"),
        index.SearchField("minutes"),
        index.SearchField("lessons"),
        index.FilterField("start"),
        index.FilterField("language"),
    ]
    parent_page_types = ["network.NetworkPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("A meeting must end after it starts.")
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes <= self.registration_opens
        ):
            errors["registration_closes"] = _("Registration must close after it opens.")
        if self.format != self.Format.IN_PERSON and not self.online_link:
            errors["online_link"] = _("Online and hybrid meetings need an online link.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        registration = self.registration_for(user)
        network = self.network
        now = timezone.now()
        context.update(
            network=network,
            registration=registration,
            in_audience=self.is_in_audience(user),
            may_register=self.may_register(user),
            registration_has_opened=not self.registration_opens or self.registration_opens <= now,
            shows_online_link=self.shows_online_link_to(user),
            is_coordinator=network.is_run_by(user),
            lesson_pages=visible_pages(
                LessonLearnedPage.objects.filter(meeting_link__meeting_id=self.pk), request=request
            ).order_by("title"),
        )
        if registration and registration.status == Registration.Status.WAITLISTED:
            context["waitlist_position"] = registration.waitlist_position
        if context["is_coordinator"]:
            context["counts"] = self.registration_set.counts()
        return context

    def permissions_for_user(self, user):
        if not self.path:
            # Not in the tree yet (the add view): the parent network's tester decides.
            return super().permissions_for_user(user)
        return NetworkPermissionTester(user, self, self.network)

    @cached_property
    def network(self) -> NetworkPage:
        # Through the tree rather than the NetworkPage class: network_pages imports this module.
        return self.get_parent().specific

    @property
    def registration_set(self) -> RegistrationQuerySet:
        # A new page previewed before its first save has no registrations (and no pk to
        # look them up by).
        return self.registrations.all() if self.pk else Registration.objects.none()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.start, self.zone)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.end, self.zone)

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.registration_set.holding_seats().count(), 0)

    def has_free_seat(self) -> bool:
        return self.capacity is None or self.seats_left > 0

    def registration_is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.registration_opens and now < self.registration_opens:
            return False
        closes = self.registration_closes or self.start
        return now < min(closes, self.start)

    def is_in_audience(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.audience == self.Audience.SIGNED_IN:
            return True
        return self.network.is_active_member(user) or self.network.is_run_by(user)

    def may_register(self, user) -> bool:
        return self.is_in_audience(user) and self.registration_is_open()

    def registration_for(self, user) -> Registration | None:
        if not user.is_authenticated:
            return None
        return self.registration_set.current().filter(user=user).first()

    def shows_online_link_to(self, user) -> bool:
        """The online link is for registered participants and the network's coordinators."""
        if not self.online_link or not user.is_authenticated:
            return False
        if self.registration_set.holding_seats().filter(user=user).exists():
            return True
        return self.network.is_run_by(user)

    def search_document(self) -> SearchDocument:
        # Public meeting content only: never the online link, the venue's access details
        # or who registered.
        agenda = [
            Section(
                text=" ".join(
                    part for part in (item.value["title"], item.value["description"]) if part
                ),
                heading=item.value["speaker"],
            )
            for item in self.agenda
        ]
        lessons = [
            Section(text=item.value["text"], heading=item.value["title"], standalone=True)
            for item in self.lessons
        ]
        sections = [Section(text=self.summary)] if self.summary else []
        sections += agenda
        if self.minutes:
            sections.append(Section(text=self.minutes, heading=str(_("Notes and minutes"))))
        sections += lessons
        network = self.network
        return page_search_document(
            self,
            DocumentKind.MEETING,
            sections=sections,
            summary=self.summary or network.summary,
            countries=network.countries,
            topics=network.topics.all(),
            date=self.local_start.date(),
            # The public parts: never member information or anything behind registration.
            attachment_fields=["agenda", "minutes", "lessons"],
        )
