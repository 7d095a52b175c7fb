"""Report reads: every number a dashboard, an export or the API shows comes from here.

They read only the roll-up table (`RollupValue`), one grouped query per indicator, never the
raw records. A viewer outside the office (the national analyst, the administrator), or a result
that sums several offices, gets case-related indicators from the monthly releases of
`release.py`: whole months, counts 1–4 hidden with the complementary cells that would give them
away, suppressed once for the national table and every office's totals together. An office's
own staff see their office's numbers as they are, but for whole calendar months only: a
case-related table asked for a shorter period (a day, a week) is counted over the calendar months
the period touches (`_own_office_months`), since a day's count of 1 next to its sex and age band
points at one client (issue 16). `case_figures_period` says which days a read's case-related
tables count, for the exports and report pages to say next to the period asked for.

Two writes come before some reads, and only these (the one exception to "Selectors never import
services", `pyproject.toml`): `services.rollups.flush_pending` recomputes the roll-ups of the
office-days this thread changed and has not committed yet (a reader in the same transaction as
its change reads it), and `services.releases.releases` builds and stores, the first time it is
asked for, the release of a month that is over (docs/reports.md, "Published once"): a month
leaves only as its one stored release, whoever reads it first.

Filters: `sex` keeps one sex (the sex cells then hold only that sex); `scheme` and
`destination` act on the placement tables (departures, returns) and leave the others as they
are (`Indicator.filters` says which).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import BigIntegerField, Max, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core import ikm
from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.reports import release
from satuatap.reports.indicators import (
    AGE_BANDS,
    INDICATORS,
    SEXES,
    Indicator,
    get_indicator,
)
from satuatap.reports.models import RollupMonth, RollupValue, StoredRelease
from satuatap.reports.results import CasePeriod, Cell, IndicatorResult, Row
from satuatap.reports.rollups import refresh_is_behind
from satuatap.reports.services import releases as release_services
from satuatap.reports.services.rollups import flush_pending
from satuatap.reports.suppression import COMPLEMENTARY

TOTAL = None  # the key of the total row in the suppression grid


# --- Who sees what ---------------------------------------------------------------------------


def visible_report_offices(viewer: User) -> QuerySet[Organisation]:
    """The offices whose reports the viewer may see: every office for the national analyst and
    the administrator, their own for office staff, none for anyone else."""
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("name", "pk")
    if not getattr(viewer, "is_authenticated", False):
        return offices.none()
    if viewer.has_perm("reports.view_national_reports"):
        return offices
    if viewer.has_perm("reports.view_office_reports"):
        # No office (None) matches no row, as intended; the plugin wants a pk value.
        return offices.filter(pk=viewer.office_id_or_none)  # type: ignore[misc]
    return offices.none()


class _Scope:
    """The offices a result sums, and whether it must be suppressed."""

    def __init__(self, viewer: User, office_ids: Iterable[int] | None):
        visible = list(visible_report_offices(viewer).values_list("pk", flat=True))
        if not visible:
            raise PermissionDenied
        if office_ids is None:
            self.office_ids = visible
            self.all_offices = viewer.has_perm("reports.view_national_reports")
        else:
            wanted = sorted({int(pk) for pk in office_ids})
            if not wanted or any(pk not in visible for pk in wanted):
                raise PermissionDenied
            self.office_ids = wanted
            self.all_offices = False
        inside = (
            len(self.office_ids) == 1
            and self.office_ids[0] == viewer.office_id_or_none
            and viewer.has_perm("reports.view_office_reports")
        )
        self.suppress = not inside

    def filter(self, queryset: QuerySet) -> QuerySet:
        return queryset if self.all_offices else queryset.filter(office_id__in=self.office_ids)


def suppression_applies(viewer: User, office_ids: Iterable[int] | None = None) -> bool:
    """Whether the viewer's results for these offices (None: all they may see) are suppressed."""
    return _Scope(viewer, None if office_ids is None else list(office_ids)).suppress


def _today(viewer: User, office_ids: Sequence[int] | None) -> datetime.date:
    office = getattr(viewer, "office", None)
    if office is not None:
        return office.today()
    return timezone.localdate()


# --- Labels ----------------------------------------------------------------------------------


