"""Which roll-up cells a retention or erasure change moves: the pure half of keeping published
numbers put (the writes are `services/adjustments.py`, whose docstring tells the whole story).

`affected_keys` names the office-days the people and records count on, `office_ranges` groups
them into the ranges a recomputation reads, and `computed_cells` computes those ranges from the
raw records (`compute.py`) as (office, day, cell) → [value, weight]. Nothing here writes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping

from satuatap.core.models import Organisation
from satuatap.reports.compute import Accumulator, compute
from satuatap.reports.rollups import day_runs
from satuatap.reports.sources import Keys, person_keys, record_keys


def affected_keys(*, person_ids: Iterable[int] = (), records: Iterable[tuple] = ()) -> Keys:
    """The office-days on which these people and records count."""
    keys = person_keys(person_ids)
    for model, pks in records:
        keys |= record_keys(model, pks)
    return keys


def office_ranges(keys: Keys) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    by_office: dict[int, set[datetime.date]] = defaultdict(set)
    for office_id, day in keys:
        by_office[office_id].add(day)
    return {office_id: list(day_runs(sorted(days))) for office_id, days in by_office.items()}


def computed_cells(
    offices: Mapping[int, Organisation],
    ranges: Mapping[int, list[tuple[datetime.date, datetime.date]]],
) -> dict[tuple, list[int]]:
    """(office id, day, series, dimension, scheme, destination, sex, age band) → [value,
    weight] of these offices' ranges, computed from the raw records."""
    cells: dict[tuple, list[int]] = {}
    for office_id, runs in ranges.items():
        office = offices.get(office_id)
        if office is None:
            continue
        for date_from, date_to in runs:
            acc: Accumulator = compute(office, date_from, date_to)
            for cell, value, weight in acc.items():
                cells[(office_id, *cell)] = [value, weight]
    return cells
