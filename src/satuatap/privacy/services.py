"""Writes to the registers: data-subject requests (record, correct, start, answer, erase) and
breaches (report, assess, complete, record a notice, close).

Every function checks its permission first, refuses bad input with a translated `DomainError`
(and changes nothing), and writes in one transaction; the audit trail records each change
(`privacy/audit.py`), never the encrypted text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypeVar, cast

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_INTEGER
from satuatap.core.models import User
from satuatap.core.retention import RunContext
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import ErasureReason, ErasureRequest, Person
from satuatap.privacy import deadlines
from satuatap.privacy.models import (
    Breach,
    BreachNotice,
    BreachStatus,
    DataCategory,
    NoticeMethod,
    NoticeRecipient,
    RefusalReason,
    RequestAction,
    RequestChannel,
    RequesterRelation,
    RequestStatus,
    RequestType,
    SubjectRequest,
)
from satuatap.privacy.notices import missing_content, notice_html
from satuatap.privacy.tasks import alert_breach_reported_task

MAX_NAME = 200
MAX_CONTACT = 300
MAX_TEXT = 10_000
# A clock a little ahead of the server's (a phone, a laptop) is not "the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)

RecordT = TypeVar("RecordT", bound=Model)


def _not_found() -> DomainError:
    return DomainError("not_found", _("No such record."), status=404)


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def _text(value: str | None, *, limit: int, code: str, label: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError(
            code,
            _("%(field)s is too long: at most %(limit)d characters.")
            % {"field": label, "limit": limit},
        )
    return text


def _moment(value: object, *, code: str, now: datetime.datetime) -> datetime.datetime:
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise DomainError(code, _("Give a date and a time."))
    if value > now + CLOCK_SKEW:
        raise DomainError(code, _("The time cannot be in the future."))
    return value


def _number_of_people(value: int | None, *, code: str) -> int | None:
    """A count of people (affected, notified): unknown (None), or 0 to MAX_INTEGER."""
    if value is not None and not 0 <= value <= MAX_INTEGER:
        raise DomainError(
            code, _("The number of people must be between 0 and %(max)d.") % {"max": MAX_INTEGER}
        )
    return value


def _save_values(record: RecordT, values: dict) -> RecordT:
    """Set the checked values on the (locked) record and save those fields only."""
    for field, value in values.items():
        setattr(record, field, value)
    record.save(update_fields=list(values))
    return record


# --- Data-subject requests -------------------------------------------------------------------


def _request_values(
    *,
    request_type: str,
    received_at: object,
    channel: str,
    requester_relation: str,
    requester_name: str,
    requester_contact: str,
    description: str,
    person: Person | None,
) -> dict:
    if request_type not in RequestType.values:
        raise DomainError("invalid_request_type", _("Choose what the person asks for."))
    if channel not in RequestChannel.values:
        raise DomainError("invalid_channel", _("Choose how the request came in."))
    if requester_relation not in RequesterRelation.values:
        raise DomainError("invalid_relation", _("Choose who made the request."))
    received_at = _moment(received_at, code="invalid_received_at", now=timezone.now())
    name = _text(
        requester_name, limit=MAX_NAME, code="requester_name_too_long", label=_("The name")
    )
    if not name and (person is None or requester_relation != RequesterRelation.SELF):
        raise DomainError(
            "requester_name_required",
            _("Give the name of the person who made the request."),
        )
    return {
        "request_type": request_type,
        "received_at": received_at,
        "channel": channel,
        "requester_relation": requester_relation,
        "requester_name": name,
        "requester_contact": _text(
            requester_contact,
            limit=MAX_CONTACT,
            code="requester_contact_too_long",
            label=_("How to reach the requester"),
        ),
        "description": _text(
            description, limit=MAX_TEXT, code="description_too_long", label=_("What is asked")
        ),
        "due_at": deadlines.due_at(request_type, received_at),
    }


@transaction.atomic
def register_subject_request(
    *,
    by: User,
    request_type: str,
    received_at: datetime.datetime,
    channel: str,
    person: Person | None = None,
    requester_relation: str = RequesterRelation.SELF,
    requester_name: str = "",
    requester_contact: str = "",
    description: str = "",
) -> SubjectRequest:
    """Record a request as it came in; its due date follows from its type and the moment it
    was received (`privacy/deadlines.py`)."""
    if not by.has_perm("privacy.register_subject_request"):
        raise _forbidden()
    if person is not None:
        if not by.has_perm("people.view_person", person):
            raise _not_found()
        if not person.is_active_record:
            raise DomainError(
                "person_not_active",
                _("This record was merged or anonymised: record the request on the current one."),
            )
    values = _request_values(
        request_type=request_type,
        received_at=received_at,
        channel=channel,
        requester_relation=requester_relation,
        requester_name=requester_name,
        requester_contact=requester_contact,
        description=description,
        person=person,
    )
    office_id = by.office_id_or_none
    assert office_id is not None  # the permission is an office role's; None failed the insert
    return SubjectRequest.objects.create(
        office_id=office_id, person=person, received_by=by, **values
    )


def _locked_open_request(subject_request: SubjectRequest, by: User) -> SubjectRequest:
    if not by.has_perm("privacy.view_subject_request", subject_request):
        raise _not_found()
    if not by.has_perm("privacy.handle_subject_request", subject_request):
        raise _forbidden()
    locked = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
    if not locked.is_open:
        raise DomainError("request_closed", _("This request is already closed."), status=409)
    return locked


@transaction.atomic
def correct_subject_request(
    *,
    subject_request: SubjectRequest,
    by: User,
    request_type: str,
    received_at: datetime.datetime,
    channel: str,
    requester_relation: str,
    requester_name: str = "",
    requester_contact: str = "",
    description: str = "",
) -> SubjectRequest:
    """Correct how an open request was recorded; its due date is computed again."""
    locked = _locked_open_request(subject_request, by)
    values = _request_values(
        request_type=request_type,
        received_at=received_at,
        channel=channel,
        requester_relation=requester_relation,
        requester_name=requester_name,
        requester_contact=requester_contact,
        description=description,
        person=locked.person,
    )
    if locked.erasure_request_id and request_type != RequestType.ERASURE:
        raise DomainError(
            "erasure_asked",
            _("The erasure of the record was already asked for: the request stays an erasure."),
        )
    return _save_values(locked, values)


@transaction.atomic
def start_subject_request(*, subject_request: SubjectRequest, by: User) -> SubjectRequest:
    """Say the request is being worked on."""
    locked = _locked_open_request(subject_request, by)
    if locked.status != RequestStatus.IN_PROGRESS:
        locked.status = RequestStatus.IN_PROGRESS
        locked.save(update_fields=["status"])
    return locked


CLOSING_OUTCOMES = (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


@transaction.atomic
def close_subject_request(
    *,
    subject_request: SubjectRequest,
    by: User,
    outcome: str,
    answered_at: datetime.datetime,
    action: str = "",
    refusal_reason: str = "",
    note: str = "",
) -> SubjectRequest:
    """Record the answer: what was done, a refusal with its reason, or the requester's
    withdrawal. The requester must be told the answer, a refusal with its reason."""
    locked = _locked_open_request(subject_request, by)
    if outcome not in CLOSING_OUTCOMES:
        raise DomainError("invalid_outcome", _("Choose how the request ends."))
    answered_at = _moment(answered_at, code="invalid_answered_at", now=timezone.now())
    if answered_at < locked.received_at:
        raise DomainError(
            "invalid_answered_at", _("The answer cannot come before the request was received.")
        )
    note = _text(note, limit=MAX_TEXT, code="note_too_long", label=_("The answer"))
    if outcome == RequestStatus.ANSWERED:
        if action not in RequestAction.values:
            raise DomainError("action_required", _("Say what was done to answer the request."))
        refusal_reason = ""
    elif outcome == RequestStatus.REFUSED:
        if refusal_reason not in RefusalReason.values:
            raise DomainError("refusal_reason_required", _("Choose why the request is refused."))
        action = ""
    else:
        action = refusal_reason = ""
    if outcome != RequestStatus.WITHDRAWN and not note:
        raise DomainError("note_required", _("Write down what the requester was told, and how."))
    locked.status = outcome
    locked.answered_at = answered_at
    locked.answered_by = by
    locked.action = action
    locked.refusal_reason = refusal_reason
    locked.outcome_note = note
    locked.save(
        update_fields=[
            "status",
            "answered_at",
            "answered_by",
            "action",
            "refusal_reason",
            "outcome_note",
        ]
    )
    return locked


ERASURE_REASON_OF: dict[str, str] = {
    RequesterRelation.SELF: ErasureReason.PERSON_REQUEST,
    RequesterRelation.GUARDIAN: ErasureReason.GUARDIAN_REQUEST,
    RequesterRelation.REPRESENTATIVE: ErasureReason.PERSON_REQUEST,
}


def erase_for_request(*, subject_request: SubjectRequest, by: User) -> ErasureRequest:
    """Ask for the erasure of the registry record the request is about, through the registry's
    own erasure (`people.data_rights.services.request_erasure`): carried out at once, or waiting
    for a review, exactly as on the record's erasure page, and just as silent about why."""
    with transaction.atomic():
        locked = _locked_open_request(subject_request, by)
        if locked.request_type != RequestType.ERASURE or locked.person is None:
            raise DomainError(
                "not_an_erasure",
                _("Only an erasure request about a record in the registry can erase it."),
                status=409,
            )
        if locked.erasure_request_id is not None:
            return cast(ErasureRequest, locked.erasure_request)  # its id is set
        erasure = data_rights.request_erasure(
            person=locked.person, by=by, reason=ERASURE_REASON_OF[locked.requester_relation]
        )
        locked.erasure_request = erasure
        locked.status = RequestStatus.IN_PROGRESS
        locked.save(update_fields=["erasure_request", "status"])
    return erasure


