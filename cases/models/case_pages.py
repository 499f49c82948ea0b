"""Case studies: what agencies tried, what came of it, and the lessons within."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.blocks import RICH_TEXT_FEATURES, BodyBlock
from portal.language import detect_language
from portal.models import ContentLanguage, Country, is_member
from search.documents import DocumentKind, SearchDocument, Section, page_search_document
from search.visibility import visible_page_ids

from .page_forms import CaseStudyPageForm
from .records import (
    AccessRights,
    apply_members_restriction,
    effective_access_rights,
    non_public_refusal,
)

SUMMARY_MAX_LENGTH = 500


class LessonKind(models.TextChoices):
    SUCCESS = "success", _("Success")
    PITFALL = "pitfall", _("Pitfall")


class CaseStudyPage(Page):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=_("Plain text, at most 500 characters: what was done and what came of it."),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=ContentLanguage.choices,
        blank=True,
        help_text=_("The language the case is written in. Detected on save when left empty."),
    )
    organisations = ParentalManyToManyField(
        "portal.Organisation",
        blank=True,
        related_name="case_studies",
        verbose_name=_("organisations"),
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    topics = ParentalManyToManyField(
        "portal.Topic", blank=True, related_name="case_studies", verbose_name=_("topics")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COMPLETED
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Leave empty while the work goes on.")
    )
    problem = RichTextField(
        _("problem"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("What was the problem or the need?"),
    )
    approach = RichTextField(
        _("approach"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("What did you do, and how?"),
    )
    results = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("results"),
        help_text=_("What came of it: text, key figures, quotes, images and documents."),
    )
    expected_results = models.TextField(
        _("Expected results"),
        blank=True,
        help_text=_("What the work was expected to achieve, stated before the results are in."),
    )
    # What Swedish and Danish records rules need before an agency publishes a case (issue 15).
    # The responsible organisations are `organisations` above; the publishing agency is the one
    # whose register the registration number belongs to.
    registration_number = models.CharField(
        _("registration number"),
        max_length=100,
        blank=True,
        help_text=_("The publishing agency's diarienummer (SE) or journalnummer (DK)."),
    )
    publishing_agency = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="published_case_studies",
        verbose_name=_("publishing agency"),
    )
    contact_point_name = models.CharField(
        _("contact point"),
        max_length=200,
        blank=True,
        help_text=_("A function or team, e.g. the registry. Shown publicly and in open data."),
    )
    contact_point_email = models.EmailField(
        _("contact point e-mail"),
        blank=True,
        help_text=_("A functional mailbox, not a person's own address."),
    )
    access_rights = models.CharField(
        _("access rights"),
        max_length=20,
        choices=AccessRights.choices,
        default=AccessRights.PUBLIC,
        help_text=_(
            "Public: anyone may read it. Restricted: members only (applied as page privacy). "
            "Non-public: kept for the record and never published."
        ),
    )
    # Set by document import: where the page came from and a hash of its content, so that
    # importing the same file again updates the page instead of duplicating it.
    source_path = models.CharField(_("source"), max_length=500, blank=True, db_index=True)
    source_fingerprint = models.CharField(
        _("source fingerprint"), max_length=64, blank=True, db_index=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("organisations", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("country"), FieldPanel("language")]),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who and what"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            ],
            heading=_("Status and period"),
        ),
        FieldPanel("problem"),
        FieldPanel("approach"),
        FieldPanel("expected_results"),
    ]
    records_panels = [
        MultiFieldPanel(
            [
                FieldPanel("access_rights"),
                FieldRowPanel([FieldPanel("registration_number"), FieldPanel("publishing_agency")]),
                FieldRowPanel(
                    [FieldPanel("contact_point_name"), FieldPanel("contact_point_email")]
                ),
            ],
            heading=_("Records"),
            help_text=_(
                "What records rules ask of a published case. The responsible organisations "
                "are those under “Who and what”."
            ),
        ),
    ]
    lessons_panels = [
        InlinePanel(
            "lessons",
            label=_("Lesson learned"),
            heading=_("Lessons learned"),
            help_text=_(
                "Short, concrete statements: what worked, and what you would do differently."
            ),
        ),
        FieldPanel("results"),
    ]
    links_panels = [
        InlinePanel(
            "contacts",
            label=_("Contact person"),
            heading=_("Contact persons"),
            help_text=_("Shown to signed-in members only."),
        ),
        InlinePanel("related_case_links", label=_("Related case"), heading=_("Related cases")),
        InlinePanel("attachments", label=_("Attachment"), heading=_("Attachments")),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("source_path", read_only=True),
                FieldPanel("source_fingerprint", read_only=True),
            ],
            heading=_("Document import"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(lessons_panels, heading=_("Lessons & results")),
            ObjectList(links_panels, heading=_("Contacts & links")),
            ObjectList(records_panels, heading=_("Records")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("problem"),
        index.SearchField("approach"),
        index.SearchField("results"),
        index.RelatedFields("lessons", [index.SearchField("text")]),
        index.FilterField("language"),
        index.FilterField("country"),
        index.FilterField("status"),
        index.FilterField("start_date"),
    ]
    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types: list[str] = []
    base_form_class = CaseStudyPageForm

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot come before the start.")})
        # Wagtail validates a page as it goes live, whichever way it is published (editor,
        # workflow approval, schedule, code): a non-public case never goes live.
        if self.live and self.access_rights == AccessRights.NON_PUBLIC:
            raise ValidationError({"access_rights": non_public_refusal()})

    def save(self, *args, **kwargs):
        if not self.language:
            self.language = detect_language(
                " ".join([self.title, self.summary, self.problem, self.approach])
            )
        update_fields = kwargs.get("update_fields")
        # The restriction commits with the page going live, so no one sees it unrestricted.
        with transaction.atomic():
            result = super().save(*args, **kwargs)
            if (
                self.live
                and self.access_rights == AccessRights.RESTRICTED
                and (update_fields is None or "access_rights" in update_fields)
            ):
                apply_members_restriction(self)
        return result

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["show_contacts"] = is_member(request.user)
        context["access_rights"] = effective_access_rights(self)
        links = list(self.related_case_links.select_related("related_case"))
        visible = visible_page_ids([link.related_case_id for link in links], request=request)
        context["related_cases"] = [
            link.related_case for link in links if link.related_case_id in visible
        ]
        return context

    def search_document(self) -> SearchDocument:
        # Contact persons are for members only: they never go into the search document.
        with translation.override(self.language or None):
            sections = [
                Section(self.summary),
                Section(self.problem, heading=str(_("problem"))),
                Section(self.approach, heading=str(_("approach"))),
                Section(
                    "\n".join(self.results.stream_block.get_searchable_content(self.results)),
                    heading=str(_("results")),
                ),
            ]
            sections += [
                Section(lesson.text, heading=str(lesson.get_kind_display()), standalone=True)
                for lesson in self.lessons.all()
            ]
        return page_search_document(
            self,
            DocumentKind.CASE,
            sections=sections,
            summary=self.summary,
            countries=[self.country],
            organisations=self.organisations.all(),
            date=self.start_date,
            attachment_fields=["attachments", "problem", "approach", "results"],
        )

    @property
    def period(self) -> str:
        """The years the work ran, e.g. "2021–2023" or "2022–"."""
        if not self.start_date:
            return ""
        end = self.end_date.year if self.end_date else ""
        if end == self.start_date.year:
            return str(end)
        return f"{self.start_date.year}–{end}"


class CaseLesson(Orderable):
    """A lesson learned within a case: the part readers come for."""

    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="lessons")
    text = models.TextField(_("lesson"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=LessonKind.choices, default=LessonKind.SUCCESS
    )

    panels = [FieldPanel("kind"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def __str__(self):
        return self.text


class CaseContact(Orderable):
    """Someone to ask about the case; visible to signed-in members only."""

    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("organisation_name"), FieldPanel("email")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name


class CaseRelatedCase(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="related_case_links")
    related_case = models.ForeignKey(
        CaseStudyPage, on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )

    panels = [FieldPanel("related_case")]

    class Meta(Orderable.Meta):
        verbose_name = _("related case")
        verbose_name_plural = _("related cases")


class CaseAttachment(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