def dimension_labels(dimension: str, values: Iterable[str]) -> dict[str, str]:
    """Translated labels of dimension values (country names, desk names, partners…)."""
    values = [v for v in set(values) if v]
    labels: dict[str, str] = {}
    if not values:
        return labels
    if dimension == "desk":
        from satuatap.core.models import DeskType

        labels = {d.code: d.name for d in DeskType.objects.filter(code__in=values)}
    elif dimension == "destination":
        from django_countries import countries

        labels = {v: str(countries.name(v) or v) for v in values}
    elif dimension == "partner":
        labels = dict(Organisation.objects.filter(slug__in=values).values_list("slug", "name"))
    elif dimension == "village":
        from satuatap.regions.models import Region

        labels = dict(Region.objects.filter(code__in=values).values_list("code", "name"))
    elif dimension == "element":
        from satuatap.frontdesk.facts import ELEMENTS

        labels = {e.code: f"{e.code.upper()} {e.label}" for e in ELEMENTS}
    else:
        choices = _choice_labels(dimension)
        labels = {v: str(choices[v]) for v in values if v in choices}
    unknown = _("Not recorded")
    return {v: labels.get(v) or (str(unknown) if v == "unknown" else v) for v in values}


def _choice_labels(dimension: str) -> dict:
    from satuatap.cases.facts import Category, Channel, ReferralState
    from satuatap.people.facts import Sector
    from satuatap.placement.facts import CourseKind, ReturnReason, Scheme

    choices = {
        "scheme": Scheme,
        "sector": Sector,
        "reason": ReturnReason,
        "course_kind": CourseKind,
        "channel": Channel,
        "category": Category,
        "result": ReferralState,
    }.get(dimension)
    return dict(choices.choices) if choices is not None else {}


class _Labels:
    """Labels (and the desks' order) looked up once per read, whatever the indicators."""

    def __init__(self) -> None:
        self.cache: dict[str, dict[str, str]] = defaultdict(dict)
        self._desk_order: dict[str, int] | None = None

    def get(self, dimension: str, values: Iterable[str]) -> dict[str, str]:
        known = self.cache[dimension]
        missing = [v for v in set(values) if v not in known]
        if missing:
            known.update(dimension_labels(dimension, missing))
        return known

    def desk_order(self) -> dict[str, int]:
        if self._desk_order is None:
            from satuatap.core.models import DeskType

            self._desk_order = dict(DeskType.objects.values_list("code", "order"))
        return self._desk_order


def _row_order(
    indicator: Indicator, values: Iterable[str], labels: dict[str, str], cache: _Labels
) -> list[str]:
    values = set(values) | set(indicator.fixed_rows)
    values.discard("")
    fixed = [v for v in indicator.fixed_rows if v in values]

    def by_label(v: str) -> tuple[bool, str]:  # a def: mypy mistypes the lambda's argument
        return v == "unknown", labels.get(v, v).lower()

    rest = sorted(values - set(fixed), key=by_label)
    if indicator.dimension == "desk":
        order = cache.desk_order()
        rest.sort(key=lambda v: (order.get(v, 999), v))
    return fixed + rest


# --- Reading the roll-up ---------------------------------------------------------------------


def _filtered(
    indicator: Indicator,
    scope: _Scope,
    *,
    series: str | None = None,
    sex: str | None = None,
    scheme: str | None = None,
    destination: str | None = None,
    model: type[RollupValue | RollupMonth] = RollupValue,
) -> QuerySet:
    """The indicator's roll-up rows (day rows, or `RollupMonth` rows) the scope and filters
    keep, for any period (the caller adds it)."""
    rows = scope.filter(model.objects.filter(indicator=series or indicator.stored_series))
    if sex and indicator.by_sex_and_age:
        rows = rows.filter(sex=sex)
    if scheme and indicator.accepts("scheme"):
        rows = rows.filter(scheme=scheme)
    if destination and indicator.accepts("destination"):
        rows = rows.filter(destination=destination)
    return rows


Grid = dict[tuple[str, str, str], list[int]]  # (row value, sex, age band) → [value, weight]


def _grid_query(queryset: QuerySet, row_field: str) -> QuerySet:
    """(row value, sex, age band, Σ value, Σ weight): SUM cast back to bigint (on PostgreSQL
    it is a numeric)."""
    return (
        queryset.values(row_field, "sex", "age_band")
        .annotate(v=Cast(Sum("value"), BigIntegerField()), w=Cast(Sum("weight"), BigIntegerField()))
        .values_list(row_field, "sex", "age_band", "v", "w")
        .order_by()
    )


