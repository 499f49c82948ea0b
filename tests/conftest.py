import pytest
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import clear_url_caches
from wagtail.models import Page, Site

from search.state import reset_caches
from tests.factories import HomePageFactory


@receiver(setting_changed)
def _language_prefixes_follow_the_default_language(*, setting, **kwargs):
    """The default language is the one without a prefix in the address: a test that changes
    LANGUAGE_CODE must not reverse addresses by prefixes cached under the previous default."""
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.fixture(autouse=True)
def fresh_search_caches():
    """Derived data cached by one test never passes for the next test's: index generations
    restart with each test's database state, PostgreSQL ids never repeat, and SQLite's do
    (so a fingerprint of counts and ids, as the catalogue's, can repeat with other content)."""
    reset_caches()
    cache.clear()
    yield
    reset_caches()
    cache.clear()


@pytest.fixture
def home_page(db):
    """The site's home page at the root of a default site, as `load_demo` would make it."""
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    home = HomePageFactory(parent=root, slug="home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Erfa"},
    )
    return home
