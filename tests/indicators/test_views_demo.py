"""On the demo data, the scatter of technology against collaboration shows the two groups
of agencies Digg found: large citizen-facing ones high on technology, small ones high on
collaboration."""

import json

import pytest
from django.urls import reverse

from indicators import demo
from indicators.demo_data import LARGE, PROFILES
from tests.factories import OrganisationFactory
from tests.indicators import test_views_world as setup

fresh_peers = setup.fresh_peers  # clears the cached matrices around each test

pytestmark = pytest.mark.django_db


def test_the_default_scatter_shows_the_demo_datas_two_groups(client):
    for slug in PROFILES:
        OrganisationFactory(slug=slug, name=slug.replace("-", " ").title())
    demo.load()
    response = client.get(reverse("indicators:compare"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<circle class="point') == len(PROFILES)
    data = json.loads(client.get(reverse("indicators:compare"), {"format": "json"}).content)
    assert data["filters"]["x"].endswith(".technology-index")
    assert data["filters"]["y"].endswith(".collaboration-index")
    names = {slug.replace("-", " ").title(): group for slug, (*_rest, group) in PROFILES.items()}
    for name, _group_label, technology, collaboration in data["rows"]:
        if names[name] == LARGE:
            assert technology - collaboration > 10, name
        else:
            assert collaboration - technology > 10, name
