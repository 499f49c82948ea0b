"""Outcome follow-up end to end: prompts at the milestones, the form, moderation, timeline."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from cases import follow_up
from cases.follow_up_mail import PROMPT_KIND
from cases.models import CaseContact, CaseOutcome, FollowUp
from cases.tasks import send_follow_up_prompt_task
from portal.models import SentEmail
from portal.user_language import set_language
from tests.factories import CaseStudyPageFactory, MemberFactory, UserFactory

ENDED = date(2024, 1, 15)


@pytest.fixture
def people(db):
    submitter = MemberFactory(username="sara", first_name="Sara", email="sara@example.org")
    contact = MemberFactory(username="kim", first_name="Kim", email="Kim@Example.dk")
    moderator = UserFactory(
        username="maja", email="maja@example.org", is_staff=True, groups=["Moderators"]
    )
    set_language(submitter, chosen="en")
    set_language(contact, chosen="da")
    return {
        "submitter": submitter,
        "contact": contact,
        "moderator": moderator,
        "other": MemberFactory(username="olle", email="olle@example.org"),
    }


@pytest.fixture
def case(case_index, people):
    page = CaseStudyPageFactory(
        parent=case_index,
        title="Digital ärendesortering",
        owner=people["submitter"],
        start_date=date(2023, 2, 1),
        end_date=ENDED,
        expected_results="Handläggningstiden halveras.",
    )
    # The contact's address differs in case from the account's: still the same person.
    page.contacts.add(CaseContact(name="Kim", email="kim@example.dk"))
    page.contacts.add(CaseContact(name="Extern", email="extern@example.org"))  # no account
    page.save()
    return page


def run_prompts(capture, day: str) -> list:
    """Run the cron command as if it were ``day``; returns the mail it sent."""
    before = len(mail.outbox)
    with capture(execute=True):
        call_command("send_follow_up_prompts", today=day, verbosity=0)
    return mail.outbox[before:]


def form_url(case, months=6) -> str:
    return f"/members/cases/{case.pk}/results/new/?milestone={months}"


def entry(**overrides) -> dict:
    data = {
        "milestone": "6",
        "reported_on": "2024-07-20",
        "what_happened": "Handläggningstiden sjönk från 30 till 14 dagar.",
        "key_figures": "30 → 14 dagar",
        "do_differently": "Involvera registratorerna tidigare.",
    }
    return data | overrides


def test_milestones_count_from_the_end_or_from_the_start_while_ongoing(case_index):
    ended = CaseStudyPageFactory(parent=case_index, end_date=date(2023, 8, 31))
    ongoing = CaseStudyPageFactory(
        parent=case_index, status="ongoing", start_date=date(2024, 3, 31), end_date=None
    )
    planned = CaseStudyPageFactory(parent=case_index, status="planned", end_date=None)
    assert follow_up.schedule(ended) == [(6, date(2024, 2, 29)), (12, date(2024, 8, 31))]
    assert follow_up.schedule(ongoing) == [(6, date(2024, 9, 30)), (12, date(2025, 3, 31))]
    assert follow_up.schedule(planned) == []


def test_prompts_go_at_both_milestones_in_each_persons_language_and_only_once(
    case, people, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert run_prompts(capture, "2024-07-14") == []  # the day before the 6-month milestone

    sent = run_prompts(capture, "2024-07-15")
    assert sorted(message.to[0] for message in sent) == ["Kim@Example.dk", "sara@example.org"]
    by_person = {message.to[0]: message for message in sent}
    english = by_person["sara@example.org"]
    assert english.subject == "What came of it? Digital ärendesortering"
    assert "6 months since the work in “Digital ärendesortering” ended" in english.body
    assert "Handläggningstiden halveras." in english.body  # what was expected
    assert f"/members/cases/{case.pk}/results/new/?milestone=6" in english.body
    # Kim reads Danish: the link opens the form in Danish.
    assert (
        f"/da/members/cases/{case.pk}/results/new/?milestone=6" in by_person["Kim@Example.dk"].body
    )

    # Cron runs again, the same day and the next: nobody is asked twice.
    assert run_prompts(capture, "2024-07-15") == []
    assert run_prompts(capture, "2024-07-16") == []

    twelve = run_prompts(capture, "2025-01-15")
    twelve_by_person = {message.to[0]: message.body for message in twelve}
    assert sorted(twelve_by_person) == ["Kim@Example.dk", "sara@example.org"]
    assert "12 months since" in twelve_by_person["sara@example.org"]
    assert "Det er nu 12 " in twelve_by_person["Kim@Example.dk"]  # in Danish, as Kim reads
    assert run_prompts(capture, "2025-01-20") == []
    assert sorted(FollowUp.objects.values_list("months", flat=True)) == [6, 12]
    assert SentEmail.objects.filter(kind=PROMPT_KIND).count() == 4


def test_a_prompt_task_run_again_sends_nothing_twice(
    case, people, django_capture_on_commit_callbacks
):
    run_prompts(django_capture_on_commit_callbacks, "2024-07-15")
    follow_up_row = FollowUp.objects.get()
    assert follow_up_row.prompted_at is not None
    outbox = len(mail.outbox)
    assert send_follow_up_prompt_task.call(follow_up_row.pk) == 0
    assert len(mail.outbox) == outbox


def test_a_prompt_lost_before_it_was_queued_goes_out_on_the_next_run(
    case, people, django_capture_on_commit_callbacks
):
    # The process died between the commit and the enqueue: the milestone is claimed, unsent.
    with django_capture_on_commit_callbacks(execute=False):
        call_command("send_follow_up_prompts", today="2024-07-15", verbosity=0)
    assert FollowUp.objects.get().prompted_at is None and mail.outbox == []
    assert len(run_prompts(django_capture_on_commit_callbacks, "2024-07-16")) == 2


def test_unpublished_cases_get_no_prompt(case, people, django_capture_on_commit_callbacks):
    case.unpublish()
    assert run_prompts(django_capture_on_commit_callbacks, "2024-07-15") == []
    assert not FollowUp.objects.exists()


def test_a_case_unpublished_after_its_prompt_was_queued_gets_none(
    case, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("send_follow_up_prompts", today="2024-07-15", verbosity=0)
    case.unpublish()
    for callback in queued:
        callback()
    assert mail.outbox == []


def test_milestones_long_past_are_not_asked_about(
    case_index, people, django_capture_on_commit_callbacks
):
    CaseStudyPageFactory(
        parent=case_index,
        owner=people["submitter"],
        start_date=date(2019, 1, 1),
        end_date=date(2020, 1, 1),
    )
    assert run_prompts(django_capture_on_commit_callbacks, "2024-07-15") == []


def test_the_prompted_form_adds_an_entry_that_is_shown_once_approved(
    client, case, people, django_capture_on_commit_callbacks
):
    """Prompt → form → moderated entry → the case's results timeline."""
    run_prompts(django_capture_on_commit_callbacks, "2024-07-15")
    client.force_login(people["contact"])
    response = client.get(form_url(case))
    assert response.status_code == 200
    assert response.context["form"]["milestone"].value() == "6"
    assert "Handläggningstiden halveras." in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(case), entry())
    assert response.status_code == 302 and response.url == case.url
    outcome = CaseOutcome.objects.get()
    assert (outcome.status, outcome.months, outcome.submitted_by) == (
        "pending",
        6,
        people["contact"],
    )
    to_moderators = [m for m in mail.outbox if "follow-up result to review" in m.subject]
    assert [m.to for m in to_moderators] == [["maja@example.org"]]
    assert f"/admin/cases/results/{outcome.pk}/" in to_moderators[0].body

    # Not shown until a moderator approves it.
    assert "sjönk från 30 till 14" not in client.get(case.url).content.decode()

    client.force_login(people["moderator"])
    review = client.get(f"/admin/cases/results/{outcome.pk}/")
    assert review.status_code == 200 and "sjönk från 30 till 14" in review.content.decode()
    client.post(f"/admin/cases/results/{outcome.pk}/", {"decision": "approve"})
    outcome.refresh_from_db()
    assert outcome.status == "approved" and outcome.moderated_by == people["moderator"]

    # A later 12-month entry, approved too: the timeline runs expected → 6 → 12 months.
    later = CaseOutcome.objects.create(
        case=case, months=12, reported_on=date(2025, 1, 20), what_happened="Tiden höll i sig."
    )
    follow_up.decide(later, people["moderator"], approve=True)
    client.logout()
    with translation.override("en"):
        html = client.get(case.url).content.decode()
    expected, six, twelve = (
        html.index("Handläggningstiden halveras."),
        html.index("sjönk från 30 till 14"),
        html.index("Tiden höll i sig."),
    )
    assert expected < six < twelve
    assert "6 months" in html and "12 months" in html and "30 → 14 dagar" in html
    assert "Add a result" not in html  # anonymous visitors may not add one


