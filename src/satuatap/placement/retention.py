"""Placement's record class in the retention schedule (`core/retention/`): closed placement
files (returned or cancelled).

Once due, a file loses what names people other than the registry record or tells its story:
the employer's name, address and phone, the contacts abroad, the MRC case number, the reason for
cancelling, the notes of its history and the reasons written for readiness overrides. What the
reports count stays: office, person (whose own record has its own period), scheme, job order,
destination, sector, occupation, stages with their dates, fees charged. A file of a person a
hold keeps is left as it is.

Placement files, courses and enrolments are activity of the person for the registry's
`inactive_people` class.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.retention import (
    Cutoff,
    RecordClass,
    register_record_class,
)
from satuatap.people.models import Person
from satuatap.people.retention import held_people, register_activity
from satuatap.placement.files.models import CLOSED_STAGES, PlacementFile
from satuatap.placement.files.services import anonymise_files
from satuatap.placement.training.models import Enrolment


def _due(cutoff: Cutoff):
    return PlacementFile.objects.filter(
        stage__in=CLOSED_STAGES, stage_since__lt=cutoff.day, anonymised_at__isnull=True
    )


def _not_held(files):
    return files.exclude(held_people("person"))


def _activity(since):
    moment = Cutoff.of(since).moment
    files = PlacementFile.objects.filter(
        Q(updated_at__gte=moment) | Q(departure_date__gte=since) | Q(return_date__gte=since)
    )
    enrolments = Enrolment.objects.filter(
        Q(course__end_date__gte=since) | Q(enrolled_at__gte=moment)
    )
    return Person.objects.filter(
        Q(pk__in=files.values("person_id")) | Q(pk__in=enrolments.values("person_id"))
    ).values("pk")


def register() -> None:
    register_activity(_activity)
    register_record_class(
        RecordClass(
            key="placement_files",
            label=_("Closed placement files"),
            default="5y",
            counted_from=_("the day the file was closed (returned or cancelled)"),
            action=_(
                "the employer's name, address and phone, contacts abroad, MRC case number, "
                "reasons and notes are erased; scheme, destination, sector, stages and dates stay"
            ),
            due=_due,
            exclude_held=_not_held,
            purge=anonymise_files,
            office="office_id",
            order=30,
        )
    )
