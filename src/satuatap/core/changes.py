"""How an audit entry reads to the people who work with the record: the field's label, the old
and new values in words, who made the change (their name) and when (on the office's clock).

django-auditlog stores what it saw as text: a choice as its code, a foreign key as the related
row's id, a boolean as "True", a date as ISO text, a datetime as naive UTC, `None` as "None",
and, in the entry that creates a record, a placeholder for each reverse relation
(`phones: None → people.Phone.None`). `readable_entries` puts each of these into words in the
reader's language, leaves out what is nobody's business (ids, bookkeeping timestamps, reverse
relations) and names a related record only through a `Namer` the caller gives, so that it never
names a record the reader may not see.

This module decides how a value reads, never whether it may be shown: the caller passes only
entries the reader may see (`core.trail`'s rule for case work, `core.audit.show_values_of` for the
trail), and values auditlog masked or erasure replaced read as "hidden" and "erased".
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.audit import ERASED
from satuatap.core.clock import on_clock, zone_info

MASKED = "********"  # what `core.audit.mask_fully` leaves of a masked value

# `namer(pks)`: the display name of each related record the reader may see, by its pk as text;
# a pk missing from the answer reads as "another record".
Namer = Callable[[set[str]], dict[str, str]]
# `words(value)`: one field's stored value (text, or None) in words.
Words = Callable[[Any], str]

ACTIONS: dict[int, Promise] = {
    LogEntry.Action.CREATE: gettext_lazy("Added"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
}

# Bookkeeping every record has: never a change anyone made.
ALWAYS_SKIPPED = frozenset({"id", "created_at", "updated_at", "created_by"})


@dataclass(frozen=True)
class Change:
    field: str  # the field's name, for machines (the data-subject copy's JSON)
    label: str
    old: str  # "" for nothing (and for the values of a record being created)
    new: str  # "" for nothing (and for the values of a record being deleted)
    summary: str = ""  # instead of old → new: a change whose values are not shown


@dataclass(frozen=True)
class ReadableEntry:
    entry: LogEntry
    at: datetime.datetime  # aware, on the office's clock
    when: str  # "07/12/2026 14:05 WITA"
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)

    @property
    def is_creation(self) -> bool:
        return self.entry.action == LogEntry.Action.CREATE

    @property
    def is_deletion(self) -> bool:
        return self.entry.action == LogEntry.Action.DELETE


def on_behalf_of(entry: LogEntry) -> str:
    """The job, command or public page a change without a user was made for
    (`core.attribution`), in words; "" when the entry names none."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    behalf = str(data.get("on_behalf_of") or "")
    kind, _colon, name = behalf.partition(":")
    labels = {
        "system": _("System (%(name)s)"),
        "command": _("Command %(name)s"),
        "public": _("Public page %(name)s"),
    }
    if kind in labels and name:
        return labels[kind] % {"name": name}
    return behalf


