"""Publishing the monthly releases of case-related counts: building a month's release (the
arithmetic is `reports/release.py`: the cells, the shadow that protects them as a set, what came
late and where it fits) and storing it once (`StoredRelease`, docs/reports.md "Published once").

`releases()` is the one way to a month's release: the stored one, or else, for a month that is
over and was never built, the one it builds and stores there and then, under the build lock, so
that every reader of a month sees the same release, protected the same way. That is why the
reports' selectors call it (the one exception to "Selectors never import services" in
`pyproject.toml`): a reader who asks first for a month publishes it, exactly as the nightly
`publish_closed_months` would have; nothing else is written by a read.
"""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.reports import release
from satuatap.reports.indicators import INDICATORS, Indicator, get_indicator
from satuatap.reports.models import RollupMonth, StoredRelease
from satuatap.reports.release import GROUP_OF, LINKED, MonthGrid, MonthRelease
from satuatap.reports.services.rollups import flush_pending, refresh_dirty

BUILD_LOCK = 1_602_160  # PostgreSQL advisory-lock class of the release builders


def releases(
    indicator: Indicator,
    date_from: datetime.date,
    date_to: datetime.date,
    *,
    every_month: bool = False,
) -> list[MonthRelease]:
    """The monthly releases a period needs (months that are over): only the last month for a
    stock, unless a series wants `every_month`. A month's release is built once, the first time
    it is asked for, and never changes after (docs/reports.md, "Published once")."""
    flush_pending()
    months = release.released_months(date_from, date_to)
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
    stored = release.stored_releases(indicator.code, months)
    if any(month not in stored for month in months):
        with transaction.atomic():
            _lock_builds(indicator.code)
            stored.update(
                release.stored_releases(indicator.code, [m for m in months if m not in stored])
            )
            missing = [month for month in months if month not in stored]
            if missing:
                stored.update((r.month, r) for r in _build_months(indicator, missing, office_ids))
    return [stored[month] for month in months]


