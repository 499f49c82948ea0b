"""The Wagtail admin's document import: the same import as the command, by upload.

The request only stores the files (``DocumentImport`` rows, the files in the default storage)
and enqueues one ``import_document_task`` per file once they are committed; reading a
300-page report happens in the worker. The upload then goes to a status page that shows
each file's state: queued, importing, imported (with a link to its case) or the reason it
failed. A file no worker has finished within ``STALLED_AFTER`` (its task was lost with a
process that died, or never reached the queue) can be resumed from there: the task is safe
to run twice.
"""

import uuid
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.models import ContentLanguage, is_moderator

from .importing import SUPPORTED_EXTENSIONS, DocumentError, SourceFile, check_file
from .models import CaseIndexPage, DocumentImport
from .tasks import import_document_task

# Reading and importing even a 300-page report takes well under a minute in the worker.
STALLED_AFTER = timedelta(minutes=10)


def can_import_documents(user) -> bool:
    return user.is_active and is_moderator(user)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's recipe for a file field that takes several files at once."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is for the import to report, alongside the others.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)]


class ImportDocumentsForm(forms.Form):
    files = MultipleFileField(
        label=_("Documents"),
        help_text=_(
            "One or more .html, .htm, .txt or .md files (at most 5 MB each), or PDF, Word "
            "(.docx) or OpenDocument (.odt) reports (at most 50 MB each). Each becomes a case "
            "study; its text goes into “approach”, and a report is attached to its case, "
            "where search reads all of it."
        ),
        widget=MultipleFileInput(attrs={"accept": ",".join(sorted(SUPPORTED_EXTENSIONS))}),
    )
    parent = forms.ModelChoiceField(
        label=_("Case library"), queryset=CaseIndexPage.objects.order_by("path")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Detect for each file")), *ContentLanguage.choices],
        required=False,
    )
    publish = forms.BooleanField(
        label=_("Publish"),
        required=False,
        help_text=_("Leave unticked to import drafts you can review first."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].initial = self.fields["parent"].queryset.first()


class ImportDocumentsView(WagtailAdminTemplateMixin, FormView):
    form_class = ImportDocumentsForm
    template_name = "cases/admin/import_documents.html"
    page_title = _("Import documents")
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not can_import_documents(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        batch = uuid.uuid4()
        queued: list[int] = []
        with transaction.atomic():
            for upload in form.cleaned_data["files"]:
                record = DocumentImport(
                    batch=batch,
                    name=upload.name[-255:],
                    size=upload.size,
                    parent=form.cleaned_data["parent"],
                    publish=form.cleaned_data["publish"],
                    language=form.cleaned_data["language"],
                    user=self.request.user,
                    interface_language=translation.get_language() or "",
                )
                try:
                    # Type and size only: a file that cannot be imported is not stored.
                    check_file(SourceFile(f"upload:{upload.name}", upload.size, upload.read))
                except DocumentError as error:
                    record.state = DocumentImport.State.FAILED
                    record.message = str(error)
                    record.finished_at = timezone.now()
                else:
                    record.file.save(upload.name, upload, save=False)
                record.save()
                if not record.finished:
                    queued.append(record.pk)
            # Each file is imported by its own task, in its own transaction, once committed.
            transaction.on_commit(lambda: [import_document_task.enqueue(pk) for pk in queued])
        return redirect("cases_import_status", batch=batch)


class ImportStatusView(WagtailAdminTemplateMixin, TemplateView):
    """The files of one upload and where each of them is."""

    template_name = "cases/admin/import_status.html"
    page_title = _("Import documents")
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not can_import_documents(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        imports = list(
            DocumentImport.objects.filter(batch=self.kwargs["batch"]).select_related("page")
        )
        if not imports:
            raise Http404
        return super().get_context_data(
            imports=imports,
            pending=sum(1 for record in imports if not record.finished),
            stalled=len(_stalled(imports)),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Resume the files of this upload that no worker has finished in time."""
        imports = DocumentImport.objects.filter(batch=self.kwargs["batch"])
        if not imports.exists():
            raise Http404
        stalled = [record.pk for record in _stalled(imports)]
        transaction.on_commit(lambda: [import_document_task.enqueue(pk) for pk in stalled])
        return redirect("cases_import_status", batch=self.kwargs["batch"])


def _stalled(imports) -> list[DocumentImport]:
    cutoff = timezone.now() - STALLED_AFTER
    return [record for record in imports if not record.finished and record.created_at < cutoff]
