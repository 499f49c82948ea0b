"""A member saves a search from the results page and later sees what it found."""

import pytest
from django.utils.text import slugify

from tests.factories import MemberFactory

# The case published later holds the word (a match by words in hybrid mode); matching across
# languages by meaning is tested without a browser in tests/alerts/test_lifecycle.py.
QUERY = "chattbot"
TITLE = "Chattbot för bygglov"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_saves_a_search_and_sees_its_new_matches(page, live_server, log_in, publish_cases):
    """A case published after the search was saved shows up as new on My saved searches."""
    from alerts.matching import forget_saved_vectors
    from cases.models import CaseIndexPage, CaseStudyPage

    forget_saved_vectors()
    _cases, organisations = publish_cases(1)
    MemberFactory(username="saver")
    log_in("saver")

    page.goto(f"{live_server.url}/search/?q={QUERY}")
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_load_state()
    assert "/members/account/searches/" in page.url
    assert page.get_by_role("heading", name=f"“{QUERY}”").is_visible()
    assert page.get_by_text("Nothing new since you last looked").is_visible()

    new_case = CaseStudyPage(
        title=TITLE,
        slug=slugify(TITLE),
        summary="En chattbot svarar på frågor om bygglov dygnet runt.",
        language="sv",
        country="SE",
        start_date="2024-01-01",
        live=False,
    )
    new_case.organisations = [organisations["SE"]]
    CaseIndexPage.objects.get(slug="cases").add_child(instance=new_case)
    new_case.save_revision().publish()  # autocommit: indexing and matching run now
    from alerts.models import SavedSearch, SavedSearchMatch

    assert SavedSearch.objects.get().model_id, "the search was saved without its vector"
    assert SavedSearchMatch.objects.filter(page=new_case).exists()

    page.reload()
    matches = page.locator(".saved-search__matches li")
    assert TITLE in matches.all_inner_texts()[0]
    assert page.get_by_text("1 new since you last looked").is_visible()
    page.get_by_role("link", name=TITLE).click()
    assert page.get_by_role("heading", name=TITLE, level=1).is_visible()
