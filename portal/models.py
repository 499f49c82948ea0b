"""The portal's base: pages and snippets every feature app may depend on.

Nothing here imports a feature app (cases, network, datalab); of search only the visibility
rule, which depends on Wagtail alone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from search.visibility import visible_page_ids

from .api_tokens import ApiToken  # noqa: F401  (in its own module; registered from here)
from .blocks import BodyBlock
from .translations import TranslatedPage, edit_handler_with_translations, translation_panels


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    DENMARK = "DK", _("Denmark")
    OTHER = "XX", _("Other")


class ContentLanguage(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    DANISH = "da", _("Danish")
    ENGLISH = "en", _("English")


class Sector(models.TextChoices):
    HEALTH = "health", _("Health")
    SOCIAL = "social", _("Social affairs")
    EDUCATION = "education", _("Education")
    TAX_FINANCE = "tax_finance", _("Tax and finance")
    JUSTICE = "justice", _("Justice")
    TRANSPORT = "transport", _("Transport")
    ENVIRONMENT = "environment", _("Environment")
    LABOUR_MARKET = "labour_market", _("Labour market")
    CULTURE = "culture", _("Culture")
    GENERAL_ADMINISTRATION = "general_administration", _("General administration")
    OTHER = "other", _("Other")


class GovernmentLevel(models.TextChoices):
    STATE = "state", _("State")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")


class Organisation(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT_AGENCY = "agency", _("Government agency")
        MINISTRY = "ministry", _("Ministry")
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        STATE_COMPANY = "state_company", _("State-owned company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("kind of organisation"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    # What peer grouping of indicator data needs (issue 12): size, field of work and level.
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=40, blank=True, choices=Sector.choices)
    government_level = models.CharField(
        _("level of government"), max_length=20, blank=True, choices=GovernmentLevel.choices
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("short_name"),
        FieldPanel("country"),
        FieldPanel("kind"),
        FieldPanel("website"),
        FieldPanel("employees"),
        FieldPanel("sector"),
        FieldPanel("government_level"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("short_name"),
        index.FilterField("country"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Topic(index.Indexed, models.Model):
    """A subject area, named in every UI language so filters read naturally."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_da = models.CharField(_("name (Danish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    panels = [
        FieldPanel("name_sv"),
        FieldPanel("name_da"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
    ]
    search_fields = [
        index.SearchField("name_sv"),
        index.SearchField("name_da"),
        index.SearchField("name_en"),
        index.AutocompleteField("name_sv"),
    ]

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The topic's name in the active UI language (Swedish when none is active)."""
        language = (get_language() or "sv")[:2]
        return getattr(self, f"name_{language}", "") or self.name_sv


class MemberProfile(models.Model):
    """Links a user to the organisation they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member_profile",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self):
        return f"{self.user} ({self.organisation or '-'})"


MEMBERS_GROUP = "Members"
COORDINATORS_GROUP = "Coordinators"
MODERATORS_GROUP = "Moderators"


def is_member(user) -> bool:
    """Members see member-only content (contacts, online links). Staff always count as members."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(
        name__in=[MEMBERS_GROUP, COORDINATORS_GROUP, MODERATORS_GROUP]
    ).exists()


def is_moderator(user) -> bool:
    """Moderators review submissions and manage every network; superusers count as moderators."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()


class HomePage(TranslatedPage, Page):
    hero_title = models.CharField(_("hero title"), max_length=200)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    hero_title_da = models.CharField(_("hero title (Danish)"), max_length=200, blank=True)
    hero_title_en = models.CharField(_("hero title (English)"), max_length=200, blank=True)
    hero_text_da = models.TextField(_("hero text (Danish)"), blank=True)
    hero_text_en = models.TextField(_("hero text (English)"), blank=True)

    translated_fields = (*TranslatedPage.translated_fields, "hero_title", "hero_text")
    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("Hero")),
        InlinePanel("featured_pages", label=_("Featured pages"), max_num=6),
        FieldPanel("body"),
    ]
    edit_handler = edit_handler_with_translations(
        content_panels, translation_panels("title", "seo_title", "hero_title", "hero_text")
    )
    search_fields = Page.search_fields + [index.SearchField("hero_text")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = list(self.featured_pages.select_related("page"))
        visible = visible_page_ids([item.page_id for item in items], request=request)
        context["featured"] = [item.page.specific for item in items if item.page_id in visible]
        return context


class HomePageFeaturedPage(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_pages")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )

    panels = [FieldPanel("page")]


class StandardPage(TranslatedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    intro_da = models.TextField(_("introduction (Danish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    translated_fields = (*TranslatedPage.translated_fields, "intro")
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    edit_handler = edit_handler_with_translations(
        content_panels, translation_panels("title", "seo_title", "intro")
    )
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class SentEmail(models.Model):
    """An e-mail that went out, recorded with the send so that a mail task that runs again
    (after a failure, or twice by mistake) never sends the same message twice."""

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("about object"))
    recipient = models.EmailField(_("recipient"))
    # Tells apart messages of one kind about one object that are meant to go more than once
    # (two messages from coordinators to the same meeting's participants, say).
    key = models.CharField(_("key"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient", "key"], name="portal_email_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id} → {self.recipient}"


class UserLanguage(models.Model):
    """The language Erfa writes to a user in: e-mails, and Wagtail's own workflow mail.

    ``chosen`` is the user's setting (blank: follow the site); ``last_used`` is the interface
    language of their latest visit, recorded by ``portal.user_language``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erfa_language",
        verbose_name=_("user"),
    )
    chosen = models.CharField(
        _("language for e-mail"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Blank: the language you last used on the site."),
    )
    last_used = models.CharField(
        _("language last used"), max_length=8, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("language setting")
        verbose_name_plural = _("language settings")

    def __str__(self):
        return f"{self.user}: {self.effective}"

    @property
    def effective(self) -> str:
        return self.chosen or self.last_used or settings.LANGUAGE_CODE
