"""Keeping the roll-up table (`RollupValue`) equal to what the raw records say: every write of
the roll-ups (their marks, day rows and month rows).

Incremental: when a source record is saved or deleted, `signals.py` marks the office-days it
touches (before and after the change) with `mark_dirty`, which writes a `DirtyOfficeDay` row in
the transaction of the change: a few index writes, never a recomputation on the request path.
Once the transaction commits, a background refresh is queued (`tasks.refresh_rollups_task`,
debounced to one per `ROLLUP_REFRESH_DELAY_SECONDS` per thread); it recomputes the marked
office-days from the raw records (`compute.py`) and removes the marks it took. A sweep every
minute takes whatever a lost or failed refresh left, so the roll-ups follow the records within
a minute, usually within the delay. Because an incremental update and a rebuild run the very
same computation, the table after any sequence of changes is the table a rebuild gives.

A reader in the same transaction as the change (a test, a view that writes then reads) calls
`flush_pending()` first: the marks this thread made since its last commit are recomputed there
and then, and it reads its own writes.

Rebuild: `rebuild()` (the `satuatap rebuild_rollups` command) recomputes every office a month at
a time, each month in its own transaction.

Both add the office-days' `RollupAdjustment` rows (`services/adjustments.py`) to what the
records give: what retention and erasure anonymised or removed keeps counting as it was counted.

Every recomputation of days also rewrites the monthly sums (`RollupMonth`) of their months from
the day rows, in the same transaction, so the two tables never disagree. (A month's release,
once published, does not follow: `services/releases.py` counts what changed in a later month.)

The pure parts (grouping days into ranges and months, an office's span of records) and the
reads of the refresh's backlog are `reports/rollups.py`.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.reports.compute import Accumulator, compute
from satuatap.reports.models import (
    CELL_FIELDS,
    DirtyOfficeDay,
    RollupAdjustment,
    RollupMonth,
    RollupValue,
)
from satuatap.reports.rollups import (
    Key,
    by_office,
    calendar_months,
    day_runs,
    db_columns,
    month_end,
    month_start,
    source_span,
)

logger = logging.getLogger(__name__)

# Marks taken by one refresh at most (the rest waits for the next one).
REFRESH_BATCH = 5_000

_local = threading.local()
# Queues a background refresh; set by the app (`reports.apps`) to the huey task's enqueue, so
# this module does not import the task module that imports it.
_schedule_refresh: Callable[[], None] | None = None


def set_refresh_scheduler(schedule: Callable[[], None] | None) -> None:
    global _schedule_refresh
    _schedule_refresh = schedule


def _pending() -> set[Key]:
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = set()
    return pending


def _as_date(value: datetime.date | datetime.datetime | str) -> datetime.date:
    """A day as a date (an instance may hold a datetime or an ISO string before it is read
    back from the database)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _committed() -> None:
    """After the commit of a transaction that marked office-days: its marks are in the table
    now, for the refresh to take; ask for one unless this thread did within the delay."""
    _local.pending = set()
    delay = settings.ROLLUP_REFRESH_DELAY_SECONDS
    now = time.monotonic()
    if delay and now < getattr(_local, "next_refresh", 0.0):
        return
    _local.next_refresh = now + delay
    if _schedule_refresh is None:
        return
    try:
        _schedule_refresh()
    except Exception:  # the marks stay; the sweep takes them within a minute
        logger.exception("Could not queue the roll-up refresh; the next sweep will do it.")


def _write_marks(keys: set[Key]) -> None:
    DirtyOfficeDay.objects.bulk_create(
        [DirtyOfficeDay(office_id=office_id, day=day) for office_id, day in sorted(keys)]
    )
    _pending().update(keys)
    transaction.on_commit(_committed)


