"""Coordinators read in the Wagtail admin what their networks need, and no other page's title.

Each hidden page has a marker word in its title and is found by another word of its title, so
a search query never echoes the marker back.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, PageViewRestriction

from network.models import MeetingPage
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    MeetingPageFactory,
    MemberFactory,
    NetworkPageFactory,
    UserFactory,
)

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db

# Searched for by the first word, caught by the second.
TITLES = {
    "draft": "Utkastord Zebrafink",
    "pending": "Granskningsord Kapybara",
    "unpublished": "Avpubliceringsord Narval",
    "restricted": "Inloggningsord Okapi",
    "other_network_meeting": "Grannträffsord Tapir",
    "other_draft_network": "Nätverksutkastord Pangolin",
}
MARKERS = [title.split()[1] for title in TITLES.values()]


def grant_coordinators(network_index):
    """Page permissions on the network index, as the demo gives the Coordinators group."""
    group = Group.objects.get(name="Coordinators")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=network_index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


@pytest.fixture
def hidden(home_page, network_index, other_network):
    """Pages elsewhere in the tree that a coordinator of ``network`` must not read about."""
    grant_coordinators(network_index)
    author = MemberFactory()
    cases = CaseIndexPageFactory(parent=home_page)
    draft = CaseStudyPageFactory(parent=cases, title=TITLES["draft"], live=False)
    draft.save_revision(user=author, log_action=True)
    pending = CaseStudyPageFactory(parent=cases, title=TITLES["pending"], live=False)
    pending.save_revision(user=author, log_action=True)
    pending.get_workflow().start(pending, author)
    unpublished = CaseStudyPageFactory(parent=cases, title=TITLES["unpublished"])
    unpublished.save_revision(user=author, log_action=True).publish()
    unpublished.unpublish(log_action=True)
    restricted = CaseStudyPageFactory(parent=cases, title=TITLES["restricted"])
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    meeting = MeetingPageFactory(
        parent=other_network, title=TITLES["other_network_meeting"], live=False
    )
    meeting.save_revision(user=author, log_action=True)
    network = NetworkPageFactory(
        parent=network_index, title=TITLES["other_draft_network"], live=False
    )
    network.save_revision(user=author, log_action=True)
    pages = [draft, pending, unpublished, restricted, meeting, network]
    return {"pages": pages, "parents": [cases, other_network, network_index]}


def admin_urls(hidden):
    ids = "&".join(f"id={page.pk}" for page in hidden["pages"])
    urls = [
        "/admin/choose-page/",
        "/admin/choose-page/?page_type=cases.casestudypage",
        "/admin/choose-page/?page_type=network.meetingpage",
        "/admin/choose-page/?page_type=network.networkpage",
        "/admin/pages/usage/network/meetingpage/",
        "/admin/pages/usage/network/networkpage/",
        "/admin/api/main/pages/",
    ]
    for title in TITLES.values():
        word = title.split()[0]
        urls += [
            f"/admin/choose-page/search/?q={word}",
            f"/admin/choose-page/search/?q={word}&page_type=cases.casestudypage",
            f"/admin/pages/search/results/?q={word}",
        ]
    for page in hidden["pages"] + hidden["parents"]:
        urls += [
            f"/admin/choose-page/{page.pk}/",
            f"/admin/choose-page/chosen-multiple/?id={page.pk}",
            f"/admin/pages/{page.pk}/",
            f"/admin/api/main/pages/{page.pk}/",
        ]
    for action in ("delete", "publish", "unpublish", "move"):
        urls.append(f"/admin/bulk/wagtailcore/page/{action}/?{ids}")
    for report in ("page-types-usage", "locked", "aging-pages", "site-history"):
        urls += [f"/admin/reports/{report}/", f"/admin/reports/{report}/results/"]
    for report in ("workflow", "workflow_tasks"):
        urls += [f"/admin/reports/{report}/", f"/admin/reports/{report}/results/"]
    return urls


def leaks(client, urls):
    found = {}
    for url in urls:
        response = client.get(url, headers={"accept-language": "en"})
        assert response.status_code in (200, 302, 403, 404), url
        body = response.content.decode()
        if seen := [marker for marker in MARKERS if marker in body]:
            found[url] = seen
    return found


def test_coordinators_read_no_titles_of_pages_elsewhere_in_the_tree(client, network, hidden):
    client.force_login(make_coordinator(network))
    assert leaks(client, admin_urls(hidden)) == {}


def test_the_same_admin_views_show_those_titles_to_an_administrator(admin_client, hidden):
    """The views above do print these titles to those who may read them."""
    draft, pending, _, restricted, meeting, _ = hidden["pages"]
    found = leaks(admin_client, admin_urls(hidden))
    assert found[f"/admin/choose-page/search/?q={TITLES['draft'].split()[0]}"] == ["Zebrafink"]
    assert found[f"/admin/choose-page/{hidden['parents'][0].pk}/"] == [
        "Zebrafink",
        "Kapybara",
        "Narval",
        "Okapi",
    ]
    assert found[f"/admin/choose-page/{meeting.pk}/"] == ["Tapir"]
    assert found[f"/admin/choose-page/chosen-multiple/?id={pending.pk}"] == ["Kapybara"]
    bulk = [url for url in found if url.startswith("/admin/bulk/")]
    assert len(bulk) == 4 and all(found[url] == MARKERS for url in bulk)
    assert "/admin/reports/page-types-usage/" in found


def test_moderators_choose_and_find_every_page(client, network, hidden):
    moderator = MemberFactory(groups=["Members", "Moderators"])
    client.force_login(moderator)
    word = TITLES["draft"].split()[0]
    assert "Zebrafink" in client.get(f"/admin/choose-page/search/?q={word}").content.decode()
    assert client.get("/admin/reports/page-types-usage/").status_code == 200


def test_coordinators_still_choose_and_publish_their_own_meetings(client, network, hidden):
    own = MeetingPageFactory(parent=network, title="Egenträff Lodjur", live=False)
    client.force_login(make_coordinator(network))

    browse = client.get(f"/admin/choose-page/{network.pk}/").content.decode()
    assert "Lodjur" in browse
    assert "Lodjur" in client.get("/admin/choose-page/search/?q=Egenträff").content.decode()
    # Public pages elsewhere stay choosable (for links), and other networks by name.
    assert "Tilsynsnetværket" in client.get("/admin/choose-page/search/?q=Tilsyn").content.decode()
    assert "Lodjur" in client.get(f"/admin/pages/{network.pk}/").content.decode()

    url = f"/admin/bulk/wagtailcore/page/publish/?id={own.pk}&id={hidden['pages'][0].pk}"
    confirmation = client.get(url).content.decode()
    assert "Lodjur" in confirmation and "Zebrafink" not in confirmation
    assert client.post(url, {"include_descendants": ""}).status_code == 302
    assert MeetingPage.objects.get(pk=own.pk).live
    draft = hidden["pages"][0]
    draft.refresh_from_db()
    assert not draft.live


def test_coordinators_get_no_page_types_report_in_the_menu_or_by_url(
    client, network, network_index
):
    grant_coordinators(network_index)
    client.force_login(make_coordinator(network))
    assert client.get("/admin/reports/page-types-usage/").status_code == 403
    assert client.get("/admin/reports/page-types-usage/results/").status_code == 403
    home = client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    assert "Page types usage" not in home
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    home = client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    assert "Page types usage" in home
