import pytest
from wagtail.models import PageViewRestriction

from portal.models import HomePageFeaturedPage
from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def featured_restricted_case(home_page):
    case = CaseStudyPageFactory(
        parent=CaseIndexPageFactory(parent=home_page),
        title="Intern pilot med AI",
        summary="Bara för inloggade: hur piloten gick.",
    )
    PageViewRestriction.objects.create(page=case, restriction_type="login")
    HomePageFeaturedPage.objects.create(home_page=home_page, page=case)
    return case


def test_anonymous_visitors_do_not_see_a_login_restricted_featured_case(
    client, featured_restricted_case
):
    """Neither the title nor the summary of a featured case behind a login reaches them."""
    html = client.get("/").content.decode()
    assert "Intern pilot med AI" not in html
    assert "Bara för inloggade" not in html


def test_signed_in_members_see_a_login_restricted_featured_case(client, featured_restricted_case):
    client.force_login(MemberFactory())
    html = client.get("/").content.decode()
    assert "Intern pilot med AI" in html
    assert "Bara för inloggade" in html
