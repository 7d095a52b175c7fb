"""Outreach's record class in the retention schedule (`core/retention/`): the named
participants of village events and their follow-ups.

Once due, an event no longer names who came (the list of participants, the follow-ups and the
report of an offline sync go);
the counts by sex and age band, which the reports read, stay, and so does the event. A held
person stays on the list. Taking part in an event is activity of the person for the registry.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.retention import Cutoff, RecordClass, register_record_class
from satuatap.outreach.models import OfflineSyncConflict, OutreachEvent, OutreachFollowUp
from satuatap.outreach.services import remove_named_participants
from satuatap.people.models import Person
from satuatap.people.retention import held_people, register_activity

Participant = OutreachEvent.participants.through


def _named(unheld: bool = False):
    participants = Participant.objects.filter(outreachevent=OuterRef("pk"))
    follow_ups = OutreachFollowUp.objects.filter(event=OuterRef("pk"))
    if unheld:
        participants = participants.exclude(held_people("person"))
        follow_ups = follow_ups.exclude(held_people("person"))
    # The report of an offline sync names who was typed (offline/services.py): it goes too.
    conflicts = OfflineSyncConflict.objects.filter(event=OuterRef("pk"))
    return Q(Exists(participants)) | Q(Exists(follow_ups)) | Q(Exists(conflicts))


def _due(cutoff: Cutoff):
    return OutreachEvent.objects.filter(date__lt=cutoff.day).filter(_named())


def _not_held(events):
    return events.filter(_named(unheld=True))


def _activity(since):
    return Person.objects.filter(
        Q(pk__in=Participant.objects.filter(outreachevent__date__gte=since).values("person_id"))
        | Q(pk__in=OutreachFollowUp.objects.filter(came_on__gte=since).values("person_id"))
    ).values("pk")


def register() -> None:
    register_activity(_activity)
    register_record_class(
        RecordClass(
            key="outreach_participants",
            label=_("Named participants of outreach events"),
            default="2y",
            counted_from=_("the day of the event"),
            action=_(
                "the names of participants and their follow-ups are removed; the counts by sex "
                "and age band and the event stay"
            ),
            due=_due,
            exclude_held=_not_held,
            purge=remove_named_participants,
            office="office_id",
            order=35,
        )
    )
