"""Writes of the exchange with the national placement system: an export (logged), and taking
in the national system's status updates, each row on its own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.people.models import Person
from satuatap.placement.national import MAX_EXPORT_DAYS, adapters, selectors
from satuatap.placement.national.adapters import Outgoing, StatusUpdate, UnreadableFileError
from satuatap.placement.national.models import NationalExchange


def _require(by: User) -> Organisation:
    office = by.office
    if office is None or not by.has_perm("placement.exchange_national"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    return office


def export_changes(
    *, by: User, date_from: datetime.date, date_to: datetime.date, file_format: str
) -> Outgoing:
    """The office's registrations and stage changes of the period, through the adapter."""
    office = _require(by)
    errors: dict[str, list[str]] = {}
    if date_to < date_from:
        errors["date_to"] = [_("The end comes before the start.")]
    elif (date_to - date_from).days >= MAX_EXPORT_DAYS:
        errors["date_to"] = [_("Export at most %(days)s days at once.") % {"days": MAX_EXPORT_DAYS}]
    if date_to > office.today():
        errors["date_to"] = [_("The end cannot be in the future.")]
    if file_format not in adapters.FORMATS:
        errors["file_format"] = [_("Choose CSV or JSON.")]
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    records = selectors.outgoing_records(office, date_from, date_to)
    adapter = adapters.adapter()
    outgoing = adapter.send(
        records,
        file_format=file_format,
        office_code=office.region_id or "",
        date_from=date_from,
        date_to=date_to,
    )
    NationalExchange.objects.create(
        office=office,
        direction=NationalExchange.Direction.EXPORT,
        adapter=adapter.key,
        file_format=file_format,
        date_from=date_from,
        date_to=date_to,
        rows=len(records),
        by=by,
    )
    return outgoing


@dataclass
class ImportReport:
    """What an import did: the rows applied, those that changed nothing (already so), and the
    rows with problems, by their line in the file."""

    exchange: NationalExchange
    applied: list[tuple[int, int]] = field(default_factory=list)  # (line, file id)
    unchanged: list[tuple[int, int]] = field(default_factory=list)
    problems: list[tuple[int, list[str]]] = field(default_factory=list)


def import_status_updates(*, by: User, content: bytes, extension: str) -> ImportReport:
    """Read the national system's file of status updates and apply each row that can be
    (`apply_status_update`); the others are reported with their problems."""
    office = _require(by)
    adapter = adapters.adapter()
    try:
        incoming = adapter.receive(content, extension=extension)
    except UnreadableFileError as error:
        raise DomainError("unreadable", str(error), status=422) from error
    applied: list[tuple[int, int]] = []
    unchanged: list[tuple[int, int]] = []
    problems = list(incoming.problems)
    for update in incoming.updates:
        try:
            changed = apply_status_update(update=update, by=by)
        except DomainError as error:
            problems.append((update.line, [error.message]))
        else:
            (applied if changed else unchanged).append((update.line, update.file_id))
    problems.sort()
    exchange = NationalExchange.objects.create(
        office=office,
        direction=NationalExchange.Direction.IMPORT,
        adapter=adapter.key,
        file_format=extension.lstrip("."),
        rows=incoming.rows,
        applied=len(applied),
        errors=len(problems),
        by=by,
    )
    return ImportReport(exchange, applied, unchanged, problems)


def _refuse(message: str) -> DomainError:
    return DomainError("invalid_row", message, status=422)


@transaction.atomic
def apply_status_update(*, update: StatusUpdate, by: User) -> bool:
    """Record what the national system says of one of the office's files: its reference, the
    worker's CPMI ID and E-KPMI number, its status and the status's date (an empty value
    leaves the current one). Refused, with nothing changed, when the file is not the office's,
    the NIK is not the file's worker's, the CPMI ID is another person's, or the status date is
    in the future. Returns whether anything changed."""
    office = _require(by)
    placement_file = selectors.office_file(office, update.file_id)
    if placement_file is None:
        raise _refuse(_("No placement file %(id)s in this office.") % {"id": update.file_id})
    if not by.has_perm("placement.manage_file", placement_file):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    person = Person.objects.select_for_update().get(pk=placement_file.person_id)
    if (person.nik or "") != update.nik:
        raise _refuse(_("The NIK is not that of the file's worker."))
    if update.status_date is not None and update.status_date > office.today():
        raise _refuse(_("The status date is in the future."))
    if update.cpmi_id and (
        Person.objects.filter(cpmi_id=update.cpmi_id).exclude(pk=person.pk).exists()
    ):
        raise _refuse(_("This CPMI ID belongs to another person's record."))
    file_changes = {
        name: value
        for name, value in (
            ("national_reference", update.national_reference),
            ("ekpmi_number", update.ekpmi_number),
            ("national_status", update.national_status),
            ("national_status_on", update.status_date),
        )
        if value and getattr(placement_file, name) != value
    }
    for name, value in file_changes.items():
        setattr(placement_file, name, value)
    if file_changes:
        placement_file.save(update_fields=[*file_changes, "updated_at"])
    person_changed = bool(update.cpmi_id) and person.cpmi_id != update.cpmi_id
    if person_changed:
        person.cpmi_id = update.cpmi_id
        person.save(update_fields=["cpmi_id", "updated_at"])
    return bool(file_changes) or person_changed
