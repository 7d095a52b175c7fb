"""Writes of village outreach, each with its rules, in one transaction (audited by auditlog).

Every function takes the acting user as `by` and checks `outreach.manage_outreach` on the
record's office itself, so the API, commands and tests cannot write around the rules.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable, Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from satuatap.core.audit import erase_audit_values
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.core.retention import RunContext
from satuatap.core.selectors import office_partners
from satuatap.core.uploads import read_scan
from satuatap.outreach.models import (
    AgeBand,
    EventKind,
    OutreachCount,
    OutreachEvent,
    OutreachFollowUp,
    Topic,
    VillageFocalPoint,
    VillageRegulation,
)
from satuatap.people.models import Person, Sex
from satuatap.people.phones import PhoneError, normalise_phone
from satuatap.people.retention import held_people
from satuatap.regions.models import Region, RegionLevel

# The most people one cell of the grid may hold: a typo guard, not a rule of the domain.
MAX_COUNT = 100_000

CountRows = Iterable[tuple[str, str, object]]


# --- Shared checks ---------------------------------------------------------------------------


def _require_manage(by: User, office: Organisation) -> None:
    if not by.has_perm("outreach.manage_outreach", office):
        raise DomainError(
            "forbidden", _("You may not record outreach for this office."), status=403
        )


def _office_of(by: User) -> Organisation:
    office = getattr(by, "office", None)
    if office is None:
        raise DomainError(
            "forbidden", _("You may not record outreach for this office."), status=403
        )
    return office


def villages_of_office(office: Organisation) -> QuerySet[Region]:
    """Every village of the regency or city the office serves."""
    if office.region_id is None:
        return Region.objects.none()
    return Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=office.region_id + ".")


def check_village(*, office: Organisation, village: Region | str | None) -> Region:
    """`village` (a Region or a code) as a village of the office's area; else a DomainError."""
    code = village.code if isinstance(village, Region) else str(village or "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise DomainError("village_unknown", _("Choose a village from the region list."))
    if region.level != RegionLevel.VILLAGE:
        raise DomainError(
            "not_a_village", _("%(name)s is not a village. Choose a village.") % {"name": region}
        )
    if office.region_id is None or not region.code.startswith(office.region_id + "."):
        raise DomainError(
            "village_outside_area",
            _("%(name)s is not in the area this office serves.") % {"name": region.name},
        )
    return region


def _check_not_future(*, office: Organisation, date: datetime.date | None, field: str) -> None:
    if date is None:
        raise DomainError(f"{field}_required", _("Give the date."))
    if date > office.today():
        raise DomainError(f"{field}_in_future", _("The date cannot be in the future."))


def clean_counts(counts: CountRows) -> list[tuple[str, str, int]]:
    """Participant counts as (sex, age band, whole number ≥ 0); cells of 0 are dropped and a
    cell given twice is refused."""
    cleaned: dict[tuple[str, str], int] = {}
    for sex, band, value in counts:
        if sex not in Sex.values or band not in AgeBand.values:
            raise DomainError("invalid_count", _("A count names an unknown sex or age band."))
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip())
            else:
                raise DomainError(
                    "invalid_count", _("Each count must be a whole number, 0 or more.")
                )
        if value < 0:
            raise DomainError("invalid_count", _("Each count must be a whole number, 0 or more."))
        if value > MAX_COUNT:
            raise DomainError("invalid_count", _("A count is too large. Check what was typed."))
        if (sex, band) in cleaned:
            raise DomainError("duplicate_count", _("A sex and age band is counted twice."))
        cleaned[(sex, band)] = value
    return [(sex, band, value) for (sex, band), value in cleaned.items() if value]


def _check_partners(office: Organisation, partners: Sequence[Organisation]) -> list[Organisation]:
    partners = list(partners)
    allowed = set(office_partners(office).values_list("pk", flat=True))
    for partner in partners:
        if partner.pk not in allowed:
            raise DomainError(
                "partner_not_of_office",
                _("%(name)s does not work with this office.") % {"name": partner.name},
            )
    return partners


def _check_person(office: Organisation, person: Person | None) -> None:
    if person is None:
        return
    if person.office_id != office.pk:
        raise DomainError("not_found", _("This person was not found."), status=404)
    if not person.is_active_record:
        raise DomainError(
            "inactive_record",
            _("This record was merged or anonymised; choose the current record."),
            status=409,
        )


# --- Events ----------------------------------------------------------------------------------


def _check_event_values(
    *,
    office: Organisation,
    village: Region | str | None,
    date: datetime.date | None,
    kind: str,
    title: str,
    topics: Sequence[str],
    counts: CountRows,
    participants: Sequence[Person],
    partners: Sequence[Organisation],
) -> tuple[Region, str, list[str], list[tuple[str, str, int]], list[Organisation]]:
    region = check_village(office=office, village=village)
    _check_not_future(office=office, date=date, field="date")
    if kind not in EventKind.values:
        raise DomainError("invalid_kind", _("Choose the kind of event."))
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("title_required", _("Give the event a title."))
    topics = list(dict.fromkeys(topics or []))
    if any(topic not in Topic.values for topic in topics):
        raise DomainError("invalid_topic", _("A topic is not in the list."))
    rows = clean_counts(counts)
    total = sum(value for _sex, _band, value in rows)
    if total < 1:
        raise DomainError(
            "no_participants", _("Count at least one participant by sex and age band.")
        )
    for person in participants:
        _check_person(office, person)
    if len(set(participants)) > total:
        raise DomainError(
            "more_named_than_counted",
            _("There are more named participants than people counted. Count them too."),
        )
    return region, title, topics, rows, _check_partners(office, partners)