def _grid(queryset: QuerySet, row_field: str) -> Grid:
    grid: Grid = defaultdict(lambda: [0, 0])
    # Text and integers only, so the rows are read straight from the cursor, without the ORM's
    # per-value converters.
    sql, params = _grid_query(queryset, row_field).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for row_value, sex, band, value, weight in cursor.fetchall():
            cell = grid[(row_value, sex, band)]
            cell[0] += value or 0
            cell[1] += weight or 0
    return grid


def _period_parts(
    date_from: datetime.date | None, date_to: datetime.date
) -> tuple[tuple[datetime.date | None, datetime.date] | None, list[tuple]]:
    """The calendar months wholly inside the period (first and last month's first day; the
    first is None when the period has no start), and the day ranges left at either end."""
    start = date_from if date_from is None or date_from.day == 1 else _add_months(date_from, 1)
    after = date_to + datetime.timedelta(days=1)
    stop = after if after.day == 1 else _month_start(date_to)  # first day not in a whole month
    if start is not None and start >= stop:
        return None, [(date_from, date_to)]
    days = []
    if date_from is not None and start is not None and date_from < start:  # start is set then
        days.append((date_from, start - datetime.timedelta(days=1)))
    if stop <= date_to:
        days.append((stop, date_to))
    return (start, _add_months(stop, -1)), days


def _period_rows(
    indicator: Indicator,
    scope: _Scope,
    date_from: datetime.date | None,
    date_to: datetime.date,
    filters: dict,
    *,
    series: str | None = None,
) -> list[QuerySet]:
    """The roll-up rows of the period (None: from the first day on) as querysets with the same
    columns: whole months from `RollupMonth`, the days at either end from `RollupValue` (8×
    fewer rows than the days on the national benchmark's data)."""
    months, days = _period_parts(date_from, date_to)
    parts = []
    if months is not None:
        first, last = months
        rows = _filtered(indicator, scope, series=series, model=RollupMonth, **filters)
        if first is not None:
            rows = rows.filter(month__gte=first)
        parts.append(rows.filter(month__lte=last))
    for lo, hi in days:
        rows = _filtered(indicator, scope, series=series, **filters)
        parts.append(rows.filter(day__gte=lo, day__lte=hi))
    return parts


def _read_grid(
    indicator: Indicator,
    scope: _Scope,
    date_from: datetime.date,
    date_to: datetime.date,
    filters: dict,
) -> Grid:
    """The indicator's roll-up cells over the period, row × sex × age band: what the tables are
    added up from (`_read_row_sums`), and what the national benchmark compares with DuckDB."""
    grid: Grid = defaultdict(lambda: [0, 0])
    for series, sign, since in _series_parts(indicator, date_from):
        for rows in _period_rows(indicator, scope, since, date_to, filters, series=series):
            for key, (value, weight) in _grid(rows, indicator.row_field).items():
                grid[key][0] += sign * value
                grid[key][1] += sign * weight
    return grid


def _series_parts(
    indicator: Indicator, date_from: datetime.date
) -> list[tuple[str, int, datetime.date | None]]:
    """(stored series, sign, from) whose sums make the indicator: a stock is its inflow minus
    its outflow from the first day on."""
    if indicator.aggregate == "stock":
        assert indicator.stock_of is not None  # every stock indicator names its two flows
        return [
            (get_indicator(indicator.stock_of[0]).stored_series, 1, None),
            (get_indicator(indicator.stock_of[1]).stored_series, -1, None),
        ]
    return [(indicator.stored_series, 1, date_from)]


RowSums = dict[str, dict[object, list[int]]]  # row value → column → [Σ value, Σ weight]


def _table_columns(indicator: Indicator, sexes: Sequence[str]) -> list:
    if not indicator.by_sex_and_age:
        return ["total"]
    return ["total", *[("sex", s) for s in sexes], *[("age", a) for a in AGE_BANDS]]


def _column_condition(column: Any, sexes: Sequence[str], split: bool) -> tuple[str, list]:
    """SQL over a grid line (r, s, b, v, w) saying whether it counts in the table column
    (split tables count the shown sexes only)."""
    shown = ", ".join(["%s"] * len(sexes))
    if column == "total":
        return (f"s IN ({shown})", list(sexes)) if split else ("1 = 1", [])
    kind, code = column
    if kind == "sex":
        return "s = %s", [code]
    return f"b = %s AND s IN ({shown})", [code, *sexes]


