"""What an office sees of its own audit trail, and the one rule that keeps case work out of it.

Two views of the trail are given to an office's own people (the whole trail, `/audit/`, is the
administrator's):

- the **office trail**: the changes of the office's records, for the office head
  (`core.selectors.office_trail_entries`). Apps say which of their models belong to an office
  with `register_office_records(model, records=…)` from their `AppConfig.ready()`: `records(viewer)`
  gives the records of that model the viewer's office trail covers, already limited to what the
  viewer may see (the MRC gives `visible_cases`, so a restricted case the head may not read
  has no entry at all in her trail, not even that it exists);
- the **access log** of a record: who read it, when, for which purpose, on the web or with an API
  token (`core.selectors.access_entries`; the reads themselves are written by `core.sensitive`).

**Case work.** An entry about a record that is not itself an MRC record (a person, a visit, a
placement file…) is *case work* when its author held a role of the MRC's case work
(`core.roles.CASE_WORK_ROLES`: counsellor, case supervisor, partner case worker) when it was
written (`additional_data["case_work"]`, set by `core.attribution`) or holds one now, or when it
is a read for the purpose "handling the person's case". That a counsellor read or corrected a
person's record says that the person came to the MRC; for a client of a restricted case, that is
what the restriction hides from the office head. So case work is shown only to whoever may read
every case of the office (`core.view_case_work`: its case supervisors) and to its own author,
and to nobody else, whoever the record is about: the rule looks at who acted and why, never at
whether the person is in a case, so what is missing tells nothing about which persons are in a
restricted case (docs/security.md, "Side channels"). Lists and counts start from the filtered
queryset, so the hidden entries are not counted either.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.utils.translation import gettext as _

from satuatap.core.audit import ReadPurpose, stored_value
from satuatap.core.roles import CASE_WORK_ROLES

if TYPE_CHECKING:
    from django.contrib.contenttypes.models import ContentType

    from satuatap.core.models import User

# `records(viewer)`: a viewer's records of one model.
RecordsOf = Callable[["User"], QuerySet]

CASE_WORK = "case_work"  # the key `core.attribution` marks case work with


@dataclass(frozen=True)
class OfficeRecords:
    """One model's part in the office trail."""

    model: type[models.Model]
    records: RecordsOf
    is_case_record: bool
    url_name: str
    parent: tuple[str, RecordsOf] | None


def own_office(viewer) -> QuerySet:
    """The viewer's office, as the parent of records that name their office."""
    from satuatap.core.models import Organisation

    return Organisation.objects.filter(pk=viewer.office_id_or_none)


# The parent of a record that names its office itself.
OFFICE = ("office", own_office)


_office_records: dict[type[models.Model], OfficeRecords] = {}


def register_office_records(
    model: type[models.Model],
    *,
    records: RecordsOf,
    is_case_record: bool = False,
    url_name: str = "",
    parent: tuple[str, RecordsOf] | None = None,
) -> None:
    """Put `model`'s changes in the office trail. `records(viewer)`: the records of the viewer's
    office that the viewer may see (nothing else may reach the trail). `is_case_record`: an MRC
    record, whose entries are case work by nature and reach the trail only through `records`;
    `url_name`: the page of one record (`reverse(url_name, args=[pk])`), if it has one.

    `parent`: `(foreign key, parents(viewer))` — for a record deleted since, which `records`
    no longer finds, the creation and the deletion are still in the trail when the foreign key
    they recorded (the record's office, person, case…) is one of `parents(viewer)`, itself
    limited to what the viewer may see (`OFFICE` for a record that names its office)."""
    _office_records[model] = OfficeRecords(
        model=model,
        records=records,
        is_case_record=is_case_record,
        url_name=url_name,
        parent=parent,
    )


def office_records() -> list[OfficeRecords]:
    return list(_office_records.values())


def office_content_types() -> dict[type[models.Model], ContentType]:
    """The content type of each registered model, in one query (then cached by Django)."""
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_models(*_office_records)


def office_records_of(model: type[models.Model] | None) -> OfficeRecords | None:
    return _office_records.get(model) if model is not None else None


def entries_of(source: OfficeRecords, viewer, content_type) -> Q:
    """The entries of `source`'s records that the viewer's office trail covers: those of the
    records `records(viewer)` finds, and the creation and deletion of a record deleted since
    whose parent the viewer may see (the values auditlog recorded: `[old, new]` per field)."""
    from django.db.models import CharField
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast
    from django.db.models.lookups import In

    found = Q(
        content_type=content_type,
        object_id__in=source.records(viewer).order_by().values("pk"),
    )
    if source.parent is None:
        return found
    field, parents = source.parent
    keys = parents(viewer).order_by().annotate(key=Cast("pk", CharField())).values("key")
    created: In = In(KT(f"changes__{field}__1"), keys)
    deleted: In = In(KT(f"changes__{field}__0"), keys)
    return found | (
        Q(content_type=content_type)
        & (
            (Q(action=LogEntry.Action.CREATE) & Q(created))
            | (Q(action=LogEntry.Action.DELETE) & Q(deleted))
        )
    )


# --- The rule ---------------------------------------------------------------------------------


def case_work_condition() -> Q:
    """Entries that are case work (see the module's docstring)."""
    from satuatap.core.models import RoleAssignment

    holds_case_work_role = RoleAssignment.objects.filter(
        user_id=OuterRef("actor_id"), role__in=CASE_WORK_ROLES
    )
    # Q | Exists is a Q at run time; the stubs type it as a Combinable.
    return cast(
        Q,
        Q(**{f"additional_data__{CASE_WORK}": True})
        | Q(additional_data__purpose=ReadPurpose.CASE_HANDLING)
        | Exists(holds_case_work_role),
    )


