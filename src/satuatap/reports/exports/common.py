"""What every export shares: the parameters (office, period, filters), the columns of an
indicator table, labels, and the guard that keeps a spreadsheet cell from becoming a formula.

The writers (`xlsx`, `pdf`, `csv`, `dhis2`) only read `IndicatorResult`s (`reports.results`);
the builders (`builders.py`) are the one place that asks the report selectors for them, so
whatever the selectors suppress for the person who asked is never seen by a writer.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from satuatap.core.exceptions import DomainError
from satuatap.core.spreadsheets import FORMULA_PREFIXES as FORMULA_PREFIXES
from satuatap.core.spreadsheets import neutralise as neutralise
from satuatap.reports.results import Cell, IndicatorResult, Row

SEXES = ("F", "M", "U")
# A period longer than this is refused outright (a report over decades is a mistake).
MAX_MONTHS = 120
# The filter values are codes (a scheme, an ISO country code); nothing else is accepted.
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


def sex_label(sex: str) -> str:
    return {"F": _("Women"), "M": _("Men"), "U": _("Not recorded")}.get(sex, sex)


def age_band_label(band: str) -> str:
    if band in ("unknown", "U", ""):
        return _("Age not recorded")
    if band.endswith("+"):
        return _("%(age)s and older") % {"age": band[:-1]}
    return band.replace("-", "–")


def group_label(group: str) -> str:
    """A group of indicators (a sheet of the workbook, a part of the PDF). Its own context:
    "Front desk" is also a role, which in Indonesian names the officer, not the service."""
    return {
        "frontdesk": pgettext("indicator group", "Front desk"),
        "registry": pgettext("indicator group", "Registry"),
        "placement": pgettext("indicator group", "Placement"),
        "training": pgettext("indicator group", "Training"),
        "mrc": pgettext("indicator group", "MRC"),
        "outreach": pgettext("indicator group", "Outreach"),
    }.get(group, group.capitalize() or _("Other"))


# --- Parameters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportParameters:
    """What to export. `office_id` None means national: every office the viewer may see,
    summed (and suppressed) by the selectors."""

    date_from: datetime.date
    date_to: datetime.date
    office_id: int | None = None
    sex: str = ""
    scheme: str = ""
    destination: str = ""
    indicator: str = ""  # one indicator (the CSV of an indicator table); "" = all
    codes: tuple[str, ...] = field(default=())  # only these indicators; () = all

    @property
    def is_national(self) -> bool:
        return self.office_id is None

    @property
    def office_ids(self) -> list[int] | None:
        """The offices the selectors read: None for national, else the one office."""
        return None if self.office_id is None else [self.office_id]

    @property
    def selected_codes(self) -> list[str] | None:
        if self.indicator:
            return [self.indicator]
        return list(self.codes) or None

    def selector_filters(self) -> dict:
        return {
            "sex": self.sex or None,
            "scheme": self.scheme or None,
            "destination": self.destination or None,
        }

    def to_json(self) -> dict:
        data = asdict(self)
        data["date_from"] = self.date_from.isoformat()
        data["date_to"] = self.date_to.isoformat()
        data["codes"] = list(self.codes)
        return data

    @classmethod
    def from_json(cls, data: dict) -> ExportParameters:
        return cls(
            date_from=datetime.date.fromisoformat(data["date_from"]),
            date_to=datetime.date.fromisoformat(data["date_to"]),
            office_id=data.get("office_id"),
            sex=data.get("sex", ""),
            scheme=data.get("scheme", ""),
            destination=data.get("destination", ""),
            indicator=data.get("indicator", ""),
            codes=tuple(data.get("codes", ())),
        )

    def months(self) -> list[tuple[datetime.date, datetime.date]]:
        """The calendar months the period touches, each cut to the period."""
        return [
            (max(first, self.date_from), min(last, self.date_to))
            for first, last in months_between(self.date_from, self.date_to)
        ]

    def with_period(self, date_from: datetime.date, date_to: datetime.date) -> ExportParameters:
        return replace(self, date_from=date_from, date_to=date_to)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def months_between(
    date_from: datetime.date, date_to: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    months = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append(month_bounds(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _invalid(message: str) -> DomainError:
    return DomainError("invalid_export_parameters", message)


def _parse_month(value: str) -> tuple[datetime.date, datetime.date]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise _invalid(_("Give the month as YYYY-MM."))
    return month_bounds(int(match.group(1)), int(match.group(2)))


def _parse_day(value: str, *, end: bool) -> datetime.date:
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}", value):
        first, last = _parse_month(value)
        return last if end else first
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _invalid(_("Give dates as YYYY-MM-DD.")) from None


def parse_period(
    query, *, today: datetime.date, default_months: int = 1
) -> tuple[datetime.date, datetime.date]:
    """`month=YYYY-MM`, or `from=`/`to=` (YYYY-MM-DD or YYYY-MM); without either, the
    `default_months` months that end with the current one."""
    if query.get("month"):
        return _parse_month(query["month"])
    if query.get("from") or query.get("to"):
        date_to = _parse_day(query["to"], end=True) if query.get("to") else today
        date_from = (
            _parse_day(query["from"], end=False) if query.get("from") else date_to.replace(day=1)
        )
    else:
        first = today.replace(day=1)
        for _month in range(default_months - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        date_from, date_to = first, month_bounds(today.year, today.month)[1]
    if date_from > date_to:
        raise _invalid(_("The period starts after it ends."))
    if len(months_between(date_from, date_to)) > MAX_MONTHS:
        raise _invalid(_("The period may be at most ten years long."))
    return date_from, date_to


def parse_filters(query) -> dict:
    """sex, scheme and destination filters: codes only."""
    sex = (query.get("sex") or "").strip().upper()
    if sex and sex not in SEXES:
        raise _invalid(_("Unknown sex filter."))
    filters = {"sex": sex}
    for name in ("scheme", "destination"):
        value = (query.get(name) or "").strip()
        if value and not _CODE.fullmatch(value):
            raise _invalid(_("Unknown %(filter)s filter.") % {"filter": name})
        filters[name] = value.upper() if name == "destination" else value
    return filters


# --- Tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # "F", "M", "U", "total", "age:18-24"
    label: str

    def cell(self, row: Row) -> Cell | None:
        if self.key == "total":
            return row.total
        if self.key.startswith("age:"):
            return row.by_age_band.get(self.key[4:])
        return row.by_sex.get(self.key)


def age_bands(results: Iterable[IndicatorResult]) -> list[str]:
    """Every age band the results hold, in the order the selectors give them, "unknown" last."""
    bands: list[str] = []
    for result in results:
        for row in [*result.rows, result.total]:
            for band in row.by_age_band:
                if band not in bands:
                    bands.append(band)
    return sorted(bands, key=lambda band: band in ("unknown", "U", ""))  # stable


def columns_for(results: Iterable[IndicatorResult]) -> list[Column]:
    """Women, men, not recorded, total, then the age bands: the same columns for every table
    of a report, so one frozen heading row fits a whole sheet."""
    results = list(results)
    by_sex = any(row.by_sex for result in results for row in [*result.rows, result.total])
    columns = [Column(sex, sex_label(sex)) for sex in SEXES] if by_sex else []
    columns.append(Column("total", _("Total")))
    columns += [Column(f"age:{band}", age_band_label(band)) for band in age_bands(results)]
    return columns


def table_rows(result: IndicatorResult) -> list[Row]:
    """The rows of an indicator's table, the whole last. An indicator without a dimension has
    one row, the whole."""
    rows = [row for row in result.rows if row.dimension != ""]
    return [*rows, result.total]


def row_label(row: Row, result: IndicatorResult) -> str:
    return _("Total") if row is result.total and row.dimension == "" else (row.label or _("Total"))


def cell_text(cell: Cell | None) -> str:
    """A cell as plain text for a table: "<5", "×", "–" or the number."""
    if cell is None:
        return ""
    return cell.display()


def has_suppression(results: Iterable[IndicatorResult]) -> bool:
    return any(
        cell.suppressed
        for result in results
        for row in table_rows(result)
        for cell in [row.total, *row.by_sex.values(), *row.by_age_band.values()]
    )


# --- Formula injection -------------------------------------------------------------------------

# `neutralise` lives in core/spreadsheets.py (the placement exchange writes CSV too); the
# exports import it from here.


# --- Building ----------------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (steps done, steps in all)


def indicator_groups(results: Iterable[IndicatorResult]) -> dict[str, str]:
    """code → group of each result's indicator ("other" when the catalogue does not know it)."""
    from satuatap.reports.indicators import get_indicator

    groups = {}
    for result in results:
        try:
            groups[result.code] = get_indicator(result.code).group
        except (KeyError, LookupError):
            groups[result.code] = "other"
    return groups


