"""The cases an open-data catalogue may name, and each as a row of the CSV and JSON files.

Only public cases: live, with no Wagtail view restriction on them or above them (the one
visibility rule, as an anonymous visitor sees pages), and with public access rights. A
restricted or non-public case never reaches the catalogue or its files, whatever its fields
say: a page behind privacy counts as restricted (``effective_access_rights``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from cases.models import CaseStudyPage
from cases.models.records import AccessRights
from portal.site_url import page_url
from search.visibility import public_pages

# Stable English column keys, whatever the visitor's language (portal/csv_export.py).
COLUMNS = (
    "identifier",
    "title",
    "summary",
    "language",
    "country",
    "status",
    "start_date",
    "end_date",
    "organisations",
    "topics",
    "registration_number",
    "publishing_agency",
    "contact_point_name",
    "contact_point_email",
    "access_rights",
    "issued",
    "modified",
)


def public_cases():
    """The cases the catalogue lists, oldest first, with what their rows need."""
    cases = public_pages(CaseStudyPage.objects.all()).filter(access_rights=AccessRights.PUBLIC)
    return (
        cases.select_related("publishing_agency")
        .prefetch_related("organisations", "topics")
        .order_by("first_published_at", "pk")
    )


def canonical_url(case: CaseStudyPage) -> str:
    """The case's address in the site's default language: its identifier in every export."""
    with translation.override(settings.LANGUAGE_CODE):
        return page_url(case) or ""


def case_record(case: CaseStudyPage) -> dict:
    """One case as the CSV and JSON files give it (and the catalogue describes it)."""
    return {
        "identifier": canonical_url(case),
        "title": case.title,
        "summary": case.summary,
        "language": case.language,
        "country": case.country,
        "status": case.status,
        "start_date": case.start_date,
        "end_date": case.end_date,
        "organisations": [organisation.name for organisation in case.organisations.all()],
        "topics": [topic.slug for topic in case.topics.all()],
        "registration_number": case.registration_number,
        "publishing_agency": case.publishing_agency.name if case.publishing_agency else "",
        "contact_point_name": case.contact_point_name,
        "contact_point_email": case.contact_point_email,
        "access_rights": AccessRights(case.access_rights).uri,
        "issued": case.first_published_at,
        "modified": case.last_published_at,
    }


def csv_row(record: dict) -> list:
    return [
        "; ".join(value) if isinstance(value, list) else value
        for value in (record[column] for column in COLUMNS)
    ]
