"""The site's own wording in the visitor's language.

Cases, lessons, networks and meetings are single pages in the language they were written in.
What varies by language is the wording the site itself puts around them: the home page's hero,
the titles, browser titles and introductions of the index and standard pages, and network
descriptions. Those pages carry one field per other language beside the original
(``intro`` and ``intro_da``, ``intro_en``), edited in the page editor's *Translations* tab;
``translated()`` picks the active language's value and falls back to the original, saying so,
while a translation is missing.

Not wagtail-modeltranslation: it adds its per-language columns to ``wagtailcore_page`` itself
(through migrations written into Wagtail's own app) and translates every page's slug and URL
path, whereas here cases and the other member-written pages keep one URL, and only a handful
of the site's own pages have anything to translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.models import Page

_LANGUAGE_NAMES = {
    "sv": _("Swedish"),
    "da": _("Danish"),
    "en": _("English"),
}

# Whole sentences, not a template with language names in it: the names change form inside a
# sentence (in Swedish and Danish they are written in lower case there).
_FALLBACK_NOTICES = {
    ("sv", "da"): _("This text is not yet available in Swedish; shown in Danish."),
    ("sv", "en"): _("This text is not yet available in Swedish; shown in English."),
    ("da", "sv"): _("This text is not yet available in Danish; shown in Swedish."),
    ("da", "en"): _("This text is not yet available in Danish; shown in English."),
    ("en", "sv"): _("This text is not yet available in English; shown in Swedish."),
    ("en", "da"): _("This text is not yet available in English; shown in Danish."),
}


def active_language() -> str:
    """The active interface language's code (``sv``, ``da`` or ``en``)."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in _LANGUAGE_NAMES else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Wording:
    """A piece of the site's wording as shown: the text, the language it is in, and the
    language that was asked for (they differ while a translation is missing)."""

    text: Any
    language: str
    requested: str

    def __str__(self) -> str:
        return str(self.text or "")

    def __bool__(self) -> bool:
        return bool(_present(self.text))

    @property
    def is_fallback(self) -> bool:
        return bool(self) and self.language != self.requested

    @property
    def notice(self) -> str:
        """What to tell a visitor shown the original instead ("" when nothing to tell)."""
        if not self.is_fallback:
            return ""
        return str(_FALLBACK_NOTICES.get((self.requested, self.language), ""))


def _present(value) -> bool:
    # A rich text field left empty in the editor holds an empty paragraph, not "".
    return bool(strip_tags(str(value or "")).strip())


class TranslatedFields:
    """The rule that picks a field's wording for the active language.

    ``translated_fields`` names the fields that have ``<field>_<language>`` companions;
    ``source_language`` is the language the original fields are written in.
    """

    translated_fields: tuple[str, ...] = ()

    @property
    def source_language(self) -> str:
        return settings.LANGUAGE_CODE

    def translated(self, field: str, language: str | None = None) -> Wording:
        """``field`` in ``language`` (the active one by default), else the original."""
        language = language or active_language()
        original = getattr(self, field)
        source = self.source_language
        if language != source and field in self.translated_fields:
            value = getattr(self, f"{field}_{language}", None)
            if _present(value):
                return Wording(value, language, language)
        return Wording(original, source, language)


class TranslatedPage(TranslatedFields, models.Model):
    """One of the site's own pages, written in Swedish, with its title and browser title in
    Danish and English beside the original."""

    title_da = models.CharField(_("title (Danish)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    seo_title_da = models.CharField(
        _("browser title (Danish)"),
        max_length=255,
        blank=True,
        help_text=_("Blank: the Danish title."),
    )
    seo_title_en = models.CharField(
        _("browser title (English)"),
        max_length=255,
        blank=True,
        help_text=_("Blank: the English title."),
    )

    translated_fields = ("title", "seo_title")

    class Meta:
        abstract = True

    @property
    def local_title(self) -> str:
        """The page's title in the active language (the original while none is written)."""
        return str(self.translated("title"))

    @property
    def browser_title(self) -> str:
        """The ``<title>`` in the active language: its browser title, else its title; a
        translated title wins over an untranslated browser title."""
        seo_title = self.translated("seo_title")
        title = self.translated("title")
        for wording in (seo_title, title):
            if wording and not wording.is_fallback:
                return str(wording)
        return str(seo_title or title)


def translation_panels(*fields: str, languages=("da", "en")) -> list:
    """The *Translations* tab's panels: one group per language with ``fields``' companions."""
    return [
        MultiFieldPanel(
            [FieldPanel(f"{field}_{language}") for field in fields],
            heading=_LANGUAGE_NAMES[language],
        )
        for language in languages
    ]


def edit_handler_with_translations(content_panels, translations) -> TabbedInterface:
    """Wagtail's usual tabs (content, promote, settings) with a *Translations* tab added."""
    return TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(translations, heading=_("Translations")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
