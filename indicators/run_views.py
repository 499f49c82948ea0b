"""Saved runs: the list, the form that starts one, its page by share link, re-running and
downloads. A run using a members-only series shows only to members, by link too
(``runs.run_is_visible``); everything else answers 404 to others, as if the run did not exist."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.csv_export import table_response
from portal.models import is_member, is_moderator

from .filters import IndicatorFilterForm
from .models import IndicatorRun
from .run_charts import group_summary, indicator_names, run_chart
from .run_forms import RunForm
from .runs import newer_data_exists, run_is_visible
from .tasks import enqueue_run
from .versions import data_version

REFRESH_SECONDS = 3  # how often a queued or running run's page reloads itself
EXPORT_FORMATS = ("csv", "xlsx", "json")


def _visible_run_or_404(request, share_token) -> IndicatorRun:
    run = get_object_or_404(IndicatorRun, share_token=share_token)
    if not run_is_visible(run, request=request):
        raise Http404  # the same answer whether the run is hidden or absent
    return run


def _filter_labels(result: dict) -> list[str]:
    """The run's filters in words ("Country: Denmark"), in the visitor's language."""
    fields = IndicatorFilterForm().fields
    labels = []
    for name, value in (result.get("filters") or {}).items():
        if value and name in fields:
            choices = {str(key): label for key, label in fields[name].choices}
            labels.append(f"{fields[name].label}: {choices.get(str(value), value)}")
    return labels


def _may_rerun(user, run: IndicatorRun) -> bool:
    if not is_member(user):
        return False
    return run.created_by_id is None or run.created_by_id == user.pk or is_moderator(user)


def run_list(request):
    """The visitor's own runs and the site's shared ones (demo runs have no author), each
    saying when it was computed and whether newer data exists."""
    shared = Q(created_by__isnull=True)
    mine = Q(created_by=request.user) if request.user.is_authenticated else Q(pk__in=[])
    runs = [
        run
        for run in IndicatorRun.objects.filter(shared | mine).order_by("-created_at")[:200]
        if run_is_visible(run, request=request)
    ]
    current = data_version()
    for run in runs:
        run.newer_data = newer_data_exists(run, current)
    return render(
        request,
        "indicators/runs/run_list.html",
        {"runs": runs, "can_create": is_member(request.user)},
    )


@login_required
def run_create(request):
    if not is_member(request.user):
        raise PermissionDenied
    form = RunForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        run = IndicatorRun.objects.create(
            title=form.cleaned_data["title"],
            method=form.cleaned_data["method"],
            parameters=form.parameters(),
            created_by=request.user,
        )
        enqueue_run(run)
        return redirect("indicator_runs:detail", share_token=run.share_token)
    return render(request, "indicators/runs/run_form.html", {"form": form})


def run_detail(request, share_token):
    run = _visible_run_or_404(request, share_token)
    chart = run_chart(run)
    pending = run.status in (IndicatorRun.Status.QUEUED, IndicatorRun.Status.RUNNING)
    return render(
        request,
        "indicators/runs/run_detail.html",
        {
            "run": run,
            "chart": chart,
            "names": indicator_names(run.result or {}),
            "groups": group_summary(run.result or {}),
            "filter_labels": _filter_labels(run.result or run.parameters),
            "refresh_seconds": REFRESH_SECONDS if pending else None,
            "newer_data": newer_data_exists(run),
            "may_rerun": _may_rerun(request.user, run),
        },
    )


@require_POST
@login_required
def run_rerun(request, share_token):
    """Compute the run again on today's data (its parameters unchanged)."""
    run = _visible_run_or_404(request, share_token)
    if not _may_rerun(request.user, run):
        raise PermissionDenied
    enqueue_run(run)
    return redirect("indicator_runs:detail", share_token=run.share_token)


def run_download(request, share_token):
    """The run's table as CSV or XLSX (for people) or its whole result as JSON (for machines)."""
    export_format = request.GET.get("format", "json")
    if export_format not in EXPORT_FORMATS:
        raise Http404
    run = _visible_run_or_404(request, share_token)
    chart = run_chart(run)
    if chart is None:
        raise Http404  # nothing computed yet
    if export_format != "json":
        return table_response(f"run-{run.share_token}", chart.header(), chart.rows, export_format)
    document = {
        "title": run.title,
        "method": run.method,
        "parameters": run.parameters,
        "data_version": run.data_version,
        "computed_at": run.computed_at.isoformat() if run.computed_at else None,
        "result": run.result,
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="run-{run.share_token}.json"'
    return response
