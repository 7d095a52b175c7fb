"""Chart geometry for the report pages: bar and line charts drawn as SVG by templates.

Pure functions: labels and `Cell`s in, coordinates, ticks and label lines out. No JavaScript, no
library and no CDN; the templates (`reports/_bar_chart.html`, `reports/_line_chart.html`) only
place what is computed here. Coordinates are floats rounded to one decimal; the templates print
them with localisation off, since SVG needs a decimal point.

Rules every chart keeps:
- a suppressed cell never becomes a number: its bar is a short hatched stub of fixed length
  (not scaled to anything) labelled "<5" (or "×" for a complementary suppression), a line has a
  gap there with the same label on the axis, and the scale ignores it;
- an empty cell (`value is None`, e.g. an average of nothing) is a gap labelled "–";
- series differ by pattern, marker shape and dash as well as colour, so a chart reads in grey;
- negative values cannot be drawn (no report counts below zero): they raise `ValueError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from satuatap.reports.results import Cell, IndicatorResult

Number = int | float | Decimal
Formatter = Callable[[Number], str]

SEX_KEYS = ("F", "M", "U")
SUPPRESSED_STUB = 14.0  # length of a suppressed bar, in px, whatever the scale
EMPTY_TEXT = "–"


@dataclass(frozen=True)
class SeriesStyle:
    key: str
    colour: str
    pattern: str  # "solid", "diagonal", "dots": how a bar is filled
    marker: str  # "circle", "square", "triangle", "diamond": how a line point is drawn
    dash: str  # stroke-dasharray of a line, "" for solid


# Women, men, not recorded, and the total; then generic ones for other series.
STYLES: dict[str, SeriesStyle] = {
    "F": SeriesStyle("F", "#6b2d5c", "solid", "circle", ""),
    "M": SeriesStyle("M", "#1f6f8b", "diagonal", "square", "7 4"),
    "U": SeriesStyle("U", "#6c757d", "dots", "triangle", "2 3"),
    "total": SeriesStyle("total", "#343a40", "solid", "diamond", ""),
}
GENERIC_STYLES = (
    SeriesStyle("", "#6b2d5c", "solid", "circle", ""),
    SeriesStyle("", "#1f6f8b", "diagonal", "square", "7 4"),
    SeriesStyle("", "#b5651d", "dots", "triangle", "2 3"),
    SeriesStyle("", "#343a40", "solid", "diamond", "10 3 2 3"),
)


def style_for(key: str, index: int) -> SeriesStyle:
    return STYLES.get(key) or GENERIC_STYLES[index % len(GENERIC_STYLES)]


def default_format(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if float(value).is_integer() else str(value)


def _r(value: float) -> float:
    return round(value, 1)


# --- scale -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    value: Number
    position: float  # px along the value axis, from the plot's origin
    label: str


def nice_ticks(maximum: Number, *, target: int = 5, integer: bool = True) -> list[Number]:
    """Round tick values from 0 to at least `maximum`, about `target` steps.

    Steps are 1, 2, 2.5 or 5 times a power of ten (2.5 only when fractions are allowed); counts
    (`integer=True`) never get fractional ticks. Nothing to show (maximum 0) gives `[0]`."""
    maximum = float(maximum)
    if maximum < 0:
        raise ValueError("a chart cannot show negative values")
    if maximum == 0:
        return [0]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in multiples if m * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(1, round(step))
    steps = math.ceil(maximum / step - 1e-9)
    ticks: list[Number] = []
    for i in range(steps + 1):
        value = i * step
        ticks.append(int(value) if float(value).is_integer() else round(value, 6))
    return ticks


def _checked_value(cell: Cell) -> float | None:
    """The drawable value of a cell: None when it is suppressed or empty."""
    if cell.suppressed or cell.value is None:
        return None
    value = float(cell.value)
    if value < 0:
        raise ValueError("a chart cannot show negative values")
    return value


def _cell_text(cell: Cell, formatter: Formatter) -> str:
    if cell.suppressed:
        return cell.display()
    if cell.value is None:
        return EMPTY_TEXT
    return formatter(cell.value)


# --- labels ------------------------------------------------------------------------------


def wrap_label(text: str, max_chars: int, *, max_lines: int = 2) -> list[str]:
    """`text` in lines of at most `max_chars` characters, broken between words; what does not
    fit in `max_lines` is cut with "…" (the full label is in the chart's table and tooltip)."""
    max_chars = max(2, max_chars)
    words = str(text).split()
    if not words:
        return [""]
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= max_chars:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
    lines.append(current)
    lines = [line if len(line) <= max_chars else line[: max_chars - 1] + "…" for line in lines]
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        kept[-1] = (last if len(last) < max_chars else last[: max_chars - 1]) + "…"
        return kept
    return lines


# --- bar charts --------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendItem:
    name: str
    style: SeriesStyle
    x: float
    y: float


@dataclass(frozen=True)
class Bar:
    group: int
    series: int
    label: str  # the group's full label
    series_name: str
    cell: Cell
    text: str  # what the bar is labelled with: a number, "<5", "×" or "–"
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    style: SeriesStyle
    is_suppressed: bool
    is_empty: bool


@dataclass(frozen=True)
class GroupLabel:
    label: str
    lines: list[str]
    x: float
    y: float  # baseline of the first line
    line_height: float


@dataclass
class BarChart:
    orientation: str  # "horizontal" (bars grow right) or "vertical" (bars grow up)
    width: float
    height: float
    plot_left: float
    plot_top: float
    plot_width: float
    plot_height: float
    ticks: list[Tick]
    bars: list[Bar]
    labels: list[GroupLabel]
    legend: list[LegendItem] = field(default_factory=list)
    series: list[tuple[str, SeriesStyle]] = field(default_factory=list)

    @property
    def plot_right(self) -> float:
        return _r(self.plot_left + self.plot_width)

    @property
    def plot_bottom(self) -> float:
        return _r(self.plot_top + self.plot_height)

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows, or every value zero or empty."""
        return not any(bar.cell.suppressed or (bar.cell.value or 0) > 0 for bar in self.bars)

    @property
    def is_all_suppressed(self) -> bool:
        return bool(self.bars) and all(bar.is_suppressed for bar in self.bars)

    @property
    def has_suppressed(self) -> bool:
        return any(bar.is_suppressed for bar in self.bars)

    @property
    def patterns(self) -> list[str]:
        return sorted({style.pattern for _, style in self.series} - {"solid"})


# Horizontal layout
H_LABEL_WIDTH = 170.0
H_VALUE_SPACE = 64.0
H_BAR = 18.0
H_GROUP_GAP = 12.0
H_AXIS_SPACE = 26.0
# Vertical layout
V_AXIS_WIDTH = 56.0
V_RIGHT = 12.0
V_PLOT_HEIGHT = 200.0
V_LABEL_SPACE = 40.0
V_VALUE_SPACE = 18.0
V_MAX_BAR = 36.0
# Both
LEGEND_HEIGHT = 22.0
FONT_CHAR_PX = 6.6  # average width of a character at 12 px, for wrapping labels
LINE_HEIGHT = 14.0


def _legend(series: Sequence[tuple[str, SeriesStyle]], *, left: float) -> list[LegendItem]:
    items = []
    x = left
    for name, style in series:
        items.append(LegendItem(name=name, style=style, x=_r(x), y=4.0))
        x += 14 + 6 + len(name) * FONT_CHAR_PX + 18
    return items


def bar_chart(
    rows: Sequence[tuple[str, Cell]],
    *,
    orientation: str = "horizontal",
    width: float = 640,
    formatter: Formatter = default_format,
    integer: bool = True,
    tick_formatter: Formatter | None = None,
    series_name: str = "",
    series_key: str = "",
) -> BarChart:
    """One bar per (label, cell)."""
    return grouped_bar_chart(
        [(label, [cell]) for label, cell in rows],
        series=[(series_name, series_key)],
        orientation=orientation,
        width=width,
        formatter=formatter,
        integer=integer,
        tick_formatter=tick_formatter,
    )


def grouped_bar_chart(
    rows: Sequence[tuple[str, Sequence[Cell]]],
    *,
    series: Sequence[tuple[str, str]],
    orientation: str = "horizontal",
    width: float = 640,
    formatter: Formatter = default_format,
    integer: bool = True,
    tick_formatter: Formatter | None = None,
) -> BarChart:
    """A group of bars per label, one bar per series (e.g. women and men), sharing a scale.

    `series` names each series and gives its style key ("F", "M", "U", "total" or anything
    else for a generic style); each row has one cell per series."""
    if orientation not in ("horizontal", "vertical"):
        raise ValueError(f"unknown orientation {orientation!r}")
    styled = [(name, style_for(key, i)) for i, (name, key) in enumerate(series)]
    for label, cells in rows:
        if len(cells) != len(styled):
            raise ValueError(f"row {label!r} has {len(cells)} cells for {len(styled)} series")
    values = [v for _, cells in rows for v in map(_checked_value, cells) if v is not None]
    ticks_values = nice_ticks(max(values, default=0), integer=integer)
    top = float(ticks_values[-1]) or 1.0
    show_legend = len(styled) > 1 or any(name for name, _ in styled)
    legend_space = LEGEND_HEIGHT if show_legend else 0.0
    build = _horizontal if orientation == "horizontal" else _vertical
    chart = build(rows, styled, ticks_values, top, width, legend_space, formatter)
    chart.ticks = [
        Tick(t.value, t.position, (tick_formatter or formatter)(t.value)) for t in chart.ticks
    ]
    if show_legend:
        chart.legend = _legend(styled, left=chart.plot_left)
    chart.series = styled
    return chart


def _horizontal(rows, styled, ticks_values, top, width, legend_space, formatter) -> BarChart:
    n_series = len(styled)
    group_height = n_series * H_BAR + H_GROUP_GAP
    plot_left = H_LABEL_WIDTH
    plot_width = float(width) - H_LABEL_WIDTH - H_VALUE_SPACE
    plot_top = legend_space + 4
    plot_height = len(rows) * group_height
    max_chars = int((H_LABEL_WIDTH - 10) / FONT_CHAR_PX)
    max_lines = max(1, min(3, int(group_height // LINE_HEIGHT)))
    bars: list[Bar] = []
    labels: list[GroupLabel] = []
    for g, (label, cells) in enumerate(rows):
        group_top = plot_top + g * group_height + H_GROUP_GAP / 2
        lines = wrap_label(label, max_chars, max_lines=max_lines)
        centre = group_top + n_series * H_BAR / 2
        first_baseline = centre - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
        labels.append(
            GroupLabel(
                label=label,
                lines=lines,
                x=_r(plot_left - 8),
                y=_r(first_baseline),
                line_height=LINE_HEIGHT,
            )
        )
        for s, cell in enumerate(cells):
            value = _checked_value(cell)
            if cell.suppressed:
                length = SUPPRESSED_STUB
            elif value is None:
                length = 0.0
            else:
                length = value / top * plot_width
            y = group_top + s * H_BAR
            bars.append(
                Bar(
                    group=g,
                    series=s,
                    label=label,
                    series_name=styled[s][0],
                    cell=cell,
                    text=_cell_text(cell, formatter),
                    x=_r(plot_left),
                    y=_r(y + 1),
                    width=_r(length),
                    height=_r(H_BAR - 2),
                    text_x=_r(plot_left + length + 4),
                    text_y=_r(y + H_BAR / 2 + 4),
                    style=styled[s][1],
                    is_suppressed=cell.suppressed,
                    is_empty=value is None and not cell.suppressed,
                )
            )
    ticks = [
        Tick(value=v, position=_r(plot_left + float(v) / top * plot_width), label=formatter(v))
        for v in ticks_values
    ]
    return BarChart(
        orientation="horizontal",
        width=float(width),
        height=_r(plot_top + plot_height + H_AXIS_SPACE),
        plot_left=plot_left,
        plot_top=_r(plot_top),
        plot_width=_r(plot_width),
        plot_height=_r(plot_height),
        ticks=ticks,
        bars=bars,
        labels=labels,
    )


def _vertical(rows, styled, ticks_values, top, width, legend_space, formatter) -> BarChart:
    n_series = len(styled)
    plot_left = V_AXIS_WIDTH
    plot_width = float(width) - V_AXIS_WIDTH - V_RIGHT
    plot_top = legend_space + V_VALUE_SPACE
    plot_height = V_PLOT_HEIGHT
    plot_bottom = plot_top + plot_height
    slot = plot_width / max(1, len(rows))
    bar_width = min(V_MAX_BAR, slot * 0.75 / n_series)
    max_chars = max(3, int(slot / FONT_CHAR_PX))
    bars: list[Bar] = []
    labels: list[GroupLabel] = []
    for g, (label, cells) in enumerate(rows):
        centre = plot_left + g * slot + slot / 2
        labels.append(
            GroupLabel(
                label=label,
                lines=wrap_label(label, max_chars, max_lines=2),
                x=_r(centre),
                y=_r(plot_bottom + 16),
                line_height=LINE_HEIGHT,
            )
        )
        group_left = centre - n_series * bar_width / 2
        for s, cell in enumerate(cells):
            value = _checked_value(cell)
            if cell.suppressed:
                length = SUPPRESSED_STUB
            elif value is None:
                length = 0.0
            else:
                length = value / top * plot_height
            x = group_left + s * bar_width
            bars.append(
                Bar(
                    group=g,
                    series=s,
                    label=label,
                    series_name=styled[s][0],
                    cell=cell,
                    text=_cell_text(cell, formatter),
                    x=_r(x + 1),
                    y=_r(plot_bottom - length),
                    width=_r(bar_width - 2),
                    height=_r(length),
                    text_x=_r(x + bar_width / 2),
                    text_y=_r(plot_bottom - length - 4),
                    style=styled[s][1],
                    is_suppressed=cell.suppressed,
                    is_empty=value is None and not cell.suppressed,
                )
            )
    ticks = [
        Tick(value=v, position=_r(plot_bottom - float(v) / top * plot_height), label=formatter(v))
        for v in ticks_values
    ]
    return BarChart(
        orientation="vertical",
        width=float(width),
        height=_r(plot_bottom + V_LABEL_SPACE),
        plot_left=plot_left,
        plot_top=_r(plot_top),
        plot_width=_r(plot_width),
        plot_height=_r(plot_height),
        ticks=ticks,
        bars=bars,
        labels=labels,
    )


# --- line charts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    index: int
    label: str  # the x label (e.g. the month)
    x: float
    y: float | None  # None for a gap (suppressed or empty)
    cell: Cell
    text: str


def marker_path(shape: str, x: float, y: float, size: float = 4.5) -> str:
    """An SVG path for a line point: circle, square, triangle or diamond around (x, y)."""
    r = size
    if shape == "square":
        r = size * 0.85
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}Z"
    if shape == "triangle":
        return (
            f"M{x:.1f},{y - r - 1:.1f}L{x + r + 0.5:.1f},{y + r:.1f}L{x - r - 0.5:.1f},{y + r:.1f}Z"
        )
    if shape == "diamond":
        r = size + 1
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}L{x - r:.1f},{y:.1f}Z"
    arc = f"a{r:.1f},{r:.1f} 0 1,0"
    return f"M{x - r:.1f},{y:.1f}{arc} {2 * r:.1f},0{arc} {-2 * r:.1f},0Z"


@dataclass
class Line:
    name: str
    style: SeriesStyle
    points: list[Point]
    segments: list[list[tuple[float, float]]]  # runs of consecutive drawable points
    gaps: list[Point]  # suppressed or empty points, labelled on the axis

    @property
    def markers(self) -> list[dict]:
        """A marker per drawn point: its point and the SVG path of the series' shape."""
        return [
            {"point": p, "d": marker_path(self.style.marker, p.x, p.y)}
            for p in self.points
            if p.y is not None
        ]

    @property
    def segment_paths(self) -> list[str]:
        """Each segment as an SVG `points` attribute."""
        return [" ".join(f"{x:.1f},{y:.1f}" for x, y in seg) for seg in self.segments]


@dataclass(frozen=True)
class XLabel:
    index: int
    label: str
    x: float
    is_shown: bool  # every label is in the table; the axis shows as many as fit


@dataclass
class LineChart:
    width: float
    height: float
    plot_left: float
    plot_top: float
    plot_width: float
    plot_height: float
    ticks: list[Tick]
    x_labels: list[XLabel]
    lines: list[Line]
    legend: list[LegendItem]

    @property
    def plot_right(self) -> float:
        return _r(self.plot_left + self.plot_width)

    @property
    def plot_bottom(self) -> float:
        return _r(self.plot_top + self.plot_height)

    @property
    def is_empty(self) -> bool:
        return not any(
            p.cell.suppressed or (p.cell.value or 0) > 0 for line in self.lines for p in line.points
        )

    @property
    def has_suppressed(self) -> bool:
        return any(p.cell.suppressed for line in self.lines for p in line.points)


L_AXIS_WIDTH = 56.0
L_RIGHT = 28.0
L_PLOT_HEIGHT = 180.0
L_LABEL_SPACE = 26.0
L_MIN_LABEL_GAP = 46.0


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[Cell]]],
    *,
    width: float = 640,
    formatter: Formatter = default_format,
    integer: bool = True,
    tick_formatter: Formatter | None = None,
) -> LineChart:
    """One line per series `(name, style key, cells)` over the same `x_labels` (e.g. months).

    A suppressed or empty cell breaks the line; its label ("<5", "×", "–") is written just above
    the axis at that point, stacked by series so two gaps at the same place stay legible."""
    n = len(x_labels)
    for name, _key, cells in series:
        if len(cells) != n:
            raise ValueError(f"series {name!r} has {len(cells)} cells for {n} labels")
    values = [v for *_, cells in series for v in map(_checked_value, cells) if v is not None]
    ticks_values = nice_ticks(max(values, default=0), integer=integer)
    top = float(ticks_values[-1]) or 1.0
    styled = [(name, style_for(key, i)) for i, (name, key, _) in enumerate(series)]
    plot_left = L_AXIS_WIDTH
    plot_top = LEGEND_HEIGHT + 8
    plot_width = float(width) - L_AXIS_WIDTH - L_RIGHT
    plot_height = L_PLOT_HEIGHT
    plot_bottom = plot_top + plot_height

    def x_at(i: int) -> float:
        if n <= 1:
            return plot_left + plot_width / 2
        return plot_left + i * plot_width / (n - 1)

    every = max(1, math.ceil(L_MIN_LABEL_GAP / (plot_width / max(1, n - 1)))) if n > 1 else 1
    labels = [
        XLabel(index=i, label=str(label), x=_r(x_at(i)), is_shown=(n - 1 - i) % every == 0)
        for i, label in enumerate(x_labels)
    ]
    lines = []
    for s, (name, _key, cells) in enumerate(series):
        points: list[Point] = []
        segments: list[list[tuple[float, float]]] = []
        gaps: list[Point] = []
        current: list[tuple[float, float]] = []
        for i, cell in enumerate(cells):
            value = _checked_value(cell)
            x = _r(x_at(i))
            text = _cell_text(cell, formatter)
            if value is None:
                point = Point(i, str(x_labels[i]), x, None, cell, text)
                gaps.append(Point(i, str(x_labels[i]), x, _r(plot_bottom - 4 - 12 * s), cell, text))
                if current:
                    segments.append(current)
                    current = []
            else:
                y = _r(plot_bottom - value / top * plot_height)
                point = Point(i, str(x_labels[i]), x, y, cell, text)
                current.append((x, y))
            points.append(point)
        if current:
            segments.append(current)
        lines.append(
            Line(name=name, style=styled[s][1], points=points, segments=segments, gaps=gaps)
        )
    tick_format = tick_formatter or formatter
    ticks = [
        Tick(value=v, position=_r(plot_bottom - float(v) / top * plot_height), label=tick_format(v))
        for v in ticks_values
    ]
    return LineChart(
        width=float(width),
        height=_r(plot_bottom + L_LABEL_SPACE),
        plot_left=plot_left,
        plot_top=_r(plot_top),
        plot_width=_r(plot_width),
        plot_height=_r(plot_height),
        ticks=ticks,
        x_labels=labels,
        lines=lines,
        legend=_legend(styled, left=plot_left),
    )


# --- from report results -----------------------------------------------------------------


def result_rows(result: IndicatorResult) -> list[tuple[str, Cell]]:
    """(label, total) per dimension value of an indicator result."""
    return [(row.label, row.total) for row in result.rows]


def sex_keys_present(result: IndicatorResult) -> list[str]:
    """The sexes worth a bar: women and men always when the result is split by sex, "not
    recorded" only when some row has something there."""
    rows = [*result.rows, result.total]
    if not any(row.by_sex for row in rows):
        return []
    keys = ["F", "M"]
    if any(
        (cell := row.by_sex.get("U")) is not None and (cell.suppressed or (cell.value or 0) > 0)
        for row in rows
    ):
        keys.append("U")
    return keys


def result_rows_by_sex(
    result: IndicatorResult, keys: Sequence[str]
) -> list[tuple[str, list[Cell]]]:
    """(label, [cell per sex in `keys`]) per dimension value; a missing sex counts as 0."""
    return [(row.label, [row.by_sex.get(key, Cell(0)) for key in keys]) for row in result.rows]
