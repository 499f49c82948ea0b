"""The moderators' e-mail goes out from a task, after commit, once, in the member's language."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from cases.tasks import notify_moderators_after_commit, notify_moderators_task
from tests.factories import CaseStudyPageFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderators(db):
    return [
        MemberFactory(email=f"moderator{number}@example.org", groups=["Moderators"])
        for number in range(2)
    ]


@pytest.fixture
def submitted_case(case_index):
    return CaseStudyPageFactory(parent=case_index, title="Nyckeltal", owner=MemberFactory())


def test_the_moderators_task_run_twice_emails_each_moderator_once(moderators, submitted_case):
    first = notify_moderators_task.enqueue(submitted_case.pk, "en")
    second = notify_moderators_task.enqueue(submitted_case.pk, "en")
    assert (first.return_value, second.return_value) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "moderator0@example.org",
        "moderator1@example.org",
    ]


def test_no_moderators_email_when_the_submission_is_rolled_back(
    moderators, submitted_case, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_moderators_after_commit(submitted_case)
        raise RuntimeError("the submission failed after all")
    assert mail.outbox == []


def test_the_moderators_email_keeps_the_members_language(
    moderators, submitted_case, django_capture_on_commit_callbacks
):
    """The task runs after the member's request: it writes in the language of that request."""
    with django_capture_on_commit_callbacks(execute=True), translation.override("da"):
        notify_moderators_after_commit(submitted_case)
    assert translation.get_language() == "en"  # when the task ran
    assert [m.subject for m in mail.outbox] == ["Ny erfaring til gennemgang: Nyckeltal"] * 2
