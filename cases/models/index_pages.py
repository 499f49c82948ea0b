"""The case library and the lesson index: an introduction, then a filtered, paginated list."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from portal.translations import (
    TranslatedPage,
    edit_handler_with_translations,
    translation_panels,
)
from search.visibility import visible_pages

from ..filtering import CaseFilter, LessonFilter
from .case_pages import CaseLesson, CaseStudyPage
from .lesson_pages import LessonLearnedPage


class FilteredIndexPage(TranslatedPage, Page):
    """An index page that lists what this visitor may see below it, with facet filters.

    Subclasses say how to filter (``listing_filter``), how many go on a page and the names
    their template reads the filter and the current page of results by.
    """

    intro = models.TextField(_("introduction"), blank=True)
    intro_da = models.TextField(_("introduction (Danish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    translated_fields = (*TranslatedPage.translated_fields, "intro")
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = edit_handler_with_translations(
        content_panels, translation_panels("title", "seo_title", "intro")
    )
    parent_page_types = ["portal.HomePage"]

    per_page: int
    filter_context_name: str
    results_context_name: str

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing_filter = self.listing_filter(request)
        paginator = Paginator(listing_filter.results(), self.per_page)
        context[self.filter_context_name] = listing_filter
        context[self.results_context_name] = paginator.get_page(request.GET.get("page"))
        return context

    def listing_filter(self, request):
        raise NotImplementedError


class CaseIndexPage(FilteredIndexPage):
    """The case library: every published case below it, filterable and paginated."""

    subpage_types = ["cases.CaseStudyPage"]

    per_page = 12
    filter_context_name = "case_filter"
    results_context_name = "cases"

    class Meta:
        verbose_name = _("case index page")

    def listing_filter(self, request) -> CaseFilter:
        return CaseFilter(self.cases(request=request), request.GET)

    def cases(self, *, request=None):
        """The case studies below this index that the visitor may see (public ones without a
        request)."""
        return visible_pages(CaseStudyPage.objects.descendant_of(self), request=request)


class LessonIndexPage(FilteredIndexPage):
    """Every lesson learned in one place: standalone lessons and those within cases."""

    subpage_types = ["cases.LessonLearnedPage"]

    per_page = 20
    filter_context_name = "lesson_filter"
    results_context_name = "lessons"

    class Meta:
        verbose_name = _("lesson index page")

    def listing_filter(self, request) -> LessonFilter:
        visible_cases = visible_pages(CaseStudyPage.objects.all(), request=request)
        return LessonFilter(
            standalone=visible_pages(
                LessonLearnedPage.objects.descendant_of(self), request=request
            ),
            within_cases=CaseLesson.objects.filter(page__in=visible_cases),
            params=request.GET,
            request=request,
        )
