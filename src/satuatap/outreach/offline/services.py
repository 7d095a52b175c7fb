"""The sync of events recorded offline: each record once (its phone-drawn UUID), in its own
transaction, through the same `outreach.services.create_event` as the online form, and the named
participants matched to the registry with a report of what could not simply be named.

Matching a participant typed on the phone (name, sex, NIK and/or date of birth):

- a valid NIK of a record of the office: that record (reported when the names differ);
  a NIK registered at another office: not named (reported); an invalid NIK: not named (reported);
  a new NIK: a new registry record, unless the name and date of birth already belong to a
  record of the office (with another NIK or none): then not named, reported for review;
- no NIK: the one record of the office with the same name and date of birth, or a new record;
  several such records: not named, reported;
- entered twice in one event: named once, reported; the same new person entered in several
  events of one sync: one registry record, named at each event, reported.

Not named means the event is kept with its counts; the report (`OfflineSyncConflict`) says who
was typed, encrypted, for the office to name by hand on the event's page.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.outreach import services as outreach_services
from satuatap.outreach.models import (
    OfflineSyncConflict,
    OutreachEvent,
    SyncConflictKind,
    SyncResolution,
)
from satuatap.people import services as people_services
from satuatap.people.models import Person, Sex
from satuatap.people.nik import check_nik, strip_separators
from satuatap.people.selectors import active_people

SyncStatus = Literal["created", "already_synced", "refused"]

# The most records one sync may carry (the phone sends more in several batches).
MAX_BATCH = 50


@dataclass(frozen=True)
class OfflineParticipant:
    full_name: str
    sex: str = Sex.NOT_RECORDED
    nik: str = ""
    birth_date: datetime.date | None = None


@dataclass(frozen=True)
class OfflineEvent:
    offline_id: uuid.UUID
    village: str
    date: datetime.date
    kind: str
    title: str
    counts: Sequence[tuple[str, str, int]]
    topics: Sequence[str] = ()
    participants: Sequence[OfflineParticipant] = ()
    materials: str = ""
    notes: str = ""


@dataclass
class SyncResult:
    """One record's outcome: `created`, `already_synced` (a retry) or `refused` (with the
    error; nothing of it was stored)."""

    offline_id: uuid.UUID
    status: SyncStatus
    event: OutreachEvent | None = None
    error: DomainError | None = None
    conflicts: list[OfflineSyncConflict] = field(default_factory=list)


def _name(value: str) -> str:
    return " ".join((value or "").split())


def _name_key(value: str) -> str:
    return _name(value).casefold()


def _keys(participant: OfflineParticipant) -> list[tuple]:
    keys: list[tuple] = []
    nik = strip_separators(participant.nik or "")
    if nik:
        keys.append(("nik", nik))
    if participant.birth_date is not None:
        keys.append(("name", _name_key(participant.full_name), participant.birth_date))
    return keys


def _entered(participant: OfflineParticipant) -> str:
    return json.dumps(
        {
            "full_name": _name(participant.full_name),
            "sex": participant.sex,
            "nik": strip_separators(participant.nik or ""),
            "birth_date": participant.birth_date.isoformat() if participant.birth_date else "",
        },
        ensure_ascii=False,
    )


def _check_participants(participants: Sequence[OfflineParticipant]) -> None:
    for participant in participants:
        if not _name(participant.full_name):
            raise DomainError("participant_name_required", _("Give each participant's name."))
        if participant.sex not in Sex.values:
            raise DomainError("invalid_participant", _("A participant's sex is not in the list."))
        if not strip_separators(participant.nik or "") and participant.birth_date is None:
            raise DomainError(
                "participant_nik_or_birth_date",
                _("Give each named participant's NIK or date of birth."),
            )


class _Matcher:
    """Finds or registers the registry record of each participant of one sync; remembers the
    records this sync registered, to report the same new person entered in several events."""

    def __init__(self, by: User, office: Organisation) -> None:
        self.by = by
        self.office = office
        self.registered: dict[tuple, Person] = {}

    def _people(self) -> QuerySet[Person]:
        return active_people(self.by)

    def match(
        self, participant: OfflineParticipant, pending: dict[tuple, Person]
    ) -> tuple[Person | None, str, str]:
        """(person or None, conflict kind or "", resolution)."""
        for key in _keys(participant):
            person = self.registered.get(key) or pending.get(key)
            if person is not None:
                return person, SyncConflictKind.SAME_ACROSS_EVENTS, SyncResolution.NAMED_ONCE
        nik = strip_separators(participant.nik or "")
        name_key = _name_key(participant.full_name)
        same_name_and_birth = (
            [
                person
                for person in self._people().filter(birth_date=participant.birth_date)
                if _name_key(person.full_name) == name_key
            ]
            if participant.birth_date is not None
            else []
        )
        if nik:
            check = check_nik(nik, sex=participant.sex, birth_date=participant.birth_date)
            if not check.is_valid:
                return None, SyncConflictKind.NIK_INVALID, SyncResolution.NOT_NAMED
            holder = Person.objects.filter(nik=check.nik).first()
            if holder is not None:
                if holder.office_id != self.office.pk or not holder.is_active_record:
                    return None, SyncConflictKind.NIK_REGISTERED, SyncResolution.NOT_NAMED
                if _name_key(holder.full_name) != name_key:
                    return holder, SyncConflictKind.NAME_DIFFERS, SyncResolution.LINKED
                return holder, "", ""
            if same_name_and_birth:
                candidate = same_name_and_birth[0] if len(same_name_and_birth) == 1 else None
                return candidate, SyncConflictKind.OTHER_NIK, SyncResolution.NOT_NAMED
            return self._register(participant, check.nik, pending), "", ""
        if len(same_name_and_birth) == 1:
            return same_name_and_birth[0], "", ""
        if same_name_and_birth:
            return None, SyncConflictKind.SEVERAL_RECORDS, SyncResolution.NOT_NAMED
        return self._register(participant, "", pending), "", ""

    def _register(
        self, participant: OfflineParticipant, nik: str, pending: dict[tuple, Person]
    ) -> Person:
        person = people_services.register_person(
            by=self.by,
            full_name=participant.full_name,
            sex=participant.sex,
            nik=nik or None,
            birth_date=participant.birth_date,
            nik_missing_reason="" if nik else _("Not given at an outreach event."),
        )
        for key in _keys(participant):
            pending[key] = person
        return person


def _create(
    *, by: User, office: Organisation, record: OfflineEvent, matcher: _Matcher
) -> tuple[OutreachEvent, list[OfflineSyncConflict], dict[tuple, Person]]:
    _check_participants(record.participants)
    # The event's own values first: a record refused for them registers nobody.
    outreach_services.check_village(office=office, village=record.village)
    pending: dict[tuple, Person] = {}
    seen: dict[tuple, Person | None] = {}
    named: list[Person] = []
    found: list[tuple[OfflineParticipant, Person | None, str, str]] = []
    for participant in record.participants:
        keys = _keys(participant)
        twice = next((key for key in keys if key in seen), None)
        if twice is not None:
            first = seen[twice]
            once = SyncResolution.NAMED_ONCE if first else SyncResolution.NOT_NAMED
            found.append((participant, first, SyncConflictKind.SAME_IN_EVENT, once))
            continue
        person, kind, resolution = matcher.match(participant, pending)
        if person is not None and person in named and resolution != SyncResolution.NOT_NAMED:
            # Two entries that differ as typed but lead to one record (a NIK and a name).
            kind, resolution = SyncConflictKind.SAME_IN_EVENT, SyncResolution.NAMED_ONCE
        for key in keys:
            seen[key] = person
        if person is not None and resolution != SyncResolution.NOT_NAMED:
            if person not in named:
                named.append(person)
        found.append((participant, person, kind, resolution))
    event = outreach_services.create_event(
        by=by,
        office=office,
        village=record.village,
        date=record.date,
        kind=record.kind,
        title=record.title,
        counts=record.counts,
        topics=record.topics,
        participants=named,
        materials=record.materials,
        notes=record.notes,
        offline_id=record.offline_id,
    )
    conflicts = [
        OfflineSyncConflict.objects.create(
            office=office,
            event=event,
            person=person,
            kind=kind,
            resolution=resolution,
            entered=_entered(participant),
            recorded_by=by,
        )
        for participant, person, kind, resolution in found
        if kind
    ]
    return event, conflicts, pending


def _already(by: User, office: Organisation, offline_id: uuid.UUID) -> SyncResult | None:
    event = OutreachEvent.objects.filter(offline_id=offline_id).first()
    if event is None:
        return None
    if event.office_id != office.pk or event.recorded_by_id != by.pk:
        # Someone else's record: say nothing of it.
        error = DomainError(
            "offline_id_taken",
            _("This record's id is already taken. Record the event again."),
            status=409,
        )
        return SyncResult(offline_id=offline_id, status="refused", error=error)
    conflicts = list(event.sync_conflicts.select_related("person").order_by("pk"))
    return SyncResult(
        offline_id=offline_id, status="already_synced", event=event, conflicts=conflicts
    )


def sync_events(*, by: User, records: Sequence[OfflineEvent]) -> list[SyncResult]:
    """Store the events a phone recorded offline, each exactly once. Refused as a whole when
    the user may not record outreach (403) or the batch is malformed (422); otherwise each record
    is stored, found again (a retry), or refused on its own with the online form's error."""
    office = outreach_services._office_of(by)
    outreach_services._require_manage(by, office)
    ids = [record.offline_id for record in records]
    if len(records) > MAX_BATCH:
        raise DomainError(
            "batch_too_large",
            _("Send at most %(count)s records at a time.") % {"count": MAX_BATCH},
            status=422,
        )
    if len(set(ids)) != len(ids):
        raise DomainError(
            "duplicate_offline_id", _("The same record is sent twice in one sync."), status=422
        )
    matcher = _Matcher(by, office)
    results: list[SyncResult] = []
    for record in records:
        already = _already(by, office, record.offline_id)
        if already is not None:
            results.append(already)
            continue
        try:
            with transaction.atomic():
                event, conflicts, pending = _create(
                    by=by, office=office, record=record, matcher=matcher
                )
        except DomainError as error:
            results.append(SyncResult(offline_id=record.offline_id, status="refused", error=error))
            continue
        except IntegrityError:
            # The same record synced at the same moment by a retry that won the race.
            already = _already(by, office, record.offline_id)
            if already is None:
                raise
            results.append(already)
            continue
        matcher.registered.update(pending)
        results.append(
            SyncResult(
                offline_id=record.offline_id, status="created", event=event, conflicts=conflicts
            )
        )
    return results


@transaction.atomic
def mark_conflict_reviewed(*, conflict: OfflineSyncConflict, by: User) -> OfflineSyncConflict:
    """The office has looked at a reported participant (and named them by hand if needed)."""
    conflict = OfflineSyncConflict.objects.select_for_update().get(pk=conflict.pk)
    outreach_services._require_manage(by, conflict.office)
    if conflict.reviewed_at is None:
        conflict.reviewed_at = timezone.now()
        conflict.reviewed_by = by
        conflict.save(update_fields=["reviewed_at", "reviewed_by"])
    return conflict
