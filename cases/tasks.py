"""Mail about submitted cases, sent by a task once the submission is committed.

The task takes the page's id and the language to write in; every message is sent at most once
(``portal.mail.send_once``), so a failed task can simply run again: ``manage.py
retry_mail_tasks``.

``import_document_task`` imports one file uploaded in the admin (cases/admin_views.py): the
extraction of a 300-page report runs here, in the worker, never in the request.
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .follow_up_mail import notify_moderators_of_outcome, send_follow_up_prompt
from .importing import ImportResult, Outcome, SourceFile, import_documents
from .models import CaseOutcome, CaseStudyPage, DocumentImport, FollowUp
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


@task()
def send_follow_up_prompt_task(follow_up_id: int, reminder: int = 0) -> int:
    """Ask a case's people what came of it (``reminder``: a moderator's reminder, numbered);
    returns how many were e-mailed. Re-checked here: a case unpublished, or a follow-up closed
    since it was queued, gets nothing."""
    follow_up = FollowUp.objects.select_related("case").filter(pk=follow_up_id).first()
    if follow_up is None:
        return 0
    return send_follow_up_prompt(follow_up, reminder)


def prompt_after_commit(follow_up: FollowUp, reminder: int = 0) -> None:
    """Enqueue the prompt (or reminder) once the current transaction commits."""
    args = (follow_up.pk, reminder)
    transaction.on_commit(lambda: send_follow_up_prompt_task.enqueue(*args))


@task()
def notify_moderators_of_outcome_task(outcome_id: int) -> int:
    """Tell the moderators a follow-up result awaits them; returns how many were e-mailed."""
    outcome = CaseOutcome.objects.select_related("case", "submitted_by").filter(pk=outcome_id)
    outcome = outcome.first()
    if outcome is None or outcome.status != CaseOutcome.Status.PENDING:
        return 0
    return notify_moderators_of_outcome(outcome)


def notify_moderators_of_outcome_after_commit(outcome: CaseOutcome) -> None:
    outcome_id = outcome.pk
    transaction.on_commit(lambda: notify_moderators_of_outcome_task.enqueue(outcome_id))


@task()
def import_document_task(import_id: int) -> str:
    """Import one uploaded file (a ``DocumentImport``) as the admin upload asked; returns the
    state it ends in. A file already done is left alone, so the task may safely run twice."""
    record = DocumentImport.objects.filter(pk=import_id).first()
    if record is None or record.finished:
        return record.state if record else ""
    DocumentImport.objects.filter(pk=record.pk).update(state=DocumentImport.State.RUNNING)
    if record.parent is None:
        result = ImportResult(
            f"upload:{record.name}", Outcome.FAILED, _("the case library has been deleted")
        )
    elif not record.file:
        result = ImportResult(
            f"upload:{record.name}", Outcome.FAILED, _("the uploaded file is gone")
        )
    else:

        def read() -> bytes:
            with record.file.open("rb") as stored:
                return stored.read()

        # Uploads are named by their file name: uploading it again updates its case.
        source = SourceFile(source=f"upload:{record.name}", size=record.size, read=read)
        with translation.override(record.interface_language or None):
            # One file, in its own transaction, exactly as the command imports it.
            (result,) = import_documents(
                [source],
                record.parent,
                publish=record.publish,
                language=record.language,
                user=record.user,
            ).results
    record.state = DocumentImport.State(result.outcome.value)
    record.message = result.message
    record.page = result.page if result.page is not None and result.page.pk else None
    record.finished_at = timezone.now()
    if record.file:
        record.file.delete(save=False)  # the case holds what it needs; nothing lingers here
    record.save()
    return record.state
