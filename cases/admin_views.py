"""The Wagtail admin's document import: the same import as the command, by upload."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.models import ContentLanguage, is_moderator

from .importing import SUPPORTED_EXTENSIONS, SourceFile, import_documents
from .models import CaseIndexPage


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
        files = [
            # Uploads are named by their file name: uploading it again updates its case.
            SourceFile(source=f"upload:{upload.name}", size=upload.size, read=upload.read)
            for upload in form.cleaned_data["files"]
        ]
        summary = import_documents(
            files,
            form.cleaned_data["parent"],
            publish=form.cleaned_data["publish"],
            language=form.cleaned_data["language"],
            user=self.request.user,
        )
        return self.render_to_response(
            self.get_context_data(form=self.form_class(), summary=summary)
        )
