"""A gap from sv/da/en searches -> the IT network's tab -> an agenda item and a call for
experiences -> a Danish case is published -> the gap is answered by it."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from gaps.models import CallForExperiences, GapAgendaItem, SearchGap
from network.models import MeetingPage
from portal.user_language import set_language

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db

IT_SV = "nyckeltal för it-kostnader"
IT_DA = "nøgletal for it-omkostninger"
IT_EN = "benchmarking IT costs"
CLIMATE = "klimatanpassning i kommuner"
IT_COSTS_DA = "Styrelsen sammenligner it-omkostninger med fælles nøgletal på tværs af ministerier."


@pytest.fixture
def gaps_found(indexed, log_search, it_network, climate_network):
    log_search(IT_SV, 3)
    log_search(IT_DA, 2)
    log_search(IT_EN, 1)
    log_search(CLIMATE, 4)
    call_command("find_search_gaps", verbosity=0)
    return SearchGap.objects.get(label=IT_SV), SearchGap.objects.get(label=CLIMATE)


def _agenda_titles(meeting) -> list[str]:
    page = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision_as_object()
    return [item.value["title"] for item in page.agenda]


def test_from_searches_to_agenda_to_answered(
    client,
    gaps_found,
    it_network,
    climate_network,
    coordinator,
    member,
    meeting,
    make_page,
    django_capture_on_commit_callbacks,
):
    it_gap, climate_gap = gaps_found
    assert set(it_gap.networks.all()) == {it_network}
    assert set(climate_gap.networks.all()) == {climate_network}

    client.force_login(coordinator)
    tab = reverse("gaps:network_gaps", args=[it_network.pk])
    page = client.get(tab).content.decode()
    assert IT_SV in page and IT_DA in page and IT_EN.lower() in page
    assert CLIMATE not in page  # another network's gap

    agenda = reverse("gaps:add_to_agenda", args=[it_network.pk, it_gap.pk])
    with django_capture_on_commit_callbacks(execute=True):
        item = {"meeting": meeting.pk, "title": "Nyckeltal för it-kostnader"}
        assert client.post(agenda, item).status_code == 302
        client.post(agenda, item)  # a second click adds nothing
    assert _agenda_titles(meeting).count("Nyckeltal för it-kostnader") == 1
    assert GapAgendaItem.objects.filter(gap=it_gap, meeting=meeting).count() == 1
    description = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision_as_object().agenda[-1]
    assert IT_DA not in description.value["description"]  # logged searches stay on the tab
    # The meeting page itself never answers the gap it has on its agenda.
    assert SearchGap.objects.get(pk=it_gap.pk).status == SearchGap.Status.OPEN

    set_language(member, chosen="en")
    call = reverse("gaps:call_for_experiences", args=[it_network.pk, it_gap.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            call, {"title": "Hur följer ni upp IT-kostnader?", "text": "Dela era nyckeltal."}
        )
    assert CallForExperiences.objects.filter(network=it_network, gap=it_gap).count() == 1
    recipients = {message.to[0] for message in mail.outbox}
    assert {member.email, coordinator.email} <= recipients
    assert any("Hur följer ni upp IT-kostnader?" in m.subject for m in mail.outbox)
    (to_member,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "/en/members/cases/share/" in to_member.body  # in the member's language

    client.logout()
    public = client.get(it_network.url).content.decode()
    assert "Hur följer ni upp IT-kostnader?" in public and "Dela era nyckeltal." in public
    assert IT_DA not in public and IT_EN.lower() not in public

    danish = make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da")

    it_gap.refresh_from_db()
    assert it_gap.status == SearchGap.Status.ANSWERED
    assert it_gap.answered_by_id == danish.pk
    assert SearchGap.objects.get(pk=climate_gap.pk).status == SearchGap.Status.OPEN
    client.force_login(coordinator)
    page = client.get(tab).content.decode()
    assert "Benchmarking af it-udgifter" in page and danish.url in page


def test_a_restricted_page_answers_no_gap(
    gaps_found, make_page, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    it_gap, _climate = gaps_found
    hidden = make_page("Nøgletal", IT_COSTS_DA, language="da", publish=False)
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    with django_capture_on_commit_callbacks(execute=True):
        hidden.save_revision().publish()
    assert SearchGap.objects.get(pk=it_gap.pk).status == SearchGap.Status.OPEN


def test_the_periodic_run_catches_an_answer_whose_task_was_lost(gaps_found, make_page, monkeypatch):
    from gaps import tasks

    it_gap, _climate = gaps_found
    monkeypatch.setattr(tasks.answers, "answer_gaps", lambda page_id: [])
    make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da")
    monkeypatch.undo()
    assert SearchGap.objects.get(pk=it_gap.pk).status == SearchGap.Status.OPEN

    call_command("find_search_gaps", verbosity=0)

    assert SearchGap.objects.get(pk=it_gap.pk).status == SearchGap.Status.ANSWERED


def test_a_coordinator_of_another_network_adds_nothing(
    client, gaps_found, it_network, climate_network, meeting
):
    it_gap, _climate = gaps_found
    client.force_login(make_coordinator(climate_network))
    agenda = reverse("gaps:add_to_agenda", args=[it_network.pk, it_gap.pk])
    assert client.post(agenda, {"meeting": meeting.pk}).status_code == 403
    call = reverse("gaps:call_for_experiences", args=[it_network.pk, it_gap.pk])
    assert client.post(call, {"title": "x", "text": "y"}).status_code == 403
    # Through their own network: the gap is not theirs, the meeting not their network's.
    own = reverse("gaps:add_to_agenda", args=[climate_network.pk, it_gap.pk])
    assert client.post(own, {"meeting": meeting.pk}).status_code == 404
    assert not GapAgendaItem.objects.exists()
    assert not CallForExperiences.objects.exists()


AI_ACT = (
    "ai-förordningen högriskkrav",
    "eu ai act high-risk obligations",
    "ai-forordningen højrisiko",
)
# Search finds it for the Swedish label (a good match: "AI", "risk"), not for the others.
AI_CHATBOT_SV = (
    "Vi införde en AI-assistent i kundtjänsten som svarar på vanliga frågor dygnet runt. "
    "Riskanalys och dataskyddsbedömning gjordes innan start."
)
AI_ACT_DA = (
    "Styrelsen har klassificeret sine AI-systemer efter AI-forordningen og opfylder kravene "
    "til højrisikosystemer: risikostyring, datastyring, logning og menneskeligt tilsyn."
)


def test_a_page_that_shares_a_word_with_a_need_does_not_answer_it(
    indexed, log_search, it_network, make_page
):
    """The label alone is not enough: most of the gap's wordings must find the page."""
    for times, query in zip((3, 2, 2), AI_ACT, strict=True):
        log_search(query, times)
    call_command("find_search_gaps", verbosity=0)
    gap = SearchGap.objects.get(label=AI_ACT[0])
    assert gap.queries.count() == 3  # one need in three languages

    make_page("AI-assistent i kundtjänsten", AI_CHATBOT_SV)
    assert SearchGap.objects.get(pk=gap.pk).status == SearchGap.Status.OPEN

    answer = make_page("Højrisiko-AI efter AI-forordningen", AI_ACT_DA, language="da")
    gap.refresh_from_db()
    assert gap.status == SearchGap.Status.ANSWERED and gap.answered_by_id == answer.pk
