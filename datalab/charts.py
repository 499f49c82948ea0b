"""A chart is a table first: columns and rows. The Plotly figure, the accessible table
under it and the CSV/XLSX/JSON downloads are all drawn from those same rows, so they cannot
disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise

from portal.csv_export import people_csv_text, xlsx_bytes

# Okabe–Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
]
_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'


@dataclass
class Chart:
    """``rows`` hold plain values; the first ``label_columns`` cells of a row name it."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    figure: dict = field(default_factory=dict)
    description: str = ""
    label_columns: int = 1
    links: list[str] = field(default_factory=list)  # per row, for the first cell; may be empty

    def __post_init__(self):
        # Labels arrive as lazy translations; exports and JSON need plain strings.
        self.rows = [[_plain(cell) for cell in row] for row in self.rows]

    def header(self) -> list[str]:
        return [str(column) for column in self.columns]

    def table_rows(self) -> list[tuple[list, list, str]]:
        """Each row as (label cells, value cells, link of the first cell)."""
        links = self.links or [""] * len(self.rows)
        return [
            (row[: self.label_columns], row[self.label_columns :], link)
            for row, link in zip(self.rows, links, strict=True)
        ]

    def to_csv(self) -> str:
        """The rows as CSV in the active language, through the site's one export helper."""
        return people_csv_text(self.header(), self.rows)

    def to_xlsx(self) -> bytes:
        """The rows as an XLSX workbook, through the site's one export helper."""
        return xlsx_bytes(self.header(), self.rows, title=self.key)

    def to_json(self, filters: dict | None = None) -> dict:
        return {
            "chart": self.key,
            "title": str(self.title),
            "filters": filters or {},
            "columns": self.header(),
            "rows": self.rows,
        }


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def plotly_text(value) -> str:
    """``value`` as text Plotly shows as it is.

    Plotly reads labels, legend names and hover text as HTML of its own (``<a href>``,
    ``<b>``, ``<br>`` ...) and decodes entities: with ``&``, ``<`` and ``>`` written as
    entities, whatever a visitor typed is shown, never interpreted.
    """
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def layout(**overrides) -> dict:
    base = {
        "font": {"family": _FONT, "size": 13, "color": "#1c2430"},
        "colorway": PALETTE,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 48},
        "height": 340,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True, "gridcolor": "#d5dbe3", "rangemode": "tozero"},
    }
    base.update(overrides)
    return base


def bar_figure(chart: Chart, *, stacked: bool = False, horizontal: bool = False) -> dict:
    """Bars with one trace per value column; two label columns make a grouped axis."""
    if chart.label_columns == 1:
        categories = [plotly_text(row[0]) for row in chart.rows]
    else:
        categories = [
            [plotly_text(row[position]) for row in chart.rows]
            for position in range(chart.label_columns)
        ]
    traces = []
    for position, name in enumerate(chart.columns[chart.label_columns :], chart.label_columns):
        values = [row[position] for row in chart.rows]
        trace = {"type": "bar", "name": plotly_text(name)}
        if horizontal:
            trace.update(y=categories, x=values, orientation="h")
        else:
            trace.update(x=categories, y=values)
        traces.append(trace)
    extra = {"barmode": "stack" if stacked else "group"}
    value_axis = layout()["yaxis"]
    bars = [row[chart.label_columns :] for row in chart.rows]
    largest = max((sum(bar) if stacked else max(bar, default=0) for bar in bars), default=0)
    if largest <= 10:
        value_axis["dtick"] = 1  # counts: no ticks at 2.5 cases
    if horizontal:
        extra["yaxis"] = {"automargin": True, "autorange": "reversed"}
        extra["xaxis"] = value_axis
        per_row = 28 if stacked or len(traces) == 1 else 12 + 14 * len(traces)
        extra["height"] = max(240, per_row * len(chart.rows) + 90)
    else:
        extra["yaxis"] = value_axis
    if len(traces) == 1:
        extra["showlegend"] = False
    return {"data": traces, "layout": layout(**extra)}
