"""What leaves the office: case-related counts for viewers outside it.

Suppressing each table on its own is not enough once a viewer can set tables side by side: the
office comparison, one office's figures and the national table share cells and equations (the
national total row is the sum of the offices' totals), and a year is the sum of its months. So
every case-related number a viewer outside the office sees is read from one *release* per
indicator and calendar month, suppressed once (`suppression.py`) for all the ways it can be
looked at:

- the national table: rows × (total, sex, age-band) columns and its total row;
- each office's totals: (total, sex, age-band) columns, one line per office;
- linked by "the national total row is the sum of the offices' lines".

The ways out are slices of it:

- only months that are over leave: the month under way (in WIB, the last of Indonesia's time
  zones to end a month) is "not released yet", so two readings a day apart cannot be subtracted
  to find the day's records;
- periods are whole calendar months (a period is widened to the months it touches, so days
  cannot be subtracted from each other); a stock (complaints pending) is its last month's;
- a cell of several months or several offices is shown only when every month's (office's) cell
  it adds up is shown, so it says nothing the monthly releases do not already say;
- for one office, or a few, only the totals line leaves (no breakdown by category, partner or
  reason); a sex filter picks that sex's column, and the age-band columns of one sex (which no
  release holds) are not given; the scheme and destination filters do not apply.

Inside the office nothing here is used: the office's staff see their numbers as they are.

Each month's release is built once and stored (`StoredRelease`) with the sum of the roll-up
versions it was built from (`RollupMonthVersion`, bumped whenever an office-month's roll-ups are
rewritten): a reader takes the stored release while that sum and the list of offices are
unchanged, and builds (and stores) it afresh otherwise. `publish_closed_months` builds every
month that is over ahead of the readers (a nightly task, and after `rebuild_rollups`).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Min, Sum
from django.utils import timezone

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.reports import shadow
from satuatap.reports.indicators import AGE_BANDS, INDICATORS, SEXES, Indicator, get_indicator
from satuatap.reports.models import RollupMonth, RollupMonthVersion, StoredRelease
from satuatap.reports.rollups import flush_pending
from satuatap.reports.suppression import COMPLEMENTARY

NATIONAL = "national"
OFFICE = "office"
TOTAL_ROW = None
COLUMNS: list = ["total", *[("sex", s) for s in SEXES], *[("age", a) for a in AGE_BANDS]]

Key = tuple[str, object, object]  # (NATIONAL, row, column) or (OFFICE, office id, column)
CACHE_SECONDS = 24 * 60 * 60
UNRELEASED = "unreleased"
WITHHELD = shadow.WITHHELD
# Indicators whose months are built together, in order, each from the month before: the
# identities between them (pending = pending before + received − resolved; a referral's result
# never before it is sent) hold across months.
LINKED: dict[str, tuple[str, ...]] = {
    "complaints": ("complaints_received", "complaints_resolved", "complaints_pending"),
    "referrals": ("referrals_by_partner", "referrals_by_result"),
}
GROUP_OF = {code: name for name, codes in LINKED.items() for code in codes}
ROLE_IN_GROUP = {
    "complaints_received": "received",
    "complaints_resolved": "resolved",
    "complaints_pending": "pending",
    "referrals_by_partner": "partner",
    "referrals_by_result": "result",
}
RELEASE_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")
MonthGrid = dict[tuple[int, str, str, str], list[int]]  # (office, row, sex, band) → [v, w]


@dataclass
class MonthRelease:
    """One indicator's release for one calendar month."""

    month: datetime.date
    rows: list[str] = field(default_factory=list)
    values: dict[Key, int] = field(default_factory=dict)
    weights: dict[Key, int] = field(default_factory=dict)
    hidden: dict[Key, str] = field(default_factory=dict)
    # The shadow's differences from the values (`shadow.py`): never shown, kept for the
    # month after (pending complaints and referrals carry them over).
    delta: dict[Key, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Released:
    """A cell as it leaves the office: the value, or hidden with the reason."""

    value: int
    weight: int
    hidden: str | None


def month_span(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The first days of the calendar months the period touches."""
    months = []
    month = date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def widen_to_months(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.date, datetime.date]:
    return date_from.replace(day=1), month_end(date_to.replace(day=1))


def is_whole_months(date_from: datetime.date, date_to: datetime.date) -> bool:
    """Whether the period is made of whole calendar months."""
    return date_from.day == 1 and date_to == month_end(date_to.replace(day=1))


def _column_matches(column, sex: str, band: str) -> bool:
    if column == "total":
        return sex in SEXES
    kind, code = column
    return (sex if kind == "sex" else band) == code and sex in SEXES


def _sum(cells, column) -> tuple[int, int]:
    value = weight = 0
    for (sex, band), (v, w) in cells.items():
        if _column_matches(column, sex, band):
            value += v
            weight += w
    return value, weight


def _read_months(indicator: Indicator, months: Sequence[datetime.date]) -> dict:
    """Per month: (office, row, sex, band) → [Σ value, Σ weight], from the monthly roll-ups."""
    first = months[0]
    by_month: dict[datetime.date, MonthGrid] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def read(series: str, sign: int, since: datetime.date | None):
        rows = RollupMonth.objects.filter(indicator=series, month__lte=months[-1])
        if since is not None:
            rows = rows.filter(month__gte=since)
        for month, office_id, row, sex, band, value, weight in (
            rows.values("month", "office_id", indicator.row_field, "sex", "age_band")
            .annotate(v=Sum("value"), w=Sum("weight"))
            .values_list("month", "office_id", indicator.row_field, "sex", "age_band", "v", "w")
            .order_by()
        ):
            cell = by_month[month][(office_id, row, sex, band)]
            cell[0] += sign * (value or 0)
            cell[1] += sign * (weight or 0)

    if indicator.aggregate != "stock":
        read(indicator.stored_series, 1, first)
        return by_month
    # A stock at the end of each month: every flow up to then.
    flows = by_month
    for series, sign in zip(indicator.stock_of, (1, -1), strict=True):
        read(get_indicator(series).stored_series, sign, None)
    stock: dict[datetime.date, MonthGrid] = {}
    running: MonthGrid = defaultdict(lambda: [0, 0])
    wanted = set(months)
    for month in sorted({*flows, *months}):
        if month > months[-1]:
            break
        for key, (value, weight) in flows.get(month, {}).items():
            running[key][0] += value
            running[key][1] += weight
        if month in wanted:
            stock[month] = {k: list(v) for k, v in running.items()}
    return stock


def _rows_overlap(indicator: Indicator) -> bool:
    return not indicator.dimension or indicator.rows_overlap


def month_values(
    indicator: Indicator, month: datetime.date, grid: MonthGrid, office_ids: Sequence[int]
) -> MonthRelease:
    """One month's cells (before anything is hidden): the national table and every office's
    line."""
    national: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    per_office: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    whole = {""} if _rows_overlap(indicator) else None
    for (office_id, row, sex, band), (value, weight) in grid.items():
        national[row][(sex, band)][0] += value
        national[row][(sex, band)][1] += weight
        if whole is None or row in whole:
            per_office[office_id][(sex, band)][0] += value
            per_office[office_id][(sex, band)][1] += weight
    rows = sorted(r for r in national if r)
    release = MonthRelease(month=month, rows=rows)
    total_cells: dict = defaultdict(lambda: [0, 0])
    for row, cells in national.items():
        if whole is None or row in whole:
            for key, (value, weight) in cells.items():
                total_cells[key][0] += value
                total_cells[key][1] += weight
    for column in COLUMNS:
        for row in rows:
            key = (NATIONAL, row, column)
            release.values[key], release.weights[key] = _sum(national[row], column)
        key = (NATIONAL, TOTAL_ROW, column)
        release.values[key], release.weights[key] = _sum(total_cells, column)
        for office_id in office_ids:
            key = (OFFICE, office_id, column)
            release.values[key], release.weights[key] = _sum(per_office.get(office_id, {}), column)
    return release


def _table(indicator: Indicator, release: MonthRelease, office_ids: Sequence[int]) -> shadow.Table:
    return shadow.Table(
        values=release.values,
        weights=release.weights,
        rows=list(release.rows),
        offices=list(office_ids),
        overlap=_rows_overlap(indicator),
        counts=indicator.unit != "rupiah",
    )


def _take(release: MonthRelease, table: shadow.Table) -> MonthRelease:
    release.hidden = table.hidden()
    release.delta = dict(table.delta)
    return release


def build_month(
    indicator: Indicator, month: datetime.date, grid: MonthGrid, office_ids: Sequence[int]
) -> MonthRelease:
    """The release of one month of an indicator that is not linked to others."""
    release = month_values(indicator, month, grid, office_ids)
    table = _table(indicator, release, office_ids)
    shadow.Group({indicator.code: table}).build()
    return _take(release, table)


def build_linked_month(
    group: str,
    month: datetime.date,
    grids: dict[str, MonthGrid],
    office_ids: Sequence[int],
    before: dict[str, MonthRelease] | None,
    state: dict,
) -> dict[str, MonthRelease]:
    """One month of a linked group, from the month before (`before`: its releases, None for
    the first month) and the group's running `state` (updated here)."""
    out: dict[str, MonthRelease] = {}
    tables: dict[str, shadow.Table] = {}
    for code in LINKED[group]:
        indicator = get_indicator(code)
        out[code] = month_values(indicator, month, grids.get(code, {}), office_ids)
        tables[ROLE_IN_GROUP[code]] = _table(indicator, out[code], office_ids)
    if group == "complaints":
        pending_before = (before or {}).get("complaints_pending")
        if pending_before is None:
            carry: dict | None = {}
            previous = None
        elif pending_before.hidden and all(
            reason == WITHHELD for reason in pending_before.hidden.values()
        ):
            carry, previous = (
                None,
                _table(get_indicator("complaints_pending"), pending_before, office_ids),
            )
        else:
            carry, previous = dict(pending_before.delta), None
        complaints = shadow.ComplaintsGroup(tables, carry, previous)
        complaints.build()
    else:
        referrals = shadow.ReferralsGroup(tables, state.get("credit", {}))
        referrals.build()
        state["credit"] = referrals.credit_after()
    for code in LINKED[group]:
        _take(out[code], tables[ROLE_IN_GROUP[code]])
    return out


def open_month() -> datetime.date:
    """The first day of the month under way in WIB: it and later months are not released."""
    return timezone.now().astimezone(RELEASE_ZONE).date().replace(day=1)


def released_months(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The months of the period that are over, hence released."""
    under_way = open_month()
    return [month for month in month_span(date_from, date_to) if month < under_way]


def releases(
    indicator: Indicator,
    date_from: datetime.date,
    date_to: datetime.date,
    *,
    every_month: bool = False,
) -> list[MonthRelease]:
    """The monthly releases a period needs (months that are over): only the last month for a
    stock, unless a series wants `every_month`."""
    flush_pending()
    months = released_months(date_from, date_to)
    if not months:
        return []
    if indicator.aggregate == "stock" and not every_month:
        months = months[-1:]
    office_ids = list(
        Organisation.objects.filter(kind=OrganisationKind.OFFICE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    group = GROUP_OF.get(indicator.code)
    if group is not None:
        built = _linked_releases(group, months, office_ids)[indicator.code]
        return [built[month] for month in months]
    # The stamps are read before the roll-ups: a release stored with an older stamp than its
    # data is merely rebuilt once more, never the other way round.
    stamps = _stamps(indicator, months)
    stored = _stored(indicator.code, months, stamps, office_ids)
    missing = [month for month in months if month not in stored]
    if missing:
        grids = _read_months(indicator, missing)
        fresh = [build_month(indicator, m, grids.get(m, {}), office_ids) for m in missing]
        _store(indicator, fresh, stamps, office_ids)
        stored.update((r.month, r) for r in fresh)
    return [stored[month] for month in months]


def _stored(
    code: str,
    months: Sequence[datetime.date],
    stamps: dict[datetime.date, int],
    office_ids: list[int],
) -> dict[datetime.date, MonthRelease]:
    """The stored releases of these months that are still current (same stamp, same offices)."""
    # A build is known by its time as well as its stamp: versions restart with the database
    # (a restored backup, a test), times of builds do not come back with other contents.
    keys = {
        month: (code, month, stamp, built_at)
        for month, stamp, offices, built_at in StoredRelease.objects.filter(
            indicator=code, month__in=months
        ).values_list("month", "stamp", "offices", "built_at")
        if stamp == stamps[month] and offices == office_ids
    }
    built: dict[datetime.date, MonthRelease] = {}
    for month, key in keys.items():
        if key in _decoded:
            built[month] = _decoded[key]
    to_load = [month for month in keys if month not in built]
    if to_load:
        for stored in StoredRelease.objects.filter(indicator=code, month__in=to_load):
            key = (code, stored.month, stored.stamp, stored.built_at)
            if stored.stamp == stamps[stored.month] and stored.offices == office_ids:
                built[stored.month] = _remember(key, _from_stored(stored))
    return built


def _linked_releases(
    group: str, months: Sequence[datetime.date], office_ids: list[int]
) -> dict[str, dict[datetime.date, MonthRelease]]:
    """Every month of a linked group from its first month with records up to the last one
    asked for: stored ones while they are current, the rest built in order, each from the one
    before (a month rebuilt makes every later one rebuilt too: their stamps cover it)."""
    codes = LINKED[group]
    series = {
        get_indicator(name).stored_series
        for code in codes
        for name in (get_indicator(code).stock_of or (code,))
    }
    first = RollupMonth.objects.filter(indicator__in=series).aggregate(first=Min("month"))["first"]
    first = min(first, months[0]) if first is not None else months[0]
    span = month_span(first, months[-1])
    stamps = _cumulative_stamps(span)
    stored = {code: _stored(code, span, stamps, office_ids) for code in codes}
    out: dict[str, dict[datetime.date, MonthRelease]] = {code: {} for code in codes}
    state: dict = {"credit": {}}
    before: dict[str, MonthRelease] | None = None
    for i, month in enumerate(span):
        if all(month in stored[code] for code in codes):
            current = {code: stored[code][month] for code in codes}
            if group == "referrals":
                state["credit"] = _credit_after(state.get("credit"), current)
        else:
            rest = span[i:]
            grids = {code: _read_months(get_indicator(code), rest) for code in codes}
            fresh_by_code: dict[str, list[MonthRelease]] = {code: [] for code in codes}
            for month_to_build in rest:
                current = build_linked_month(
                    group,
                    month_to_build,
                    {code: grids[code].get(month_to_build, {}) for code in codes},
                    office_ids,
                    before,
                    state,
                )
                for code in codes:
                    out[code][month_to_build] = current[code]
                    fresh_by_code[code].append(current[code])
                before = current
            for code in codes:
                _store(get_indicator(code), fresh_by_code[code], stamps, office_ids)
            break
        for code in codes:
            out[code][month] = current[code]
        before = current
    return out


def _credit_after(credit: dict | None, current: dict[str, MonthRelease]) -> dict | None:
    """The referral shadow's surplus of sent over results after a stored month."""
    partner = current["referrals_by_partner"]
    result = current["referrals_by_result"]
    if credit is None or any(r == WITHHELD for r in partner.hidden.values()):
        return None
    out = dict(credit)
    for key in partner.values.keys() | result.values.keys():
        if key[0] == OFFICE or key[1] is TOTAL_ROW:
            change = (
                partner.values.get(key, 0)
                + partner.delta.get(key, 0)
                - result.values.get(key, 0)
                - result.delta.get(key, 0)
            )
            if change:
                out[key] = out.get(key, 0) + change
    return out


def _cumulative_stamps(months: Sequence[datetime.date]) -> dict[datetime.date, int]:
    per_month = dict(
        RollupMonthVersion.objects.filter(month__lte=months[-1])
        .values("month")
        .annotate(total=Sum("version"))
        .values_list("month", "total")
        .order_by()
    )
    return {month: sum(v for m, v in per_month.items() if m <= month) for month in months}


def _stamps(indicator: Indicator, months: Sequence[datetime.date]) -> dict[datetime.date, int]:
    """Per month: the sum of the roll-up versions its release depends on (that month's, or for
    a stock every month up to it)."""
    per_month = dict(
        RollupMonthVersion.objects.filter(month__lte=months[-1])
        .values("month")
        .annotate(total=Sum("version"))
        .values_list("month", "total")
        .order_by()
    )
    if indicator.aggregate != "stock":
        return {month: per_month.get(month, 0) for month in months}
    return {month: sum(v for m, v in per_month.items() if m <= month) for month in months}


# Stored releases decoded in this process, by (indicator, month, stamp, time built): a release
# is never changed once built (a rebuild is a new build), so a key that moves simply misses.
# Emptied when full.
_decoded: dict[tuple, MonthRelease] = {}
DECODED_MAX = 2000


def _remember(key: tuple, month_release: MonthRelease) -> MonthRelease:
    if len(_decoded) >= DECODED_MAX:
        _decoded.clear()
    _decoded[key] = month_release
    return month_release


def forget_decoded() -> None:
    """Empty this process's decoded releases (a benchmark's cold run)."""
    _decoded.clear()


def _column_code(column) -> str:
    return column if column == "total" else f"{column[0]}:{column[1]}"


_COLUMN_OF = {_column_code(column): column for column in COLUMNS}


def _store(
    indicator: Indicator,
    built: Sequence[MonthRelease],
    stamps: dict[datetime.date, int],
    office_ids: list[int],
) -> None:
    now = timezone.now()
    StoredRelease.objects.bulk_create(
        [
            StoredRelease(
                indicator=indicator.code,
                month=r.month,
                stamp=stamps[r.month],
                offices=office_ids,
                rows=r.rows,
                cells=[
                    [
                        kind,
                        line,
                        _column_code(column),
                        value,
                        r.weights[key],
                        r.hidden.get(key),
                        r.delta.get(key, 0),
                    ]
                    for key, value in r.values.items()
                    for kind, line, column in [key]
                ],
                built_at=now,
            )
            for r in built
        ],
        update_conflicts=True,
        unique_fields=["indicator", "month"],
        update_fields=["stamp", "offices", "rows", "cells", "built_at"],
    )


def _from_stored(stored: StoredRelease) -> MonthRelease:
    release = MonthRelease(month=stored.month, rows=list(stored.rows))
    for kind, line, column, value, weight, hidden, delta in stored.cells:
        key = (kind, line, _COLUMN_OF[column])
        release.values[key] = value
        release.weights[key] = weight
        if hidden is not None:
            release.hidden[key] = hidden
        if delta:
            release.delta[key] = delta
    return release


def publish_closed_months() -> int:
    """Build and store, ahead of any reader, the release of every case-related indicator for
    every month that is over and has roll-ups; the number of months (re)built."""
    flush_pending()
    first = RollupMonth.objects.aggregate(first=Min("month"))["first"]
    if first is None:
        return 0
    last = open_month() - datetime.timedelta(days=1)
    if last < first:
        return 0
    previous = dict(
        (((code, month), at))
        for code, month, at in StoredRelease.objects.values_list("indicator", "month", "built_at")
    )
    for indicator in INDICATORS:
        if indicator.case_related:
            releases(indicator, first, last, every_month=True)
    after = StoredRelease.objects.values_list("indicator", "month", "built_at")
    return sum(1 for code, month, at in after if previous.get((code, month)) != at)


def combine(month_releases: Sequence[MonthRelease], keys: Sequence[Key]) -> Released:
    """The cell that adds up these keys over these months: shown only if every part is; with
    no month released, not released.

    Hidden, it says no more than its parts do: "<5" only when it is one "<5" part and zeros
    (a sum of several hidden parts shown "<5" would tell that they add up to 4 at most), "×"
    otherwise, and withheld when a part is."""
    if not month_releases:
        return Released(0, 0, UNRELEASED)
    value = weight = 0
    reasons = []
    nonzero_shown = False
    for release in month_releases:
        for key in keys:
            value += release.values.get(key, 0)
            weight += release.weights.get(key, 0)
            reason = release.hidden.get(key)
            if reason is not None:
                reasons.append(reason)
            elif release.values.get(key, 0) or release.weights.get(key, 0):
                nonzero_shown = True
    if not reasons:
        return Released(value, weight, None)
    if WITHHELD in reasons:
        return Released(value, weight, WITHHELD)
    if len(reasons) == 1 and not nonzero_shown:
        return Released(value, weight, reasons[0])
    return Released(value, weight, COMPLEMENTARY)


def national_rows(month_releases: Sequence[MonthRelease]) -> list[str]:
    return sorted({row for release in month_releases for row in release.rows})


__all__ = [
    "COLUMNS",
    "NATIONAL",
    "OFFICE",
    "TOTAL_ROW",
    "UNRELEASED",
    "MonthRelease",
    "Released",
    "build_linked_month",
    "build_month",
    "combine",
    "month_end",
    "month_span",
    "national_rows",
    "open_month",
    "publish_closed_months",
    "released_months",
    "releases",
    "widen_to_months",
]
