"""The front desk's record classes in the retention schedule (`core/retention/`); their purges
are services (`services.anonymise_visits`, `surveys.services.erase_survey_comments`).

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

from satuatap.core.retention import Cutoff, RecordClass, register_record_class
from satuatap.frontdesk.models import ServiceRecord, Survey, Visit
from satuatap.frontdesk.services import anonymise_visits
from satuatap.frontdesk.surveys.services import erase_survey_comments
from satuatap.people.models import Person
from satuatap.people.retention import held_people, register_activity


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


def _due_surveys(cutoff: Cutoff):
    return Survey.objects.filter(visit__day__lt=cutoff.day).filter(
        ~Q(comment="") | Q(visit__person__isnull=False)
    )


def _surveys_not_held(surveys):
    return surveys.exclude(held_people("visit__person"))


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
            purge=anonymise_visits,
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
            purge=erase_survey_comments,
            office="visit__office_id",
            order=10,
        )
    )
