"""No one-click publishing from the moderation menus.

Wagtail's group approval task offers "Approve" (published at once, one click in the
dashboard's list of pages awaiting review) beside "Approve with comment" (a dialog first).
A misclick there publishes a member's submission for everyone to read, so only the actions
that open a dialog are offered: approving takes a second, deliberate click, and the comment
stays optional.
"""


def confirm_before_approving() -> None:
    from wagtail.models import GroupApprovalTask

    original = GroupApprovalTask.get_actions
    if getattr(original, "confirms_approval", False):
        return

    def get_actions(self, obj, user):
        return [
            (name, label, needs_dialog)
            for name, label, needs_dialog in original(self, obj, user)
            if needs_dialog or name != "approve"
        ]

    get_actions.confirms_approval = True
    GroupApprovalTask.get_actions = get_actions
