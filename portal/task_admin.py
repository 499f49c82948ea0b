"""The Wagtail admin's list of background tasks that failed for good, with a re-run button.

Administrators only: a task's arguments may name people (a registration, a message). Each
task is idempotent, so re-running one that half-succeeded does no harm (portal/task_queue.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .task_queue import QueueKind, failed_tasks, queue_kind, rerun


def can_manage_tasks(user) -> bool:
    return user.is_active and user.is_superuser


class FailedTasksView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "portal/admin/failed_tasks.html"
    page_title = _("Failed background tasks")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_tasks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kind = queue_kind()
        return super().get_context_data(
            tasks=failed_tasks(),
            queue_kind=kind,
            keeps_failures=kind in {QueueKind.DATABASE, QueueKind.RQ},
            **kwargs,
        )


@require_POST
def rerun_task(request, task_id: str):
    if not can_manage_tasks(request.user):
        raise PermissionDenied
    if rerun(task_id):
        messages.success(request, _("The task was queued to run again."))
    else:
        messages.warning(request, _("That task is no longer in the list of failed tasks."))
    return redirect("portal_failed_tasks")
