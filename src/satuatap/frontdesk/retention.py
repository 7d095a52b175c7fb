"""The front desk's record classes in the retention schedule (`core/retention.py`).

- `visits` (visits, their queue tickets and the desks' service records): once due, a visit no
  longer names its person; the person's sex and age band on the visit day are written on the
  visit (as for an anonymous visitor), so every count by sex and age stays; the desk's notes are
  erased. Tickets and times stay: they name nobody.
- `survey_answers` (the IKM survey): the visitor's free-text comment is erased and the answers no
  longer lead to the visitor (the visit is anonymised as above). The nine answers stay: the IKM
  of past periods does not move.

A visit of a person a hold keeps (an open MRC case…) is left as it is.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.audit import erase_audit_values
from satuatap.core.retention import (
    Cutoff,
    RecordClass,
    RunContext,
    keep_aggregates,
    register_record_class,
)
from satuatap.frontdesk.models import AgeBand, ServiceRecord, Survey, Visit
from satuatap.people.models import Person
from satuatap.people.retention import held_people, register_activity


def age_band_on(person: Person, day) -> str:
    """The visit's own age band for this person on `day` (the reports' bands)."""
    age = person.age_on(day)
    if age is None or age < 0:
        return AgeBand.UNKNOWN
    if age < 18:
        return AgeBand.UNDER_18
    if age < 25:
        return AgeBand.YOUNG
    if age < 40:
        return AgeBand.ADULT
    if age < 60:
        return AgeBand.MIDDLE
    return AgeBand.OLDER


def _records_to_clear():
    return ServiceRecord.objects.filter(ticket__visit=OuterRef("pk")).filter(
        Q(person__isnull=False) | ~Q(notes="")
    )


def _due_visits(cutoff: Cutoff):
    return Visit.objects.filter(day__lt=cutoff.day).filter(
        Q(person__isnull=False) | Exists(_records_to_clear())
    )


def _visits_not_held(visits):
    return visits.exclude(held_people("person"))


def anonymise_visits(visit_ids: list[int]) -> list[int]:
    """Take the person off these visits (keeping their sex and age band on the visit) and erase
    the desks' notes; the audit trail loses the person and the notes too."""
    visits = list(Visit.objects.filter(pk__in=visit_ids).select_related("person"))
    ids = [visit.pk for visit in visits]
    records = list(
        ServiceRecord.objects.filter(ticket__visit_id__in=ids).values_list("pk", flat=True)
    )
    with keep_aggregates(records=[(Visit, ids)]):
        for visit in visits:
            if visit.person is None:
                continue
            visit.sex = visit.person.sex
            visit.age_band = age_band_on(visit.person, visit.day)
            visit.person = None
            visit.save(update_fields=["sex", "age_band", "person"])
        ServiceRecord.objects.filter(pk__in=records).update(person=None, notes="")
        erase_audit_values(Visit, ids, fields=("person",))
        erase_audit_values(ServiceRecord, records, fields=("person", "notes"))
    return ids


def _purge_visits(pks: list[int], context: RunContext) -> list[int]:
    return anonymise_visits(pks)


def _due_surveys(cutoff: Cutoff):
    return Survey.objects.filter(visit__day__lt=cutoff.day).filter(
        ~Q(comment="") | Q(visit__person__isnull=False)
    )


def _surveys_not_held(surveys):
    return surveys.exclude(held_people("visit__person"))


def _purge_surveys(pks: list[int], context: RunContext) -> list[int]:
    surveys = Survey.objects.filter(pk__in=pks)
    anonymise_visits(list(surveys.values_list("visit_id", flat=True)))
    surveys.update(comment="")
    return pks


def _visit_activity(since):
    return Person.objects.filter(
        pk__in=Visit.objects.filter(day__gte=since, person__isnull=False).values("person_id")
    ).values("pk")


def register() -> None:
    register_activity(_visit_activity)
    register_record_class(
        RecordClass(
            key="visits",
            label=_("Visits and queue tickets"),
            default="3y",
            counted_from=_("the day of the visit"),
            action=_(
                "the visit no longer names the person (their sex and age band stay on it); the "
                "desks' notes are erased; tickets and times stay"
            ),
            due=_due_visits,
            exclude_held=_visits_not_held,
            purge=_purge_visits,
            office="office_id",
            order=20,
        )
    )
    register_record_class(
        RecordClass(
            key="survey_answers",
            label=_("Satisfaction survey answers (IKM)"),
            default="1y",
            counted_from=_("the day of the visit"),
            action=_(
                "the comment is erased and the answers no longer lead to the visitor; the "
                "answers themselves stay"
            ),
            due=_due_surveys,
            exclude_held=_surveys_not_held,
            purge=_purge_surveys,
            office="visit__office_id",
            order=10,
        )
    )
