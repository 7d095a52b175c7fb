"""Which office-days a change to a source record touches, and the receivers that mark them.

For every source model a `Source` names the values (read from the database, related fields
included) that decide on which office-days the record counts. Before a save (and before a
delete) the row as it is in the database is read; after the save, the row as it now is: the
office-days of both are marked, so a record that moves (a case closed on another day, a course
whose last day changes) is taken out of the old day and put into the new one.

A person counts on the days of their visits, contacts, cases, files, enrolments and
registration (sex and age band come from the registry record), so a change to a person's sex,
birth date, office or merge marks all of those days, the merged record's and the survivor's.

Writes done with `QuerySet.update()` send no signal. The sources are chosen so that every
change that moves a number comes with a saved or deleted row in the same transaction (a ticket
finished creates its `ServiceRecord`; a transfer creates a ticket); what is updated alone (a
ticket called or a no-show) moves no indicator.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from satuatap.cases import facts as cases_facts
from satuatap.core.facts import TrackedSource, day_in_zone
from satuatap.core.models import Organisation
from satuatap.frontdesk import facts as frontdesk_facts
from satuatap.outreach import facts as outreach_facts
from satuatap.people import facts as people_facts
from satuatap.placement import facts as placement_facts
from satuatap.reports.rollups import mark_dirty

Keys = set[tuple[int, datetime.date]]


# Offices' time zones, read once (a changed time zone moves every office day anyway: rebuild).
_zones: dict[int, str] = {}


def _zone_of(office_id: int | None) -> str | None:
    if not office_id:
        return None
    if office_id not in _zones:
        _zones[office_id] = (
            Organisation.objects.filter(pk=office_id).values_list("time_zone", flat=True).first()
            or "Asia/Jakarta"
        )
    return _zones[office_id]


def _forget_zone(sender, instance, **kwargs) -> None:
    _zones.pop(instance.pk, None)


class _NeedsQueryError(Exception):
    pass


def _resolve(instance, path: str):
    """The value at `path` (a `values()` lookup) from the saved instance and the related
    objects already loaded on it; _NeedsQueryError when one is not loaded."""
    suffix = "office__time_zone"
    if path.endswith(suffix):
        return _zone_of(_resolve(instance, path[: -len(suffix)] + "office_id"))
    parts = path.split("__")
    obj = instance
    for part in parts[:-1]:
        field = obj._meta.get_field(part)
        if not field.is_cached(obj):
            raise _NeedsQueryError
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
            return {name: _resolve(instance, name) for name in self.fields}
        except _NeedsQueryError:
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


def _registration_key(row: dict | None) -> set[tuple[int | None, datetime.date | None]]:
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
        found |= _registration_key(row)
    found.update(frontdesk_facts.person_days(ids))
    found.update(cases_facts.person_days(ids))
    found.update(placement_facts.person_days(ids))
    return {(o, d) for o, d in found if o and d}


def _read_person(pk) -> dict | None:
    if pk is None:
        return None
    return people_facts.person_rows([pk]).first()


def _person_pre_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    instance._reports_before = None if instance._state.adding else _read_person(instance.pk)


def _person_post_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_reports_before", None)
    after = {name: _resolve(instance, name) for name in PERSON_FIELDS}
    keys = _registration_key(before) | _registration_key(after)
    if before is not None and after is not None:
        if any(before[name] != after[name] for name in PERSON_CELL_FIELDS):
            keys |= person_keys([instance.pk, before["merged_into_id"], after["merged_into_id"]])
    mark_dirty(keys)


def _person_pre_delete(sender, instance, **kwargs) -> None:
    mark_dirty(_registration_key(_read_person(instance.pk)) | person_keys([instance.pk]))


# --- Receivers -------------------------------------------------------------------------------


def _receivers(source: Source):
    def before_save(sender, instance, raw=False, **kwargs):
        if raw or instance._state.adding:
            instance._reports_keys = set()
            return
        instance._reports_keys = source.keys_of(instance.pk, source.read(instance.pk))

    def after_save(sender, instance, raw=False, **kwargs):
        if raw:
            return
        keys = getattr(instance, "_reports_keys", set())
        mark_dirty(keys | source.keys_of(instance.pk, source.read_saved(instance)))

    def before_delete(sender, instance, **kwargs):
        mark_dirty(source.keys_of(instance.pk, source.read(instance.pk)))

    return before_save, after_save, before_delete


_connected: list = []  # the receivers, kept alive (signals hold weak references by default)


def _contact_participants_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if reverse:  # person.<related>.add(contact…): pk_set holds contacts
        contact_ids = pk_set or ()
    else:
        contact_ids = [instance.pk]
    mark_dirty(cases_facts.contact_days(contact_ids))


def connect() -> None:
    """Connect the receivers (ReportsConfig.ready)."""
    if _connected:
        return
    Person = people_facts.person_model()  # noqa: N806
    post_save.connect(_forget_zone, sender=Organisation, dispatch_uid="reports-office-zone")
    for source in sources():
        before_save, after_save, before_delete = _receivers(source)
        uid = f"reports-{source.model._meta.label_lower}"
        pre_save.connect(before_save, sender=source.model, dispatch_uid=f"{uid}-pre")
        post_save.connect(after_save, sender=source.model, dispatch_uid=f"{uid}-post")
        pre_delete.connect(before_delete, sender=source.model, dispatch_uid=f"{uid}-delete")
        _connected.extend([before_save, after_save, before_delete])
    pre_save.connect(_person_pre_save, sender=Person, dispatch_uid="reports-person-pre")
    post_save.connect(_person_post_save, sender=Person, dispatch_uid="reports-person-post")
    pre_delete.connect(_person_pre_delete, sender=Person, dispatch_uid="reports-person-delete")
    m2m_changed.connect(
        _contact_participants_changed,
        sender=cases_facts.participants_model(),
        dispatch_uid="reports-contact-participants",
    )
