"""What the report selectors return: plain data that dashboards, exports and the API all read.

A value is a `Cell`: the number, or `suppressed=True` when it may not leave the office (shown
"<5", "×" for a complementary suppression, "…" for a month not yet over). Nothing downstream
ever sees a suppressed number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | Decimal


@dataclass(frozen=True)
class Cell:
    value: Number | None  # None when suppressed or when there is nothing to average
    suppressed: bool = False
    # "small" (1–4 hidden), "complementary" (hidden so a small one cannot be recovered) or
    # "unreleased" (a case-related month not over yet, outside the office)
    reason: str = ""

    def display(self) -> str:
        if self.suppressed:
            return {"small": "<5", "unreleased": "…"}.get(self.reason, "×")
        if self.value is None:
            return "–"
        return str(self.value)


@dataclass
class Row:
    """One line of an indicator table: a value of the indicator's dimension (a desk, a
    destination, a category…, or "" for the indicator as a whole), split by sex and age band."""

    dimension: str  # code, e.g. "HK", "p3mi", "wages", "" for the whole
    label: str  # translated label of the dimension value
    total: Cell
    by_sex: dict[str, Cell] = field(default_factory=dict)  # "F", "M", "U"
    by_age_band: dict[str, Cell] = field(default_factory=dict)  # "0-17", "18-24", …, "unknown"


@dataclass
class IndicatorResult:
    code: str
    name: str  # in the active language
    unit: str  # "people", "events", "rupiah", "minutes", "index"
    date_from: datetime.date
    date_to: datetime.date
    office_ids: list[int]  # the offices summed (one for an office report, many nationally)
    rows: list[Row]
    total: Row  # all dimension values together
    suppressed_cells: int = 0
    # Case-related, outside the office, and the period holds the month under way: that month
    # is left out (`reports/release.py`); with no month over, every cell is "unreleased".
    open_month_left_out: bool = False
