"""Writes of the MRC's staff: contacts, cases, plan and notes, attachments, assignment,
restriction, closure and reopening, consent and referrals (the partner's answers are in
`partner/services.py`, legal holds, erasure reviews and anonymisation in
`retention/services.py`). Each function checks the caller's permission itself (rules.py) and
leaves a line on the case timeline (`record_event`; `events.py` words it) that holds no
sensitive detail; a reason someone writes goes into an encrypted note. A change of a case's
status or restriction locks the case's row first and saves only the fields it changes.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.cases import notices
from satuatap.cases.guards import (
    clean_text,
    forbidden,
    lock_referral,
    not_found,
    refuse_if_too_long,
    too_long,
)
from satuatap.cases.models import (
    RESTRICTING_CATEGORIES,
    SENSITIVE_TOPICS,
    ActionItem,
    AgeBand,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseCategory,
    CaseConsent,
    CaseEvent,
    CaseGbvType,
    CaseNote,
    CaseStatus,
    Category,
    Channel,
    ConsentMethod,
    Contact,
    ContactKind,
    GbvType,
    GroupCount,
    Outcome,
    Referral,
    ReferralEnd,
    ReferralState,
    SharedItem,
    Topic,
    Urgency,
)
from satuatap.cases.references import new_case_number, random_id
from satuatap.core.currencies import is_currency_code
from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_BIGINT
from satuatap.core.models import Organisation, User
from satuatap.core.roles import Role
from satuatap.core.selectors import office_partners
from satuatap.core.uploads import read_scan
from satuatap.notifications import services as notifications
from satuatap.notifications.models import SafeContact
from satuatap.people.models import Person, Sex
from satuatap.placement.models import Agency

SAFETY_FLAGS = (
    "immediate_danger",
    "needs_shelter",
    "needs_medical_care",
    "perpetrator_threat",
    "children_at_risk",
)


def _today(by: User) -> datetime.date:
    return by.office.today() if by.office is not None else timezone.localdate()


def record_event(
    case: Case, kind: str, by: User | None, *, params: dict | None = None, detail: str = ""
) -> CaseEvent:
    """Write one line of the case's timeline, inside the caller's transaction: the kind and its
    parameters, which `events.py` puts into words in the reader's language. Every service that
    changes a case (here and in the app's packages) calls it; nothing sensitive goes in."""
    return CaseEvent.objects.create(
        case=case, kind=kind, by=by, detail=detail[:255], params=params or {}
    )


def _lock_case(case: Case) -> Case:
    """Lock the case's row until the transaction ends and bring `case` up to date with it, so
    that a decision is taken on the case as it is, not as the caller last read it."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    return case


def _reason(value: str | None, message: str) -> str:
    reason = clean_text(value)
    if not reason:
        raise DomainError("reason_required", message, status=422, details={"reason": [message]})
    return reason


def _require_visible(by: User, case: Case) -> None:
    if not by.has_perm("cases.view_case", case):
        raise not_found()


def _require_work(by: User, case: Case) -> None:
    _require_visible(by, case)
    if case.is_closed:
        raise DomainError("case_closed", _("This case is closed."), status=409)
    if not by.has_perm("cases.work_on_case", case):
        raise forbidden()


def _person_of_office(person: Person | None, by: User, *, label: str) -> None:
    if person is None:
        return
    if person.office_id != by.office_id_or_none or not person.is_active_record:
        raise DomainError(
            "person_not_found",
            _("%(label)s was not found in this office's registry.") % {"label": label},
            status=422,
        )


# --- Random identities ------------------------------------------------------------------------

# Tries before an insert gives up: two draws of nine digits colliding eight times running
# means something else is wrong.
IDENTITY_ATTEMPTS = 8


def insert_with_random_identity(
    instance: models.Model, *, fresh: Callable[[], dict[str, object]] | None = None
) -> None:
    """Insert `instance` with a random id (and the values `fresh()` draws, such as a case
    reference), drawing again in the rare event one is taken (references.py says why ids and
    references are drawn at random). Call inside a transaction."""
    model = type(instance)
    for attempt in range(IDENTITY_ATTEMPTS):
        drawn = {"pk": random_id(), **(fresh() if fresh else {})}
        for name, value in drawn.items():
            setattr(instance, name, value)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError:
            taken = any(
                model._default_manager.filter(**{name: value}).exists()
                for name, value in drawn.items()
            )
            if not taken or attempt == IDENTITY_ATTEMPTS - 1:
                raise
        else:
            return


# --- Contacts ---------------------------------------------------------------------------------


def record_contact(
    *,
    by: User,
    kind: str,
    channel: str,
    topic: str,
    occurred_on: datetime.date,
    served: str = "",
    person: Person | None = None,
    sex: str = Sex.NOT_RECORDED,
    age_band: str = AgeBand.NOT_RECORDED,
    is_group: bool = False,
    counts: Iterable[tuple[str, str, int]] = (),
    participants: Iterable[Person] = (),
    notes: str = "",
    case: Case | None = None,
    offline_id: uuid.UUID | None = None,
) -> Contact:
    """Record one information or counselling contact. A group contact carries counts by sex and
    age band (named participants are optional); an individual one may name the person."""
    if not by.has_perm("cases.record_contact"):
        raise forbidden()
    errors = {}
    if kind not in ContactKind.values:
        errors["kind"] = [_("Choose the kind of contact.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose the channel.")]
    if topic not in Topic.values:
        errors["topic"] = [_("Choose the topic.")]
    if occurred_on > _today(by):
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    try:
        counts = [(s, a, int(n or 0)) for s, a, n in counts]
    except (TypeError, ValueError):
        counts = [("?", "?", -1)]
    for s, a, n in counts:
        if s not in Sex.values or a not in AgeBand.values or n < 0:
            errors["counts"] = [_("Give counts by sex and age band as whole numbers.")]
    counts = [(s, a, n) for s, a, n in counts if n > 0]
    participants = list(participants)
    if is_group and not counts and not participants:
        errors["counts"] = [_("A group session needs the number of participants.")]
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    _person_of_office(person, by, label=_("The person"))
    for participant in participants:
        _person_of_office(participant, by, label=_("A participant"))
    if case is not None:
        _require_work(by, case)
    if person is not None:
        sex = person.sex
    named = bool(participants) if is_group else person is not None
    with transaction.atomic():
        contact = Contact(
            office=by.office,
            kind=kind,
            is_group=is_group,
            channel=channel,
            topic=topic,
            served=served if served else "",
            person=None if is_group else person,
            sex=Sex.NOT_RECORDED if is_group else sex,
            age_band=AgeBand.NOT_RECORDED if is_group else age_band,
            occurred_on=occurred_on,
            notes=clean_text(notes),
            case=case,
            # A sensitive topic with a named person: restricted like a restricted case.
            is_restricted=topic in SENSITIVE_TOPICS and named,
            offline_id=offline_id,
            recorded_by=by,
        )
        # A random id: the gaps in a sequence would count the restricted contacts.
        insert_with_random_identity(contact)
        if is_group:
            merged: dict[tuple[str, str], int] = {}
            for s, a, n in counts:
                merged[(s, a)] = merged.get((s, a), 0) + n
            GroupCount.objects.bulk_create(
                GroupCount(contact=contact, sex=s, age_band=a, count=n)
                for (s, a), n in merged.items()
            )
            contact.participants.set(participants)
        if case is not None:
            # Whoever may see the case but not a restricted contact must not learn of it from
            # the timeline either (selectors.case_events).
            kind_of_event = "restricted_contact" if contact.is_restricted else "contact"
            record_event(case, kind_of_event, by, params={"kind": kind})
    return contact


@dataclass(frozen=True)
class OfflineContact:
    """An information or counselling contact recorded offline on a phone (docs/offline.md):
    without a registry record (the phone holds none), with the person's sex and age band or a
    group's counts."""

    offline_id: uuid.UUID
    kind: str
    channel: str
    topic: str
    occurred_on: datetime.date
    served: str = ""
    sex: str = Sex.NOT_RECORDED
    age_band: str = AgeBand.NOT_RECORDED
    is_group: bool = False
    counts: tuple[tuple[str, str, int], ...] = ()
    notes: str = ""


@dataclass
class OfflineContactResult:
    """`created`, `already_synced` (a retry) or `refused` (with the error, nothing stored)."""

    offline_id: uuid.UUID
    status: Literal["created", "already_synced", "refused"]
    contact: Contact | None = None
    error: DomainError | None = None


# The most contacts one sync may carry (the phone sends more in several batches).
MAX_OFFLINE_BATCH = 50


def _synced_contact(by: User, offline_id: uuid.UUID) -> OfflineContactResult | None:
    contact = Contact.objects.filter(offline_id=offline_id).first()
    if contact is None:
        return None
    if contact.recorded_by_id != by.pk or contact.office_id != by.office_id_or_none:
        error = DomainError(
            "offline_id_taken",
            _("This record's id is already taken. Record the contact again."),
            status=409,
        )
        return OfflineContactResult(offline_id=offline_id, status="refused", error=error)
    return OfflineContactResult(offline_id=offline_id, status="already_synced", contact=contact)


def sync_offline_contacts(
    *, by: User, records: Iterable[OfflineContact]
) -> list[OfflineContactResult]:
    """Store the contacts a phone recorded offline, each exactly once (its phone-drawn id),
    each through `record_contact` in its own transaction. Refused as a whole when the user may
    not record contacts (403) or the batch is malformed (422)."""
    if not by.has_perm("cases.record_contact"):
        raise forbidden()
    records = list(records)
    if len(records) > MAX_OFFLINE_BATCH:
        raise DomainError(
            "batch_too_large",
            _("Send at most %(count)s records at a time.") % {"count": MAX_OFFLINE_BATCH},
            status=422,
        )
    if len({record.offline_id for record in records}) != len(records):
        raise DomainError(
            "duplicate_offline_id", _("The same record is sent twice in one sync."), status=422
        )
    results = []
    for record in records:
        synced = _synced_contact(by, record.offline_id)
        if synced is not None:
            results.append(synced)
            continue
        try:
            with transaction.atomic():
                contact = record_contact(
                    by=by,
                    kind=record.kind,
                    channel=record.channel,
                    topic=record.topic,
                    occurred_on=record.occurred_on,
                    served=record.served,
                    sex=record.sex,
                    age_band=record.age_band,
                    is_group=record.is_group,
                    counts=record.counts,
                    notes=record.notes,
                    offline_id=record.offline_id,
                )
        except DomainError as error:
            results.append(
                OfflineContactResult(offline_id=record.offline_id, status="refused", error=error)
            )
            continue
        except IntegrityError:
            # A retry of the same record that won the race.
            synced = _synced_contact(by, record.offline_id)
            if synced is None:
                raise
            results.append(synced)
            continue
        results.append(
            OfflineContactResult(offline_id=record.offline_id, status="created", contact=contact)
        )
    return results


# --- Cases ------------------------------------------------------------------------------------


def priority_for(urgency: str, flags: Iterable[str]) -> int:
    """1 (act now) … 4 (low): the safety assessment raises what the urgency alone says."""
    flags = set(flags)
    if urgency == Urgency.CRITICAL or "immediate_danger" in flags:
        return 1
    if urgency == Urgency.HIGH or flags & {
        "needs_shelter",
        "needs_medical_care",
        "perpetrator_threat",
        "children_at_risk",
    }:
        return 2
    return 4 if urgency == Urgency.LOW else 3


def first_steps(case: Case) -> list[str]:
    """What the case worker should do first, from the safety assessment."""
    steps = []
    if case.immediate_danger:
        steps.append(
            _(
                "Immediate danger: contact the police or the consulate now and agree a safe "
                "place and a safe way to reach the client."
            )
        )
    if case.needs_shelter:
        steps.append(_("Find shelter today: refer to a shelter or women's crisis centre."))
    if case.needs_medical_care:
        steps.append(_("Arrange medical care (and a forensic examination if there was violence)."))
    if case.perpetrator_threat:
        steps.append(
            _(
                "Do not contact the perpetrator; keep the client's whereabouts out of every "
                "letter and call."
            )
        )
    if case.children_at_risk:
        steps.append(_("Children at risk: involve child protection social services."))
    return steps


def _should_restrict(case: Case, categories: Iterable[str], gbv_types: Iterable[str]) -> bool:
    if set(categories) & RESTRICTING_CATEGORIES or list(gbv_types) or case.children_at_risk:
        return True
    age = case.client.age_on(case.received_on) if case.client_id else None
    return age is not None and age < 18


CASE_TEXT_FIELDS = (
    "employer",
    "recruiter",
    "narrative",
    "safety_notes",
    "complainant_relation",
    "interpreter_language",
)


def open_case(
    *,
    by: User,
    client: Person,
    channel: str,
    categories: Iterable[str],
    received_on: datetime.date | None = None,
    complainant: Person | None = None,
    complainant_relation: str = "",
    gbv_types: Iterable[str] = (),
    urgency: str = Urgency.NORMAL,
    safety: Iterable[str] = (),
    country: str = "",
    employer: str = "",
    agency: Agency | None = None,
    recruiter: str = "",
    narrative: str = "",
    safety_notes: str = "",
    wants_woman_worker: bool = False,
    interpreter_language: str = "",
    assign_to: User | None = None,
) -> Case:
    """Take a complaint in as a case. The safety assessment sets its priority; violence,
    trafficking or a child make it restricted. The recording counsellor is assigned unless the
    client asked for a woman case worker and the counsellor is not one (then a supervisor
    assigns)."""
    if not by.has_perm("cases.open_case"):
        raise forbidden()
    categories = sorted(set(categories))
    gbv_types = sorted(set(gbv_types))
    safety = set(safety)
    received_on = received_on or _today(by)
    errors = {}
    if not categories:
        errors["categories"] = [_("Choose at least one category.")]
    elif not set(categories) <= set(Category.values):
        errors["categories"] = [_("Unknown category.")]
    if not set(gbv_types) <= set(GbvType.values):
        errors["gbv_types"] = [_("Unknown GBV type.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose the channel.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if not safety <= set(SAFETY_FLAGS):
        errors["safety"] = [_("Unknown safety question.")]
    if received_on > _today(by):
        errors["received_on"] = [_("The date cannot be in the future.")]
    too_long(
        errors,
        complainant_relation=clean_text(complainant_relation) if complainant else "",
        employer=clean_text(employer),
        interpreter_language=clean_text(interpreter_language),
    )
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    _person_of_office(client, by, label=_("The person affected"))
    _person_of_office(complainant, by, label=_("The complainant"))
    if complainant is not None and complainant.pk == client.pk:
        complainant = None
    case = Case(
        office=by.office,
        client=client,
        complainant=complainant,
        complainant_relation=clean_text(complainant_relation) if complainant else "",
        channel=channel,
        received_on=received_on,
        country=country or "",
        employer=clean_text(employer),
        agency=agency,
        recruiter=clean_text(recruiter),
        narrative=clean_text(narrative),
        urgency=urgency,
        safety_notes=clean_text(safety_notes),
        wants_woman_worker=wants_woman_worker,
        interpreter_language=clean_text(interpreter_language),
        created_by=by,
        **{flag: flag in safety for flag in SAFETY_FLAGS},
    )
    case.priority = priority_for(urgency, safety)
    case.is_restricted = _should_restrict(case, categories, gbv_types)
    assert by.office is not None  # an office role opens cases; `.slug` failed on None before
    case_office = by.office.slug
    worker = assign_to or by
    if assign_to is not None:
        if not _may_be_assigned(case, assign_to):
            raise DomainError(
                "not_a_case_worker",
                _("Only a counsellor or case supervisor of this office can be assigned."),
                status=422,
            )
        if wants_woman_worker and assign_to.gender != "F":
            raise DomainError(
                "woman_worker_requested",
                _("The client asked for a woman case worker; assign a woman."),
                status=422,
            )
    with transaction.atomic():
        # A random reference and id: a sequence would let those who see only some cases count
        # and date the others (references.py).
        insert_with_random_identity(case, fresh=lambda: {"number": new_case_number(case_office)})
        CaseCategory.objects.bulk_create(CaseCategory(case=case, category=c) for c in categories)
        CaseGbvType.objects.bulk_create(CaseGbvType(case=case, gbv_type=g) for g in gbv_types)
        record_event(case, "opened", by)
        if _may_be_assigned(case, worker) and (
            assign_to is not None or not wants_woman_worker or worker.gender == "F"
        ):
            CaseAssignment.objects.create(case=case, worker=worker, assigned_by=by)
            record_event(case, "assigned", by, params={"worker": str(worker)})
    return case


def _may_be_assigned(case: Case, worker: User) -> bool:
    return (
        worker.is_active
        and worker.office_id_or_none == case.office_id
        and worker.has_role(Role.COUNSELLOR, Role.CASE_SUPERVISOR)
    )


def assign(*, case: Case, worker: User, by: User, replace: bool = False) -> CaseAssignment:
    """Assign a case worker (a supervisor's decision). A client who asked for a woman case
    worker is only ever assigned a woman. With `replace`, current workers are taken off."""
    _require_visible(by, case)
    if not by.has_perm("cases.assign_case", case):
        raise forbidden()
    if not _may_be_assigned(case, worker):
        raise DomainError(
            "not_a_case_worker",
            _("Only a counsellor or case supervisor of this office can be assigned."),
            status=422,
        )
    if case.wants_woman_worker and worker.gender != "F":
        raise DomainError(
            "woman_worker_requested",
            _("The client asked for a woman case worker; assign a woman."),
            status=422,
        )
    with transaction.atomic():
        now = timezone.now()
        if replace:
            for current in case.assignments.filter(ended_at__isnull=True).exclude(worker=worker):
                current.ended_at = now
                current.save(update_fields=["ended_at"])
                record_event(case, "unassigned", by, params={"worker": str(current.worker)})
        existing = case.assignments.filter(worker=worker, ended_at__isnull=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                assignment = CaseAssignment.objects.create(case=case, worker=worker, assigned_by=by)
        except IntegrityError:
            return case.assignments.get(worker=worker, ended_at__isnull=True)
        record_event(case, "assigned", by, params={"worker": str(worker)})
    return assignment


def add_note(*, case: Case, text: str, by: User) -> CaseNote:
    _require_work(by, case)
    text = clean_text(text)
    if not text:
        raise DomainError("text_required", _("Write the note."), status=422)
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, text=text, author=by)
        record_event(case, "note", by)
    return note


def add_action(
    *, case: Case, description: str, owner: User, due_on: datetime.date, by: User
) -> ActionItem:
    _require_work(by, case)
    description = clean_text(description)
    if not description:
        raise DomainError("description_required", _("Describe the action."), status=422)
    if not _may_be_assigned(case, owner):
        raise DomainError(
            "invalid_owner",
            _("The owner must be a counsellor or case supervisor of this office."),
            status=422,
        )
    with transaction.atomic():
        action = ActionItem.objects.create(
            case=case, description=description, owner=owner, due_on=due_on, created_by=by
        )
        record_event(case, "action", by, params={"due_on": due_on.isoformat()})
    return action


def complete_action(*, action: ActionItem, by: User) -> ActionItem:
    _require_work(by, action.case)
    if action.done_at is not None:
        raise DomainError("already_done", _("This action is already done."), status=409)
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        record_event(action.case, "action_done", by)
    return action


WORK_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.PENDING_PARTNER)


def set_status(*, case: Case, status: str, by: User) -> Case:
    """Move an open case between open, in progress and pending partner."""
    _require_work(by, case)
    if status not in WORK_STATUSES:
        raise DomainError(
            "invalid_status",
            _("Use the closure request to resolve a case."),
            status=422,
        )
    if case.status == CaseStatus.RESOLVED:
        raise DomainError(
            "closure_requested",
            _("Closure is waiting for a supervisor's decision."),
            status=409,
        )
    with transaction.atomic():
        _lock_case(case)
        _require_work(by, case)
        if case.status == CaseStatus.RESOLVED:
            raise DomainError(
                "closure_requested",
                _("Closure is waiting for a supervisor's decision."),
                status=409,
            )
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        record_event(case, "status", by, params={"status": status})
    return case


def request_closure(
    *,
    case: Case,
    by: User,
    outcome: str,
    money_recovered_idr: int = 0,
    money_original_amount: Decimal | None = None,
    money_original_currency: str = "",
    return_assisted: bool = False,
    legal_action: bool = False,
) -> Case:
    """The case worker proposes closure with the outcome; a supervisor approves it."""
    _require_work(by, case)
    if outcome not in Outcome.values:
        raise DomainError("outcome_required", _("Choose the outcome."), status=422)
    if money_recovered_idr is None or money_recovered_idr < 0:
        raise DomainError("invalid_amount", _("The amount cannot be negative."), status=422)
    if money_recovered_idr > MAX_BIGINT:
        raise DomainError(
            "invalid_amount", _("The amount is too large. Check what was typed."), status=422
        )
    currency = (money_original_currency or "").strip().upper()
    if money_original_amount is not None and not currency:
        raise DomainError(
            "currency_required",
            _("Give the currency of the original amount."),
            status=422,
            details={"money_original_currency": [_("Give the currency of the original amount.")]},
        )
    if currency and not is_currency_code(currency):
        message = _("%(code)s is not the ISO 4217 code of a currency in use.") % {
            "code": currency[:3]
        }
        raise DomainError(
            "invalid_currency",
            message,
            status=422,
            details={"money_original_currency": [message]},
        )
    with transaction.atomic():
        _lock_case(case)
        _require_work(by, case)
        if case.status == CaseStatus.RESOLVED:
            raise DomainError(
                "closure_requested",
                _("Closure is waiting for a supervisor's decision."),
                status=409,
            )
        case.outcome = outcome
        case.money_recovered_idr = money_recovered_idr
        case.money_original_amount = money_original_amount
        case.money_original_currency = currency
        case.return_assisted = return_assisted
        case.legal_action = legal_action
        case.status = CaseStatus.RESOLVED
        case.closure_requested_by = by
        case.closure_requested_at = timezone.now()
        case.save(update_fields=[*CLOSURE_PROPOSAL_FIELDS, "status", "updated_at"])
        record_event(case, "closure_requested", by, params={"outcome": outcome})
    return case


# What a closure request proposes; a refused closure or a reopened case clears all of it.
CLOSURE_PROPOSAL_FIELDS = (
    "outcome",
    "money_recovered_idr",
    "money_original_amount",
    "money_original_currency",
    "return_assisted",
    "legal_action",
    "closure_requested_by",
    "closure_requested_at",
)


def _clear_closure_proposal(case: Case) -> None:
    case.outcome = ""
    case.money_recovered_idr = 0
    case.money_original_amount = None
    case.money_original_currency = ""
    case.return_assisted = False
    case.legal_action = False
    case.closure_requested_by = None
    case.closure_requested_at = None


class OpenActions:
    """What becomes of the plan's open actions when a case is closed."""

    DONE = "done"
    LEAVE = "leave"
    CHOICES = (DONE, LEAVE)


def open_actions_of(case: Case) -> QuerySet[ActionItem]:
    return case.actions.filter(done_at__isnull=True).order_by("due_on", "pk")


def live_referrals_of(case: Case) -> QuerySet[Referral]:
    """Referrals whose partner still has access to what the client consented to share."""
    return case.referrals.filter(stopped_at__isnull=True).order_by("sent_at", "pk")


OPEN_REFERRAL_STATES = (ReferralState.SENT, ReferralState.ACCEPTED)


def open_referrals_of(case: Case) -> QuerySet[Referral]:
    """Live referrals the partner is still working on (sent or accepted)."""
    return live_referrals_of(case).filter(state__in=OPEN_REFERRAL_STATES)


def _end_referral(referral: Referral, reason: str, now: datetime.datetime) -> None:
    referral.stopped_at = now
    referral.end_reason = reason
    referral.save(update_fields=["stopped_at", "end_reason"])
    notices.referral_changed(referral, "ended")


def decide_closure(
    *,
    case: Case,
    by: User,
    approve: bool,
    reason: str = "",
    open_actions: str | None = None,
    end_referrals: bool = False,
) -> Case:
    """A case supervisor closes the case, or sends it back to work with a reason (which clears
    the proposed outcome).

    Closing ends every partner's access to the case: its live referrals end with the reason
    "case closed". While actions of the plan are open, `open_actions` says what becomes of
    them (`done`, or `leave` them open for a reopening); while referrals are open (sent or
    accepted), `end_referrals` confirms that their partners stop. Without the answer nothing
    changes and the refusal names the open items."""
    _require_visible(by, case)
    if not by.has_perm("cases.approve_closure", case):
        raise forbidden()
    if not approve:
        reason = _reason(reason, _("Say why the case goes back to work."))
    if open_actions not in (None, "", *OpenActions.CHOICES):
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"open_actions": [_("Say whether the open actions are done or stay open.")]},
        )
    with transaction.atomic():
        _lock_case(case)
        if case.status != CaseStatus.RESOLVED:
            raise DomainError(
                "no_closure_requested", _("No closure was requested for this case."), status=409
            )
        if not approve:
            case.status = CaseStatus.IN_PROGRESS
            _clear_closure_proposal(case)
            case.save(update_fields=[*CLOSURE_PROPOSAL_FIELDS, "status", "updated_at"])
            CaseNote.objects.create(case=case, text=reason, author=by)
            record_event(case, "closure_refused", by, params={"note": True})
            return case
        actions = list(open_actions_of(case))
        if actions and open_actions not in OpenActions.CHOICES:
            raise DomainError(
                "open_actions",
                ngettext(
                    "%(count)d action of the plan is still open: say whether it is done or "
                    "stays open.",
                    "%(count)d actions of the plan are still open: say whether they are done "
                    "or stay open.",
                    len(actions),
                )
                % {"count": len(actions)},
                status=409,
                details={"open_actions": [action.pk for action in actions]},
            )
        still_open = list(open_referrals_of(case))
        if still_open and not end_referrals:
            raise DomainError(
                "open_referrals",
                ngettext(
                    "%(count)d referral is still open: closing the case ends the partner's "
                    "access to it. Confirm that it ends.",
                    "%(count)d referrals are still open: closing the case ends the partners' "
                    "access to them. Confirm that they end.",
                    len(still_open),
                )
                % {"count": len(still_open)},
                status=409,
                details={"open_referrals": [referral.pk for referral in still_open]},
            )
        now = timezone.now()
        done = 0
        if open_actions == OpenActions.DONE:
            for action in actions:
                action.done_at = now
                action.save(update_fields=["done_at"])
            done = len(actions)
        ended = list(live_referrals_of(case).select_for_update())
        for referral in ended:
            _end_referral(referral, ReferralEnd.CASE_CLOSED, now)
        case.status = CaseStatus.CLOSED
        case.closed_by = by
        case.closed_at = now
        case.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        record_event(
            case,
            "closed",
            by,
            params={
                "referrals_ended": len(ended),
                "actions_done": done,
                "actions_left_open": len(actions) - done,
            },
        )
    return case