def _read_row_sums(
    indicator: Indicator,
    scope: _Scope,
    date_from: datetime.date,
    date_to: datetime.date,
    filters: dict,
    sexes: Sequence[str],
) -> RowSums:
    """Every row's column sums, added up by the database from the row × sex × age-band grid
    (one line per row value comes back: outreach by village is thousands of rows)."""
    columns = _table_columns(indicator, sexes)
    split = indicator.by_sex_and_age
    outer, outer_params = [], []
    for column in columns:
        condition, params = _column_condition(column, sexes, split)
        for name in ("v", "w"):
            outer.append(f"CAST(SUM(CASE WHEN {condition} THEN {name} ELSE 0 END) AS bigint)")
            outer_params += params
    sums: RowSums = {}
    for series, sign, since in _series_parts(indicator, date_from):
        for rows in _period_rows(indicator, scope, since, date_to, filters, series=series):
            grid_sql, grid_params = _grid_query(rows, indicator.row_field).query.sql_with_params()
            sql = (
                f"WITH g (r, s, b, v, w) AS ({grid_sql}) "  # noqa: S608 (no user text)
                f"SELECT r, {', '.join(outer)} FROM g GROUP BY r"
            )
            with connections[rows.db].cursor() as cursor:
                cursor.execute(sql, [*grid_params, *outer_params])
                fetched = cursor.fetchall()
            for row_value, *numbers in fetched:
                line = sums.get(row_value)
                if line is None:
                    line = sums[row_value] = {column: [0, 0] for column in columns}
                for i, column in enumerate(columns):
                    cell = line[column]
                    cell[0] += sign * (numbers[2 * i] or 0)
                    cell[1] += sign * (numbers[2 * i + 1] or 0)
    return sums


def _monthly_rows(
    indicator: Indicator,
    scope: _Scope,
    date_from: datetime.date | None,
    date_to: datetime.date,
    filters: dict,
    *,
    series: str | None = None,
) -> Iterator[tuple[datetime.date, str, int, int]]:
    """(month's first day, dimension, Σ value, Σ weight) over the period (None: from the first
    day on), whole months read from `RollupMonth`: what `_monthly` gives for the same days."""
    for rows in _period_rows(indicator, scope, date_from, date_to, filters, series=series):
        if rows.model is RollupMonth:
            grouped = (
                rows.values("month", "dimension")
                .annotate(v=Sum("value"), w=Sum("weight"))
                .values_list("month", "dimension", "v", "w")
                .order_by()
            )
            for month, dimension, value, weight in grouped:
                yield month, dimension, value or 0, weight or 0
        else:
            yield from _monthly(rows)


def _office_sums(
    indicator: Indicator,
    scope: _Scope,
    date_from: datetime.date | None,
    date_to: datetime.date,
    filters: dict,
    *,
    series: str | None = None,
) -> Iterator[tuple[int, str, int, int]]:
    """(office id, dimension, Σ value, Σ weight) over the period (None: from the first day
    on), whole months read from `RollupMonth`."""
    for rows in _period_rows(indicator, scope, date_from, date_to, filters, series=series):
        grouped = (
            rows.values("office_id", "dimension")
            .annotate(v=Sum("value"), w=Sum("weight"))
            .values_list("office_id", "dimension", "v", "w")
            .order_by()
        )
        for office_id, dimension, value, weight in grouped:
            yield office_id, dimension, value or 0, weight or 0


# --- Making cells ----------------------------------------------------------------------------


