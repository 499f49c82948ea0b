"""Lessons learned that stand on their own, e.g. written from a network meeting's minutes."""

from django import forms
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import RICH_TEXT_FEATURES
from portal.language import detect_language
from portal.models import ContentLanguage, Country
from search.documents import DocumentKind, SearchDocument, Section, page_search_document

from .case_pages import LessonKind


class LessonLearnedPage(Page):
    """A lesson that stands on its own, e.g. written from a network meeting's minutes."""

    lesson = models.TextField(_("lesson"), help_text=_("The lesson itself, short and concrete."))
    kind = models.CharField(
        _("kind"), max_length=10, choices=LessonKind.choices, default=LessonKind.SUCCESS
    )
    context = RichTextField(
        _("context"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Background: where the lesson comes from and when it applies."),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=ContentLanguage.choices,
        blank=True,
        help_text=_("Detected on save when left empty."),
    )
    organisations = ParentalManyToManyField(
        "portal.Organisation",
        blank=True,
        related_name="lessons_learned",
        verbose_name=_("organisations"),
    )
    topics = ParentalManyToManyField(
        "portal.Topic", blank=True, related_name="lessons_learned", verbose_name=_("topics")
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("lesson"),
        FieldPanel("kind"),
        FieldPanel("context"),
        MultiFieldPanel(
            [
                FieldPanel("organisations", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("country"), FieldPanel("language")]),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who and what"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lesson"),
        index.SearchField("context"),
        index.FilterField("kind"),
        index.FilterField("language"),
        index.FilterField("country"),
    ]
    parent_page_types = ["cases.LessonIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def save(self, *args, **kwargs):
        if not self.language:
            self.language = detect_language(" ".join([self.title, self.lesson, self.context]))
        return super().save(*args, **kwargs)

    def search_document(self) -> SearchDocument:
        with translation.override(self.language or None):
            sections = [
                Section(self.lesson, heading=str(self.get_kind_display()), standalone=True),
                Section(self.context, heading=str(_("context"))),
            ]
        return page_search_document(
            self,
            DocumentKind.LESSON,
            sections=sections,
            summary=self.lesson,
            countries=[self.country],
            organisations=self.organisations.all(),
            attachment_fields=["context"],
        )