def reopen_case(*, case: Case, by: User, reason: str) -> Case:
    """A case supervisor reopens a closed case, with a reason. The closure's outcome is
    cleared (the next closure gives it again); referrals that ended stay ended (refer again,
    under a consent that stands, if a partner is needed)."""
    _require_visible(by, case)
    if not by.has_perm("cases.reopen_case", case):
        raise forbidden()
    reason = _reason(reason, _("Say why the case is reopened."))
    with transaction.atomic():
        _lock_case(case)
        if not case.is_closed:
            raise DomainError("not_closed", _("This case is not closed."), status=409)
        outcome = case.outcome
        case.status = CaseStatus.IN_PROGRESS
        case.closed_by = None
        case.closed_at = None
        _clear_closure_proposal(case)
        case.save(
            update_fields=[
                *CLOSURE_PROPOSAL_FIELDS,
                "status",
                "closed_by",
                "closed_at",
                "updated_at",
            ]
        )
        CaseNote.objects.create(case=case, text=reason, author=by)
        record_event(case, "reopened", by, params={"outcome": outcome})
    return case


# --- Restriction ------------------------------------------------------------------------------


def restrict_case(*, case: Case, by: User, reason: str) -> Case:
    """Restrict a case after a late disclosure (violence told in a note or a follow-up): from
    now on it, and everything already in it (notes, follow-up contacts, attachments, plan,
    referrals), is seen only by its assigned case workers and the office's case supervisors.
    Its assigned case worker or a supervisor may do it, at any status. The reason is kept as an
    encrypted note; the timeline says only that the case was restricted."""
    _require_visible(by, case)
    if not by.has_perm("cases.restrict_case", case):
        raise forbidden()
    reason = _reason(reason, _("Say why the case is restricted."))
    with transaction.atomic():
        _lock_case(case)
        if case.is_restricted:
            raise DomainError(
                "already_restricted", _("This case is already restricted."), status=409
            )
        case.is_restricted = True
        case.save(update_fields=["is_restricted", "updated_at"])
        CaseNote.objects.create(case=case, text=reason, author=by)
        record_event(case, "restricted", by, params={"note": True})
    return case