def mark_dirty(keys: Iterable[tuple[int | None, datetime.date | None]]) -> None:
    """The roll-ups of these (office id, day) pairs must be recomputed once this commits."""
    marks = {(office_id, _as_date(day)) for office_id, day in keys if office_id and day}
    if not marks:
        return
    if getattr(_local, "deferred", 0):
        _local.deferred_keys.update(marks)
        return
    _write_marks(marks)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the marks of many changes (an import, the demo data) and write them once."""
    if not getattr(_local, "deferred", 0):
        _local.deferred_keys = set()
    _local.deferred = getattr(_local, "deferred", 0) + 1
    try:
        yield
    finally:
        _local.deferred -= 1
        if not _local.deferred:
            keys, _local.deferred_keys = _local.deferred_keys, set()
            if keys:
                _write_marks(keys)


def flush_pending() -> None:
    """Recompute, now and in this transaction, the office-days this thread marked since its
    last commit, and take their marks (a reader that must see its own writes)."""
    keys = _pending()
    if not keys:
        return
    _local.pending = set()
    recompute(keys)
    for office_id, days in by_office(keys).items():
        DirtyOfficeDay.objects.filter(office_id=office_id, day__in=days).delete()


def discard_pending() -> None:
    """Forget the marks so far (a full rebuild follows)."""
    _local.pending = set()
    DirtyOfficeDay.objects.all().delete()


def pending_keys() -> frozenset[Key]:
    return frozenset(_pending())


def refresh_dirty(limit: int = REFRESH_BATCH) -> int:
    """Recompute the office-days marked by committed changes and remove the marks taken (the
    background refresh and the sweep); the number of office-days recomputed. A mark written
    while this runs is not taken: the next refresh recomputes its day."""
    marks = list(
        DirtyOfficeDay.objects.order_by("pk").values_list("pk", "office_id", "day")[:limit]
    )
    if not marks:
        return 0
    keys = {(office_id, day) for _pk, office_id, day in marks}
    recompute(keys)
    DirtyOfficeDay.objects.filter(pk__in=[pk for pk, _office, _day in marks]).delete()
    return len(keys)


def _lock(office: Organisation) -> None:
    """Serialise recomputations of one office (two at once would insert the same rows). A
    no-key lock: rows that merely reference the office are not held up. SQLite serialises
    writers anyway and ignores this."""
    list(
        Organisation.objects.select_for_update(no_key=True)
        .filter(pk=office.pk)
        .values_list("pk", flat=True)
    )


def _insert_values(office: Organisation, acc: Accumulator) -> int:
    """Write the accumulator's rows in bulk: PostgreSQL `COPY`, SQLite `executemany` (a month
    of a busy office is tens of thousands of rows; the ORM's INSERTs would dominate a
    rebuild)."""
    meta = RollupValue._meta
    column_of = db_columns(RollupValue)
    columns = [column_of[n] for n in ["office", "day", *CELL_FIELDS, "value", "weight"]]
    rows = [
        (office.pk, day, series, dimension, scheme, destination, sex, age_band, value, weight)
        for (day, series, dimension, scheme, destination, sex, age_band), value, weight in (
            acc.items()
        )
    ]
    if not rows:
        return 0
    connection = transaction.get_connection()
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Dimension values are codes (desk types, countries, slugs, region codes): no tab,
            # newline or backslash that COPY's text format would need escaped.
            text = "".join(
                f"{o}\t{d.isoformat()}\t{i}\t{dim}\t{sc}\t{de}\t{sx}\t{ab}\t{v}\t{w}\n"
                for o, d, i, dim, sc, de, sx, ab, v, w in rows
            )
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                copy.write(text)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608 (model names)
                [(o, d.isoformat(), *rest) for o, d, *rest in rows],
            )
    return len(rows)


def _refresh_months(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> None:
    """Rewrite the office's `RollupMonth` rows of every month these days fall in, as the sums
    of its day rows (one INSERT … SELECT per month)."""
    months = RollupMonth._meta
    days = RollupValue._meta
    month_columns = db_columns(RollupMonth)
    day_columns = db_columns(RollupValue)
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    cell_columns = ", ".join(quote(day_columns[c]) for c in CELL_FIELDS)
    target = ", ".join(
        quote(month_columns[c]) for c in ["office", "month", *CELL_FIELDS, "value", "weight"]
    )
    office_column = quote(day_columns["office"])
    day_column = quote(day_columns["day"])
    month = month_start(date_from)
    while month <= date_to:
        RollupMonth.objects.filter(office=office, month=month).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(months.db_table)} ({target}) "  # noqa: S608 (model names)
                f"SELECT {office_column}, %s, {cell_columns}, SUM({quote('value')}), "
                f"SUM({quote('weight')}) FROM {quote(days.db_table)} "
                f"WHERE {office_column} = %s AND {day_column} >= %s AND {day_column} <= %s "
                f"GROUP BY {office_column}, {cell_columns}",
                [month, office.pk, month, month_end(month)],
            )
        month = month_end(month) + datetime.timedelta(days=1)


def _adjustments(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> Iterator[tuple[tuple, int, int]]:
    """(cell, value, weight) of the office's `RollupAdjustment` rows over these days (what
    retention and erasure took out, written by `services/adjustments.py`)."""
    for row in RollupAdjustment.objects.filter(
        office=office, day__gte=date_from, day__lte=date_to
    ).values_list("day", *CELL_FIELDS, "value", "weight"):
        yield row[:-2], row[-2], row[-1]


def replace_range(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> int:
    """Recompute the office's rows for the days `date_from`..`date_to` (and the monthly sums of
    their months); the number of day rows."""
    with transaction.atomic():
        _lock(office)
        acc = compute(office, date_from, date_to)
        for (
            day,
            series,
            dimension,
            scheme,
            destination,
            sex,
            band,
        ), value, weight in _adjustments(office, date_from, date_to):
            acc.add(
                day,
                series,
                dimension=dimension,
                scheme=scheme,
                destination=destination,
                sex=sex,
                age_band=band,
                value=value,
                weight=weight,
            )
        RollupValue.objects.filter(office=office, day__gte=date_from, day__lte=date_to).delete()
        written = _insert_values(office, acc)
        _refresh_months(office, date_from, date_to)
    return written


def recompute(keys: Iterable[Key]) -> None:
    """Recompute these office-days from the raw records."""
    days_of = by_office(keys)
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).in_bulk(list(days_of))
    for office_id, days in sorted(days_of.items()):
        office = offices.get(office_id)
        if office is None:  # gone, or not an office
            continue
        for date_from, date_to in day_runs(sorted(days)):
            replace_range(office, date_from, date_to)


def rebuild(
    *,
    offices: Iterable[Organisation] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    progress: Callable[[Organisation, datetime.date], object] | None = None,
) -> int:
    """Recompute the roll-ups from scratch, a month at a time; the number of rows written.

    Without dates, every day of each office's records, and the rows of any other day are
    deleted. `progress(office, month_start)` is called before each month."""
    if offices is None:
        offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("pk")
    written = 0
    for office in offices:
        first, last = source_span(office)
        lo = date_from or first
        hi = date_to or (max(last, office.today()) if last else office.today())
        if date_from is None and date_to is None:
            stale = RollupValue.objects.filter(office=office)
            stale_months = RollupMonth.objects.filter(office=office)
            if first is not None:  # without dates, `lo` is `first`
                stale = stale.exclude(day__gte=first, day__lte=hi)
                stale_months = stale_months.exclude(month__gte=month_start(first), month__lte=hi)
            with transaction.atomic():
                _lock(office)
                stale.delete()
                stale_months.delete()
        if lo is None or hi < lo:
            continue
        for first_day, last_day in calendar_months(lo, hi):
            if progress is not None:
                progress(office, first_day)
            written += replace_range(office, first_day, last_day)
    return written
