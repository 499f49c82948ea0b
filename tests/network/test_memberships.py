import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from network.models import Membership
from portal.models import COORDINATORS_GROUP
from tests.factories import MemberFactory, NetworkPageFactory

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db


def test_joining_an_open_network_makes_an_active_member_at_once(client, network_index):
    network = NetworkPageFactory(parent=network_index, join_policy="open")
    user = MemberFactory()
    client.force_login(user)
    response = client.post(f"/members/network/networks/{network.pk}/join/")
    assert response.status_code == 302
    membership = Membership.objects.get(network=network, user=user)
    assert membership.status == "active" and membership.since is not None
    assert network.is_active_member(user)


def test_joining_on_request_waits_for_a_coordinator(client, network, coordinator):
    user = MemberFactory()
    client.force_login(user)
    client.post(f"/members/network/networks/{network.pk}/join/")
    membership = Membership.objects.get(network=network, user=user)
    assert membership.status == "requested"
    assert not network.is_active_member(user)

    client.force_login(coordinator)
    page = client.get(network.url).content.decode()
    assert "Requests to join" in page or "Förfrågningar" in page or user.username in page
    client.post(f"/members/network/memberships/{membership.pk}/approve/")
    membership.refresh_from_db()
    assert membership.status == "active"


def test_coordinators_can_decline(client, network, coordinator):
    membership = Membership.objects.create(network=network, user=MemberFactory())
    client.force_login(coordinator)
    client.post(f"/members/network/memberships/{membership.pk}/decline/")
    membership.refresh_from_db()
    assert membership.status == "declined"


def test_coordinator_of_another_network_cannot_decide(client, network, other_network):
    membership = Membership.objects.create(network=network, user=MemberFactory())
    client.force_login(make_coordinator(other_network))
    response = client.post(f"/members/network/memberships/{membership.pk}/approve/")
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == "requested"


def test_members_cannot_approve_each_other(client, network, member):
    membership = Membership.objects.create(network=network, user=MemberFactory())
    client.force_login(member)
    assert client.post(f"/members/network/memberships/{membership.pk}/approve/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, network):
    response = client.post(f"/members/network/networks/{network.pk}/join/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Membership.objects.exists()


def test_joining_needs_a_post(client, network):
    client.force_login(MemberFactory())
    assert client.get(f"/members/network/networks/{network.pk}/join/").status_code == 405


def test_members_can_leave_and_ask_again(client, network, member):
    client.force_login(member)
    client.post(f"/members/network/networks/{network.pk}/leave/", {"confirm": "yes"})
    assert Membership.objects.get(user=member).status == "left"
    assert not network.is_active_member(member)
    client.post(f"/members/network/networks/{network.pk}/join/")
    assert Membership.objects.get(user=member).status == "requested"


def test_coordinators_are_derived_from_memberships(network, coordinator, member):
    assert list(network.coordinators) == [coordinator]
    assert network.can_be_managed_by(coordinator)
    assert not network.can_be_managed_by(member)


def test_coordinators_can_edit_their_own_network_only(
    network_index, network, other_network, coordinator
):
    """The Coordinators group may edit below the network index, but only in their networks."""
    GroupPagePermission.objects.create(
        group=Group.objects.get(name=COORDINATORS_GROUP),
        page=network_index,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    assert network.permissions_for_user(coordinator).can_edit()
    assert not other_network.permissions_for_user(coordinator).can_edit()