def _minutes(seconds: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(seconds) / Decimal(count) / Decimal(60)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _ikm_index(sums: dict[str, list[int]]) -> Decimal | None:
    """The index from per-element [Σ answers, answers] (None unless all nine are answered)."""
    return ikm.index_from_sums((v, w) for v, w in sums.values())


class _Table:
    """The cells of one indicator table before suppression, from its rows' column sums: per
    row (and the total row), the total and the sex and age-band cells, each a (value, weight)."""

    def __init__(self, indicator: Indicator, row_sums: RowSums, sexes: Sequence[str]):
        self.indicator = indicator
        self.sexes = list(sexes) if indicator.by_sex_and_age else []
        self.bands = list(AGE_BANDS) if indicator.by_sex_and_age else []
        self.row_sums = row_sums

    def columns(self) -> list:
        return _table_columns(self.indicator, self.sexes)

    def sums(self, row_values: set[str] | None) -> dict:
        """Per column: [Σ value, Σ weight] of these rows (every row when None)."""
        rows = self.row_sums if row_values is None else row_values
        if len(rows) == 1:
            (only,) = rows
            line = self.row_sums.get(only)
            if line is not None:
                return line
        sums = {column: [0, 0] for column in self.columns()}
        for row_value in rows:
            for column, (v, w) in self.row_sums.get(row_value, {}).items():
                sums[column][0] += v
                sums[column][1] += w
        return sums

    def element_sums(self, column: Any) -> dict[str, list[int]]:
        """Per row (an IKM element): its [Σ value, Σ weight] in the column."""
        return {element: line[column] for element, line in self.row_sums.items()}

    def values(self, row_values: set[str] | None) -> dict:
        """Per column: the shown value of the cell and the number of records behind it."""
        aggregate = self.indicator.aggregate
        sums = self.sums(row_values)
        shown = {}
        for column, (value, weight) in sums.items():
            if aggregate == "ikm":
                if row_values is None:  # the total row: the index
                    elements = self.element_sums(column)
                    shown[column] = (
                        _ikm_index(elements),
                        sum(w for _v, w in elements.values()),
                    )
                elif not weight:
                    shown[column] = (None, 0)
                else:
                    shown[column] = (ikm.to_index_scale(Fraction(value, weight)), weight)
            elif aggregate == "mean":
                shown[column] = (_minutes(value, weight), weight)
            else:
                shown[column] = (value, weight)
        return shown


def _cell(value: int | Decimal | None, hidden_reason: str | None) -> Cell:
    if hidden_reason:
        return Cell(value=None, suppressed=True, reason=hidden_reason)
    return Cell(value=value)


def _table_sexes(indicator: Indicator, sex: str | None) -> list[str]:
    return [sex] if sex in SEXES and indicator.by_sex_and_age else list(SEXES)


def _build_result(
    indicator: Indicator,
    row_sums: RowSums,
    *,
    scope: _Scope,
    date_from: datetime.date,
    date_to: datetime.date,
    sex: str | None,
    cache: _Labels,
) -> IndicatorResult:
    table = _Table(indicator, row_sums, _table_sexes(indicator, sex))
    data_values = set(row_sums)
    if indicator.dimension:
        labels = cache.get(indicator.dimension, data_values | set(indicator.fixed_rows))
        row_values = _row_order(indicator, data_values, labels, cache)
    else:
        labels, row_values = {}, []
    # The total row: all rows together, or (rows that overlap) the stored whole.
    if not indicator.dimension:
        total_rows: set[str] | None = {""}
    elif indicator.rows_overlap:
        total_rows = {""}
    else:
        total_rows = set(row_values)
    if indicator.aggregate == "ikm":
        total_rows = None

    columns = table.columns()
    values: dict = {}
    weights: dict = {}
    lines = [(row_value, {row_value}) for row_value in row_values]
    for key, rows_of_line in [*lines, (TOTAL, total_rows)]:
        shown = table.values(rows_of_line)
        for column in columns:
            values[(key, column)], weights[(key, column)] = shown[column]

    # No suppression here: case-related tables for outsiders come from `_released_result`.
    def make_row(key: Any, dimension: str, label: str) -> Row:
        return Row(
            dimension=dimension,
            label=label,
            total=Cell(value=values[(key, "total")]),
            by_sex={s: Cell(value=values[(key, ("sex", s))]) for s in table.sexes},
            by_age_band={a: Cell(value=values[(key, ("age", a))]) for a in table.bands},
        )

    rows = [make_row(v, v, labels.get(v, v)) for v in row_values]
    total = make_row(TOTAL, "", str(_("Total")))
    return IndicatorResult(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        date_from=date_from,
        date_to=date_to,
        office_ids=list(scope.office_ids),
        rows=rows,
        total=total,
        suppressed_cells=0,
    )


def _released_columns(sex: str | None) -> tuple[object, dict, dict]:
    """The release columns of a result: its total, by sex and by age band."""
    if sex in SEXES:
        return ("sex", sex), {sex: ("sex", sex)}, {}
    return "total", {s: ("sex", s) for s in SEXES}, {a: ("age", a) for a in AGE_BANDS}


def _released_result(
    indicator: Indicator,
    *,
    scope: _Scope,
    date_from: datetime.date,
    date_to: datetime.date,
    sex: str | None,
    cache: _Labels,
) -> IndicatorResult:
    """A case-related table for a viewer outside the office: slices of the monthly releases
    (`release.py`), the whole table nationally, the totals line for one office or a few."""
    months = release_services.releases(indicator, date_from, date_to)
    total_column, sex_columns, age_columns = _released_columns(sex)
    national = scope.all_offices

    def lines(row: Any) -> list:
        if national:
            return [(release.NATIONAL, row)]
        return [(release.OFFICE, office_id) for office_id in scope.office_ids]

    hidden_count = 0

    def cell(row: Any, column: Any) -> Cell:
        nonlocal hidden_count
        out = release.combine(months, [(*line, column) for line in lines(row)])
        hidden_count += bool(out.hidden)
        return _cell(out.value, out.hidden)

    def make_row(row: Any, dimension: str, label: str) -> Row:
        return Row(
            dimension=dimension,
            label=label,
            total=cell(row, total_column),
            by_sex={s: cell(row, c) for s, c in sex_columns.items()},
            by_age_band={a: cell(row, c) for a, c in age_columns.items()},
        )

    row_values: list[str] = []
    labels: dict[str, str] = {}
    if national and indicator.dimension:
        data_values = set(release.national_rows(months))
        labels = cache.get(indicator.dimension, data_values | set(indicator.fixed_rows))
        row_values = _row_order(indicator, data_values, labels, cache)
    rows = [make_row(v, v, labels.get(v, v)) for v in row_values]
    total = make_row(release.TOTAL_ROW, "", str(_("Total")))
    counted = _released_period(date_from, date_to)
    return IndicatorResult(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        date_from=counted.date_from,
        date_to=counted.date_to,
        office_ids=list(scope.office_ids),
        rows=rows,
        total=total,
        suppressed_cells=hidden_count,
        open_month_left_out=counted.open_month_left_out,
    )


def _released_period(date_from: datetime.date, date_to: datetime.date) -> CasePeriod:
    """The days a case-related table outside the office counts: the calendar months the
    period touches, up to the last one that is over (all of them, every cell "…", when none
    is)."""
    widened_from, widened_to = release.widen_to_months(date_from, date_to)
    released = release.released_months(date_from, date_to)
    if released:  # the months that are over
        widened_to = release.month_end(released[-1])
    return CasePeriod(
        asked_from=date_from,
        asked_to=date_to,
        date_from=widened_from,
        date_to=widened_to,
        is_released=bool(released),
        open_month_left_out=date_to >= release.open_month(),
    )


def case_figures_period(
    *,
    viewer: User,
    date_from: datetime.date,
    date_to: datetime.date,
    office_ids: Iterable[int] | None = None,
) -> CasePeriod:
    """The days the case-related tables of a read (`indicator_results` with the same viewer,
    offices and period) count, beside the days asked for: what exports and report pages say
    next to the period. PermissionDenied for an office the viewer may not see."""
    scope = _Scope(viewer, None if office_ids is None else list(office_ids))
    if scope.suppress:
        return _released_period(date_from, date_to)
    return _own_case_period(date_from, date_to)


# --- Public reads ----------------------------------------------------------------------------


def indicator_result(
    *,
    code: str,
    viewer: User,
    date_from: datetime.date,
    date_to: datetime.date,
    office_ids: Iterable[int] | None = None,
    sex: str | None = None,
    scheme: str | None = None,
    destination: str | None = None,
) -> IndicatorResult:
    """One indicator table for the period (both days included) over the offices (None: every
    office the viewer may see). PermissionDenied for an office the viewer may not see."""
    return indicator_results(
        codes=[code],
        viewer=viewer,
        date_from=date_from,
        date_to=date_to,
        office_ids=office_ids,
        sex=sex,
        scheme=scheme,
        destination=destination,
    )[0]


def indicator_results(
    *,
    codes: Iterable[str] | None = None,
    viewer: User,
    date_from: datetime.date,
    date_to: datetime.date,
    office_ids: Iterable[int] | None = None,
    sex: str | None = None,
    scheme: str | None = None,
    destination: str | None = None,
) -> list[IndicatorResult]:
    """Several indicator tables (all of them by default, in the order of `INDICATORS`)."""
    flush_pending()
    indicators = list(INDICATORS) if codes is None else [get_indicator(c) for c in codes]
    scope = _Scope(viewer, None if office_ids is None else list(office_ids))
    filters = {"sex": sex or None, "scheme": scheme or None, "destination": destination or None}
    results = []
    cache = _Labels()
    for indicator in indicators:
        if scope.suppress and indicator.case_related:
            results.append(
                _released_result(
                    indicator,
                    scope=scope,
                    date_from=date_from,
                    date_to=date_to,
                    sex=sex,
                    cache=cache,
                )
            )
            continue
        sexes = _table_sexes(indicator, filters["sex"])
        counted_from, counted_to = _own_office_months(indicator, date_from, date_to)
        row_sums = _read_row_sums(indicator, scope, counted_from, counted_to, filters, sexes)
        results.append(
            _build_result(
                indicator,
                row_sums,
                scope=scope,
                date_from=counted_from,
                date_to=counted_to,
                sex=filters["sex"],
                cache=cache,
            )
        )
    return results


def _own_office_months(
    indicator: Indicator, date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period an office's own table counts: for a case-related one, `_own_case_period`;
    the days asked for otherwise."""
    if indicator.case_related:
        counted = _own_case_period(date_from, date_to)
        return counted.date_from, counted.date_to
    return date_from, date_to


def _own_case_period(date_from: datetime.date, date_to: datetime.date) -> CasePeriod:
    """The days an office's own case-related table counts: the calendar months the period
    touches (the period itself when it is made of whole months). A day's or a week's case
    figures, as they are, would point at a client ("gender-based violence 1, woman, 18–24" on
    one day); a month's are what the office's own staff always see."""
    widened_from, widened_to = release.widen_to_months(date_from, date_to)
    return CasePeriod(
        asked_from=date_from, asked_to=date_to, date_from=widened_from, date_to=widened_to
    )


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return datetime.date(year, month % 12 + 1, 1)


def _series_value(
    indicator: Indicator, sums: dict[str, list[int]]
) -> tuple[int | Decimal | None, int]:
    """A month's total from its per-dimension [Σ value, Σ weight]."""
    if indicator.aggregate == "ikm":
        return _ikm_index(sums), sum(w for _v, w in sums.values())
    if indicator.rows_overlap:
        value, weight = sums.get("", [0, 0])
    else:
        value = sum(v for v, _w in sums.values())
        weight = sum(w for _v, w in sums.values())
    if indicator.aggregate == "mean":
        return _minutes(value, weight), weight
    return value, weight


def monthly_series(
    *,
    code: str,
    viewer: User,
    months: int = 12,
    end: datetime.date | None = None,
    office_ids: Iterable[int] | None = None,
    sex: str | None = None,
    scheme: str | None = None,
    destination: str | None = None,
) -> list[tuple[datetime.date, Cell]]:
    """The indicator's total per month (first day of each month), for the `months` months
    ending with the month of `end` (today by default; that month counts up to `end`). For a
    viewer outside the office a case-related month is its monthly release's total."""
    flush_pending()
    indicator = get_indicator(code)
    scope = _Scope(viewer, None if office_ids is None else list(office_ids))
    end = end or _today(viewer, scope.office_ids)
    first = _add_months(_month_start(end), -(months - 1))
    if scope.suppress and indicator.case_related:
        return _released_series(indicator, scope, first, end, sex)
    if indicator.case_related:  # the last month whole, not up to a day (`_own_office_months`)
        end = release.month_end(_month_start(end))
    filters = {"sex": sex or None, "scheme": scheme or None, "destination": destination or None}
    by_month: dict[datetime.date, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    if indicator.aggregate == "stock":
        assert indicator.stock_of is not None  # every stock indicator names its two flows
        inflow, outflow = indicator.stock_of
        running: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        flows: dict[datetime.date, dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0])
        )
        for series, sign in ((inflow, 1), (outflow, -1)):
            stored = get_indicator(series).stored_series
            for month, dimension, value, weight in _monthly_rows(
                indicator, scope, None, end, filters, series=stored
            ):
                flows[month][dimension][0] += sign * value
                flows[month][dimension][1] += sign * weight
        for month in sorted(flows):
            if month >= first:
                break
            for dimension, (value, weight) in flows[month].items():
                running[dimension][0] += value
                running[dimension][1] += weight
        for i in range(months):
            month = _add_months(first, i)
            for dimension, (value, weight) in flows.get(month, {}).items():
                running[dimension][0] += value
                running[dimension][1] += weight
            by_month[month] = {k: list(v) for k, v in running.items()}
    else:
        for month, dimension, value, weight in _monthly_rows(indicator, scope, first, end, filters):
            by_month[month][dimension][0] += value
            by_month[month][dimension][1] += weight
    series_out = []
    for i in range(months):
        month = _add_months(first, i)
        total, _weight = _series_value(indicator, by_month.get(month, {}))
        series_out.append((month, _cell(total, None)))
    return series_out


def _released_lines(scope: _Scope) -> list[tuple]:
    if scope.all_offices:
        return [(release.NATIONAL, release.TOTAL_ROW)]
    return [(release.OFFICE, office_id) for office_id in scope.office_ids]


def _released_series(
    indicator: Indicator,
    scope: _Scope,
    first: datetime.date,
    end: datetime.date,
    sex: str | None,
) -> list[tuple[datetime.date, Cell]]:
    """A case-related series for a viewer outside the office: each month's total as that
    month's release shows it."""
    column, _by_sex, _by_age = _released_columns(sex)
    keys = [(*line, column) for line in _released_lines(scope)]
    by_month = {
        r.month: r for r in release_services.releases(indicator, first, end, every_month=True)
    }
    series = []
    for month in release.month_span(first, end):
        month_release = by_month.get(month)
        out = release.combine([month_release] if month_release else [], keys)
        series.append((month, _cell(out.value, out.hidden)))
    return series


def _monthly(queryset: QuerySet) -> Iterator[tuple[datetime.date, str, int, int]]:
    rows = (
        queryset.annotate(month=TruncMonth("day"))
        .values("month", "dimension")
        .annotate(v=Sum("value"), w=Sum("weight"))
        .values_list("month", "dimension", "v", "w")
        .order_by()
    )
    for month, dimension, value, weight in rows:
        if isinstance(month, datetime.datetime):
            month = month.date()
        yield month, dimension, value or 0, weight or 0


def office_comparison(
    *,
    code: str,
    viewer: User,
    date_from: datetime.date,
    date_to: datetime.date,
    sex: str | None = None,
) -> list[tuple[Organisation, Cell]]:
    """The indicator's total per office the viewer may see, for the period. For a national
    viewer a case-related column is read from the monthly releases (`release.py`), suppressed
    together with the national table."""
    flush_pending()
    indicator = get_indicator(code)
    scope = _Scope(viewer, None)
    offices = list(visible_report_offices(viewer))
    if scope.suppress and indicator.case_related:
        months = release_services.releases(indicator, date_from, date_to)
        column, _by_sex, _by_age = _released_columns(sex)
        out = []
        for office in offices:
            cell = release.combine(months, [(release.OFFICE, office.pk, column)])
            out.append((office, _cell(cell.value, cell.hidden)))
        return out
    date_from, date_to = _own_office_months(indicator, date_from, date_to)
    filters = {"sex": sex or None, "scheme": None, "destination": None}
    if indicator.aggregate == "stock":
        assert indicator.stock_of is not None  # every stock indicator names its two flows
        inflow, outflow = indicator.stock_of
        pairs: list[tuple[str, int, datetime.date | None]] = [
            (get_indicator(inflow).stored_series, 1, None),
            (get_indicator(outflow).stored_series, -1, None),
        ]
    else:
        pairs = [(indicator.stored_series, 1, date_from)]
    per_office: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for series, sign, since in pairs:
        for office_id, dimension, value, weight in _office_sums(
            indicator, scope, since, date_to, filters, series=series
        ):
            per_office[office_id][dimension][0] += sign * value
            per_office[office_id][dimension][1] += sign * weight
    return [
        (office, Cell(value=_series_value(indicator, per_office.get(office.pk, {}))[0]))
        for office in offices
    ]


def period_of_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month of `day`."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


__all__ = [
    "COMPLEMENTARY",
    "case_figures_period",
    "indicator_result",
    "indicator_results",
    "monthly_series",
    "office_comparison",
    "period_of_month",
    "suppression_applies",
    "visible_report_offices",
]


def figures_are_behind() -> bool:
    """The background refresh of the roll-ups has left changes waiting for over two minutes
    (it fails, or no task worker runs): the dashboards say their figures may lag."""
    return refresh_is_behind()


def latest_release(viewer: User) -> tuple[datetime.date, datetime.datetime] | None:
    """The latest month whose case figures have left the offices (`release.py`), and when its
    releases were built; None before any month is released, or for a viewer of no national
    reports."""
    if not viewer.has_perm("reports.view_national_reports"):
        return None
    latest = StoredRelease.objects.aggregate(month=Max("month"))["month"]
    if latest is None:
        return None
    built = StoredRelease.objects.filter(month=latest).aggregate(at=Max("built_at"))["at"]
    return latest, built
