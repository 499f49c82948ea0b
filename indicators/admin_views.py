"""The Wagtail admin's indicator import: upload, preview the report, then confirm.

The upload is checked at once and nothing is written: the preview shows the counts, the first
bad rows with their row numbers and reasons, and a sample of valid rows. Confirming queues the
import as a background task (``import_jobs``); the same page then shows its progress,
reloading itself, and finally the report. The file is kept in
the default storage under its checksum, so that confirming reads exactly the file that was
previewed, checked again against the data as it is then (someone may have imported since).
"Import" is offered only for a file without errors; "Import the N valid rows" otherwise.
"""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.models import Organisation, is_moderator

from .import_files import SUPPORTED_EXTENSIONS
from .import_jobs import stored_file_name
from .importing import analyse, record_preview
from .models import ImportBatch, Indicator, IndicatorSeries, Observation
from .tasks import queue_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SHOWN_PROBLEMS = 50
SAMPLE_ROWS = 10
REFRESH_SECONDS = 2  # the status page reloads itself while the import runs


def can_import_indicators(user) -> bool:
    return user.is_active and is_moderator(user)


class ModeratorsOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_import_indicators(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportIndicatorsForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX. Long form: organisation, indicator, year, value (and note). Wide form: "
            "organisation, indicator and one column per year; or organisation, year and one "
            "column per indicator code. Organisations are matched by name, short name or slug."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=IndicatorSeries.objects.order_by("code"),
        to_field_name="code",
        required=False,
        help_text=_(
            "The series bare indicator codes belong to. Leave empty when codes are unique."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if PurePath(upload.name).suffix.lower() not in SUPPORTED_EXTENSIONS:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class ImportIndicatorsView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, FormView):
    form_class = ImportIndicatorsForm
    template_name = "indicators/admin/import_indicators.html"
    page_title = _("Import indicator data")
    header_icon = "table"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        series = form.cleaned_data["series"]
        report = analyse(upload.name, data, series=series.code if series else None)
        batch = record_preview(report, self.request.user)
        name = stored_file_name(batch)
        if not report.file_error and not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))
        self.request.session[f"indicator_import_{batch.pk}"] = {
            "series": series.code if series else "",
            "sample": _sample_rows(report),
        }
        return redirect("indicators_import_preview", batch_id=batch.pk)


class ImportPreviewView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The report of one upload; while previewed, the buttons that import it."""

    template_name = "indicators/admin/import_preview.html"
    page_title = _("Import indicator data")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        batch = get_object_or_404(ImportBatch, pk=self.kwargs["batch_id"])
        working = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.IMPORTING)
        stored = self.request.session.get(f"indicator_import_{batch.pk}", {})
        rows_valid = batch.rows_created + batch.rows_updated + batch.rows_unchanged
        return super().get_context_data(
            batch=batch,
            problems=batch.report[:SHOWN_PROBLEMS],
            more_problems=max(0, len(batch.report) - SHOWN_PROBLEMS),
            sample=stored.get("sample", []) if batch.status == ImportBatch.Status.PREVIEWED else [],
            rows_valid=rows_valid,
            can_confirm=batch.status == ImportBatch.Status.PREVIEWED
            and rows_valid > 0
            and not (batch.report and batch.report[0].get("reason_code") == "bad_file"),
            refresh_seconds=REFRESH_SECONDS if working else 0,
            progress_percent=_percent(batch.progress_rows, batch.progress_total),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        batch = get_object_or_404(
            ImportBatch, pk=self.kwargs["batch_id"], status=ImportBatch.Status.PREVIEWED
        )
        valid_rows_only = request.POST.get("mode") == "valid"
        name = stored_file_name(batch)
        if not default_storage.exists(name):
            messages.error(
                request, gettext("The uploaded file is no longer stored; upload it again.")
            )
            return redirect("indicators_import")
        series = request.session.get(f"indicator_import_{batch.pk}", {}).get("series") or None
        queue_import(batch, valid_rows_only=valid_rows_only, series=series)
        return redirect("indicators_import_preview", batch_id=batch.pk)


def _percent(done: int, total: int) -> int:
    return min(100, round(100 * done / total)) if total else 0


def _sample_rows(report, count: int = SAMPLE_ROWS) -> list[dict]:
    """A few valid new or corrected rows, readable (names, not ids), kept for the preview."""
    new, changed = report.to_create[:count], report.to_update[:count]
    organisations = dict(
        Organisation.objects.filter(pk__in={row[2] for row in new}).values_list("id", "name")
    )
    codes = dict(Indicator.objects.filter(pk__in={row[1] for row in new}).values_list("id", "code"))
    sample = [
        {
            "row": number,
            "organisation": organisations.get(organisation_id, ""),
            "indicator": codes.get(indicator_id, ""),
            "year": year,
            "value": value,
            "old_value": None,
        }
        for number, indicator_id, organisation_id, year, value, _note in new
    ]
    stored = {
        pk: (organisation, code, year)
        for pk, organisation, code, year in Observation.objects.filter(
            pk__in={row[1] for row in changed}
        ).values_list("id", "organisation__name", "indicator__code", "year")
    }
    for number, observation_id, value, _note, old_value, _old_note in changed:
        organisation, code, year = stored.get(observation_id, ("", "", ""))
        sample.append(
            {
                "row": number,
                "organisation": organisation,
                "indicator": code,
                "year": year,
                "value": value,
                "old_value": old_value,
            }
        )
    return sorted(sample, key=lambda entry: entry["row"])[:count]
