"""Page slugs transliterate Danish and Swedish letters, whichever way a page is made."""

import json

import pytest
from django.conf import settings
from wagtail.models import Page

from cases.lessons import create_lesson
from cases.models import CaseStudyPage
from portal.slugs import page_slug
from tests.cases.test_submission import SHARE_URL, form_data, member  # noqa: F401 - fixture


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Behold en tilfældig stikprøve", "behold-en-tilfaeldig-stikprove"),
        (
            "Nyckeltal för IT-kostnader på Ålands myndigheter",
            "nyckeltal-for-it-kostnader-pa-alands-myndigheter",
        ),
        ("Ärenden, återkoppling och Übersicht", "arenden-aterkoppling-och-ubersicht"),
        ("Café Æblegården — Øresund", "cafe-aeblegarden-oresund"),
        ("Straße", "strasse"),
    ],
)
def test_the_helper_transliterates_nordic_letters(title, slug):
    assert page_slug(title) == slug


def test_wagtail_is_told_to_make_ascii_slugs():
    # The admin's JavaScript then transliterates titles with the same letters (its LATIN_MAP).
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False


def test_a_page_saved_without_a_slug_gets_a_transliterated_one(case_index):
    page = CaseStudyPage(title="Behold en tilfældig stikprøve", summary="Kort.", country="DK")
    case_index.add_child(instance=page)
    assert page.slug == "behold-en-tilfaeldig-stikprove"
    assert Page.objects.get(pk=page.pk).url_path.endswith("/behold-en-tilfaeldig-stikprove/")


def test_a_members_swedish_case_gets_a_transliterated_slug(client, case_index, member):  # noqa: F811
    client.force_login(member)
    response = client.post(SHARE_URL, form_data(title="Återkoppling på större ärenden"))
    assert response.status_code == 302
    page = CaseStudyPage.objects.get()
    assert page.slug == "aterkoppling-pa-storre-arenden"


def test_a_members_danish_case_gets_a_transliterated_slug(client, case_index, member):  # noqa: F811
    client.force_login(member)
    client.post(SHARE_URL, form_data(title="Behold en tilfældig stikprøve"))
    assert CaseStudyPage.objects.get().slug == "behold-en-tilfaeldig-stikprove"


def test_the_demo_loaders_lesson_helper_transliterates(lesson_index):
    lesson = create_lesson(lesson_index, "Behold en tilfældig stikprøve", "Tekst.", "success", "da")
    swedish = create_lesson(lesson_index, "Börja med få nyckeltal", "Text.", "success", "sv")
    assert lesson.slug == "behold-en-tilfaeldig-stikprove"
    assert swedish.slug == "borja-med-fa-nyckeltal"


def test_existing_slugs_are_kept(case_index):
    page = CaseStudyPage(
        title="Behold en tilfældig stikprøve",
        slug="behold-en-tilfldig-stikprve",
        summary="K.",
        country="DK",
    )
    case_index.add_child(instance=page)
    page.title = "Behold en tilfældig stikprøve (opdateret)"
    page.save()
    assert CaseStudyPage.objects.get(pk=page.pk).slug == "behold-en-tilfldig-stikprve"


def test_the_admin_slug_field_transliterates_what_is_typed_into_it():
    # Wagtail's admin JavaScript applies these before it slugifies a slug typed by hand.
    form_class = CaseStudyPage.get_edit_handler().get_form_class()
    attrs = form_class.base_fields["slug"].widget.attrs
    assert attrs["data-w-slug-allow-unicode-value"] is False
    formatters = {
        replacement: pattern
        for (pattern, _flags), replacement in json.loads(attrs["data-w-slug-formatters-value"])
    }
    for letter, ascii_form in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("ö", "o"), ("é", "e")):
        assert letter in formatters[ascii_form]