# --- Breaches --------------------------------------------------------------------------------


def _breach_values(
    *,
    title: str,
    discovered_at: object,
    occurred_at: object,
    data_categories: Iterable[str],
    subject_count: int | None,
    how: str,
    consequences: str,
    remediation: str,
) -> dict:
    now = timezone.now()
    title = _text(title, limit=200, code="title_too_long", label=_("The title"))
    if not title:
        raise DomainError("title_required", _("Give the breach a short title."))
    discovered_at = _moment(discovered_at, code="invalid_discovered_at", now=now)
    if occurred_at is not None:
        occurred_at = _moment(occurred_at, code="invalid_occurred_at", now=now)
        if occurred_at > discovered_at:
            raise DomainError(
                "invalid_occurred_at", _("It cannot have happened after it was discovered.")
            )
    categories = list(dict.fromkeys(data_categories or []))
    if not categories:
        raise DomainError("categories_required", _("Choose the kinds of data concerned."))
    if any(code not in DataCategory.values for code in categories):
        raise DomainError("invalid_category", _("Choose the kinds of data from the list."))
    subject_count = _number_of_people(subject_count, code="invalid_subject_count")
    how = _text(how, limit=MAX_TEXT, code="how_too_long", label=_("How it happened"))
    if not how:
        raise DomainError("how_required", _("Say how it happened, as far as it is known."))
    return {
        "title": title,
        "discovered_at": discovered_at,
        "occurred_at": occurred_at,
        "data_categories": categories,
        "subject_count": subject_count,
        "how": how,
        "consequences": _text(
            consequences, limit=MAX_TEXT, code="consequences_too_long", label=_("Consequences")
        ),
        "remediation": _text(
            remediation,
            limit=MAX_TEXT,
            code="remediation_too_long",
            label=_("Handling and recovery"),
        ),
    }


