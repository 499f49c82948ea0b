"""The case page's admin form: the records rules an editor meets before publishing.

It lives beside the models because Wagtail takes it at class definition (base_form_class)."""

from wagtail.admin.forms import WagtailAdminPageForm

from .records import AccessRights, non_public_refusal

# The submit buttons of Wagtail's page editor that publish now or lead to publication.
_PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


class CaseStudyPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("access_rights") == AccessRights.NON_PUBLIC
            and self._leads_to_publication()
        ):
            self.add_error("access_rights", non_public_refusal())
        return cleaned_data

    def _leads_to_publication(self) -> bool:
        if any(self.data.get(action) for action in _PUBLISHING_ACTIONS):
            return True
        if self.data.get("action-workflow-action"):
            return self.data.get("workflow-action-name") == "approve"
        # A case awaiting moderation would be published by the moderator's approval.
        instance = self.instance
        return (
            bool(instance.pk)
            and instance.workflow_in_progress
            and not self.data.get("action-cancel-workflow")
        )
