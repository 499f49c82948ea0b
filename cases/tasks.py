"""Mail about submitted cases, sent by a task once the submission is committed.

The task takes the page's id and the language to write in; every message is sent at most once
(``portal.mail.send_once``), so a failed task can simply run again: ``manage.py
retry_mail_tasks``.
"""

from django.db import transaction
from django.utils import translation
from django_tasks import task

from .models import CaseStudyPage
from .submissions import notify_moderators


@task()
def notify_moderators_task(page_id: int, language: str) -> int:
    """Tell the moderators a case awaits them; returns how many were e-mailed."""
    page = CaseStudyPage.objects.select_related("owner").filter(pk=page_id).first()
    if page is None:
        return 0
    with translation.override(language):
        return notify_moderators(page)


def notify_moderators_after_commit(page: CaseStudyPage) -> None:
    """Enqueue the moderators' e-mail once the current transaction commits, written in the
    language that is active now (the submitting member's)."""
    page_id, language = page.pk, translation.get_language()
    transaction.on_commit(lambda: notify_moderators_task.enqueue(page_id, language))
