"""The register of data-subject requests in the retention schedule (`core/retention/`).

A request closed long ago no longer needs who asked and what was said: once due, the
requester's name and contact, what was asked and the answer are erased. The request itself
(its type, dates, status, what was done and whether it was late) stays as the office's evidence
that it answered, and for its counts. A request about someone held (an open MRC case, a legal
hold) waits, as every record of theirs does. The breach register is not in the schedule: it
names nobody, and it is the ministry's evidence of what it notified.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from satuatap.core.retention import Cutoff, RecordClass, register_record_class
from satuatap.people.retention import held_people
from satuatap.privacy.models import CLOSED_REQUEST_STATUSES, SubjectRequest
from satuatap.privacy.services import anonymise_requests


def _due(cutoff: Cutoff):
    return SubjectRequest.objects.filter(
        status__in=CLOSED_REQUEST_STATUSES,
        answered_at__lt=cutoff.moment,
        anonymised_at__isnull=True,
    )


def _not_held(requests):
    return requests.exclude(held_people("person"))


def register() -> None:
    register_record_class(
        RecordClass(
            key="subject_requests",
            label=_("Data-subject requests"),
            default="5y",
            counted_from=_("the day the request was answered or closed"),
            action=_(
                "the requester's name and contact, what was asked and the answer are erased; "
                "the type, dates, status and what was done stay"
            ),
            due=_due,
            exclude_held=_not_held,
            purge=anonymise_requests,
            office="office_id",
            order=55,
        )
    )