def report_breach(
    *,
    by: User,
    title: str,
    discovered_at: datetime.datetime,
    data_categories: list[str],
    how: str,
    occurred_at: datetime.datetime | None = None,
    subject_count: int | None = None,
    consequences: str = "",
    remediation: str = "",
) -> Breach:
    """Report a suspected breach. The administrators are told at once (without its content),
    because the written notices are due 3 x 24 hours after the discovery."""
    if not by.has_perm("privacy.report_breach"):
        raise _forbidden()
    values = _breach_values(
        title=title,
        discovered_at=discovered_at,
        occurred_at=occurred_at,
        data_categories=data_categories,
        subject_count=subject_count,
        how=how,
        consequences=consequences,
        remediation=remediation,
    )
    office = by.office
    with transaction.atomic():
        breach = Breach.objects.create(office=office, reported_by=by, **values)
        transaction.on_commit(lambda: alert_breach_reported_task(breach.pk, by_user_id=by.pk))
    return breach


def _locked_breach(breach: Breach, by: User) -> Breach:
    if not by.has_perm("privacy.view_breach", breach):
        raise _not_found()
    if not by.has_perm("privacy.manage_breaches"):
        raise _forbidden()
    return Breach.objects.select_for_update().get(pk=breach.pk)


@transaction.atomic
def update_breach(
    *,
    breach: Breach,
    by: User,
    title: str,
    discovered_at: datetime.datetime,
    data_categories: list[str],
    how: str,
    occurred_at: datetime.datetime | None = None,
    subject_count: int | None = None,
    consequences: str = "",
    remediation: str = "",
    advice: str = "",
    contact: str = "",
) -> Breach:
    """The data-protection officer completes the record: what the notices will say."""
    locked = _locked_breach(breach, by)
    values = _breach_values(
        title=title,
        discovered_at=discovered_at,
        occurred_at=occurred_at,
        data_categories=data_categories,
        subject_count=subject_count,
        how=how,
        consequences=consequences,
        remediation=remediation,
    )
    values["advice"] = _text(advice, limit=MAX_TEXT, code="advice_too_long", label=_("Advice"))
    values["contact"] = _text(contact, limit=300, code="contact_too_long", label=_("Contact"))
    if locked.notices.exists() and values["discovered_at"] != locked.discovered_at:
        raise DomainError(
            "notices_given",
            _("Notices were already given: the time of discovery can no longer change."),
        )
    return _save_values(locked, values)


