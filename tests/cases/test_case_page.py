import pytest
from wagtail.models import PageViewRestriction

from cases.models import CaseContact, CaseLesson, CaseRelatedCase
from network.models import NetworkSharedCase
from tests.factories import (
    CaseStudyPageFactory,
    MemberFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    UserFactory,
)


@pytest.fixture
def case(case_index):
    page = CaseStudyPageFactory(parent=case_index, title="Sortering av ärenden")
    page.lessons = [CaseLesson(text="Förankra tidigt.", kind="success")]
    page.contacts = [
        CaseContact(name="Helena Strand", role="Sektionschef", email="helena@example.org")
    ]
    page.related_case_links = [
        CaseRelatedCase(related_case=CaseStudyPageFactory(parent=case_index, title="Grannfall"))
    ]
    page.save()
    return page


def test_anonymous_visitors_do_not_see_contact_persons(client, case):
    html = client.get(case.url).content.decode()
    assert "Förankra tidigt." in html
    assert "badge--success" in html
    assert "Grannfall" in html
    assert "Helena Strand" not in html and "helena@example.org" not in html
    assert "Log in as a member to see contact persons." in html


def test_signed_in_non_members_do_not_see_contact_persons(client, case):
    client.force_login(UserFactory())
    html = client.get(case.url).content.decode()
    assert "helena@example.org" not in html


@pytest.mark.parametrize("groups", [["Members"], ["Moderators"]])
def test_members_and_moderators_see_contact_persons(client, case, groups):
    client.force_login(MemberFactory(groups=groups))
    html = client.get(case.url).content.decode()
    assert "Helena Strand" in html and "mailto:helena@example.org" in html


def test_draft_cases_are_not_shown(client, case_index):
    draft = CaseStudyPageFactory(parent=case_index, live=False)
    assert client.get(f"/cases/{draft.slug}/").status_code == 404


def test_home_page_lists_the_latest_cases(client, case):
    html = client.get("/").content.decode()
    assert "Sortering av ärenden" in html


def test_networks_the_case_was_shared_in_are_named_when_visible(client, case, home_page):
    """The network app's links show on the case; a draft network stays unnamed."""
    networks = NetworkIndexPageFactory(parent=home_page)
    public = NetworkPageFactory(parent=networks, title="Nätverket för IT-controllers")
    draft = NetworkPageFactory(parent=networks, title="Hemligt nätverk", live=False)
    for network in (public, draft):
        NetworkSharedCase.objects.create(network=network, case=case)

    html = client.get(case.url).content.decode()
    assert "Nätverket för IT-controllers" in html
    assert "Hemligt nätverk" not in html


@pytest.fixture
def case_with_restricted_related_case(case_index):
    restricted = CaseStudyPageFactory(parent=case_index, title="Inloggningsfallet")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    page = CaseStudyPageFactory(parent=case_index, title="Öppet fall")
    page.related_case_links = [CaseRelatedCase(related_case=restricted)]
    page.save()
    return page


def test_anonymous_visitors_do_not_see_a_login_restricted_related_case(
    client, case_with_restricted_related_case
):
    """A related case behind a login is not named, nor linked, to anonymous visitors."""
    html = client.get(case_with_restricted_related_case.url).content.decode()
    assert "Inloggningsfallet" not in html


def test_signed_in_members_see_a_login_restricted_related_case(
    client, case_with_restricted_related_case
):
    client.force_login(MemberFactory())
    html = client.get(case_with_restricted_related_case.url).content.decode()
    assert "Inloggningsfallet" in html
