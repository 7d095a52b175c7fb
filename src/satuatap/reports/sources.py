"""Which office-days a source record counts on: read, never written.

For every source model a `Source` names the values (read from the database, related fields
included) that decide on which office-days the record counts (`keys_of`), as the app's facts
module says (`tracked_sources()`); `record_keys` and `person_keys` give the office-days of
records and people already stored. A person counts on the days of their visits, contacts,
cases, files, enrolments and registration (sex and age band come from the registry record).

`signals.py` marks the office-days a change touches with these; `adjustments.py` computes what
retention and erasure would move on them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model

from satuatap.cases import facts as cases_facts
from satuatap.core.facts import TrackedSource, day_in_zone
from satuatap.core.models import Organisation
from satuatap.frontdesk import facts as frontdesk_facts
from satuatap.outreach import facts as outreach_facts
from satuatap.people import facts as people_facts
from satuatap.placement import facts as placement_facts

Keys = set[tuple[int, datetime.date]]


# Offices' time zones, read once (a changed time zone moves every office day anyway: rebuild).
_zones: dict[int, str] = {}


def zone_of(office_id: int | None) -> str | None:
    if not office_id:
        return None
    if office_id not in _zones:
        _zones[office_id] = (
            Organisation.objects.filter(pk=office_id).values_list("time_zone", flat=True).first()
            or "Asia/Jakarta"
        )
    return _zones[office_id]


def forget_zone(sender, instance, **kwargs) -> None:
    _zones.pop(instance.pk, None)


class NeedsQueryError(Exception):
    pass


def resolve(instance, path: str):
    """The value at `path` (a `values()` lookup) from the saved instance and the related
    objects already loaded on it; NeedsQueryError when one is not loaded."""
    suffix = "office__time_zone"
    if path.endswith(suffix):
        return zone_of(resolve(instance, path[: -len(suffix)] + "office_id"))
    parts = path.split("__")
    obj = instance
    for part in parts[:-1]:
        field = obj._meta.get_field(part)
        if not field.is_cached(obj):
            raise NeedsQueryError
        obj = getattr(obj, part)
        if obj is None:
            return None
    return getattr(obj, parts[-1])


@dataclass(frozen=True)
class Source:
    model: type[Model]
    fields: tuple[str, ...]
    keys: Callable[[dict], Iterable[tuple[int, datetime.date | None]]]
    # More office-days read with a query (the referrals of a case).
    more: Callable[[int], Iterable[tuple[int, datetime.date | None]]] | None = None

    def read(self, pk) -> dict | None:
        if pk is None:
            return None
        return self.model._default_manager.filter(pk=pk).values(*self.fields).first()

    def read_saved(self, instance) -> dict | None:
        """The row as just saved: from the instance when it holds every value, else read."""
        try:
            return {name: resolve(instance, name) for name in self.fields}
        except NeedsQueryError:
            return self.read(instance.pk)

    def keys_of(self, pk, row: dict | None) -> Keys:
        found: Keys = set()
        if row is not None:
            found.update((o, d) for o, d in self.keys(row) if o and d)
        if pk is not None and self.more is not None:
            found.update((o, d) for o, d in self.more(pk) if o and d)
        return found


# --- Office-days of records ------------------------------------------------------------------


def sources() -> list[Source]:
    """Every model whose saves and deletes move roll-up numbers, as its app's facts say."""
    tracked: list[TrackedSource] = [
        *frontdesk_facts.tracked_sources(),
        *placement_facts.tracked_sources(),
        *cases_facts.tracked_sources(),
        *outreach_facts.tracked_sources(),
    ]
    return [Source(t.model, t.fields, t.keys, t.more) for t in tracked]


def record_keys(model, pks: Iterable) -> Keys:
    """Every office-day on which these records of `model` count (none when the model is not a
    source of the roll-ups)."""
    pks = [pk for pk in pks if pk is not None]
    keys: Keys = set()
    if not pks:
        return keys
    for source in sources():
        if source.model is not model:
            continue
        for row in model._default_manager.filter(pk__in=pks).values(*source.fields):
            keys.update((o, d) for o, d in source.keys(row) if o and d)
        if source.more is not None:
            for pk in pks:
                keys.update((o, d) for o, d in source.more(pk) if o and d)
    return keys


# --- People ----------------------------------------------------------------------------------

PERSON_FIELDS = people_facts.PERSON_FIELDS
# A change to any of these changes the cells the person's records fall in.
PERSON_CELL_FIELDS = ("sex", "birth_date", "merged_into_id", "office_id")


def registration_key(row: dict | None) -> set[tuple[int | None, datetime.date | None]]:
    if row is None:
        return set()
    return {(row["office_id"], day_in_zone(row["created_at"], row["office__time_zone"]))}


def person_keys(person_ids: Iterable[int]) -> Keys:
    """Every office-day on which one of these people counts."""
    ids = [pk for pk in set(person_ids) if pk]
    if not ids:
        return set()
    found: set[tuple[int | None, datetime.date | None]] = set()
    for row in people_facts.person_rows(ids):
        found |= registration_key(row)
    found.update(frontdesk_facts.person_days(ids))
    found.update(cases_facts.person_days(ids))
    found.update(placement_facts.person_days(ids))
    return {(o, d) for o, d in found if o and d}


def read_person(pk) -> dict | None:
    if pk is None:
        return None
    return people_facts.person_rows([pk]).first()
