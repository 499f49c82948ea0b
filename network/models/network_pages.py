"""Networks as pages: the index of networks and each network's page.

A network's coordinators and members are memberships (``memberships.py``); its meetings
are its child pages (``meeting_pages.py``).
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cases.models import CaseStudyPage
from portal.blocks import RICH_TEXT_FEATURES
from portal.models import ContentLanguage, Topic, is_moderator
from portal.translations import (
    TranslatedFields,
    TranslatedPage,
    edit_handler_with_translations,
    translation_panels,
)
from search.documents import DocumentKind, SearchDocument, Section, page_search_document
from search.visibility import visible_pages

from .meeting_pages import MeetingPage
from .memberships import Membership, MembershipQuerySet
from .permissions import NetworkPermissionTester


class NetworkCountry(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    DENMARK = "DK", _("Denmark")
    NORDIC = "nordic", _("Nordic (Sweden and Denmark)")


class NetworkIndexPage(TranslatedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)
    intro_da = models.TextField(_("introduction (Danish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    translated_fields = (*TranslatedPage.translated_fields, "intro")
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = edit_handler_with_translations(
        content_panels, translation_panels("title", "seo_title", "intro")
    )
    search_fields = Page.search_fields + [index.SearchField("intro")]
    max_count = 1
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["network.NetworkPage"]

    class Meta:
        verbose_name = _("network index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["networks"] = visible_pages(
            NetworkPage.objects.child_of(self), request=request
        ).prefetch_related("topics")
        return context


class NetworkPage(TranslatedFields, Page):
    """A network, written in its own language; its description (summary and purpose) may be
    translated into the other two, its name and meetings stay as written."""

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
    # The description in each language; the one in the network's own language is not used.
    summary_sv = models.TextField(_("summary (Swedish)"), max_length=400, blank=True)
    summary_da = models.TextField(_("summary (Danish)"), max_length=400, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=400, blank=True)
    purpose_sv = RichTextField(_("purpose (Swedish)"), features=RICH_TEXT_FEATURES, blank=True)
    purpose_da = RichTextField(_("purpose (Danish)"), features=RICH_TEXT_FEATURES, blank=True)
    purpose_en = RichTextField(_("purpose (English)"), features=RICH_TEXT_FEATURES, blank=True)

    translated_fields = ("summary", "purpose")
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
    edit_handler = edit_handler_with_translations(
        content_panels,
        [
            HelpPanel(
                _(
                    "The network's summary and purpose in the other languages. Leave the "
                    "network's own language blank: visitors reading in a language without a "
                    "translation see the original, with a note saying so."
                )
            ),
            *translation_panels("summary", "purpose", languages=("sv", "da", "en")),
        ],
    )
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
        meetings = visible_pages(MeetingPage.objects.child_of(self), request=request)
        now = timezone.now()
        context.update(
            membership=membership,
            is_active_member=bool(membership and membership.is_active),
            is_coordinator=self.is_run_by(user),
            shows_member_information=self.field_is_shown_to("member_information", user),
            upcoming_meetings=meetings.filter(end__gte=now).order_by("start"),
            past_meetings=meetings.filter(end__lt=now).order_by("-start"),
            coordinators=self.coordinators.select_related("member_profile__organisation"),
            member_count=self.membership_set.active().count(),
            shared_cases=visible_pages(
                CaseStudyPage.objects.filter(network_links__network_id=self.pk), request=request
            ).order_by("network_links__sort_order"),
        )
        if context["is_coordinator"]:
            context["pending_requests"] = self.membership_set.pending().select_related(
                "user__member_profile__organisation"
            )
        return context

    @property
    def source_language(self) -> str:
        return self.language

    def permissions_for_user(self, user):
        if not self.path:
            return super().permissions_for_user(user)  # not in the tree yet (the add view)
        return NetworkPermissionTester(user, self, self)

    @property
    def membership_set(self) -> MembershipQuerySet:
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

    def membership_for(self, user) -> Membership | None:
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

    def field_is_shown_to(self, field: str, user) -> bool:
        """The information for members is for the network's active members and those who run
        it; every other field shows to whoever may see the page. Documents linked from a
        field are served by the same answer (search/attachments.py)."""
        if field != "member_information":
            return True
        if user is None or not user.is_authenticated:
            return False
        return self.is_active_member(user) or self.is_run_by(user)

    def can_be_managed_by(self, user) -> bool:
        """Coordinators manage their own networks; moderators and administrators all of them."""
        return is_moderator(user) or self.is_coordinator(user)

    def is_run_by(self, user) -> bool:
        """The network's own coordinators, and superusers: they see its people (attendees
        and their notes, requests to join), its members' information and meeting links.
        Moderators edit every page, but a network's people are not theirs to see."""
        if not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or self.is_coordinator(user)

    def search_document(self) -> SearchDocument:
        # Member-only information and who the members are never reach the index.
        return page_search_document(
            self,
            DocumentKind.NETWORK,
            sections=[Section(text=self.summary), Section(text=self.purpose)],
            summary=self.summary,
            countries=self.countries,
        )


def networks_run_by(user) -> models.QuerySet:
    """The networks ``user`` runs (``NetworkPage.is_run_by``): every one for superusers."""
    networks = NetworkPage.objects.all()
    if not user.is_authenticated or not user.is_active:
        return networks.none()
    if user.is_superuser:
        return networks
    return networks.filter(
        memberships__user=user,
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
    )


def coordinated_networks(user) -> models.QuerySet:
    """The networks ``user`` coordinates; every network for superusers and moderators."""
    networks = NetworkPage.objects.all()
    if is_moderator(user):
        return networks
    if not user.is_authenticated:
        return networks.none()
    return networks.filter(
        memberships__user=user,
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
    )
