"""What placement files tell a prospective worker on their phone
(`notifications.services.notify_person`: their own WhatsApp or mobile number, never one that
opted out, in their language), and the placement count of the staff's daily digest.

- A file refused at the readiness gate: the documents to bring (missing, rejected or expired)
  and the desk that verifies each. Conditions the worker cannot act on (an agency's licence, a
  job order's quota) are not sent. At most once a day per file.
- A few days (`NOTIFICATION_DEPARTURE_REMINDER_DAYS`) before a file's planned departure date:
  a reminder (daily task, `placement/tasks.py`).

Each is sent once (`event_key`); a message that cannot be queued never stops the officer's work.
"""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.notifications import services as notifications
from satuatap.placement.files.checklist import ItemStatus, checklist
from satuatap.placement.files.models import PREPARATION_STAGES, PlacementFile, Stage


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


TO_BRING = (ItemStatus.MISSING, ItemStatus.REJECTED, ItemStatus.EXPIRED)


def documents_to_bring(placement_file: PlacementFile, today: datetime.date) -> list[str]:
    """Each document the worker must bring, with where: "Passport (desk B, Documents)"."""
    lines = []
    for item in checklist(placement_file, today):
        if item.status in TO_BRING:
            where = item.verified_at.label if item.verified_at is not None else ""
            lines.append(
                _("%(document)s (%(where)s)")
                % {"document": item.document_type.name, "where": where}
                if where
                else str(item.document_type.name)
            )
    return lines


def file_blocked(placement_file: PlacementFile, today: datetime.date) -> None:
    """The gate refused the file: tell the worker what to bring and where, once a day."""
    office = placement_file.office

    def parameters() -> dict[str, object]:
        return {
            "documents": "; ".join(documents_to_bring(placement_file, today)),
            "office": office.name,
        }

    if not any(item.status in TO_BRING for item in checklist(placement_file, today)):
        return
    notifications.notify_person(
        office=office,
        person=placement_file.person,
        template_code="file_blocked",
        parameters=parameters,
        event_key=f"file_blocked:{placement_file.pk}:{today.isoformat()}",
    )


def _departure_parameters(day: datetime.date, office: Organisation) -> dict[str, object]:
    return {"departure_on": _date(day), "office": office.name}


def queue_departure_reminders(*, today: datetime.date | None = None) -> int:
    """Remind each worker whose open file's planned departure is in
    `NOTIFICATION_DEPARTURE_REMINDER_DAYS` days. Returns how many were queued."""
    queued = 0
    days = datetime.timedelta(days=settings.NOTIFICATION_DEPARTURE_REMINDER_DAYS)
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE):
        day = (today or office.today()) + days
        files = (
            PlacementFile.objects.filter(
                office=office,
                planned_departure_on=day,
                stage__in=[*PREPARATION_STAGES, Stage.READY],
                anonymised_at__isnull=True,
            )
            .select_related("person", "office")
            .order_by("pk")
        )
        for placement_file in files:
            message = notifications.notify_person(
                office=office,
                person=placement_file.person,
                template_code="departure_soon",
                parameters=functools.partial(_departure_parameters, day, office),
                event_key=f"departure_soon:{placement_file.pk}:{day.isoformat()}",
            )
            queued += message is not None
    return queued


def files_waiting(office: Organisation, day: datetime.date) -> int:
    """The staff digest's count: the office's files still being prepared (not yet ready)."""
    return PlacementFile.objects.filter(
        office=office, stage__in=PREPARATION_STAGES, anonymised_at__isnull=True
    ).count()


def register() -> None:
    from satuatap.notifications.events import register_digest_count

    register_digest_count("files", files_waiting)
