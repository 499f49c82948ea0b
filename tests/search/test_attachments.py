"""Documents are served only to those who may see every page that uses them."""

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    DocumentFactory,
    MemberFactory,
    UserFactory,
    attach,
)


@pytest.fixture
def cases(home_page):
    return CaseIndexPageFactory(parent=home_page)


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Run the on-commit work (Wagtail's reference index task) of what the test builds."""

    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            return make()

    return run


def _status(client, document, user=None) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(document.url).status_code


@pytest.fixture
def people(db):
    return {
        "member": MemberFactory(username="medlem"),
        "editor": UserFactory(username="redaktor", is_staff=True, groups=["Moderators"]),
    }


def test_a_document_on_a_public_page_is_served_to_everyone(client, cases, build, people):
    document = DocumentFactory()
    build(lambda: attach(CaseStudyPageFactory(parent=cases), document))
    assert _status(client, document) == 200
    assert _status(client, document, people["member"]) == 200


def test_a_document_on_a_draft_is_served_to_editors_only(client, cases, build, people):
    document = DocumentFactory()
    build(lambda: attach(CaseStudyPageFactory(parent=cases, live=False), document))
    assert _status(client, document) == 302  # to the login page
    assert _status(client, document, people["member"]) == 404
    assert _status(client, document, people["editor"]) == 200


def test_a_document_on_an_unpublished_page_is_not_served(client, cases, build, people):
    document = DocumentFactory()
    page = build(lambda: attach(CaseStudyPageFactory(parent=cases), document))
    build(page.unpublish)
    assert _status(client, document, people["member"]) == 404


def test_a_document_follows_its_pages_view_restrictions(client, cases, build, people):
    login_doc, group_doc = DocumentFactory(), DocumentFactory()
    login_page = build(lambda: attach(CaseStudyPageFactory(parent=cases), login_doc))
    group_page = build(lambda: attach(CaseStudyPageFactory(parent=cases), group_doc))
    PageViewRestriction.objects.create(page=login_page, restriction_type="login")
    restriction = PageViewRestriction.objects.create(page=group_page, restriction_type="groups")
    restriction.groups.set([people["editor"].groups.get()])
    assert _status(client, login_doc) == 302
    assert _status(client, login_doc, people["member"]) == 200
    assert _status(client, group_doc, people["member"]) == 404
    assert _status(client, group_doc, people["editor"]) == 200


def test_a_document_on_several_pages_takes_the_most_restrictive(client, cases, build, people):
    document = DocumentFactory()
    build(lambda: attach(CaseStudyPageFactory(parent=cases), document))
    build(lambda: attach(CaseStudyPageFactory(parent=cases, live=False), document))
    assert _status(client, document) == 302
    assert _status(client, document, people["member"]) == 404


def test_a_document_no_page_uses_is_for_editors_only(client, people):
    document = DocumentFactory()
    assert _status(client, document) == 302
    assert _status(client, document, people["member"]) == 404
    assert _status(client, document, people["editor"]) == 200


def test_a_document_in_a_networks_member_information_is_for_its_members(
    client, home_page, build, people
):
    """The network page is public, its information for members is not: nor is a document
    linked from there, even though everyone may see the page."""
    from tests.factories import MembershipFactory, NetworkIndexPageFactory, NetworkPageFactory

    document = DocumentFactory()
    networks = NetworkIndexPageFactory(parent=home_page)
    link = f'<p><a linktype="document" id="{document.pk}">Kontaktlista</a></p>'
    network = build(lambda: NetworkPageFactory(parent=networks, member_information=link))
    network_member = MembershipFactory(network=network).user
    assert client.get(network.url).status_code == 200
    assert _status(client, document) == 302
    assert _status(client, document, people["member"]) == 404
    assert _status(client, document, network_member) == 200
    assert _status(client, document, people["editor"]) == 200
