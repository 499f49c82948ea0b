"""Charts with value axes: lines over the years and scatter plots of two measures.

Drawn like the bar charts (``charts.py``): on the server, as inline SVG over a table of the
same rows. Horizontal positions are percentages of the width, so a chart fits any screen;
vertical positions are pixels of a fixed-height plotting area. Lines and bands are drawn in
a nested SVG stretched over that area (``preserveAspectRatio="none"``, strokes that do not
scale), which is how a polyline follows percentages; points and labels stay in the outer
SVG, so that circles stay round at any width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape  # the standard library's: Django's is lazy-aware, and 3× slower here

from django.utils.safestring import SafeString, mark_safe

from .charts import Series, _number

# The plotting area: from PLOT_LEFT to PLOT_RIGHT percent of the width (the tick labels sit
# to the left of it), PLOT_TOP pixels down, PLOT_HEIGHT pixels tall (the years sit below).
PLOT_LEFT = 11.0
PLOT_RIGHT = 97.0
PLOT_TOP = 26
LINE_PLOT_HEIGHT = 200
SCATTER_PLOT_HEIGHT = 380
BELOW = 44  # room for the horizontal axis's labels and title


@dataclass(frozen=True)
class Tick:
    position: float  # percent of the width (horizontal axis) or pixels (vertical axis)
    text: str


@dataclass(frozen=True)
class Marker:
    x: float  # percent of the width
    y: float  # pixels from the top
    colour: str
    text: str  # the tooltip
    emphasis: bool = False  # drawn larger, with its label


@dataclass(frozen=True)
class Line:
    series: Series
    segments: list[str]  # polyline points in the stretched 0–100 box; a gap breaks a line
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    series: Series
    polygon: str  # in the stretched 0–100 box


@dataclass(frozen=True)
class AxisPlot:
    """A line plot (``lines``, ``bands``) or a scatter plot (``markers`` only)."""

    lines: list[Line]
    bands: list[Band]
    markers: list[Marker]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    x_title: str
    y_title: str
    legend: list[Series]
    plot_height: int
    kind: str  # "line" or "scatter", for the accessible description
    template = "datalab/includes/axis_chart.html"

    @property
    def left(self) -> float:
        return PLOT_LEFT

    @property
    def width(self) -> float:
        return round(PLOT_RIGHT - PLOT_LEFT, 3)

    @property
    def top(self) -> int:
        return PLOT_TOP

    @property
    def bottom(self) -> int:
        return PLOT_TOP + self.plot_height

    @property
    def height(self) -> int:
        return PLOT_TOP + self.plot_height + BELOW

    @property
    def x_title_y(self) -> int:
        return self.height - 6

    # The repeated parts of the drawing are written here rather than in template loops, with
    # f-strings: a profile draws 40 charts, and the template engine took most of its time
    # (measured: 2.0 s of 3.3 s under the profiler for 300 agencies × 40 indicators), and
    # format_html per point a third of the rest. Numbers and palette colours need no
    # escaping; every text does.

    def markers_svg(self) -> SafeString:
        line = self.kind == "line"
        parts = []
        for m in self.markers:
            radius = 7 if m.emphasis else (3.5 if line else 5.5)
            stroke, width = ("#1c2430", 2) if m.emphasis else ("#ffffff", 1)
            parts.append(
                f'<circle class="point{" point--emphasis" if m.emphasis else ""}" cx="{m.x}%" '
                f'cy="{m.y}" r="{radius}" fill="{escape(m.colour)}" stroke="{stroke}" '
                f'stroke-width="{width}"><title>{escape(m.text)}</title></circle>'
            )
        return mark_safe("\n".join(parts))  # noqa: S308 - numbers and escaped text only

    def lines_svg(self) -> SafeString:
        parts = [
            f'<polygon class="band" points="{band.polygon}" fill="{escape(band.series.colour)}" '
            'fill-opacity="0.22"/>'
            for band in self.bands
        ]
        for line in self.lines:
            dash = ' stroke-dasharray="6 4"' if line.dashed else ""
            parts += [
                f'<polyline class="line" points="{segment}" fill="none" '
                f'stroke="{escape(line.series.colour)}" stroke-width="{2 if line.dashed else 3}"'
                f'{dash} vector-effect="non-scaling-stroke"/>'
                for segment in line.segments
            ]
        return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only

    def ticks_svg(self) -> SafeString:
        parts = [
            f'<line x1="{PLOT_LEFT}%" x2="97%" y1="{t.position}" y2="{t.position}" '
            'stroke="#e3e7ec" stroke-width="1"/>'
            f'<text x="{PLOT_LEFT}%" dx="-6" y="{t.position}" dy="0.35em" text-anchor="end" '
            f'font-size="11" fill="#3d4753">{escape(t.text)}</text>'
            for t in self.y_ticks
        ]
        parts += [
            f'<text x="{t.position}%" y="{self.bottom}" dy="16" text-anchor="middle" '
            f'font-size="11" fill="#3d4753">{escape(t.text)}</text>'
            for t in self.x_ticks
        ]
        return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values covering ``low``–``high`` (1, 2 or 5 times a power of ten)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 0.5 and len(ticks) < count + 3:
        ticks.append(round(value, 10))
        value += step
    return ticks


class _Axis:
    """Maps values onto 0–1 of the plotting area, over round limits."""

    def __init__(self, values: list[float], *, include_zero: bool = False):
        finite = [v for v in values if v is not None and math.isfinite(v)]
        low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
        if include_zero:
            low, high = min(low, 0.0), max(high, 0.0)
        self.ticks = nice_ticks(low, high) or [low]
        self.low = min(self.ticks[0], low)
        self.high = max(self.ticks[-1], high)
        if self.high <= self.low:
            self.high = self.low + 1

    def fraction(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def _x_percent(fraction: float) -> float:
    return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * fraction, 3)


def _y_pixels(fraction: float, plot_height: int) -> float:
    return round(PLOT_TOP + plot_height * (1 - fraction), 2)


def _box(fraction_x: float, fraction_y: float) -> str:
    return f"{round(fraction_x * 100, 3)},{round((1 - fraction_y) * 100, 3)}"


def line_plot(
    years: list[int],
    lines: list[tuple[Series, list[float | None], bool]],
    *,
    band: tuple[Series, list[float | None], list[float | None]] | None = None,
    emphasis: str = "",
    y_title: str = "",
    x_title: str = "",
    include_zero: bool = False,
) -> AxisPlot:
    """Values over ``years``: each line is (series, one value or None per year, dashed); a
    band (series, low values, high values) shades a range such as the quartiles; the line
    named ``emphasis`` gets labelled markers."""
    values = [v for _s, line, _d in lines for v in line if v is not None]
    if band:
        values += [v for v in band[1] + band[2] if v is not None]
    y_axis = _Axis(values, include_zero=include_zero)
    span = max(len(years) - 1, 1)
    x_of = {year: (i / span if len(years) > 1 else 0.5) for i, year in enumerate(years)}
    drawn, markers = [], []
    for series, line, dashed in lines:
        segments, current = [], []
        for year, value in zip(years, line, strict=True):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(_box(x_of[year], y_axis.fraction(value)))
            markers.append(
                Marker(
                    x=_x_percent(x_of[year]),
                    y=_y_pixels(y_axis.fraction(value), LINE_PLOT_HEIGHT),
                    colour=series.colour,
                    text=f"{series.name}, {year}: {_number(round(value, 2))}",
                    emphasis=series.name == emphasis,
                )
            )
        if current:
            segments.append(" ".join(current))
        drawn.append(Line(series, segments, dashed))
    bands = []
    if band:
        series, lows, highs = band
        known = [
            (y, lo, hi)
            for y, lo, hi in zip(years, lows, highs, strict=True)
            if None not in (lo, hi)
        ]
        if known:
            upper = [_box(x_of[y], y_axis.fraction(hi)) for y, _lo, hi in known]
            lower = [_box(x_of[y], y_axis.fraction(lo)) for y, lo, _hi in reversed(known)]
            bands.append(Band(series, " ".join(upper + lower)))
    return AxisPlot(
        lines=drawn,
        bands=bands,
        markers=markers,
        x_ticks=[Tick(_x_percent(x_of[year]), str(year)) for year in years],
        y_ticks=_y_ticks(y_axis, LINE_PLOT_HEIGHT),
        x_title=x_title,
        y_title=y_title,
        legend=[series for series, _l, _d in lines] + ([band[0]] if band else []),
        plot_height=LINE_PLOT_HEIGHT,
        kind="line",
    )


def scatter_plot(
    points: list[tuple[float, float, str, str, bool]],
    *,
    legend: list[Series],
    x_title: str,
    y_title: str,
) -> AxisPlot:
    """Points (x value, y value, colour, tooltip, emphasised) on two value axes."""
    x_axis = _Axis([p[0] for p in points])
    y_axis = _Axis([p[1] for p in points])
    markers = [
        Marker(
            x=_x_percent(x_axis.fraction(x)),
            y=_y_pixels(y_axis.fraction(y), SCATTER_PLOT_HEIGHT),
            colour=colour,
            text=text,
            emphasis=emphasis,
        )
        for x, y, colour, text, emphasis in points
    ]
    # The emphasised point last, so that it is drawn over the others.
    markers.sort(key=lambda marker: marker.emphasis)
    return AxisPlot(
        lines=[],
        bands=[],
        markers=markers,
        x_ticks=[
            Tick(_x_percent(x_axis.fraction(t)), _number(t))
            for t in x_axis.ticks
            if x_axis.low <= t <= x_axis.high
        ],
        y_ticks=_y_ticks(y_axis, SCATTER_PLOT_HEIGHT),
        x_title=x_title,
        y_title=y_title,
        legend=legend,
        plot_height=SCATTER_PLOT_HEIGHT,
        kind="scatter",
    )


def _y_ticks(axis: _Axis, plot_height: int) -> list[Tick]:
    return [
        Tick(_y_pixels(axis.fraction(t), plot_height), _number(t))
        for t in axis.ticks
        if axis.low <= t <= axis.high
    ]