def author_name(entry: LogEntry) -> str:
    """Who made the change, as colleagues know them: the user's full name (their user name
    when they have none), else what it was made for; a dash for entries older than that."""
    if entry.actor_id is not None and entry.actor is not None:
        return str(entry.actor)
    return on_behalf_of(entry) or "—"


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", "None", "null", "[]", "{}")


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    """The concrete field `name` of `model`; None for a reverse relation (the placeholders
    auditlog writes when a record is created) and for a field removed since."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(found, "concrete", False):
        return None
    return found  # type: ignore[return-value]  # a concrete field is a Field


def _related_model(model_field: models.Field) -> type[models.Model] | None:
    if model_field.many_to_one or model_field.one_to_one:
        return model_field.related_model  # type: ignore[return-value]
    return None


def _pair(change: Any) -> tuple[Any, Any] | None:
    if isinstance(change, list | tuple) and len(change) == 2:
        return change[0], change[1]
    return None  # a many-to-many change: not shown here


def _parse_datetime(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    # auditlog stores datetimes as naive UTC.
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


class _Reader:
    def __init__(
        self,
        *,
        zone,
        words: Mapping[tuple[type[models.Model], str], Words],
        names: dict[type[models.Model], dict[str, str]],
    ):
        self.zone = zone
        self.words = words
        self.names = names

    def value(self, model: type[models.Model], model_field: models.Field, value: Any) -> str:
        if value == ERASED:
            return _("erased")
        if value == MASKED:
            return _("hidden")
        custom = self.words.get((model, model_field.name))
        if custom is not None:
            return custom(None if _is_empty(value) else value)
        if _is_empty(value):
            return ""
        text = str(value)
        related = _related_model(model_field)
        if related is not None:
            return self.names.get(related, {}).get(text) or _("another record")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(text, text))
        if isinstance(model_field, models.BooleanField):
            return _("yes") if text == "True" else _("no")
        if isinstance(model_field, models.DateTimeField):
            moment = _parse_datetime(text)
            return on_clock(moment, self.zone) if moment is not None else text
        if isinstance(model_field, models.DateField):
            try:
                return date_format(datetime.date.fromisoformat(text), "DATE_FORMAT")
            except ValueError:
                return text
        if isinstance(model_field, models.JSONField):
            try:
                decoded = json.loads(text)
            except ValueError:
                return text
            if isinstance(decoded, list):
                return ", ".join(str(item) for item in decoded)
            return "" if not decoded else text
        return text


def _related_pks(
    entries: Iterable[LogEntry], skip: frozenset[str]
) -> dict[type[models.Model], set[str]]:
    wanted: dict[type[models.Model], set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if model is None:
            continue
        for name, change in (entry.changes_dict or {}).items():
            model_field = _model_field(model, name)
            pair = _pair(change)
            if model_field is None or pair is None or name in skip:
                continue
            related = _related_model(model_field)
            if related is None:
                continue
            for value in pair:
                if not _is_empty(value) and value not in (ERASED, MASKED):
                    wanted.setdefault(related, set()).add(str(value))
    return wanted


def readable_entries(
    entries: Iterable[LogEntry],
    *,
    zone,
    namers: Mapping[type[models.Model], Namer] | None = None,
    words: Mapping[tuple[type[models.Model], str], Words] | None = None,
    actions: Mapping[tuple[type[models.Model], int], Promise | str] | None = None,
    skip: Iterable[str] = (),
    keep_empty_updates: bool = False,
) -> list[ReadableEntry]:
    """`entries` (with `content_type` and `actor` selected) in words, in their order.

    `zone`: the office's time zone (a `ZoneInfo` or its name). `namers`: who names the
    records of a related model (one query per model for the whole list); a related model
    without one is not named, only said to be "another record" — give one for every model
    whose records the reader may see by name. `words`: `(model, field) → words(value)` for
    values that need their own words (a list of codes). `actions`: `(model, action) → words`
    ("Record registered"); else "Added", "Changed", "Deleted". `skip`: fields never shown (on
    top of ids and bookkeeping timestamps). An update that changed only skipped fields (a
    save without a change) is left out unless `keep_empty_updates`."""
    entries = list(entries)
    skipped = ALWAYS_SKIPPED | frozenset(skip)
    namers = dict(namers or {})
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in _related_pks(entries, skipped).items():
        namer = namers.get(related)
        names[related] = namer(pks) if namer is not None else {}
    reader = _Reader(zone=zone, words=words or {}, names=names)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes: list[Change] = []
        for name, change in (entry.changes_dict or {}).items():
            model_field = _model_field(model, name) if model is not None else None
            pair = _pair(change)
            if model is None or model_field is None or pair is None or name in skipped:
                continue
            label = str(model_field.verbose_name)
            label = label[:1].upper() + label[1:]
            if entry.action == LogEntry.Action.UPDATE and MASKED in pair:
                # A masked value (the NIK): that it changed, never from what to what.
                changes.append(Change(name, label, "", "", summary=_("changed (not shown)")))
                continue
            old = reader.value(model, model_field, pair[0])
            new = reader.value(model, model_field, pair[1])
            if entry.action == LogEntry.Action.CREATE:
                old = ""
            elif entry.action == LogEntry.Action.DELETE:
                new = ""
            if old == new and entry.action == LogEntry.Action.UPDATE:
                continue
            if not old and not new:
                continue
            changes.append(Change(field=name, label=label, old=old, new=new))
        if entry.action == LogEntry.Action.UPDATE and not changes and not keep_empty_updates:
            continue
        action = (actions or {}).get((model, entry.action)) if model is not None else None
        at = timezone.localtime(entry.timestamp, timezone=zone_info(zone))
        rows.append(
            ReadableEntry(
                entry=entry,
                at=at,
                when=on_clock(entry.timestamp, zone),
                who=author_name(entry),
                action=str(action or ACTIONS.get(entry.action, "")),
                changes=changes,
            )
        )
    return rows


def namer_of(model: type[models.Model]) -> Namer:
    """Names records by their `__str__`: only for models whose `__str__` is a name (an office,
    a user), never one that says "person #5"."""

    def names(pks: set[str]) -> dict[str, str]:
        return {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=pks)}

    return names
