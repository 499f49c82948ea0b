import pytest
from wagtail.models import Page, Site

from search.state import reset_caches
from tests.factories import HomePageFactory


@pytest.fixture(autouse=True)
def fresh_search_caches():
    """Derived search data cached by one test never passes for the next test's: index
    generations restart with each test's database state, and PostgreSQL ids never repeat."""
    reset_caches()
    yield
    reset_caches()


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