def must_stay_restricted(case: Case) -> bool:
    """A case that intake would restrict (violence, trafficking, a GBV type, children at
    risk, a child client) keeps its restriction."""
    categories = case.categories.values_list("category", flat=True)
    gbv_types = case.gbv_types.values_list("gbv_type", flat=True)
    return _should_restrict(case, categories, gbv_types)


def lift_restriction(*, case: Case, by: User, reason: str) -> Case:
    """A case supervisor lifts a restriction, with a written reason: the case and everything in
    it become visible again to the office head and the other counsellors. Refused for a case
    that intake would restrict anyway."""
    _require_visible(by, case)
    if not by.has_perm("cases.lift_restriction", case):
        raise forbidden()
    reason = _reason(reason, _("Say why the restriction is lifted."))
    with transaction.atomic():
        _lock_case(case)
        if not case.is_restricted:
            raise DomainError("not_restricted", _("This case is not restricted."), status=409)
        if must_stay_restricted(case):
            raise DomainError(
                "restriction_required",
                _(
                    "This case concerns violence, trafficking or a child: its restriction "
                    "cannot be lifted."
                ),
                status=409,
            )
        case.is_restricted = False
        case.save(update_fields=["is_restricted", "updated_at"])
        CaseNote.objects.create(case=case, text=reason, author=by)
        record_event(case, "unrestricted", by, params={"note": True})
    return case


