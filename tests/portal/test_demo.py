from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from portal.models import HomePage, Organisation, Topic

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "pages": Page.objects.count(),
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_load_demo_is_idempotent():
    """Running load_demo twice creates nothing new the second time."""
    call_command("load_demo", stdout=StringIO())
    first = _counts()
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first


def test_demo_covers_both_countries_and_sets_up_the_site():
    call_command("load_demo", stdout=StringIO())
    assert Organisation.objects.filter(country="SE").count() >= 8
    assert Organisation.objects.filter(country="DK").count() >= 8
    assert Topic.objects.count() >= 10
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
