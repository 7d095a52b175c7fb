"""Chart geometry (`reports.charts`) and the chart templates: scaling, zero, suppression, long
labels, and the SVG the pages get."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from satuatap.reports import charts
from satuatap.reports.results import Cell, IndicatorResult, Row

SMALL = Cell(None, suppressed=True, reason="small")
COMPLEMENTARY = Cell(None, suppressed=True, reason="complementary")


# --- ticks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (1, [0, 1]),
        (4, [0, 1, 2, 3, 4]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (37, [0, 10, 20, 30, 40]),
        (100, [0, 20, 40, 60, 80, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_ticks_are_round_and_reach_the_maximum(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_counts_never_get_fractional_ticks():
    assert charts.nice_ticks(2.6) == [0, 1, 2, 3]
    assert all(isinstance(t, int) for t in charts.nice_ticks(3))


def test_averages_may_get_fractional_ticks():
    assert charts.nice_ticks(Decimal("0.4"), integer=False) == [0, 0.1, 0.2, 0.3, 0.4]
    assert charts.nice_ticks(12, integer=False) == [0, 2.5, 5, 7.5, 10, 12.5]


def test_nothing_to_show_gives_a_single_zero_tick():
    assert charts.nice_ticks(0) == [0]


def test_negative_values_cannot_be_drawn():
    with pytest.raises(ValueError, match="negative"):
        charts.nice_ticks(-1)
    with pytest.raises(ValueError, match="negative"):
        charts.bar_chart([("a", Cell(-3))])
    with pytest.raises(ValueError, match="negative"):
        charts.line_chart(["Jan"], [("W", "F", [Cell(-1)])])


# --- bars --------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_the_values():
    chart = charts.bar_chart([("a", Cell(5)), ("b", Cell(10)), ("c", Cell(0))])
    a, b, c = chart.bars
    assert chart.ticks[-1].value == 10
    assert b.width == pytest.approx(chart.plot_width, abs=0.1)
    assert a.width == pytest.approx(chart.plot_width / 2, abs=0.1)
    assert c.width == 0
    assert [bar.text for bar in chart.bars] == ["5", "10", "0"]


def test_the_last_tick_sits_at_the_end_of_the_plot():
    chart = charts.bar_chart([("a", Cell(7))])
    assert chart.ticks[0].position == chart.plot_left
    assert chart.ticks[-1].position == pytest.approx(chart.plot_right, abs=0.1)


def test_suppressed_bar_is_a_fixed_hatched_stub_labelled_below_five_never_a_number():
    chart = charts.bar_chart([("a", Cell(3)), ("b", SMALL), ("c", COMPLEMENTARY)])
    _a, small, complementary = chart.bars
    assert small.is_suppressed and small.text == "<5"
    assert small.width == charts.SUPPRESSED_STUB
    assert complementary.text == "×" and complementary.width == charts.SUPPRESSED_STUB
    assert chart.has_suppressed


def test_suppressed_cells_do_not_set_the_scale():
    chart = charts.bar_chart([("a", Cell(2)), ("b", SMALL)])
    assert chart.ticks[-1].value == 2
    assert chart.bars[0].width == pytest.approx(chart.plot_width, abs=0.1)


def test_all_suppressed_chart_still_draws_without_numbers():
    chart = charts.bar_chart([("a", SMALL), ("b", SMALL)])
    assert chart.is_all_suppressed
    assert [t.value for t in chart.ticks] == [0]
    assert {bar.text for bar in chart.bars} == {"<5"}
    assert not chart.is_empty


def test_all_zero_chart_is_empty_but_valid():
    chart = charts.bar_chart([("a", Cell(0)), ("b", Cell(0))])
    assert chart.is_empty
    assert all(bar.width == 0 for bar in chart.bars)


def test_no_rows_gives_an_empty_chart():
    chart = charts.bar_chart([])
    assert chart.is_empty and chart.bars == [] and chart.height > 0


def test_empty_cell_is_a_gap_labelled_with_a_dash():
    chart = charts.bar_chart([("a", Cell(None)), ("b", Cell(4))])
    assert chart.bars[0].is_empty and chart.bars[0].width == 0 and chart.bars[0].text == "–"


def test_long_labels_wrap_on_two_lines_and_are_cut():
    lines = charts.wrap_label("Undocumented or non-procedural departure", 24)
    assert lines == ["Undocumented or", "non-procedural departure"]
    cut = charts.wrap_label("Violence and harassment at work and at the employer's house", 20)
    assert len(cut) == 2 and cut[-1].endswith("…")
    assert all(len(line) <= 20 for line in cut)
    assert charts.wrap_label("Supercalifragilisticexpialidocious", 10) == ["Supercali…"]


def test_bar_labels_keep_the_full_text_for_the_tooltip():
    label = "Undocumented or non-procedural departure, and some more words to cut"
    chart = charts.bar_chart([(label, Cell(3))])
    assert chart.labels[0].label == label
    assert chart.labels[0].lines[-1].endswith("…")


def test_grouped_bars_share_one_scale_and_differ_by_pattern():
    chart = charts.grouped_bar_chart(
        [("Hong Kong", [Cell(8), Cell(2)]), ("Taiwan", [Cell(4), SMALL])],
        series=[("Women", "F"), ("Men", "M")],
    )
    women_hk, men_hk, women_tw, men_tw = chart.bars
    assert women_hk.width == pytest.approx(chart.plot_width, abs=0.1)
    assert men_hk.width == pytest.approx(chart.plot_width / 4, abs=0.1)
    assert men_tw.text == "<5"
    assert women_hk.style.pattern != men_hk.style.pattern
    assert women_hk.style.marker != men_hk.style.marker
    assert [item.name for item in chart.legend] == ["Women", "Men"]
    assert women_hk.y < men_hk.y < women_tw.y < men_tw.y


def test_grouped_bars_need_a_cell_per_series():
    with pytest.raises(ValueError):
        charts.grouped_bar_chart([("a", [Cell(1)])], series=[("W", "F"), ("M", "M")])


def test_vertical_bars_grow_up_from_the_axis():
    chart = charts.bar_chart([("A", Cell(10)), ("B", Cell(5))], orientation="vertical")
    a, b = chart.bars
    assert a.y + a.height == pytest.approx(chart.plot_bottom, abs=0.1)
    assert a.height == pytest.approx(chart.plot_height, abs=0.1)
    assert b.height == pytest.approx(chart.plot_height / 2, abs=0.1)
    assert a.x < b.x
    assert chart.ticks[-1].position == pytest.approx(chart.plot_top, abs=0.1)


def test_formatter_writes_values_and_ticks():
    chart = charts.bar_chart(
        [("a", Cell(1500000))],
        formatter=lambda v: f"Rp {v:,}",
        tick_formatter=lambda v: f"{v / 1e6:g} jt",
    )
    assert chart.bars[0].text == "Rp 1,500,000"
    assert chart.ticks[-1].label.endswith("jt")


# --- lines -------------------------------------------------------------------------------


def test_line_points_scale_and_suppressed_months_are_gaps():
    chart = charts.line_chart(
        ["Jan", "Feb", "Mar", "Apr"],
        [("Women", "F", [Cell(10), SMALL, Cell(5), Cell(0)])],
    )
    line = chart.lines[0]
    assert [p.y is None for p in line.points] == [False, True, False, False]
    assert line.points[0].y == pytest.approx(chart.plot_top, abs=0.1)
    assert line.points[3].y == pytest.approx(chart.plot_bottom, abs=0.1)
    assert len(line.segments) == 2  # broken at February
    assert [gap.text for gap in line.gaps] == ["<5"]
    assert line.points[0].x == chart.plot_left and line.points[3].x == chart.plot_right
    assert len(line.markers) == 3


def test_line_series_differ_by_dash_and_marker():
    chart = charts.line_chart(
        ["Jan", "Feb"],
        [("Women", "F", [Cell(1), Cell(2)]), ("Men", "M", [Cell(2), Cell(1)])],
    )
    women, men = chart.lines
    assert women.style.dash != men.style.dash
    assert women.markers[0]["d"] != men.markers[0]["d"]
    assert [item.name for item in chart.legend] == ["Women", "Men"]


def test_line_chart_shows_as_many_month_labels_as_fit_and_always_the_last():
    labels = [f"M{i}" for i in range(24)]
    chart = charts.line_chart(labels, [("T", "total", [Cell(i) for i in range(24)])], width=320)
    shown = [label for label in chart.x_labels if label.is_shown]
    assert 0 < len(shown) < 24
    assert chart.x_labels[-1].is_shown


def test_all_suppressed_line_chart_has_no_line():
    chart = charts.line_chart(["Jan", "Feb"], [("W", "F", [SMALL, SMALL])])
    assert chart.lines[0].segments == []
    assert chart.has_suppressed and not chart.is_empty


def test_single_month_sits_in_the_middle():
    chart = charts.line_chart(["Jan"], [("W", "F", [Cell(3)])])
    assert chart.lines[0].points[0].x == pytest.approx(
        chart.plot_left + chart.plot_width / 2, abs=0.1
    )


# --- from results ------------------------------------------------------------------------


def _result(rows, unit="people"):
    total = Row("", "Total", Cell(sum(r.total.value or 0 for r in rows)), {})
    return IndicatorResult(
        code="x",
        name="X",
        unit=unit,
        date_from=datetime.date(2025, 1, 1),
        date_to=datetime.date(2025, 1, 31),
        office_ids=[1],
        rows=rows,
        total=total,
    )


def test_sex_series_leave_out_not_recorded_when_there_is_none():
    result = _result([Row("HK", "Hong Kong", Cell(5), {"F": Cell(4), "M": Cell(1), "U": Cell(0)})])
    assert charts.sex_keys_present(result) == ["F", "M"]
    result.rows[0].by_sex["U"] = SMALL
    assert charts.sex_keys_present(result) == ["F", "M", "U"]
    assert charts.result_rows_by_sex(result, ["F", "M"]) == [("Hong Kong", [Cell(4), Cell(1)])]


def test_results_without_sex_split_have_no_sex_series():
    assert charts.sex_keys_present(_result([Row("", "All", Cell(3))])) == []


# --- the templates -----------------------------------------------------------------------


def _render(source: str, **context) -> str:
    return Template("{% load report_charts %}" + source).render(Context(context))


def test_bar_chart_svg_is_labelled_and_shows_below_five_not_the_number():
    rows = [("Hong Kong", Cell(1234)), ("Taiwan", SMALL)]
    with translation.override("id"):
        html = _render(
            '{% bar_chart rows chart_id="c1" title="Keberangkatan" desc="Per negara" %}',
            rows=rows,
        )
    assert 'role="img"' in html and 'aria-label="Keberangkatan"' in html
    assert "<title>Keberangkatan</title>" in html and '<desc id="c1-desc">' in html
    assert "&lt;5" in html
    assert "1.234" in html  # Indonesian digit grouping in the labels…
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', html)  # …but never in coordinates
    assert 'id="c1-suppressed"' in html
    assert "<script" not in html and not re.search(r"\sstyle=", html)


def test_line_chart_svg_has_a_line_per_series_and_gap_labels():
    with translation.override("en"):
        html = _render(
            '{% line_chart labels series chart_id="t1" title="Visitors" %}',
            labels=["Jan", "Feb", "Mar"],
            series=[("Women", "F", [Cell(3), SMALL, Cell(4)]), ("Men", "M", [Cell(1)] * 3)],
        )
    assert html.count("<polyline") == 3  # women broken in two, men whole
    assert 'class="gap"' in html and "&lt;5" in html
    assert 'stroke-dasharray="7 4"' in html  # men dashed


def test_cell_value_filter_never_prints_a_suppressed_number():
    hidden = Cell(None, suppressed=True, reason="small")
    with translation.override("en"):
        out = _render(
            "{{ a|cell_value }}|{{ b|cell_value }}|{{ c|cell_value:'rupiah' }}|"
            "{{ d|cell_value:'minutes' }}|{{ e|cell_value }}",
            a=hidden,
            b=COMPLEMENTARY,
            c=Cell(2500000),
            d=Cell(Decimal("12.3")),
            e=Cell(None),
        )
    assert out == "&lt;5|×|IDR 2,500,000|12.3|–"


def test_indicator_table_shows_sex_columns_and_suppression_note():
    result = _result(
        [
            Row("wages", "Unpaid wages", Cell(7), {"F": Cell(6), "M": SMALL}),
            Row("fees", "Fees", SMALL, {"F": SMALL, "M": Cell(0)}),
        ]
    )
    result.total = Row("", "Total", Cell(9), {"F": Cell(8), "M": COMPLEMENTARY})
    result.suppressed_cells = 3
    with translation.override("en"):
        html = _render(
            '{% indicator_table result table_id="t" dimension_label="Category" %}', result=result
        )
    assert '<th scope="col" class="text-end">Women</th>' in html
    assert "Unpaid wages" in html and "&lt;5" in html and "×" in html
    assert 'data-testid="t-suppressed"' in html