# --- Consent and referrals --------------------------------------------------------------------


def _active_partner(partner: Organisation | None, case: Case) -> Organisation:
    """Only an active partner that works with the case's office may receive its data (None:
    the caller found no organisation by the id it was given)."""
    if partner is None or not office_partners(case.office).filter(pk=partner.pk).exists():
        raise DomainError(
            "invalid_partner",
            _("Choose an active partner organisation that works with this office."),
            status=422,
        )
    return partner


def record_consent(
    *,
    case: Case,
    by: User,
    recipient: Organisation | None,
    items: Iterable[str],
    given_on: datetime.date,
    method: str,
    witness: str = "",
) -> CaseConsent:
    """The client's informed consent to share the chosen items with one partner."""
    _require_work(by, case)
    recipient = _active_partner(recipient, case)
    items = sorted(set(items))
    errors = {}
    if not items:
        errors["items"] = [_("Choose what the client agrees to share.")]
    elif not set(items) <= set(SharedItem.values):
        errors["items"] = [_("Unknown kind of information.")]
    if method not in ConsentMethod.values:
        errors["method"] = [_("Say how consent was given.")]
    elif method == ConsentMethod.VERBAL_WITNESSED and not clean_text(witness):
        errors["witness"] = [_("Verbal consent needs a witness.")]
    if given_on > _today(by):
        errors["given_on"] = [_("The date cannot be in the future.")]
    too_long(errors, witness=clean_text(witness))
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    with transaction.atomic():
        consent = CaseConsent.objects.create(
            case=case,
            recipient=recipient,
            items=items,
            given_on=given_on,
            method=method,
            witness=clean_text(witness),
            taken_by=by,
        )
        record_event(case, "consent", by, params={"partner": recipient.name})
    return consent


