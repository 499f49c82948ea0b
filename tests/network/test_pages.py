import pytest

from network import registrations
from network.models import MeetingPage, NetworkPage
from search.documents import DocumentKind, search_document_of
from tests.factories import MeetingPageFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SECRET_INFO = "<p>Lösenordet till delade mappen är hemligt.</p>"


@pytest.fixture
def network_with_secret(network):
    network.member_information = SECRET_INFO
    network.save_revision().publish()
    return network


def test_member_only_information_is_for_active_members(client, network_with_secret, member):
    network = network_with_secret
    assert "Lösenordet" not in client.get(network.url).content.decode()
    client.force_login(MemberFactory())
    assert "Lösenordet" not in client.get(network.url).content.decode()
    client.force_login(member)
    assert "Lösenordet" in client.get(network.url).content.decode()


def test_requested_members_do_not_see_member_information(client, network_with_secret):
    pending = MembershipFactory(network=network_with_secret, status="requested").user
    client.force_login(pending)
    assert "Lösenordet" not in client.get(network_with_secret.url).content.decode()


def test_online_link_is_shown_to_registered_participants_only(client, meeting, network):
    seated, waiting = (MembershipFactory(network=network).user for _ in range(2))
    other = MembershipFactory(network=network).user
    registrations.register(meeting, seated)
    meeting.capacity = 1
    meeting.save()
    registrations.register(meeting, waiting)
    assert "secret-room" not in client.get(meeting.url).content.decode()
    for user, sees in ((seated, True), (waiting, False), (other, False)):
        client.force_login(user)
        assert ("secret-room" in client.get(meeting.url).content.decode()) is sees


def test_attendee_names_are_never_on_the_public_pages(client, meeting, network):
    participant = MembershipFactory(network=network, user=MemberFactory(first_name="Zelda")).user
    registrations.register(meeting, participant)
    client.force_login(MembershipFactory(network=network).user)
    for url in (meeting.url, network.url):
        assert "Zelda" not in client.get(url).content.decode()


def test_meeting_page_offers_the_waiting_list_when_full(client, meeting, network):
    for _ in range(2):
        registrations.register(meeting, MembershipFactory(network=network).user)
    client.force_login(MembershipFactory(network=network).user)
    html = client.get(meeting.url).content.decode()
    assert f'action="/members/network/meetings/{meeting.pk}/register/"' in html


def test_register_and_cancel_through_the_views(client, meeting, member):
    client.force_login(member)
    response = client.post(
        f"/members/network/meetings/{meeting.pk}/register/", {"dietary_needs": "Vegetarian"}
    )
    assert response.status_code == 302
    registration = meeting.registrations.get(user=member)
    assert registration.status == "registered" and registration.dietary_needs == "Vegetarian"
    assert meeting.title in client.get("/members/network/my-meetings/").content.decode()
    client.post(f"/members/network/meetings/{meeting.pk}/cancel/", {"confirm": "yes"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert meeting.title not in client.get("/members/network/my-meetings/").content.decode()


def test_my_meetings_needs_login(client):
    response = client.get("/members/network/my-meetings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_network_index_and_home_page_list_what_is_public(client, home_page, network, meeting):
    MeetingPageFactory(parent=network, title="Hemlig planering", live=False)
    index_html = client.get("/networks/").content.decode()
    assert network.title in index_html
    home_html = client.get("/").content.decode()
    assert "Vårträffen" in home_html
    assert "Hemlig planering" not in home_html


def test_search_documents_leave_out_private_data(network_with_secret, meeting):
    meeting.minutes = "<p>Vi diskuterade nyckeltal.</p>"
    meeting.save()
    registrations.register(meeting, MembershipFactory(network=network_with_secret).user)
    for page, kind in (
        (network_with_secret, DocumentKind.NETWORK),
        (meeting, DocumentKind.MEETING),
    ):
        document = search_document_of(page)  # what search reads of the page
        assert document is not None and document.kind == kind
        text = " ".join(section.text + section.heading for section in document.sections)
        assert "Lösenordet" not in text
        assert "secret-room" not in text
    meeting_text = " ".join(s.text for s in meeting.search_document().sections)
    assert "nyckeltal" in meeting_text
    assert network_with_secret.search_document().country == ["SE"]


def test_search_document_includes_agenda_and_lessons(network):
    meeting = MeetingPageFactory(
        parent=network,
        agenda=[("item", {"title": "Riskbaserat urval", "speaker": "Karin Holm"})],
        lessons=[("lesson", {"title": "Börja smått", "text": "Pilot först.", "kind": "success"})],
    )
    document = MeetingPage.objects.get(pk=meeting.pk).search_document()
    texts = [(s.heading, s.text, s.standalone) for s in document.sections]
    assert ("Karin Holm", "Riskbaserat urval", False) in texts
    assert ("Börja smått", "Pilot först.", True) in texts
    assert NetworkPage.objects.get(pk=network.pk).search_document().language == "sv"