BREACH_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BreachStatus.REPORTED: (BreachStatus.CONFIRMED, BreachStatus.NOT_A_BREACH),
    BreachStatus.CONFIRMED: (BreachStatus.CLOSED, BreachStatus.NOT_A_BREACH),
    BreachStatus.NOT_A_BREACH: (BreachStatus.CONFIRMED,),
    BreachStatus.CLOSED: (BreachStatus.CONFIRMED,),
}


@transaction.atomic
def decide_breach(*, breach: Breach, by: User, status: str, note: str = "") -> Breach:
    """Confirm a breach, find it was none, close it, or take it up again. Finding it was none
    and closing it need a note saying why (the register is the ministry's evidence)."""
    locked = _locked_breach(breach, by)
    if status not in BREACH_TRANSITIONS.get(locked.status, ()):
        raise DomainError(
            "invalid_transition",
            _("A breach that is %(now)s cannot become %(then)s.")
            % {
                "now": locked.get_status_display().lower(),
                "then": str(dict(BreachStatus.choices).get(status, status)).lower(),
            },
            status=409,
        )
    note = _text(note, limit=MAX_TEXT, code="note_too_long", label=_("The note"))
    if status in (BreachStatus.NOT_A_BREACH, BreachStatus.CLOSED) and not note:
        raise DomainError("note_required", _("Write down why."))
    if status == BreachStatus.NOT_A_BREACH and locked.notices.exists():
        raise DomainError(
            "notices_given",
            _("Notices were given about this breach: it can be closed, not set aside."),
            status=409,
        )
    locked.status = status
    fields = ["status"]
    if status in (BreachStatus.CONFIRMED, BreachStatus.NOT_A_BREACH) and not locked.assessed_at:
        locked.assessed_at = timezone.now()
        locked.assessed_by = by
        fields += ["assessed_at", "assessed_by"]
    if note:
        locked.closure_note = note
        fields.append("closure_note")
    locked.save(update_fields=fields)
    return locked


@transaction.atomic
def record_notice(
    *,
    breach: Breach,
    by: User,
    recipient: str,
    sent_at: datetime.datetime,
    method: str,
    recipient_count: int | None = None,
    reference: str = "",
) -> BreachNotice:
    """Record that a written notice was given; the letter is kept as it was generated then. A
    breach that was only reported is confirmed by it."""
    locked = _locked_breach(breach, by)
    if locked.status == BreachStatus.NOT_A_BREACH:
        raise DomainError(
            "not_a_breach", _("This was found not to be a breach: no notice is due."), status=409
        )
    if recipient not in NoticeRecipient.values:
        raise DomainError("invalid_recipient", _("Choose who was notified."))
    if method not in NoticeMethod.values:
        raise DomainError("invalid_method", _("Choose how the notice was given."))
    sent_at = _moment(sent_at, code="invalid_sent_at", now=timezone.now())
    if sent_at < locked.discovered_at:
        raise DomainError(
            "invalid_sent_at", _("A notice cannot be sent before the breach was discovered.")
        )
    recipient_count = _number_of_people(recipient_count, code="invalid_recipient_count")
    reference = _text(reference, limit=100, code="reference_too_long", label=_("Letter number"))
    missing = missing_content(locked)
    if missing:
        raise DomainError(
            "notice_incomplete",
            _("The notice must say %(missing)s (Pasal 46(2)): complete the record first.")
            % {"missing": ", ".join(missing)},
            status=409,
        )
    letter = ""
    if recipient in (NoticeRecipient.SUBJECTS, NoticeRecipient.AUTHORITY):
        letter = notice_html(locked, recipient, reference=reference, dated=sent_at)
    notice = BreachNotice.objects.create(
        breach=locked,
        recipient=recipient,
        sent_at=sent_at,
        method=method,
        recipient_count=recipient_count,
        reference=reference,
        letter=letter,
        recorded_by=by,
    )
    if locked.status == BreachStatus.REPORTED:
        locked.status = BreachStatus.CONFIRMED
        locked.assessed_at = timezone.now()
        locked.assessed_by = by
        locked.save(update_fields=["status", "assessed_at", "assessed_by"])
    return notice


# --- Retention (the schedule's purge, `retention.py`) ------------------------------------------


def anonymise_requests(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Erase who asked and what was said in these closed requests; the request stays. The
    retention schedule's purge of the record class of `retention.py`."""
    SubjectRequest.objects.filter(pk__in=pks).update(
        requester_name="",
        requester_contact="",
        description="",
        outcome_note="",
        anonymised_at=timezone.now(),
    )
    return pks