def withdraw_consent(*, consent: CaseConsent, by: User) -> CaseConsent:
    """The client withdraws consent, at any time (after closure too): nothing more is shared,
    and every referral made under it ends (the partner sees that it ended, nothing else)."""
    case = consent.case
    _require_visible(by, case)
    if not by.has_perm("cases.withdraw_consent", case):
        raise forbidden()
    with transaction.atomic():
        consent.refresh_from_db(from_queryset=CaseConsent.objects.select_for_update())
        if consent.withdrawn_on is not None:
            raise DomainError(
                "already_withdrawn", _("This consent was already withdrawn."), status=409
            )
        consent.withdrawn_on = _today(by)
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        now = timezone.now()
        ended = list(consent.referrals.filter(stopped_at__isnull=True).select_for_update())
        for referral in ended:
            _end_referral(referral, ReferralEnd.CONSENT_WITHDRAWN, now)
        record_event(
            case,
            "consent_withdrawn",
            by,
            params={"partner": consent.recipient.name, "referrals_ended": len(ended)},
        )
    return consent


def revoke_referral(*, referral: Referral, by: User, reason: str) -> Referral:
    """The case worker (or a supervisor) ends a partner's access to a referral, with a reason:
    the partner sees that the referral ended and nothing of the client any more. The reason
    is kept as an encrypted note of the case; the partner is not told it."""
    case = referral.case
    _require_visible(by, case)
    if not by.has_perm("cases.revoke_referral", case):
        raise forbidden()
    reason = _reason(reason, _("Say why the referral is revoked."))
    with transaction.atomic():
        lock_referral(referral)
        if referral.stopped_at is not None:
            raise DomainError("referral_ended", _("This referral has already ended."), status=409)
        _end_referral(referral, ReferralEnd.REVOKED, timezone.now())
        CaseNote.objects.create(case=case, text=reason, author=by)
        record_event(case, "referral_revoked", by, params={"partner": referral.partner.name})
    return referral