def _lock_builds(name: str) -> None:
    """One builder at a time for an indicator (a linked group): a month is built once. SQLite
    takes its write lock when the transaction starts (IMMEDIATE), PostgreSQL needs a lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                [BUILD_LOCK, zlib.crc32(name.encode()) & 0x7FFFFFFF],
            )


def _build_months(
    indicator: Indicator, missing: Sequence[datetime.date], office_ids: list[int]
) -> list[MonthRelease]:
    """Build and store these months of an indicator that is not linked to others, each with
    what came late for the months published before it."""
    counted = release.counted_records([indicator.code], missing[-1])[indicator.code]
    grids = release.read_months(indicator, sorted({*counted, *missing}))
    late_possible = indicator.aggregate != "stock"
    built = []
    changed: set[datetime.date] = set()
    for month in missing:
        grid = grids.get(month, {})
        late = release.late_records(grids, counted, month) if late_possible else {}
        adjusted = grid
        if late:
            adjusted, taken = release.take_late(indicator, grid, late)
            changed |= release.take_over(counted, grids, month, taken)
        built.append(release.build_month(indicator, month, adjusted, office_ids))
        counted[month] = {key: list(cell) for key, cell in grid.items()}
    _store(indicator, built, {month: counted[month] for month in missing}, office_ids)
    _update_counted(indicator.code, {m: counted[m] for m in changed - set(missing)})
    return built


def _update_counted(code: str, counted: dict[datetime.date, MonthGrid]) -> None:
    for month, grid in counted.items():
        StoredRelease.objects.filter(indicator=code, month=month).update(
            accounted=release.grid_rows(grid)
        )


def _linked_releases(
    group: str, months: Sequence[datetime.date], office_ids: list[int]
) -> dict[str, dict[datetime.date, MonthRelease]]:
    """Every month of a linked group from its first month with records up to the last one
    asked for: the stored ones as they are, the others built in order, each from the one
    before, with what came late for the months published before it."""
    codes = LINKED[group]
    series = {
        get_indicator(name).stored_series
        for code in codes
        for name in (get_indicator(code).stock_of or (code,))
    }
    firsts = [
        RollupMonth.objects.filter(indicator__in=series).aggregate(first=Min("month"))["first"],
        StoredRelease.objects.filter(indicator__in=codes).aggregate(first=Min("month"))["first"],
        months[0],
    ]
    span = release.month_span(min(f for f in firsts if f is not None), months[-1])
    stored = {code: release.stored_releases(code, span) for code in codes}
    if all(month in stored[code] for code in codes for month in span):
        return stored
    with transaction.atomic():
        _lock_builds(group)
        stored = {code: release.stored_releases(code, span) for code in codes}
        return _build_linked(group, span, stored, office_ids)


def _build_linked(
    group: str,
    span: Sequence[datetime.date],
    stored: dict[str, dict[datetime.date, MonthRelease]],
    office_ids: list[int],
) -> dict[str, dict[datetime.date, MonthRelease]]:
    codes = LINKED[group]
    flows = [code for code in codes if get_indicator(code).aggregate != "stock"]
    stock = next((code for code in codes if code not in flows), None)
    last_published = StoredRelease.objects.filter(indicator__in=codes).aggregate(last=Max("month"))[
        "last"
    ]
    counted = release.counted_records(codes, span[-1] + datetime.timedelta(days=1))
    now = {
        code: release.read_months(get_indicator(code), sorted({*counted[code], *span}))
        for code in flows
    }
    out: dict[str, dict[datetime.date, MonthRelease]] = {code: {} for code in codes}
    fresh: dict[str, list[MonthRelease]] = {code: [] for code in codes}
    changed: dict[str, set[datetime.date]] = {code: set() for code in flows}
    state: dict = {"credit": {}}
    before: dict[str, MonthRelease] | None = None
    pending_before: MonthGrid = {}
    for month in span:
        if all(month in stored[code] for code in codes):
            current = {code: stored[code][month] for code in codes}
            if group == "referrals":
                state["credit"] = release.credit_after(state.get("credit"), current)
        else:
            grids: dict[str, MonthGrid] = {}
            counts: dict[str, MonthGrid] = {}
            if last_published is not None and month < last_published:
                # Never built although later months were (its first records came after they
                # were published): published empty, its records count in the next month built.
                for code in flows:
                    grids[code], counts[code] = {}, {}
            else:
                taken: dict[str, set] = {}
                for code in flows:
                    grid = now[code].get(month, {})
                    late = release.late_records(now[code], counted[code], month)
                    grids[code], taken[code] = (
                        release.take_late(get_indicator(code), grid, late)
                        if late
                        else (grid, set())
                    )
                    counts[code] = {key: list(cell) for key, cell in grid.items()}
                if stock is not None:
                    release.keep_pending_whole(grids, counts, taken, pending_before)
                for code in flows:
                    changed[code] |= release.take_over(counted[code], now[code], month, taken[code])
            if stock is not None:
                received, resolved = get_indicator(stock).stock_of or ("", "")
                grids[stock] = release.pending_grid(
                    pending_before, grids[received], grids[resolved]
                )
                counts[stock] = grids[stock]
            current = release.build_linked_month(group, month, grids, office_ids, before, state)
            for code in codes:
                fresh[code].append(current[code])
                counted[code][month] = counts[code]
        for code in codes:
            out[code][month] = current[code]
        before = current
        if stock is not None:
            pending_before = counted[stock].get(month, {})
    for code in codes:
        if fresh[code]:
            built = {r.month for r in fresh[code]}
            _store(
                get_indicator(code), fresh[code], {m: counted[code][m] for m in built}, office_ids
            )
    for code in flows:
        _update_counted(code, {m: counted[code][m] for m in changed[code] if m in stored[code]})
    return out


def _store(
    indicator: Indicator,
    built: Sequence[MonthRelease],
    counted: dict[datetime.date, MonthGrid],
    office_ids: list[int],
) -> None:
    now = timezone.now()
    StoredRelease.objects.bulk_create(
        [
            StoredRelease(
                indicator=indicator.code,
                month=r.month,
                offices=office_ids,
                rows=r.rows,
                cells=[
                    [
                        kind,
                        line,
                        release.column_code(column),
                        value,
                        r.weights[key],
                        r.hidden.get(key),
                        r.delta.get(key, 0),
                    ]
                    for key, value in r.values.items()
                    for kind, line, column in [key]
                ],
                accounted=release.grid_rows(counted.get(r.month, {})),
                built_at=now,
            )
            for r in built
        ],
    )


def publish_closed_months() -> int:
    """Build and store, ahead of any reader, the release of every case-related indicator for
    every month that is over and has roll-ups; the number of releases built. The roll-ups
    waiting for the background refresh are refreshed first, so a month is built with every
    record entered before it was over."""
    while refresh_dirty():
        pass
    flush_pending()
    first = RollupMonth.objects.aggregate(first=Min("month"))["first"]
    if first is None:
        return 0
    last = release.open_month() - datetime.timedelta(days=1)
    if last < first:
        return 0
    before = StoredRelease.objects.count()
    for indicator in INDICATORS:
        if indicator.case_related:
            releases(indicator, first, last, every_month=True)
    return StoredRelease.objects.count() - before
