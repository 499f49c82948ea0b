"""Networks, their meetings, memberships and registrations.

Times are stored in UTC; each meeting names the time zone it is held in, which is used
for display and in calendar files.
"""

import secrets
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from cases.models import CaseStudyPage, LessonLearnedPage
from portal.blocks import RICH_TEXT_FEATURES
from portal.models import MODERATORS_GROUP, ContentLanguage, Topic
from search.documents import DocumentKind, SearchDocument, Section

from .blocks import AgendaBlock, LessonsBlock


class NetworkCountry(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    DENMARK = "DK", _("Denmark")
    NORDIC = "nordic", _("Nordic (Sweden and Denmark)")


class MeetingTimeZone(models.TextChoices):
    STOCKHOLM = "Europe/Stockholm", _("Stockholm")
    COPENHAGEN = "Europe/Copenhagen", _("Copenhagen")


class NetworkIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    max_count = 1
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["network.NetworkPage"]

    class Meta:
        verbose_name = _("network index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["networks"] = (
            NetworkPage.objects.child_of(self).live().public().prefetch_related("topics")
        )
        return context


class NetworkPage(Page):
    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in joins at once")
        ON_REQUEST = "request", _("On request: coordinators approve")

    summary = models.TextField(_("summary"), max_length=400)
    purpose = RichTextField(_("purpose"), features=RICH_TEXT_FEATURES)
    country = models.CharField(
        _("country or countries"), max_length=10, choices=NetworkCountry.choices
    )
    language = models.CharField(
        _("language"), max_length=2, choices=ContentLanguage.choices, default="sv"
    )
    topics = ParentalManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    join_policy = models.CharField(
        _("how to join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.ON_REQUEST
    )
    member_information = RichTextField(
        _("information for members"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Shown only to active members of the network."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("purpose"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("country"), FieldPanel("language")]),
                FieldPanel("topics", widget=CheckboxSelectMultiple),
                FieldPanel("join_policy"),
            ],
            heading=_("About the network"),
        ),
        FieldPanel("member_information"),
        InlinePanel("shared_cases", label=_("Cases shared in the network")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("purpose"),
        index.FilterField("country"),
        index.FilterField("language"),
    ]
    parent_page_types = ["network.NetworkIndexPage"]
    subpage_types = ["network.MeetingPage"]

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        membership = self.membership_for(user)
        meetings = MeetingPage.objects.child_of(self).live().public()
        now = timezone.now()
        context.update(
            membership=membership,
            is_active_member=bool(membership and membership.is_active),
            is_coordinator=self.can_be_managed_by(user),
            upcoming_meetings=meetings.filter(end__gte=now).order_by("start"),
            past_meetings=meetings.filter(end__lt=now).order_by("-start"),
            coordinators=self.coordinators.select_related("member_profile__organisation"),
            member_count=self.membership_set.active().count(),
            shared_cases=CaseStudyPage.objects.live()
            .public()
            .filter(network_links__network_id=self.pk)
            .order_by("network_links__sort_order"),
        )
        if context["is_coordinator"]:
            context["pending_requests"] = self.membership_set.pending().select_related(
                "user__member_profile__organisation"
            )
        return context

    def permissions_for_user(self, user):
        if not self.path:
            return super().permissions_for_user(user)  # not in the tree yet (the add view)
        return NetworkPermissionTester(user, self, self)

    @property
    def membership_set(self) -> "MembershipQuerySet":
        # By id, so that a new network previewed before its first save simply has none.
        return Membership.objects.filter(network_id=self.pk)

    @property
    def countries(self) -> list[str]:
        if self.country == NetworkCountry.NORDIC:
            return [NetworkCountry.SWEDEN.value, NetworkCountry.DENMARK.value]
        return [self.country]

    @property
    def coordinators(self) -> models.QuerySet:
        """The network's coordinators: the users with an active coordinator membership."""
        return get_user_model().objects.filter(
            network_memberships__network_id=self.pk,
            network_memberships__role=Membership.Role.COORDINATOR,
            network_memberships__status=Membership.Status.ACTIVE,
        )

    def membership_for(self, user) -> "Membership | None":
        if not user.is_authenticated:
            return None
        return self.membership_set.filter(user=user).first()

    def is_active_member(self, user) -> bool:
        return user.is_authenticated and self.membership_set.active().filter(user=user).exists()

    def is_coordinator(self, user) -> bool:
        return (
            user.is_authenticated
            and self.membership_set.active()
            .filter(user=user, role=Membership.Role.COORDINATOR)
            .exists()
        )

    def can_be_managed_by(self, user) -> bool:
        """Coordinators manage their own networks; moderators and administrators all of them."""
        if not user.is_authenticated:
            return False
        if user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists():
            return True
        return self.is_coordinator(user)

    def search_document(self) -> SearchDocument:
        # Member-only information and who the members are never reach the index.
        return SearchDocument(
            kind=DocumentKind.NETWORK,
            title=self.title,
            language=self.language,
            summary=self.summary,
            sections=[Section(text=self.summary), Section(text=self.purpose)],
            country=self.countries,
            topics=[topic.slug for topic in self.topics.all()],
            date=self.first_published_at.date() if self.first_published_at else None,
        )


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
        from .forms import RegistrationForm  # forms.py imports this module

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
            registration_form=RegistrationForm(),
            shows_online_link=self.shows_online_link_to(user),
            is_coordinator=network.can_be_managed_by(user),
            lesson_pages=LessonLearnedPage.objects.live()
            .public()
            .filter(meeting_link__meeting_id=self.pk)
            .order_by("title"),
        )
        if registration and registration.status == Registration.Status.WAITLISTED:
            context["waitlist_position"] = (
                self.registrations.waitlist()
                .filter(created_at__lte=registration.created_at)
                .count()
            )
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
        return NetworkPage.objects.get(pk=self.get_parent().pk)

    @property
    def registration_set(self) -> "RegistrationQuerySet":
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
        return self.network.is_active_member(user) or self.network.can_be_managed_by(user)

    def may_register(self, user) -> bool:
        return self.is_in_audience(user) and self.registration_is_open()

    def registration_for(self, user) -> "Registration | None":
        if not user.is_authenticated:
            return None
        return self.registration_set.current().filter(user=user).first()

    def shows_online_link_to(self, user) -> bool:
        """The online link is for registered participants and the network's coordinators."""
        if not self.online_link or not user.is_authenticated:
            return False
        if self.registration_set.holding_seats().filter(user=user).exists():
            return True
        return self.network.can_be_managed_by(user)

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
        return SearchDocument(
            kind=DocumentKind.MEETING,
            title=self.title,
            language=self.language,
            summary=self.summary or network.summary,
            sections=sections,
            country=network.countries,
            topics=[topic.slug for topic in network.topics.all()],
            date=self.local_start.date(),
        )


class NetworkSharedCase(Orderable):
    network = ParentalKey(NetworkPage, on_delete=models.CASCADE, related_name="shared_cases")
    case = models.ForeignKey(
        CaseStudyPage,
        on_delete=models.CASCADE,
        related_name="network_links",
        verbose_name=_("case study"),
    )

    panels = [FieldPanel("case")]

    class Meta(Orderable.Meta):
        verbose_name = _("case shared in the network")
        constraints = [
            models.UniqueConstraint(fields=["network", "case"], name="network_case_shared_once")
        ]


class MeetingLesson(models.Model):
    """A lesson page written from one of a meeting's lesson items (``block_id``)."""

    meeting = models.ForeignKey(
        MeetingPage,
        on_delete=models.CASCADE,
        related_name="lesson_pages",
        verbose_name=_("meeting"),
    )
    lesson = models.OneToOneField(
        LessonLearnedPage,
        on_delete=models.CASCADE,
        related_name="meeting_link",
        verbose_name=_("lesson learned"),
    )
    block_id = models.CharField(_("lesson item"), max_length=64)

    class Meta:
        verbose_name = _("lesson from a meeting")
        verbose_name_plural = _("lessons from meetings")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "block_id"], name="network_lesson_once")
        ]

    def __str__(self):
        return f"{self.meeting} → {self.lesson}"


