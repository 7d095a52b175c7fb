"""What the report selectors return: plain data that dashboards, exports and the API all read.

A value is a `Cell`: the number, or `suppressed=True` when it may not leave the office (shown
"<5", "×" for a complementary suppression, "…" for a month not yet over). Nothing downstream
ever sees a suppressed number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class CasePeriod:
    """The days the case-related figures of a read count, beside the days asked for
    (`selectors.case_figures_period`; the same days an `IndicatorResult` of a case-related
    indicator carries as `date_from`/`date_to`). A period that is not made of whole calendar
    months is widened to the months it touches (for everyone: a day's case count could point at
    one client); outside the office it is also cut at the last month that is over."""

    asked_from: datetime.date
    asked_to: datetime.date
    date_from: datetime.date
    date_to: datetime.date
    # Outside the office: whether any month of the period is over (False: every case-related
    # cell is "…", and `date_from`/`date_to` are the months the period touches).
    is_released: bool = True
    # Outside the office: the period reaches into the month under way, which is left out.
    open_month_left_out: bool = False

    @property
    def is_as_asked(self) -> bool:
        return (
            self.is_released
            and not self.open_month_left_out
            and (self.date_from, self.date_to) == (self.asked_from, self.asked_to)
        )

    def note(self) -> str:
        """The sentence a report shows next to the period asked for: which days its case
        figures count ("" when they count the days asked for)."""
        if self.is_as_asked:
            return ""
        if not self.is_released:
            return _(
                "Case figures (returns by reason, counselling, complaints, money recovered, "
                "referrals) leave the office a month at a time, once the month is over: no "
                "month of this period is over yet, so they are shown as “…”."
            )
        days = {
            "first": date_format(self.date_from, "j F Y"),
            "last": date_format(self.date_to, "j F Y"),
        }
        if self.open_month_left_out:
            return (
                _(
                    "Case figures (returns by reason, counselling, complaints, money recovered, "
                    "referrals) count whole calendar months that are over: %(first)s – "
                    "%(last)s. The month under way is not released yet."
                )
                % days
            )
        return (
            _(
                "Case figures (returns by reason, counselling, complaints, money recovered, "
                "referrals) count whole calendar months: %(first)s – %(last)s."
            )
            % days
        )
