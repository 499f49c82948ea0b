"""A chart is a table first: columns and rows. The SVG drawing, the accessible table under it
and the CSV/XLSX/JSON downloads are all drawn from those same rows, so they cannot disagree.

Charts are drawn on the server as inline SVG (``templates/datalab/includes/bar_chart.html``):
no charting library travels to the browser, the page is complete when it arrives, and the
strict Content-Security-Policy needs no allowance (colours and sizes are SVG presentation
attributes, not style attributes). Bars are horizontal, one row of the table per group of
bars, each label on a line of its own above its bars: the chart grows with its rows instead
of squeezing them, and the labels keep their font size at any width, because horizontal
positions are percentages of the chart's width while heights are fixed.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.functional import Promise

from portal.csv_export import people_csv_text, xlsx_bytes

# Okabe–Ito: told apart by people with the common colour-vision deficiencies. Yellow
# (#F0E442) is left out: on white it is too faint for a bar (WCAG 1.4.11, 3:1).
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#999999",
]

# Geometry of a bar chart, in CSS pixels (heights) and percent of the width (lengths).
LABEL_CHARACTERS = 44  # per line of a label; two lines at most, then "…"
LABEL_LINES = 2
LINE_HEIGHT = 18
BAR_HEIGHT = 20  # one bar per row
GROUPED_BAR_HEIGHT = 13  # each of several bars per row
BAR_GAP = 2
ROW_GAP = 12
LONGEST_BAR = 82  # percent: the rest of the width holds the value after the longest bar


@dataclass
class Chart:
    """``rows`` hold plain values; the first ``label_columns`` cells of a row name it."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    plot: BarPlot | ScatterPlot | None = None  # the drawing, made from the rows
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


# Bar charts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True)
class Bar:
    series: Series
    value: float
    x: float  # percent of the width where the bar starts (stacked bars follow each other)
    width: float  # percent of the width
    y: int
    height: int

    @property
    def end(self) -> float:
        return round(self.x + self.width, 3)

    @property
    def middle(self) -> int:
        return self.y + self.height // 2

    @property
    def text(self) -> str:
        return _number(self.value)


@dataclass(frozen=True)
class BarGroup:
    """One row of the table: its label (wrapped, perhaps shortened) and its bars."""

    label: str  # in full, for the tooltip and the accessible text
    lines: list[tuple[str, int]]  # (text, baseline y) of each label line
    bars: list[Bar]
    total: str  # stacked bars: the sum, written after them ("" when side by side)
    total_x: float
    total_y: int


@dataclass(frozen=True)
class BarPlot:
    groups: list[BarGroup]
    series: list[Series]
    height: int
    stacked: bool
    template = "datalab/includes/bar_chart.html"

    @property
    def legend(self) -> list[Series]:
        """Series named beside the chart: only needed when there are several."""
        return self.series if len(self.series) > 1 else []


def wrap_label(text: str, width: int = LABEL_CHARACTERS, lines: int = LABEL_LINES) -> list[str]:
    """``text`` on at most ``lines`` lines of about ``width`` characters, "…" if cut."""
    wrapped = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return wrapped


def bar_plot(chart: Chart, *, stacked: bool = False, colours: list[str] | None = None) -> BarPlot:
    """Horizontal bars of ``chart``'s rows: one bar per value column (stacked or side by
    side); two label columns are joined ("network · quarter")."""
    colours = colours or PALETTE
    names = chart.header()[chart.label_columns :]
    series = [Series(name, colours[i % len(colours)]) for i, name in enumerate(names)]
    values = [[float(cell or 0) for cell in row[chart.label_columns :]] for row in chart.rows]
    largest = max((sum(row) if stacked else max(row, default=0) for row in values), default=0)
    scale = LONGEST_BAR / largest if largest else 0
    bar_height = BAR_HEIGHT if stacked or len(series) == 1 else GROUPED_BAR_HEIGHT
    groups, y = [], ROW_GAP // 2
    for row, row_values in zip(chart.rows, values, strict=True):
        label = " · ".join(str(cell) for cell in row[: chart.label_columns])
        lines = []
        for text in wrap_label(label):
            y += LINE_HEIGHT
            lines.append((text, y - 4))  # baseline a little above the line's bottom
        y += 2
        bars, start = [], 0.0
        for item, value in zip(series, row_values, strict=True):
            width = round(value * scale, 3)
            bars.append(Bar(item, value, round(start, 3), width, y, bar_height))
            if stacked:
                start += width
            else:
                y += bar_height + BAR_GAP
        if stacked:
            total = (_number(sum(row_values)), round(start, 3), y + bar_height // 2)
            y += bar_height
        else:
            total = ("", 0.0, 0)
            y -= BAR_GAP
        groups.append(BarGroup(label, lines, bars, *total))
        y += ROW_GAP
    return BarPlot(groups=groups, series=series, height=max(y, 40), stacked=stacked)


def _number(value: float) -> str:
    return number_format(int(value) if float(value).is_integer() else value)


# Scatter plots (the semantic map) -------------------------------------------------------------

MAP_MARGIN = 5  # percent of the width and height kept free around the points


@dataclass(frozen=True)
class Point:
    x: float  # percent of the width
    y: float  # percent of the height, from the top
    colour: str
    url: str
    text: str  # the tooltip: what the point is


@dataclass(frozen=True)
class PlotLabel:
    x: float
    y: float
    text: str  # as drawn, perhaps shortened
    full: str


@dataclass(frozen=True)
class ScatterPlot:
    points: list[Point]
    labels: list[PlotLabel]
    legend: list[Series]
    template = "datalab/includes/scatter_map.html"


def spread(values: list[float], *, flip: bool = False) -> list[float]:
    """``values`` as percentages between the margins (from the top when ``flip``)."""
    if not values:
        return []
    low, high = min(values), max(values)
    room = 100 - 2 * MAP_MARGIN
    positions = [
        MAP_MARGIN + (room * (value - low) / (high - low) if high > low else room / 2)
        for value in values
    ]
    if flip:
        positions = [100 - position for position in positions]
    return [round(position, 2) for position in positions]
