"""Wagtail's workflow e-mails name the moderation workflow in the recipient's language."""

import pytest
from django.core import mail

from cases.models import CaseStudyPage
from portal.user_language import set_language
from tests.cases.test_submission import SHARE_URL, form_data
from tests.factories import MemberFactory

ENGLISH = "Moderators approval"
SWEDISH = "Moderatorernas godkännande"


@pytest.fixture
def member(db):
    return MemberFactory(email="erik@example.org")


def _moderator(email, language):
    moderator = MemberFactory(email=email, groups=["Moderators"])
    set_language(moderator, chosen=language)
    return moderator


def _wagtail_mail_to(address):
    return [
        message
        for message in mail.outbox
        if message.to == [address] and "New experience to review" not in message.subject
    ]


def test_a_swedish_moderator_reads_the_workflow_name_in_swedish(client, case_index, member):
    _moderator("sv@example.org", "sv")
    _moderator("en@example.org", "en")
    client.force_login(member)
    client.post(SHARE_URL, form_data())
    assert CaseStudyPage.objects.get().workflow_in_progress

    (swedish,) = _wagtail_mail_to("sv@example.org")
    assert SWEDISH in swedish.subject + swedish.body
    assert ENGLISH not in swedish.subject + swedish.body
    (english,) = _wagtail_mail_to("en@example.org")
    assert ENGLISH in english.subject + english.body
    assert SWEDISH not in english.subject + english.body


def test_a_swedish_member_reads_the_rejection_in_swedish(client, case_index, member):
    moderator = _moderator("en@example.org", "en")
    set_language(member, chosen="sv")
    client.force_login(member)
    client.post(SHARE_URL, form_data())
    task_state = CaseStudyPage.objects.get().current_workflow_task_state
    mail.outbox.clear()

    task_state.task.specific.on_action(task_state, moderator, "reject")

    (rejection,) = _wagtail_mail_to("erik@example.org")
    assert SWEDISH in rejection.body
    assert ENGLISH not in rejection.subject + rejection.body
