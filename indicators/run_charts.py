"""A finished run as a chart over its table (datalab/charts.py): the SVG drawing, the table
beneath it and the CSV download all come from the same rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datalab.charts import PALETTE, Chart, Point, ScatterPlot, Series, bar_plot, spread

from .models import IndicatorRun

Method = IndicatorRun.Method


@dataclass(frozen=True)
class RunScatter(ScatterPlot):
    """A scatter of agencies on two indicators, with the axes named."""

    x_label: str = ""
    y_label: str = ""
    template = "indicators/runs/scatter.html"


def indicator_names(result: dict, language: str | None = None) -> list[str]:
    language = (language or get_language() or "sv")[:2]
    names = []
    for indicator in result.get("indicators", []):
        name = indicator["names"].get(language) or indicator["names"].get("sv", "")
        names.append(f"{name} ({indicator['unit']})" if indicator.get("unit") else name)
    return names


def run_chart(run: IndicatorRun) -> Chart | None:
    """The chart of a finished run (None before it is done)."""
    result = run.result
    if run.status != IndicatorRun.Status.DONE or not result:
        return None
    names = indicator_names(result)
    if run.method == Method.KMEANS:
        return _kmeans_chart(run, result, names)
    if run.method == Method.CORRELATION:
        return _correlation_chart(run, result, names)
    return _peers_chart(run, result, names)


def group_summary(result: dict) -> list[dict]:
    """Per k-means group: its number, size and centroid (in the indicators' units)."""
    return [
        {"number": group["number"], "size": group["size"], "centroid": group["centroid"]}
        for group in result.get("groups", [])
    ]


def _kmeans_chart(run, result, names) -> Chart:
    rows, groups, colours = [], [], []
    for group in result["groups"]:
        for member in group["members"]:
            rows.append([member["name"], group["number"], *member["values"]])
            groups.append(group["number"])
            colours.append(PALETTE[(group["number"] - 1) % len(PALETTE)])
    chart = Chart(
        key="run",
        title=run.title,
        columns=[_("Organisation"), _("Group"), *names],
        rows=rows,
        description=str(_("Agencies grouped by k-means on standardised indicators.")),
    )
    if len(names) >= 2:
        legend = [
            Series(str(_("Group %(number)s") % {"number": group["number"]}), PALETTE[i % 8])
            for i, group in enumerate(result["groups"])
        ]
        chart.plot = _scatter(
            [(row[0], row[2], row[3]) for row in rows], colours, names[0], names[1], legend
        )
    else:
        sizes = Chart(
            key="run",
            title=run.title,
            columns=[_("Group"), _("Agencies")],
            rows=[[group["number"], group["size"]] for group in result["groups"]],
        )
        chart.plot = bar_plot(sizes)
    return chart


def _correlation_chart(run, result, names) -> Chart:
    points = result["points"]
    chart = Chart(
        key="run",
        title=run.title,
        columns=[_("Organisation"), *names],
        rows=[[point["name"], point["x"], point["y"]] for point in points],
    )
    chart.plot = _scatter(
        [(point["name"], point["x"], point["y"]) for point in points],
        [PALETTE[0]] * len(points),
        names[0],
        names[1],
        [],
    )
    return chart


def _peers_chart(run, result, names) -> Chart:
    target = result["organisation"]
    rows = [[target["name"], 0.0, *target["values"]]]
    rows += [[peer["name"], peer["distance"], *peer["values"]] for peer in result["peers"]]
    chart = Chart(
        key="run",
        title=run.title,
        columns=[_("Organisation"), _("Distance"), *names],
        rows=rows,
        description=str(
            _("Distance: root mean squared difference of standardised indicators; 0 is identical.")
        ),
    )
    distances = Chart(
        key="run",
        title=run.title,
        columns=[_("Organisation"), _("Distance")],
        rows=[row[:2] for row in rows[1:]],
    )
    chart.plot = bar_plot(distances)
    return chart


def _scatter(points, colours, x_label, y_label, legend) -> RunScatter:
    xs = spread([x for _name, x, _y in points])
    ys = spread([y for _name, _x, y in points], flip=True)
    return RunScatter(
        points=[
            Point(x, y, colour, "", f"{name}: {x_value:g}; {y_value:g}")
            for (name, x_value, y_value), x, y, colour in zip(points, xs, ys, colours, strict=True)
        ],
        labels=[],
        legend=legend,
        x_label=x_label,
        y_label=y_label,
    )