def may_see_case_work(viewer, office) -> bool:
    return bool(viewer.has_perm("core.view_case_work", office))


def without_hidden_case_work(
    entries: QuerySet,
    viewer,
    office,
    *,
    content_type_ids: Iterable[int] | None = None,
) -> QuerySet:
    """`entries` without the case work `viewer` may not see: all of it, unless the viewer may
    read every case of `office`, except the viewer's own entries. `content_type_ids`: the rule
    applies to entries of these kinds of record only (the others are MRC records, reached
    through what the viewer may see of the MRC)."""
    if may_see_case_work(viewer, office):
        return entries
    hidden = case_work_condition() & ~Q(actor_id=viewer.pk)
    if content_type_ids is not None:
        hidden &= Q(content_type_id__in=list(content_type_ids))
    # A CASE expression rather than exclude(): a NULL in a JSON lookup (no additional data)
    # then counts as "not case work" on every database, instead of dropping the row.
    return entries.alias(
        is_hidden_case_work=SqlCase(
            When(hidden, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).filter(is_hidden_case_work=False)


# --- How an access entry reads ----------------------------------------------------------------

_READ_RECORD = re.compile(r"^(?P<model>[a-z0-9_]+) #(?P<pk>\d+)$")


def purpose_label(purpose: str | None) -> str:
    if purpose in ReadPurpose.values:
        return str(ReadPurpose(purpose).label)
    return _("None asked (an ordinary record)")


def _read_record_label(read: str) -> str:
    """What was read when it was not the record itself (`"persondocument #5"`): its kind."""
    from satuatap.core import sensitive

    match = _READ_RECORD.match(read or "")
    if match is None:
        return ""
    for model in sensitive.registered_models():
        if model._meta.model_name == match["model"]:
            return f"{model._meta.verbose_name} #{match['pk']}"
    return read


@dataclass(frozen=True)
class AccessRow:
    """One read, as the access log shows it."""

    id: int
    at: datetime.datetime  # aware
    reader: str
    organisation: str
    purpose: str
    purpose_label: str
    channel: str  # "web" or "api"
    api_token_id: int | None
    read: str  # what was read when it was not the record itself, else ""


def access_row(entry, *, subject_model: type[models.Model] | None = None) -> AccessRow:
    """`subject_model`: the kind of record whose log this is; a read of another record in the
    log (a case's referral, read by the partner) names that record."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    read = _read_record_label(data.get("read", ""))
    model = entry.content_type.model_class() if subject_model is not None else None
    if not read and model is not None and model is not subject_model:
        read = f"{model._meta.verbose_name} #{entry.object_pk}"
    actor = entry.actor
    token = data.get("api_token")
    purpose = data.get("purpose") or ""
    return AccessRow(
        id=entry.pk,
        at=entry.timestamp,
        reader=str(actor) if actor is not None else "—",
        organisation=str(actor.organisation) if actor is not None and actor.organisation else "",
        purpose=purpose,
        purpose_label=purpose_label(purpose),
        channel="api" if token is not None else "web",
        api_token_id=int(token) if isinstance(token, int) else None,
        read=read,
    )


# --- How a change reads in the office trail ---------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    """One change, as the office trail shows it."""

    entry: object
    record: str
    url: str
    fields: list[str]  # the fields an update changed (records outside the MRC), never values
    values: list[tuple[str, object, object]]  # (field, old, new): records of no one's data only


def _linkable(entries: list, viewer) -> set[tuple[type[models.Model], str]]:
    """(model, pk) of the records among `entries` that have a page and that the viewer may
    still reach (not deleted since, not restricted since): one query per kind of record."""
    wanted: dict[type[models.Model], set[str]] = {}
    for entry in entries:
        source = office_records_of(entry.content_type.model_class())
        if source is not None and source.url_name:
            wanted.setdefault(source.model, set()).add(entry.object_pk)
    found: set[tuple[type[models.Model], str]] = set()
    for model, pks in wanted.items():
        ids = [int(pk) for pk in pks if pk.isdigit()]
        records = _office_records[model].records(viewer).filter(pk__in=ids)
        found.update((model, str(pk)) for pk in records.values_list("pk", flat=True))
    return found


def change_rows(entries: Iterable, viewer) -> list[ChangeRow]:
    from django.urls import reverse

    from satuatap.core.audit import entries_with_values

    entries = list(entries)
    with_values = entries_with_values(entries)
    linkable = _linkable(entries, viewer)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        source = office_records_of(model)
        url = ""
        if (model, entry.object_pk) in linkable:
            assert source is not None  # linkable holds only registered models
            url = reverse(source.url_name, args=[entry.object_pk])
        values, fields = [], []
        changes = entry.changes_dict or {}
        is_outside_the_mrc = source is not None and not source.is_case_record
        if entry.pk in with_values:
            values = [
                (_field_label(model, name), *_pair(change)) for name, change in changes.items()
            ]
        elif entry.action == LogEntry.Action.UPDATE and is_outside_the_mrc:
            fields = [_field_label(model, name) for name in changes]
        rows.append(
            ChangeRow(
                entry=entry,
                record=f"{entry.content_type.name} #{entry.object_pk}",
                url=url,
                fields=fields,
                values=values,
            )
        )
    return rows


def _field_label(model, name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed is named as it was
        return name
    # A relation seen from the other side (an m2m change named by its related name) has none.
    return str(getattr(field, "verbose_name", None) or name)


def _pair(change) -> tuple[object, object]:
    if isinstance(change, dict):  # a many-to-many change
        return change.get("operation", ""), ", ".join(str(o) for o in change.get("objects", []))
    if isinstance(change, list | tuple) and len(change) == 2:
        return stored_value(change[0]), stored_value(change[1])
    return "", stored_value(change)