def send_referral(
    *,
    case: Case,
    by: User,
    partner: Organisation | None,
    service: str,
    due_on: datetime.date,
    message: str = "",
) -> Referral:
    """Refer the case to a partner. Refused without an active consent naming that partner.
    The case's row is locked and the consent read under a lock: a consent withdrawn or a case
    closed meanwhile refuses the referral rather than sharing with a partner after all."""
    _require_work(by, case)
    partner = _active_partner(partner, case)
    service = clean_text(service)
    if not service:
        raise DomainError("service_required", _("Say which service is asked for."), status=422)
    refuse_if_too_long(service=service)
    if due_on < _today(by):
        raise DomainError("due_in_past", _("The due date cannot be in the past."), status=422)
    message = clean_text(message)
    with transaction.atomic():
        _lock_case(case)
        _require_work(by, case)
        consent = (
            case.consents.select_for_update()
            .filter(recipient=partner, withdrawn_on__isnull=True)
            .order_by("-given_on", "-pk")
            .first()
        )
        if consent is None:
            raise DomainError(
                "consent_required",
                _("The client has not consented to sharing with %(partner)s: record consent first.")
                % {"partner": partner.name},
                status=409,
            )
        if message and SharedItem.NARRATIVE not in consent.items:
            raise DomainError(
                "message_not_consented",
                _(
                    "The client did not consent to share the story; leave the message out or "
                    "take consent for the narrative first."
                ),
                status=409,
            )
        referral = Referral.objects.create(
            case=case,
            partner=partner,
            consent=consent,
            service=service,
            message=message,
            due_on=due_on,
            sent_by=by,
        )
        if case.status in (CaseStatus.OPEN, CaseStatus.IN_PROGRESS):
            case.status = CaseStatus.PENDING_PARTNER
            case.save(update_fields=["status", "updated_at"])
        record_event(case, "referral", by, params={"partner": partner.name})
        notices.referral_changed(referral, "sent")
    return referral