class NetworkPermissionTester(PagePermissionTester):
    """Editing a network or its meetings needs standing in that network.

    The Coordinators group is granted page permissions on the network index; this keeps a
    coordinator of network A from editing network B.
    """

    def __init__(self, user, page, network: NetworkPage):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser and not network.can_be_managed_by(user):
            self.permissions = set()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.REQUESTED).order_by("requested_at")

    def coordinated_by(self, user):
        """Memberships in the networks ``user`` coordinates (all of them for superusers)."""
        if user.is_superuser:
            return self
        return self.filter(network__in=coordinated_networks(user))


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("user"),
    )
    network = models.ForeignKey(
        NetworkPage,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("network"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    since = models.DateTimeField(_("member since"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["network", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="network_one_membership")
        ]

    def __str__(self):
        return f"{self.user} – {self.network} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


def coordinated_networks(user) -> models.QuerySet:
    """The networks ``user`` coordinates; every network for superusers and moderators."""
    networks = NetworkPage.objects.all()
    if not user.is_authenticated:
        return networks.none()
    if user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists():
        return networks
    return networks.filter(
        memberships__user=user,
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
    )


class RegistrationQuerySet(models.QuerySet):
    def current(self):
        """Registrations that still count: not cancelled."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def holding_seats(self):
        return self.filter(status__in=Registration.SEAT_HOLDING)

    def waitlist(self):
        return self.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "pk")

    def counts(self) -> dict[str, int]:
        """How many are registered, waitlisted, cancelled and attended: never who."""
        counts = dict.fromkeys(Registration.Status.values, 0)
        for row in self.values("status").annotate(n=models.Count("pk")):
            counts[row["status"]] = row["n"]
        return counts


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    SEAT_HOLDING = (Status.REGISTERED, Status.ATTENDED)

    meeting = models.ForeignKey(
        MeetingPage,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("meeting"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("user"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # The waiting list is served in order of registration.
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    # Emails about this registration are written in the language the user registered in.
    language = models.CharField(_("language"), max_length=8, default="sv")

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(status="cancelled"),
                name="network_one_current_registration",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.meeting} ({self.get_status_display()})"

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_HOLDING


class CalendarFeed(models.Model):
    """A secret address for a user's personal calendar feed; calendar apps send no cookies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = self.new_token()
        super().save(*args, **kwargs)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @classmethod
    def for_user(cls, user) -> "CalendarFeed":
        return cls.objects.get_or_create(user=user)[0]

    def regenerate(self) -> None:
        """Issue a new address; the old one stops working at once."""
        self.token = self.new_token()
        self.save(update_fields=["token", "created_at"])
