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

Published once: each month's release is built the first time it is asked for (the nightly
`publish_closed_months` builds every month that is over ahead of the readers) and stored
(`StoredRelease`); it never changes after. Building and storing are `services/releases.py`; this
module holds the arithmetic (a month's cells, the shadow, what came late and where it fits) and
the reads of what is stored. Were it rebuilt after a late record, a reader who kept
both versions could subtract them (the record is the difference). What the roll-ups of a
published month gain or lose later (a record entered late, a correction) is counted in the next
month built instead: each stored release keeps the records it counts (`accounted`), and a month
built takes the difference between the roll-ups of every month published before it and what
they count, cell by cell, where it fits (a count never goes below zero: a decrease that does not
fit waits). So every month leaves once, and the months' sum still counts every record.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from satuatap.reports import shadow
from satuatap.reports.indicators import AGE_BANDS, SEXES, Indicator, get_indicator
from satuatap.reports.models import RollupMonth, StoredRelease
from satuatap.reports.suppression import COMPLEMENTARY

NATIONAL = "national"
OFFICE = "office"
TOTAL_ROW = None
COLUMNS: list = ["total", *[("sex", s) for s in SEXES], *[("age", a) for a in AGE_BANDS]]

Key = tuple[str, object, object]  # (NATIONAL, row, column) or (OFFICE, office id, column)
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


def read_months(indicator: Indicator, months: Sequence[datetime.date]) -> dict:
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
    assert indicator.stock_of is not None  # every stock indicator names its two flows
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


def rows_overlap(indicator: Indicator) -> bool:
    return not indicator.dimension or indicator.rows_overlap


def month_values(
    indicator: Indicator, month: datetime.date, grid: MonthGrid, office_ids: Sequence[int]
) -> MonthRelease:
    """One month's cells (before anything is hidden): the national table and every office's
    line."""
    national: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    per_office: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    whole = {""} if rows_overlap(indicator) else None
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
        overlap=rows_overlap(indicator),
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


def stored_releases(
    code: str, months: Sequence[datetime.date]
) -> dict[datetime.date, MonthRelease]:
    """The stored releases of these months."""
    # A build is known by its time: stored releases never change, but a restored backup or a
    # test may bring other ones under the same month.
    keys = {
        month: (code, month, built_at)
        for month, built_at in StoredRelease.objects.filter(
            indicator=code, month__in=months
        ).values_list("month", "built_at")
    }
    built: dict[datetime.date, MonthRelease] = {}
    for month, key in keys.items():
        if key in _decoded:
            built[month] = _decoded[key]
    to_load = [month for month in keys if month not in built]
    if to_load:
        for stored in StoredRelease.objects.filter(indicator=code, month__in=to_load):
            key = (code, stored.month, stored.built_at)
            built[stored.month] = _remember(key, _from_stored(stored))
    return built


# --- Records that come after their month was published ------------------------------------


def grid_rows(grid: MonthGrid) -> list[list]:
    return [[*key, value, weight] for key, (value, weight) in grid.items() if value or weight]


def _grid_from(rows: list[list]) -> MonthGrid:
    return {(o, r, s, b): [v, w] for o, r, s, b, v, w in rows}


def counted_records(
    codes: Sequence[str], until: datetime.date
) -> dict[str, dict[datetime.date, MonthGrid]]:
    """Per indicator, per published month before `until`: the records its releases count so far
    (what the month counted when it was built, and what later months took over since)."""
    out: dict[str, dict[datetime.date, MonthGrid]] = {code: {} for code in codes}
    for code, month, rows in StoredRelease.objects.filter(
        indicator__in=codes, month__lt=until
    ).values_list("indicator", "month", "accounted"):
        out[code][month] = _grid_from(rows)
    return out


def late_records(
    now: dict[datetime.date, MonthGrid],
    counted: dict[datetime.date, MonthGrid],
    month: datetime.date,
) -> MonthGrid:
    """What the roll-ups of the months published before `month` hold now and no release
    counts yet: records entered (or changed) after their month was published."""
    late: MonthGrid = defaultdict(lambda: [0, 0])
    for published, was in counted.items():
        if published >= month:
            continue
        current = now.get(published, {})
        for key in current.keys() | was.keys():
            value, weight = current.get(key, (0, 0))
            old_value, old_weight = was.get(key, (0, 0))
            if value != old_value or weight != old_weight:
                late[key][0] += value - old_value
                late[key][1] += weight - old_weight
    return {key: cell for key, cell in late.items() if cell != [0, 0]}


def take_late(indicator: Indicator, grid: MonthGrid, late: MonthGrid) -> tuple[MonthGrid, set]:
    """The month's cells with what came late added where it fits (a count never below zero;
    when rows overlap, a row never above its line's whole, so a line's cells go together), and
    the cells taken. A decrease that does not fit waits for a month it fits in."""
    out = {key: list(cell) for key, cell in grid.items()}
    overlap = rows_overlap(indicator)
    batches: dict[tuple, set] = defaultdict(set)
    for key in late:
        office_id, _row, sex, band = key
        batches[(office_id, sex, band) if overlap else key].add(key)
    taken: set = set()
    for line, keys in batches.items():
        trial = {
            key: [out.get(key, [0, 0])[0] + late[key][0], out.get(key, [0, 0])[1] + late[key][1]]
            for key in keys
        }
        if any(value < 0 or weight < 0 for value, weight in trial.values()):
            continue
        if overlap:
            office_id, sex, band = line
            merged = {**{k: c for k, c in out.items() if (k[0], k[2], k[3]) == line}, **trial}
            whole = merged.get((office_id, "", sex, band), [0, 0])[0]
            if any(row and value > whole for (_o, row, _s, _b), (value, _w) in merged.items()):
                continue
        out.update(trial)
        taken |= keys
    return out, taken


def take_over(
    counted: dict[datetime.date, MonthGrid],
    now: dict[datetime.date, MonthGrid],
    month: datetime.date,
    taken: set,
) -> set[datetime.date]:
    """`month` counts the `taken` cells of the months published before it as they are now: mark
    them counted there; the months whose count changed."""
    changed = set()
    for published, was in counted.items():
        if published >= month:
            continue
        current = now.get(published, {})
        for key in taken:
            cell = current.get(key, [0, 0])
            if list(was.get(key, [0, 0])) != list(cell):
                changed.add(published)
                if cell[0] or cell[1]:
                    was[key] = list(cell)
                else:
                    was.pop(key, None)
    return changed


def pending_grid(before: MonthGrid, received: MonthGrid, resolved: MonthGrid) -> MonthGrid:
    """Pending at the end of a month: pending before + received − resolved, cell by cell."""
    out: MonthGrid = defaultdict(lambda: [0, 0])
    for grid, sign in ((before, 1), (received, 1), (resolved, -1)):
        for key, (value, weight) in grid.items():
            out[key][0] += sign * value
            out[key][1] += sign * weight
    return {key: cell for key, cell in out.items() if cell != [0, 0]}


def keep_pending_whole(
    grids: dict[str, MonthGrid],
    counts: dict[str, MonthGrid],
    taken: dict[str, set],
    pending_before: MonthGrid,
) -> None:
    """Where what came late would leave a cell's pending complaints below zero (a complaint
    taken as resolved before it is taken as received), it waits."""
    received, resolved = "complaints_received", "complaints_resolved"
    pending = pending_grid(pending_before, grids[received], grids[resolved])
    for key, (value, weight) in pending.items():
        if value < 0 or weight < 0:
            for code in (received, resolved):
                if key in taken[code]:
                    taken[code].discard(key)
                    cell = counts[code].get(key)
                    if cell is None:
                        grids[code].pop(key, None)
                    else:
                        grids[code][key] = list(cell)


def credit_after(credit: dict | None, current: dict[str, MonthRelease]) -> dict | None:
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


# Stored releases decoded in this process, by (indicator, month, time built): a release never
# changes once built. Emptied when full.
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


def column_code(column) -> str:
    return column if column == "total" else f"{column[0]}:{column[1]}"


_COLUMN_OF = {column_code(column): column for column in COLUMNS}


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
    "GROUP_OF",
    "LINKED",
    "MonthGrid",
    "MonthRelease",
    "NATIONAL",
    "OFFICE",
    "Released",
    "TOTAL_ROW",
    "UNRELEASED",
    "build_linked_month",
    "build_month",
    "column_code",
    "combine",
    "counted_records",
    "credit_after",
    "forget_decoded",
    "grid_rows",
    "keep_pending_whole",
    "late_records",
    "month_end",
    "month_span",
    "national_rows",
    "open_month",
    "pending_grid",
    "read_months",
    "released_months",
    "stored_releases",
    "take_late",
    "take_over",
    "widen_to_months",
]
