"""The shapes in which the domain apps hand facts to the reports.

Each domain app has a `facts` module: the only reads `satuatap.reports` may make of the app's
records (an import-linter contract forbids the reports from importing any app's `models`). A
facts module returns plain rows (`values_list` querysets), the choices the reports label their
dimensions with, and, for the roll-ups, which of its models count and on which office-days:

- `Span`: a queryset and the fields whose first and last value bound the office's records
  (`moments`: the fields hold instants, to be turned into days in office time);
- `TrackedSource`: a model whose saves and deletes move roll-up numbers, the `values()` fields
  read from a row, a function turning such a row into (office id, day) keys and, optionally,
  one giving more keys read with a query from the record's primary key.

Renaming a field in an app means changing its facts module, not the reports.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db.models import Model, QuerySet

OfficeDay = tuple[int, "datetime.date | None"]


class Span(NamedTuple):
    queryset: QuerySet
    fields: tuple[str, ...]
    moments: bool = False


class TrackedSource(NamedTuple):
    model: type[Model]
    fields: tuple[str, ...]
    keys: Callable[[dict[str, Any]], Iterable[OfficeDay]]
    more: Callable[[Any], Iterable[OfficeDay]] | None = None


def day_in_zone(moment: datetime.datetime | None, zone_name: str | None) -> datetime.date | None:
    """The calendar day of `moment` in the time zone named (Jakarta when none)."""
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name or "Asia/Jakarta")).date()