def test_rejected_entries_are_not_shown(client, case, people):
    outcome = CaseOutcome.objects.create(case=case, months=6, what_happened="Zqrejectedtext")
    client.force_login(people["moderator"])
    client.post(f"/admin/cases/results/{outcome.pk}/", {"decision": "reject", "comment": "Nej"})
    outcome.refresh_from_db()
    assert outcome.status == "rejected" and outcome.moderator_comment == "Nej"
    assert "Zqrejectedtext" not in client.get(case.url).content.decode()
    # The first decision stands.
    assert not follow_up.decide(outcome, people["moderator"], approve=True)


def test_only_the_cases_people_and_moderators_may_add_an_entry(client, case, people):
    """Another member cannot add a result to someone else's case."""
    client.force_login(people["other"])
    assert client.get(form_url(case)).status_code == 403
    assert client.post(form_url(case), entry()).status_code == 403
    assert not CaseOutcome.objects.exists()
    assert "Add a result" not in client.get(case.url).content.decode()

    client.logout()
    response = client.get(form_url(case))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")

    for allowed in ("submitter", "contact", "moderator"):
        client.force_login(people[allowed])
        assert client.get(form_url(case)).status_code == 200
    assert "Add a result" in client.get(case.url).content.decode()

    case.unpublish()
    assert client.get(form_url(case)).status_code == 404


def test_an_entry_cannot_be_dated_in_the_future(client, case, people):
    client.force_login(people["submitter"])
    response = client.post(form_url(case), entry(reported_on="2999-01-01"))
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert not CaseOutcome.objects.exists()


def test_the_case_library_filters_cases_with_follow_up_results(client, case_index, case):
    pending_only = CaseStudyPageFactory(parent=case_index, title="Bara väntande")
    CaseStudyPageFactory(parent=case_index, title="Utan resultat")
    CaseOutcome.objects.create(case=case, months=6, what_happened="Ja", status="approved")
    CaseOutcome.objects.create(case=pending_only, months=6, what_happened="Kanske")

    response = client.get("/cases/?results=with")
    assert [page.title for page in response.context["cases"]] == ["Digital ärendesortering"]
    facet = {f.name: f for f in response.context["case_filter"].facets}["results"]
    assert [(option.value, option.count, option.selected) for option in facet.options] == [
        ("with", 1, True)
    ]
    assert "With follow-up results" in response.content.decode()
    assert len(client.get("/cases/").context["cases"]) == 3
    # An unknown value selects nothing and filters nothing.
    assert len(client.get("/cases/?results=zz").context["cases"]) == 3