def scope_label(office) -> str:
    return office.name if office is not None else _("National (all offices)")


def period_label(date_from: datetime.date, date_to: datetime.date) -> str:
    from django.utils.formats import date_format

    first, last = month_bounds(date_from.year, date_from.month)
    if date_from == first and date_to == last:
        return date_format(date_from, "F Y")
    return f"{date_format(date_from, 'j F Y')} – {date_format(date_to, 'j F Y')}"


def filters_label(params: ExportParameters) -> str:
    parts = []
    if params.sex:
        parts.append(f"{_('Sex')}: {sex_label(params.sex)}")
    if params.scheme:
        parts.append(f"{_('Scheme')}: {params.scheme}")
    if params.destination:
        parts.append(f"{_('Destination')}: {params.destination}")
    return "; ".join(parts)


def _period_slug(params: ExportParameters) -> str:
    """`2026-03` for a calendar month, `2025-04-2026-03` for whole months, else the days."""
    first, _last = month_bounds(params.date_from.year, params.date_from.month)
    last = month_bounds(params.date_to.year, params.date_to.month)[1]
    if params.date_from != first or params.date_to != last:
        return f"{params.date_from.isoformat()}-{params.date_to.isoformat()}"
    period = params.date_from.strftime("%Y-%m")
    if (params.date_from.year, params.date_from.month) != (
        params.date_to.year,
        params.date_to.month,
    ):
        period += "-" + params.date_to.strftime("%Y-%m")
    return period


def filter_slugs(params: ExportParameters) -> list[str]:
    """The filters as words for a file name, in the reader's language: `perempuan`, `p-to-p`,
    `hk`."""
    slugs = []
    if params.sex:
        slugs.append(slugify(sex_label(params.sex)))
    if params.scheme:
        slugs.append(slugify(params.scheme.replace("_", "-")))
    if params.destination:
        slugs.append(slugify(params.destination))
    return [slug for slug in slugs if slug]


def file_stem(office, params: ExportParameters, *, what: str = "") -> str:
    """The office, the period, what the file holds (nothing for the report) and the filters,
    e.g. `satuatap-cirebon-2026-03-perempuan`, `satuatap-national-2025-02-2026-01`,
    `satuatap-cirebon-2026-03-registrations` (one indicator's CSV)."""
    scope = office.slug if office is not None else "national"
    parts = ["satuatap", scope, _period_slug(params), *([what] if what else [])]
    return "-".join([*parts, *filter_slugs(params)])
