from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import COORDINATORS_GROUP
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)


@pytest.fixture
def network_index(home_page):
    return NetworkIndexPageFactory(parent=home_page)


@pytest.fixture
def network(network_index):
    return NetworkPageFactory(parent=network_index, title="Analysnätverket i staten")


@pytest.fixture
def other_network(network_index):
    return NetworkPageFactory(parent=network_index, title="Tilsynsnetværket", country="DK")


def make_coordinator(network):
    user = MemberFactory(groups=["Members", COORDINATORS_GROUP])
    MembershipFactory(network=network, user=user, role="coordinator")
    return user


@pytest.fixture
def coordinator(network):
    return make_coordinator(network)


@pytest.fixture
def member(network):
    """An active member of ``network``."""
    return MembershipFactory(network=network).user


@pytest.fixture
def meeting(network):
    """A members-only meeting in two weeks with two seats and an online link."""
    start = timezone.now() + timedelta(days=14)
    return MeetingPageFactory(
        parent=network,
        title="Vårträffen",
        start=start,
        end=start + timedelta(hours=3),
        capacity=2,
        format="hybrid",
        online_link="https://meet.example/secret-room",
        audience="members",
    )