def _write_counts(event: OutreachEvent, rows: list[tuple[str, str, int]]) -> None:
    event.counts.all().delete()
    OutreachCount.objects.bulk_create(
        OutreachCount(event=event, sex=sex, age_band=band, count=value) for sex, band, value in rows
    )


@transaction.atomic
def create_event(
    *,
    by: User,
    village: Region | str | None,
    date: datetime.date,
    kind: str,
    title: str,
    counts: CountRows,
    topics: Sequence[str] = (),
    partners: Sequence[Organisation] = (),
    participants: Sequence[Person] = (),
    materials: str = "",
    notes: str = "",
    office: Organisation | None = None,
    offline_id: uuid.UUID | None = None,
) -> OutreachEvent:
    """Record an outreach event held in a village of the office's area. `offline_id`: the id
    the phone drew for an event recorded offline (`offline/services.py`)."""
    office = office or _office_of(by)
    _require_manage(by, office)
    participants = list(participants)
    region, title, topics, rows, partners = _check_event_values(
        office=office,
        village=village,
        date=date,
        kind=kind,
        title=title,
        topics=topics,
        counts=counts,
        participants=participants,
        partners=partners,
    )
    event = OutreachEvent.objects.create(
        office=office,
        village=region,
        date=date,
        kind=kind,
        title=title,
        topics=topics,
        materials=(materials or "").strip(),
        notes=(notes or "").strip(),
        offline_id=offline_id,
        recorded_by=by,
    )
    _write_counts(event, rows)
    event.partners.set(partners)
    event.participants.set(participants)
    return event


@transaction.atomic
def update_event(
    *,
    event: OutreachEvent,
    by: User,
    village: Region | str | None,
    date: datetime.date,
    kind: str,
    title: str,
    counts: CountRows,
    topics: Sequence[str] = (),
    partners: Sequence[Organisation] = (),
    materials: str = "",
    notes: str = "",
) -> OutreachEvent:
    """Change an event's facts and counts. Named participants are changed one by one."""
    event = OutreachEvent.objects.select_for_update().select_related("office").get(pk=event.pk)
    _require_manage(by, event.office)
    region, title, topics, rows, partners = _check_event_values(
        office=event.office,
        village=village,
        date=date,
        kind=kind,
        title=title,
        topics=topics,
        counts=counts,
        participants=list(event.participants.all()),
        partners=partners,
    )
    event.village = region
    event.date = date
    event.kind = kind
    event.title = title
    event.topics = topics
    event.materials = (materials or "").strip()
    event.notes = (notes or "").strip()
    event.save()
    _write_counts(event, rows)
    event.partners.set(partners)
    return event


def event_total(event: OutreachEvent) -> int:
    return sum(row.count for row in event.counts.all())


@transaction.atomic
def add_participant(*, event: OutreachEvent, person: Person, by: User) -> None:
    """Name a registry person as a participant; they must be among the people counted."""
    event = OutreachEvent.objects.select_for_update().select_related("office").get(pk=event.pk)
    _require_manage(by, event.office)
    _check_person(event.office, person)
    if event.participants.filter(pk=person.pk).exists():
        return
    if event.participants.count() + 1 > event_total(event):
        raise DomainError(
            "more_named_than_counted",
            _("There are more named participants than people counted. Count them too."),
        )
    event.participants.add(person)


@transaction.atomic
def remove_participant(*, event: OutreachEvent, person: Person, by: User) -> None:
    """Un-name a participant; a follow-up recorded for them at this event goes with it."""
    _require_manage(by, event.office)
    event.follow_ups.filter(person=person).delete()
    event.participants.remove(person)


# --- Follow-ups ------------------------------------------------------------------------------


@transaction.atomic
def record_follow_up(
    *, event: OutreachEvent, person: Person, came_on: datetime.date, by: User, note: str = ""
) -> OutreachFollowUp:
    """Record that a participant came to the office after the event."""
    _require_manage(by, event.office)
    _check_person(event.office, person)
    _check_not_future(office=event.office, date=came_on, field="came_on")
    if came_on < event.date:
        raise DomainError(
            "came_on_before_event", _("A follow-up is a visit on or after the day of the event.")
        )
    if not event.participants.filter(pk=person.pk).exists():
        raise DomainError(
            "not_a_participant", _("Name the person as a participant of the event first.")
        )
    try:
        with transaction.atomic():
            return OutreachFollowUp.objects.create(
                event=event,
                person=person,
                came_on=came_on,
                note=" ".join((note or "").split())[:255],
                recorded_by=by,
            )
    except IntegrityError as error:
        raise DomainError(
            "duplicate_follow_up", _("This person's follow-up is already recorded.")
        ) from error


