"""Approving a member's submission takes a dialog, never one click (issue 14: "Approve" in
the moderators' dashboard published at once)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import TaskState

from cases.models import CaseStudyPage
from tests.cases.test_submission import SHARE_URL, form_data
from tests.factories import MemberFactory


@pytest.fixture
def submitted(client, case_index):
    client.force_login(MemberFactory())
    client.post(SHARE_URL, form_data())
    page = CaseStudyPage.objects.get()
    assert page.workflow_in_progress
    return page


def test_the_moderators_are_offered_no_one_click_approval(submitted):
    moderator = MemberFactory(groups=["Moderators"])
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)
    actions = task_state.task.specific.get_actions(submitted, moderator)
    assert ("approve", True) in {(name, dialog) for name, _label, dialog in actions}
    assert all(dialog for name, _label, dialog in actions if name == "approve")


def test_the_dashboard_has_no_approve_button_that_publishes_at_once(client, submitted):
    moderator = MemberFactory(groups=["Moderators"])
    client.force_login(moderator)
    dashboard = BeautifulSoup(client.get("/admin/").content, "html.parser")
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=(submitted.pk, "approve", task_state.pk)
    )
    buttons = dashboard.select(f'button[data-workflow-action-url="{approve}"]')
    assert buttons  # approval is offered ...
    assert all(button.has_attr("data-launch-modal") for button in buttons)  # ... in a dialog


def test_approving_through_the_dialog_publishes_with_an_optional_comment(client, submitted):
    client.force_login(MemberFactory(groups=["Moderators"]))
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(submitted.pk, "approve", task_state.pk)
    )
    assert client.get(url).status_code == 200  # the dialog
    client.post(url, {"comment": ""})
    submitted.refresh_from_db()
    assert submitted.live