# --- Attachments ------------------------------------------------------------------------------


def upload_attachment(*, case: Case, by: User, title: str, file: File) -> CaseAttachment:
    """Attach a PDF, JPEG or PNG file (decided by its content, `core.uploads.read_scan`) to an
    open case the user works on. The file is encrypted and kept in the private storage
    (MEDIA_ROOT or the bucket, never served directly; core/storage.py) under a random name; its
    title is encrypted like the rest of what a client tells. It is only returned by the
    permission-checked view `cases:attachment-file`, to those who may see the case."""
    if not by.has_perm("cases.view_case", case):
        raise not_found()
    if case.is_closed:
        raise DomainError("case_closed", _("This case is closed."), status=409)
    if not by.has_perm("cases.work_on_case", case):
        raise forbidden()
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("title_required", _("Give the attachment a title."), status=422)
    data, content_type, extension = read_scan(file)
    attachment = CaseAttachment(
        case=case,
        title=title[:200],
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    # The name given here is ignored by `attachment_path`, which makes a random one. The file
    # is stored first (a storage failure leaves no row); if the row fails, it goes again.
    attachment.file.save(f"attachment{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record_event(case, "attachment", by)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


# --- Safe contacts ----------------------------------------------------------------------------


def mark_safe_contact(*, case: Case, by: User, channel: str, address: str) -> SafeContact:
    """The case worker marks a number (or an e-mail address) as safe to use for messages about
    this case, on one channel: without it, nothing about the case is ever sent to the client
    (`notifications.services.queue_message`). Written in the case's timeline (the channel, never
    the number) and in the audit trail (auditlog on the mark, without the address)."""
    _require_work(by, case)
    with transaction.atomic():
        _lock_case(case)
        _require_work(by, case)
        mark = notifications.mark_safe_contact(
            case_id=case.pk, channel=channel, address=address, by=by
        )
        record_event(case, "safe_contact", by, params={"channel": channel})
    return mark