@transaction.atomic
def delete_follow_up(*, follow_up: OutreachFollowUp, by: User) -> None:
    _require_manage(by, follow_up.event.office)
    follow_up.delete()


# --- Village focal points --------------------------------------------------------------------


@transaction.atomic
def add_focal_point(
    *,
    by: User,
    village: Region | str | None,
    name: str,
    since: datetime.date,
    phone: str = "",
    person: Person | None = None,
    role: str = "",
    office: Organisation | None = None,
) -> VillageFocalPoint:
    """Add a focal point for a village of the office's area (a village may have several)."""
    office = office or _office_of(by)
    _require_manage(by, office)
    region = check_village(office=office, village=village)
    _check_not_future(office=office, date=since, field="since")
    _check_person(office, person)
    name = " ".join((name or "").split()) or (person.full_name if person else "")
    if not name:
        raise DomainError("name_required", _("Give the focal point's name."))
    stored_phone = ""
    if (phone or "").strip():
        try:
            stored_phone = normalise_phone(phone)
        except PhoneError as error:
            raise DomainError("invalid_phone", error.message) from error
    return VillageFocalPoint.objects.create(
        office=office,
        village=region,
        name=name,
        phone=stored_phone,
        person=person,
        role=" ".join((role or "").split()),
        since=since,
        created_by=by,
    )


@transaction.atomic
def end_focal_point(
    *, focal_point: VillageFocalPoint, until: datetime.date, by: User
) -> VillageFocalPoint:
    """Record the last day a focal point served."""
    focal_point = VillageFocalPoint.objects.select_for_update().get(pk=focal_point.pk)
    _require_manage(by, focal_point.office)
    if focal_point.until is not None:
        raise DomainError("already_ended", _("This focal point has already stopped."))
    _check_not_future(office=focal_point.office, date=until, field="until")
    if until < focal_point.since:
        raise DomainError("until_before_since", _("The last day cannot be before the first day."))
    focal_point.until = until
    focal_point.save(update_fields=["until"])
    return focal_point


# --- Village regulations (Perdes) ------------------------------------------------------------


def upload_regulation(
    *,
    by: User,
    village: Region | str | None,
    number: str,
    date: datetime.date,
    title: str,
    file: UploadedFile | None,
    office: Organisation | None = None,
) -> VillageRegulation:
    """Store a village regulation with its scan (PDF, JPEG or PNG, decided by the content)."""
    office = office or _office_of(by)
    _require_manage(by, office)
    region = check_village(office=office, village=village)
    _check_not_future(office=office, date=date, field="date")
    number = " ".join((number or "").split())
    title = " ".join((title or "").split())
    if not number:
        raise DomainError("number_required", _("Give the regulation's number."))
    if not title:
        raise DomainError("title_required", _("Give the regulation's title."))
    if VillageRegulation.objects.filter(village=region, number=number).exists():
        raise DomainError(
            "duplicate_regulation",
            _("This village already has a regulation with number %(number)s.") % {"number": number},
        )
    if file is None:
        raise DomainError("empty_file", _("The file is empty. Choose the scan again."))
    data, content_type, extension = read_scan(file)
    regulation = VillageRegulation(
        office=office,
        village=region,
        number=number,
        date=date,
        title=title,
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    # The name passed here is ignored by `regulation_upload_path`: only the hash names the file.
    regulation.file.save(f"perdes{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            regulation.save()
    except IntegrityError as error:
        _delete_unless_shared(regulation)
        raise DomainError(
            "duplicate_regulation",
            _("This village already has a regulation with number %(number)s.") % {"number": number},
        ) from error
    except BaseException:
        _delete_unless_shared(regulation)
        raise
    return regulation


def _delete_unless_shared(regulation: VillageRegulation) -> None:
    name = regulation.file.name
    if name and not VillageRegulation.objects.filter(file=name).exists():
        regulation.file.storage.delete(name)


# --- Retention (the schedule's purge, `retention.py`) ------------------------------------------


def remove_named_participants(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Take the people no hold keeps off these events' participants and follow-ups; the counts
    stay. The retention schedule's purge of the record class of `outreach/retention.py`."""
    for event in OutreachEvent.objects.filter(pk__in=pks):
        free = list(
            OutreachEvent.participants.through.objects.filter(outreachevent=event)
            .exclude(held_people("person"))
            .values_list("person_id", flat=True)
        )
        if free:
            event.participants.remove(*free)
        # The sync's report names who was typed: it goes with the names (held people too:
        # the hold keeps the person on the event, not the report).
        event.sync_conflicts.all().delete()
        follow_ups = OutreachFollowUp.objects.filter(event=event).exclude(held_people("person"))
        gone = list(follow_ups.values_list("pk", flat=True))
        follow_ups.delete()
        # After the delete: its own audit entry repeats the note.
        erase_audit_values(OutreachFollowUp, gone, fields=("note",))
    return pks
