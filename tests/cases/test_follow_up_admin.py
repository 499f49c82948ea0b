"""Moderators' follow-up tools: overdue follow-ups, reminding and closing them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cases.follow_up import add_months, overdue_follow_ups, schedule
from cases.models import CaseContact, CaseOutcome, FollowUp
from tests.factories import CaseStudyPageFactory, MemberFactory, UserFactory

OVERDUE_URL = "/admin/cases/follow-ups/"


@pytest.fixture
def moderator(db):
    return UserFactory(
        username="maja", email="maja@example.org", is_staff=True, groups=["Moderators"]
    )


@pytest.fixture
def submitter(db):
    return MemberFactory(username="sara", email="sara@example.org")


def prompted_case(case_index, submitter, capture, *, months_ago: int, title: str):
    """A case that ended ``months_ago`` months ago, whose 6-month prompt has gone out."""
    today = timezone.localdate()
    case = CaseStudyPageFactory(
        parent=case_index,
        title=title,
        owner=submitter,
        start_date=add_months(today, -months_ago - 12),
        end_date=add_months(today, -months_ago),
    )
    case.contacts.add(CaseContact(name="Sara", email=submitter.email))
    case.save()
    (six_months, due_on), _twelve = schedule(case)
    assert six_months == 6
    with capture(execute=True):
        call_command("send_follow_up_prompts", today=str(due_on), verbosity=0)
    return case


def test_moderators_see_overdue_follow_ups_and_remind_and_close_them(
    client, case_index, moderator, submitter, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    overdue = prompted_case(case_index, submitter, capture, months_ago=8, title="Försenad")
    answered = prompted_case(case_index, submitter, capture, months_ago=8, title="Besvarad")
    CaseOutcome.objects.create(case=answered, months=6, what_happened="Det gick bra.")
    recent = prompted_case(case_index, submitter, capture, months_ago=6, title="Nyss frågad")
    assert len(mail.outbox) == 3  # one prompt each (the submitter is also the contact)
    assert FollowUp.objects.filter(case=recent).exists()

    client.force_login(moderator)
    response = client.get(OVERDUE_URL)
    assert response.status_code == 200
    # Two months past with no entry; an answered one and one still within its grace are not.
    assert [row.case.title for row in response.context["overdue"]] == ["Försenad"]
    row = response.context["overdue"][0]

    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(f"/admin/cases/follow-ups/{row.pk}/remind/")
    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [
        # Sara has chosen no language: the site's own, Swedish.
        (["sara@example.org"], "Påminnelse – vad ledde det till? Försenad")
    ]
    row.refresh_from_db()
    assert (row.reminders, row.reminded_by) == (1, moderator)
    # A second reminder is a new message (recorded apart), not blocked as a repeat.
    with capture(execute=True):
        client.post(f"/admin/cases/follow-ups/{row.pk}/remind/")
    assert len(mail.outbox) == 2
    row.refresh_from_db()
    assert row.reminders == 2
    assert "Försenad" in client.get(OVERDUE_URL).content.decode()  # still unanswered

    client.post(f"/admin/cases/follow-ups/{row.pk}/close/")
    row.refresh_from_db()
    assert row.closed and row.closed_by == moderator
    # The later milestone is closed with it: no prompt at 12 months, nothing listed.
    twelve = FollowUp.objects.get(case=overdue, months=12)
    assert twelve.closed
    assert list(overdue_follow_ups()) == []
    mail.outbox.clear()
    with capture(execute=True):
        call_command("send_follow_up_prompts", today=str(twelve.due_on), verbosity=0)
        client.post(f"/admin/cases/follow-ups/{row.pk}/remind/")  # refused once closed
    assert [m.subject for m in mail.outbox if "Försenad" in m.subject] == []


def test_an_unpublished_case_is_not_overdue(
    case_index, submitter, django_capture_on_commit_callbacks
):
    case = prompted_case(
        case_index, submitter, django_capture_on_commit_callbacks, months_ago=8, title="Borta"
    )
    assert list(overdue_follow_ups()) != []
    case.unpublish()
    assert list(overdue_follow_ups()) == []


def test_follow_up_admin_is_for_moderators_only(
    client, case_index, submitter, django_capture_on_commit_callbacks
):
    case = prompted_case(
        case_index, submitter, django_capture_on_commit_callbacks, months_ago=8, title="Privat"
    )
    outcome = CaseOutcome.objects.create(case=case, months=6, what_happened="Väntar")
    row = FollowUp.objects.get(case=case)
    editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
    client.force_login(editor)
    for url in (OVERDUE_URL, "/admin/cases/results/", f"/admin/cases/results/{outcome.pk}/"):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/admin/cases/results/{outcome.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    assert client.post(f"/admin/cases/follow-ups/{row.pk}/remind/").status_code == 403
    assert client.post(f"/admin/cases/follow-ups/{row.pk}/close/").status_code == 403
    outcome.refresh_from_db()
    row.refresh_from_db()
    assert outcome.status == "pending" and row.reminders == 0 and not row.closed
