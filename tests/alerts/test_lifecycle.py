"""Saved search -> publish -> one digest with the right items -> nothing twice -> unsubscribe."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageViewRestriction

from alerts import digests
from alerts.models import AlertSetting, Frequency, SavedSearch, SavedSearchMatch
from portal.user_language import set_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IT_COSTS_SV = "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal."
IT_COSTS_DA = "Styrelsen sammenligner it-omkostninger med fælles nøgletal på tværs af ministerier."
MATURITY_SV = "Vi mäter digital mognad i förvaltningen med en enkät varje år."
QUERY = "nyckeltal it-kostnader"


def _save(client, user, query=QUERY, **extra) -> SavedSearch:
    client.force_login(user)
    response = client.post(reverse("alerts:save"), {"q": query, "mode": "hybrid", **extra})
    assert response.status_code == 302
    return SavedSearch.objects.get(user=user, query=query)


@pytest.fixture
def indexed(make_page):
    """Something indexed already, as on any running site: the saved query has a model."""
    return make_page("Mognadsmätning", MATURITY_SV)


def test_a_danish_case_reaches_a_swedish_saved_search_once(
    client, indexed, make_page, django_capture_on_commit_callbacks
):
    user = UserFactory(email="anna@example.org")
    set_language(user, chosen="en")
    saved = _save(client, user)
    saved.frequency = Frequency.IMMEDIATELY
    saved.save()
    assert saved.model_id and len(saved.vector_array()) == 384

    danish = make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da")

    assert list(SavedSearchMatch.objects.values_list("page_id", flat=True)) == [danish.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "Benchmarking af it-udgifter" in message.body
    assert "nøgletal" in message.body  # the snippet
    assert "Mognadsmätning" not in message.body
    html = message.alternatives[0][0]
    assert "<mark>" in html or "nøgletal" in html
    # Written in the recipient's language: the links carry the English prefix.
    unsubscribe_url = re.search(r"https?://\S+/unsubscribe/\S+/", message.body).group(0)
    assert "/en/members/account/searches/unsubscribe/" in unsubscribe_url
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Published again (an edit), collected and sent nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        danish.save_revision().publish()
    call_command("send_search_digests", verbosity=0)
    assert digests.send_digest(saved.pk) == 0
    assert len(mail.outbox) == 1
    assert SavedSearchMatch.objects.count() == 1

    # One click, no login: GET asks, POST stops the e-mails.
    client.logout()
    path = unsubscribe_url.split("example", 1)[-1].split("/", 1)[-1]
    path = "/" + path
    with translation.override("en"):
        asked = client.get(path)
    assert asked.status_code == 200
    assert SavedSearch.objects.get(pk=saved.pk).frequency == Frequency.IMMEDIATELY
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert SavedSearch.objects.get(pk=saved.pk).frequency == Frequency.NEVER

    make_page("Nøgletal for it-udgifter", IT_COSTS_DA + " Igen.", language="da")
    assert SavedSearchMatch.objects.count() == 2  # still collected, listed on the site
    assert len(mail.outbox) == 1


def test_a_forged_token_unsubscribes_nothing(client, indexed):
    user = UserFactory()
    saved = _save(client, user)
    client.logout()
    response = client.post(reverse("alerts:unsubscribe", args=["forged:token"]))
    assert response.status_code == 404
    assert SavedSearch.objects.get(pk=saved.pk).frequency == Frequency.DAILY


def test_daily_digest_lists_new_matches_and_drops_pages_unpublished_before_sending(
    client, indexed, make_page, django_capture_on_commit_callbacks
):
    user = UserFactory()
    saved = _save(client, user)  # daily by default
    swedish = make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    danish = make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da")
    assert set(saved.matches.values_list("page_id", flat=True)) == {swedish.pk, danish.pk}
    assert mail.outbox == []  # daily: nothing until the digest is due

    with django_capture_on_commit_callbacks(execute=True):
        swedish.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_search_digests", verbosity=0)
    assert len(mail.outbox) == 1
    assert "Benchmarking af it-udgifter" in mail.outbox[0].body
    assert "Nyckeltal för IT-kostnader" not in mail.outbox[0].body
    assert not saved.matches.filter(page_id=swedish.pk).exists()  # dropped

    # Not due again within the day, and nothing new to send anyway.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_search_digests", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_restricted_page_is_never_sent_to_a_non_member(
    client, indexed, make_page, home_page, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from portal.models import StandardPage

    group = Group.objects.create(name="Nätverk A")
    member = UserFactory(username="member")
    member.groups.add(group)
    outsider = UserFactory(username="outsider")
    for user in (member, outsider):
        saved = _save(client, user)
        saved.frequency = Frequency.IMMEDIATELY
        saved.save()
    closed = StandardPage(title="Internt", slug="internt", intro="Internt")
    home_page.add_child(instance=closed)
    restriction = PageViewRestriction.objects.create(
        page=closed, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)

    secret = make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV, parent=closed)

    assert list(SavedSearchMatch.objects.values_list("saved_search__user", "page")) == [
        (member.pk, secret.pk)
    ]
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_pause_all_holds_every_digest(client, indexed, make_page):
    user = UserFactory()
    saved = _save(client, user)
    client.post(reverse("alerts:pause"), {"paused": "1"})
    assert AlertSetting.is_paused(user)
    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    assert saved.matches.count() == 1
    assert not digests.due_saved_searches().exists()
    assert digests.send_digest(saved.pk) == 0
    client.post(reverse("alerts:pause"), {"paused": "0"})
    assert digests.send_digest(saved.pk) == 1
    assert len(mail.outbox) == 1


def test_an_unrelated_saved_search_is_not_matched(client, indexed, make_page):
    user = UserFactory()
    saved = _save(client, user, query="vinterväghållning av cykelbanor")
    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    assert not saved.matches.exists()


def test_saved_filters_apply(client, indexed, make_page):
    user = UserFactory()
    saved = _save(client, user, country="DK")
    assert saved.filters == {"country": ["DK"]}
    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    danish = make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da", country=("DK",))
    assert list(saved.matches.values_list("page_id", flat=True)) == [danish.pk]


def test_the_list_shows_what_is_new_since_the_last_look(client, indexed, make_page):
    user = UserFactory()
    saved = _save(client, user)
    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    with translation.override("en"):
        first = client.get(reverse("alerts:saved_searches")).content.decode()
        assert "1 new since you last looked" in first
        assert "Nyckeltal för IT-kostnader" in first
        second = client.get(reverse("alerts:saved_searches")).content.decode()
        assert "Nothing new since you last looked" in second
    client.post(reverse("alerts:update", args=[saved.pk]), {f"s{saved.pk}-frequency": "weekly"})
    assert SavedSearch.objects.get(pk=saved.pk).frequency == Frequency.WEEKLY
    client.post(reverse("alerts:delete", args=[saved.pk]))
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_saving_twice_keeps_one_and_others_cannot_touch_it(client, indexed):
    owner = UserFactory()
    saved = _save(client, owner)
    _save(client, owner)
    assert SavedSearch.objects.filter(user=owner).count() == 1
    client.force_login(UserFactory(username="other"))
    assert client.post(reverse("alerts:delete", args=[saved.pk])).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
