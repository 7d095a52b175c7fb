"""Published numbers that stay put when retention or erasure changes the records under them.

The roll-ups are computed from the raw records. Anonymising a person (birth date → 1 July of
the year), taking a visit off a person or deleting old rows changes what a recomputation of
those days would give, and every day is recomputed sooner or later (another record of the day
changes, `satuatap rebuild_rollups`). `keep_aggregates` (registered in
`core.retention.keep_aggregates`, which lower apps call around such changes) computes the
office-days the change touches before and after it, in the same transaction, and stores the
difference as `RollupAdjustment` rows; `services.rollups.replace_range` adds them to what it
computes (it reads them itself: this module writes them and imports the roll-ups' services,
never the other way). So a day's numbers after the change, after any later recomputation and
after a rebuild are the numbers it had before. Which cells a change moves is computed by
`reports/adjustments.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.reports.adjustments import affected_keys, computed_cells, office_ranges
from satuatap.reports.models import CELL_FIELDS, RollupAdjustment
from satuatap.reports.services.rollups import mark_dirty

CELL = ("day", *CELL_FIELDS)


def add_adjustments(difference: dict[tuple, list[int]]) -> None:
    """Add (office, day, series, dimension, scheme, destination, sex, age band) → [value,
    weight] to the stored adjustments; a cell that comes back to zero is removed."""
    if not difference:
        return
    by_office: dict[int, list[tuple]] = defaultdict(list)
    for key, amounts in difference.items():
        by_office[key[0]].append((key[1:], amounts))
    for office_id, items in by_office.items():
        days = [cell[0] for cell, _ in items]
        existing = {
            tuple(getattr(row, name) for name in CELL): row
            for row in RollupAdjustment.objects.filter(
                office_id=office_id, day__gte=min(days), day__lte=max(days)
            )
        }
        new = []
        for cell, (value, weight) in items:
            row = existing.get(cell)
            if row is None:
                new.append(
                    RollupAdjustment(
                        office_id=office_id,
                        value=value,
                        weight=weight,
                        **dict(zip(CELL, cell, strict=True)),
                    )
                )
                continue
            row.value += value
            row.weight += weight
            if row.value == 0 and row.weight == 0:
                row.delete()
            else:
                row.save(update_fields=["value", "weight"])
        RollupAdjustment.objects.bulk_create(new)


@contextmanager
def keep_aggregates(*, person_ids: Iterable[int] = (), records: Iterable[tuple] = ()) -> Iterator:
    """Whatever the block does to these people and records, the roll-ups of the office-days
    they count on stay as they were (module docstring). `records`: (model, pks) pairs."""
    keys = affected_keys(person_ids=list(person_ids), records=list(records))
    if not keys:
        yield
        return
    ranges = office_ranges(keys)
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).in_bulk(list(ranges))
    with transaction.atomic():
        before = computed_cells(offices, ranges)
        yield
        after = computed_cells(offices, ranges)
        difference = {}
        for cell in before.keys() | after.keys():
            was = before.get(cell, [0, 0])
            now = after.get(cell, [0, 0])
            if was != now:
                difference[cell] = [was[0] - now[0], was[1] - now[1]]
        add_adjustments(difference)
        mark_dirty(keys)


def register() -> None:
    from satuatap.core.retention import register_aggregate_keeper

    register_aggregate_keeper(keep_aggregates)
