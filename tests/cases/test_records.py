"""Records-law aware publishing: access rights decide page privacy and whether a case may go live."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cases.models import CaseStudyPage
from cases.models.records import AccessRights, effective_access_rights
from cases.submissions import start_moderation
from portal.models import MEMBERS_GROUP
from tests.factories import CaseStudyPageFactory, MemberFactory, OrganisationFactory, UserFactory

NON_PUBLIC_MESSAGE = "A non-public case cannot be published"


def test_publishing_a_restricted_case_applies_a_members_only_view_restriction(client, case_index):
    page = CaseStudyPageFactory(parent=case_index, access_rights="restricted", live=False)
    assert not PageViewRestriction.objects.filter(page=page).exists()  # a draft is not yet
    page.save_revision().publish()
    restriction = PageViewRestriction.objects.get(page=page)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    assert MEMBERS_GROUP in set(restriction.groups.values_list("name", flat=True))
    page.refresh_from_db()
    assert client.get(page.url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(page.url).status_code != 200
    client.force_login(MemberFactory())
    assert client.get(page.url).status_code == 200


def test_a_looser_restriction_gives_way_and_a_group_restriction_stays(case_index):
    page = CaseStudyPageFactory(parent=case_index, live=False, access_rights="restricted")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    page.save_revision().publish()
    assert list(
        PageViewRestriction.objects.filter(page=page).values_list("restriction_type", flat=True)
    ) == [PageViewRestriction.GROUPS]
    page.save_revision().publish()  # publishing again adds nothing
    assert PageViewRestriction.objects.filter(page=page).count() == 1


def test_a_page_behind_privacy_counts_as_restricted(case_index):
    page = CaseStudyPageFactory(parent=case_index)
    assert effective_access_rights(page) == AccessRights.PUBLIC
    PageViewRestriction.objects.create(page=case_index, restriction_type=PageViewRestriction.LOGIN)
    assert effective_access_rights(page) == AccessRights.RESTRICTED


def test_a_non_public_case_cannot_be_published_by_any_path(case_index):
    page = CaseStudyPageFactory(parent=case_index, access_rights="non_public", live=False)
    revision = page.save_revision()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        revision.publish()
    assert NON_PUBLIC_MESSAGE in str(refused.value)
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    with pytest.raises(ValidationError):
        start_moderation(page, None)  # the submission path: approval would publish it
    assert not page.workflow_states.exists()


def test_access_rights_uris_are_the_eu_vocabulary():
    assert (
        AccessRights.PUBLIC.uri
        == "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    )
    assert AccessRights.NON_PUBLIC.uri.endswith("/access-right/NON_PUBLIC")
    assert AccessRights.RESTRICTED.uri.endswith("/access-right/RESTRICTED")


def _edit_form_data(page, **changes) -> dict:
    """What Wagtail's editor posts for ``page``, every inline formset empty."""
    form_class = CaseStudyPage.get_edit_handler().get_form_class()
    fields = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "country": page.country,
        "language": page.language,
        "status": page.status,
        "problem": rich_text(page.problem),
        "approach": rich_text(page.approach),
        "results": streamfield([]),
        **{name: inline_formset([]) for name in form_class.formsets},
        **changes,
    }
    return nested_form_data(fields)


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_superuser=True, is_staff=True)


def test_the_editor_refuses_to_publish_a_non_public_case(client, case_index, editor):
    """With a clear message on the access rights; saving it as a draft is fine."""
    page = CaseStudyPageFactory(parent=case_index, live=False)
    client.force_login(editor)
    url = f"/admin/pages/{page.pk}/edit/"
    with translation.override("en"):
        response = client.post(
            url,
            _edit_form_data(
                page, access_rights="non_public", **{"action-publish": "action-publish"}
            ),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert NON_PUBLIC_MESSAGE in response.content.decode()
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    response = client.post(url, _edit_form_data(page, access_rights="non_public"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().access_rights == "non_public"
    assert not page.live
    response = client.post(
        url,
        _edit_form_data(page, access_rights="non_public", **{"action-submit": "action-submit"}),
    )
    assert response.status_code == 200 and not page.workflow_states.exists()


def test_the_case_page_shows_its_records_fields(client, case_index):
    agency = OrganisationFactory(name="Försäkringskassan", slug="fk")
    page = CaseStudyPageFactory(
        parent=case_index,
        registration_number="FK 2024/000123",
        publishing_agency=agency,
        contact_point_name="Registraturen",
        contact_point_email="registrator@fk.example",
    )
    html = client.get(page.url).content.decode()
    assert "FK 2024/000123" in html and "Försäkringskassan" in html
    assert "mailto:registrator@fk.example" in html
    assert "Public" in html  # the access rights, in English (tests/cases/conftest.py)
