"""The site's wording and addresses in the visitor's language.

``{% site_url "/cases/" %}`` is that address in the active language (``/da/cases/``);
``{% translated page "intro" as intro %}`` is a page's field in the active language, or its
original while a translation is missing, and ``{% translation_notice intro %}`` then says so;
``{% language_alternates as alternates %}`` is this address in each language (hreflang).
"""

from django import template
from django.conf import settings
from django.urls import translate_url

from portal.locale import localized_path, without_language_prefix
from portal.translations import Wording, active_language

register = template.Library()


@register.simple_tag
def site_url(path: str) -> str:
    return localized_path(path)


@register.simple_tag(takes_context=True)
def site_path(context) -> str:
    """The current address without its language prefix, to compare with site addresses."""
    request = context.get("request")
    return without_language_prefix(request.path) if request else ""


@register.simple_tag
def translated(page, field: str) -> Wording:
    translate = getattr(page, "translated", None)
    if translate is None:
        language = active_language()
        return Wording(getattr(page, field, ""), language, language)
    return translate(field)


@register.inclusion_tag("portal/includes/translation_notice.html")
def translation_notice(wording: Wording):
    return {"wording": wording}


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """This address in every language: ``[{"code": "da", "url": "/da/cases/"}, …]``."""
    request = context.get("request")
    if request is None:
        return []
    current = request.get_full_path()
    return [
        {"code": code, "url": translate_url(current, code)} for code, _name in settings.LANGUAGES
    ]
