"""The registry's part of the retention schedule (`core/retention/`).

- **Holds**: `register_person_hold(fn)`, `fn()` → a queryset of person ids whose records must be
  kept whatever their age (the MRC: an open case, a complaint a partner is still working on, a
  case supervisor's legal hold). Every class that holds records about people (visits, files,
  outreach participants, the registry record itself) leaves a held person's records alone.
- **Activity**: `register_activity(fn)`, `fn(since)` → a queryset of person ids with activity on
  or after the day `since` (a visit, a file moving, a course, an outreach event, an MRC
  contact). A registry record without any for its period is anonymised.
- Record classes of the registry: `inactive_people` (anonymised as an erasure, with the records
  merged into it) and `register_imports` (the uploaded register files and their error lists).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.retention import (
    Cutoff,
    RecordClass,
    RunContext,
    register_audit_keep,
    register_record_class,
)
from satuatap.people.data_rights.hooks import needs_review, people_needing_review
from satuatap.people.data_rights.services import erase_people
from satuatap.people.imports.services import purge_import_files
from satuatap.people.models import (
    ErasureReason,
    ImportJob,
    ImportStatus,
    Person,
    PersonDocument,
    ProcessingConsent,
    StatusEvent,
)
from satuatap.people.selectors import merged_group

PersonHold = Callable[[], models.QuerySet]
_holds: list[PersonHold] = []
Activity = Callable[[datetime.date], models.QuerySet]
_activity: list[Activity] = []


def register_person_hold(hold: PersonHold) -> None:
    if hold not in _holds:
        _holds.append(hold)


def unregister_person_hold(hold: PersonHold) -> None:
    if hold in _holds:
        _holds.remove(hold)


def register_activity(activity: Activity) -> None:
    if activity not in _activity:
        _activity.append(activity)


def held_people(path: str = "pk") -> Q:
    """A filter matching records whose person (at `path`: `person`, `visit__person`, `pk` on
    Person) is held, or whose record absorbed a held duplicate (erasing it would erase that)."""
    found = Q(pk__in=[])
    for hold in _holds:
        held = hold()
        if path == "pk":
            found |= Q(pk__in=held) | Q(merged_records__in=held)
        else:
            found |= Q(**{f"{path}__in": held}) | Q(**{f"{path}__merged_records__in": held})
    return found


def is_held(person_ids: list[int]) -> bool:
    if not _holds or not person_ids:
        return False
    return Person.objects.filter(pk__in=person_ids).filter(held_people()).exists()


def _registry_activity(since: datetime.date) -> list[models.QuerySet]:
    moment = Cutoff.of(since).moment
    return [
        Person.objects.filter(updated_at__gte=moment).values("pk"),
        StatusEvent.objects.filter(
            Q(effective_date__gte=since) | Q(recorded_at__gte=moment)
        ).values("person_id"),
        PersonDocument.objects.filter(uploaded_at__gte=moment).values("person_id"),
        ProcessingConsent.objects.filter(given_on__gte=since).values("person_id"),
    ]


# --- inactive_people -------------------------------------------------------------------------


def _inactive_people(cutoff: Cutoff) -> models.QuerySet:
    people = Person.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
    for active in _registry_activity(cutoff.day):
        people = people.exclude(pk__in=active)
    for activity in _activity:
        people = people.exclude(pk__in=activity(cutoff.day))
    return people


def _not_held(people: models.QuerySet) -> models.QuerySet:
    # Someone whose erasure another part of the system reviews (anyone in an MRC case) is
    # never erased by the schedule: the case's own period comes first.
    return people.exclude(held_people()).exclude(people_needing_review())


def _erase_inactive(pks: list[int], context: RunContext) -> list[int]:
    people = []
    for person in Person.objects.filter(pk__in=pks):
        group = merged_group(person)
        ids = [p.pk for p in group]
        if is_held(ids) or needs_review(group):  # held through a record merged into it
            continue
        people.append(person)
    erase_people(people, by=None, reason=ErasureReason.RETENTION_ENDED)
    return [p.pk for p in people]


# --- register_imports ------------------------------------------------------------------------


def _old_imports(cutoff: Cutoff) -> models.QuerySet:
    finished = Q(status__in=[ImportStatus.DONE, ImportStatus.FAILED], finished_at__lt=cutoff.moment)
    abandoned = Q(status=ImportStatus.UPLOADED, created_at__lt=cutoff.moment)
    still_holds = ~Q(file="") | ~Q(error_rows=[]) | ~Q(columns=[])
    return ImportJob.objects.filter(finished | abandoned).filter(still_holds)


def _kept_person_audit() -> Q:
    held = Person.objects.filter(held_people()).values("pk")
    return Q(content_type=ContentType.objects.get_for_model(Person), object_id__in=held)


def register() -> None:
    register_audit_keep(_kept_person_audit)
    register_record_class(
        RecordClass(
            key="inactive_people",
            label=_("Registry records without activity"),
            default="5y",
            counted_from=_(
                "the last activity: a change to the record, a migration step, a document, a "
                "consent, a visit, a placement file or course, an outreach event, an MRC contact"
            ),
            action=_(
                "anonymised as an erasure (end of the retention period), with the duplicate "
                "records merged into it"
            ),
            due=_inactive_people,
            exclude_held=_not_held,
            purge=_erase_inactive,
            office="office_id",
            order=60,
            batch_size=50,
        )
    )
    register_record_class(
        RecordClass(
            key="register_imports",
            label=_("Uploaded registers (imports of people)"),
            default="90d",
            counted_from=_("the end of the import"),
            action=_("the uploaded file, its column headings and its list of rejected rows go"),
            due=_old_imports,
            purge=purge_import_files,
            office="office_id",
            order=15,
        )
    )
