"""Writes of the MRC: contacts, cases, plan and notes, assignment, closure, consent, referrals
and the partner's answers. Each function checks the caller's permission itself (rules.py) and
leaves a line on the case timeline (`CaseEvent`) in words that hold no sensitive detail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.cases.models import (
    RESTRICTING_CATEGORIES,
    SENSITIVE_TOPICS,
    ActionItem,
    AgeBand,
    Case,
    CaseAssignment,
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
    ReferralState,
    SharedItem,
    Topic,
    Urgency,
)
from satuatap.cases.references import insert_with_random_identity, new_case_number
from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_BIGINT
from satuatap.core.models import Organisation, User
from satuatap.core.roles import Role
from satuatap.core.selectors import office_partners
from satuatap.people.models import Person, Sex

SAFETY_FLAGS = (
    "immediate_danger",
    "needs_shelter",
    "needs_medical_care",
    "perpetrator_threat",
    "children_at_risk",
)


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def _not_found() -> DomainError:
    return DomainError("not_found", _("No such record."), status=404)


def _today(by: User) -> datetime.date:
    return by.office.today() if by.office is not None else timezone.localdate()


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


# The longest text each encrypted short field takes (the columns no longer limit it: what is
# stored is longer than what was typed). Forms and API schemas give the same limits.
TEXT_LIMITS = {
    "complainant_relation": 64,
    "employer": 200,
    "interpreter_language": 64,
    "witness": 200,
    "service": 200,
    "decline_reason": 255,
}


def _too_long(errors: dict, **values: str) -> None:
    """Add an error for every value longer than its field's limit (nothing is cut short)."""
    for field, value in values.items():
        limit = TEXT_LIMITS[field]
        if len(value or "") > limit:
            errors[field] = [_("Write at most %(limit)s characters.") % {"limit": limit}]


def _refuse_if_too_long(**values: str) -> None:
    errors: dict = {}
    _too_long(errors, **values)
    for field, messages in errors.items():
        raise DomainError("too_long", messages[0], status=422, details={field: messages})


def _event(case: Case, kind: str, by: User | None, detail: str = "") -> None:
    CaseEvent.objects.create(case=case, kind=kind, by=by, detail=detail[:255])


def _require_visible(by: User, case: Case) -> None:
    if not by.has_perm("cases.view_case", case):
        raise _not_found()


def _require_work(by: User, case: Case) -> None:
    _require_visible(by, case)
    if case.is_closed:
        raise DomainError("case_closed", _("This case is closed."), status=409)
    if not by.has_perm("cases.work_on_case", case):
        raise _forbidden()


def _person_of_office(person: Person | None, by: User, *, label: str) -> None:
    if person is None:
        return
    if person.office_id != by.office_id_or_none or not person.is_active_record:
        raise DomainError(
            "person_not_found",
            _("%(label)s was not found in this office's registry.") % {"label": label},
            status=422,
        )


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
) -> Contact:
    """Record one information or counselling contact. A group contact carries counts by sex and
    age band (named participants are optional); an individual one may name the person."""
    if not by.has_perm("cases.record_contact"):
        raise _forbidden()
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
            notes=_clean_text(notes),
            case=case,
            # A sensitive topic with a named person: restricted like a restricted case.
            is_restricted=topic in SENSITIVE_TOPICS and named,
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
            _event(case, kind_of_event, by, ContactKind(kind).label)
    return contact


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
    agency=None,
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
        raise _forbidden()
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
    _too_long(
        errors,
        complainant_relation=_clean_text(complainant_relation) if complainant else "",
        employer=_clean_text(employer),
        interpreter_language=_clean_text(interpreter_language),
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
        complainant_relation=_clean_text(complainant_relation) if complainant else "",
        channel=channel,
        received_on=received_on,
        country=country or "",
        employer=_clean_text(employer),
        agency=agency,
        recruiter=_clean_text(recruiter),
        narrative=_clean_text(narrative),
        urgency=urgency,
        safety_notes=_clean_text(safety_notes),
        wants_woman_worker=wants_woman_worker,
        interpreter_language=_clean_text(interpreter_language),
        created_by=by,
        **{flag: flag in safety for flag in SAFETY_FLAGS},
    )
    case.priority = priority_for(urgency, safety)
    case.is_restricted = _should_restrict(case, categories, gbv_types)
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
        _event(case, "opened", by, _("Case opened"))
        if _may_be_assigned(case, worker) and (
            assign_to is not None or not wants_woman_worker or worker.gender == "F"
        ):
            CaseAssignment.objects.create(case=case, worker=worker, assigned_by=by)
            _event(case, "assigned", by, str(worker))
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
        raise _forbidden()
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
                _event(case, "unassigned", by, str(current.worker))
        existing = case.assignments.filter(worker=worker, ended_at__isnull=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                assignment = CaseAssignment.objects.create(case=case, worker=worker, assigned_by=by)
        except IntegrityError:
            return case.assignments.get(worker=worker, ended_at__isnull=True)
        _event(case, "assigned", by, str(worker))
    return assignment


def add_note(*, case: Case, text: str, by: User) -> CaseNote:
    _require_work(by, case)
    text = _clean_text(text)
    if not text:
        raise DomainError("text_required", _("Write the note."), status=422)
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, text=text, author=by)
        _event(case, "note", by, _("Note added"))
    return note


def add_action(*, case: Case, description: str, owner: User, due_on: datetime.date, by: User):
    _require_work(by, case)
    description = _clean_text(description)
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
        _event(case, "action", by, _("Action planned, due %(date)s") % {"date": due_on})
    return action


def complete_action(*, action: ActionItem, by: User) -> ActionItem:
    _require_work(by, action.case)
    if action.done_at is not None:
        raise DomainError("already_done", _("This action is already done."), status=409)
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        _event(action.case, "action_done", by, _("Action done"))
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
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        _event(case, "status", by, CaseStatus(status).label)
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
    if money_original_amount is not None and not money_original_currency:
        raise DomainError(
            "currency_required", _("Give the currency of the original amount."), status=422
        )
    with transaction.atomic():
        case.outcome = outcome
        case.money_recovered_idr = money_recovered_idr
        case.money_original_amount = money_original_amount
        case.money_original_currency = (money_original_currency or "").upper()[:3]
        case.return_assisted = return_assisted
        case.legal_action = legal_action
        case.status = CaseStatus.RESOLVED
        case.closure_requested_by = by
        case.closure_requested_at = timezone.now()
        case.save()
        _event(case, "closure_requested", by, Outcome(outcome).label)
    return case


def decide_closure(*, case: Case, by: User, approve: bool, reason: str = "") -> Case:
    """A case supervisor closes the case, or sends it back to work with a reason."""
    _require_visible(by, case)
    if not by.has_perm("cases.approve_closure", case):
        raise _forbidden()
    if case.status != CaseStatus.RESOLVED:
        raise DomainError(
            "no_closure_requested", _("No closure was requested for this case."), status=409
        )
    with transaction.atomic():
        if approve:
            case.status = CaseStatus.CLOSED
            case.closed_by = by
            case.closed_at = timezone.now()
            _event(case, "closed", by, _("Closure approved"))
        else:
            reason = _clean_text(reason)
            if not reason:
                raise DomainError(
                    "reason_required", _("Say why the case goes back to work."), status=422
                )
            case.status = CaseStatus.IN_PROGRESS
            case.closure_requested_by = None
            case.closure_requested_at = None
            CaseNote.objects.create(case=case, text=reason, author=by)
            _event(case, "closure_refused", by, _("Closure sent back"))
        case.save()
    return case


# --- Consent and referrals --------------------------------------------------------------------


def _active_partner(partner: Organisation | None, case: Case) -> None:
    """Only an active partner that works with the case's office may receive its data."""
    if partner is None or not office_partners(case.office).filter(pk=partner.pk).exists():
        raise DomainError(
            "invalid_partner",
            _("Choose an active partner organisation that works with this office."),
            status=422,
        )


def record_consent(
    *,
    case: Case,
    by: User,
    recipient: Organisation,
    items: Iterable[str],
    given_on: datetime.date,
    method: str,
    witness: str = "",
) -> CaseConsent:
    """The client's informed consent to share the chosen items with one partner."""
    _require_work(by, case)
    _active_partner(recipient, case)
    items = sorted(set(items))
    errors = {}
    if not items:
        errors["items"] = [_("Choose what the client agrees to share.")]
    elif not set(items) <= set(SharedItem.values):
        errors["items"] = [_("Unknown kind of information.")]
    if method not in ConsentMethod.values:
        errors["method"] = [_("Say how consent was given.")]
    elif method == ConsentMethod.VERBAL_WITNESSED and not _clean_text(witness):
        errors["witness"] = [_("Verbal consent needs a witness.")]
    if given_on > _today(by):
        errors["given_on"] = [_("The date cannot be in the future.")]
    _too_long(errors, witness=_clean_text(witness))
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    with transaction.atomic():
        consent = CaseConsent.objects.create(
            case=case,
            recipient=recipient,
            items=items,
            given_on=given_on,
            method=method,
            witness=_clean_text(witness),
            taken_by=by,
        )
        _event(
            case,
            "consent",
            by,
            _("Consent to share with %(partner)s") % {"partner": recipient.name},
        )
    return consent


def withdraw_consent(*, consent: CaseConsent, by: User) -> CaseConsent:
    """The client withdraws consent: nothing more is shared, and the partner no longer sees the
    referrals made under it."""
    case = consent.case
    _require_visible(by, case)
    if not by.has_perm("cases.work_on_case", case) and not by.has_perm(
        "cases.approve_closure", case
    ):
        raise _forbidden()
    if consent.withdrawn_on is not None:
        raise DomainError("already_withdrawn", _("This consent was already withdrawn."), status=409)
    with transaction.atomic():
        consent.withdrawn_on = _today(by)
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        consent.referrals.filter(stopped_at__isnull=True).update(stopped_at=timezone.now())
        _event(case, "consent_withdrawn", by, _("Consent withdrawn"))
    return consent


def send_referral(
    *,
    case: Case,
    by: User,
    partner: Organisation,
    service: str,
    due_on: datetime.date,
    message: str = "",
) -> Referral:
    """Refer the case to a partner. Refused without an active consent naming that partner."""
    _require_work(by, case)
    _active_partner(partner, case)
    service = _clean_text(service)
    if not service:
        raise DomainError("service_required", _("Say which service is asked for."), status=422)
    _refuse_if_too_long(service=service)
    if due_on < _today(by):
        raise DomainError("due_in_past", _("The due date cannot be in the past."), status=422)
    consent = (
        case.consents.filter(recipient=partner, withdrawn_on__isnull=True)
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
    message = _clean_text(message)
    if message and SharedItem.NARRATIVE not in consent.items:
        raise DomainError(
            "message_not_consented",
            _(
                "The client did not consent to share the story; leave the message out or take "
                "consent for the narrative first."
            ),
            status=409,
        )
    with transaction.atomic():
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
        _event(case, "referral", by, _("Referred to %(partner)s") % {"partner": partner.name})
    return referral


def _require_partner(by: User, referral: Referral) -> None:
    if not by.has_perm("cases.view_referral", referral):
        raise _not_found()


def _locked_referral(referral: Referral) -> Referral:
    referral.refresh_from_db(from_queryset=Referral.objects.select_for_update())
    return referral


def answer_referral(*, referral: Referral, by: User, accept: bool, reason: str = "") -> Referral:
    """The partner accepts the referral, or declines it with a reason."""
    with transaction.atomic():
        _require_partner(by, referral)
        _locked_referral(referral)
        _require_partner(by, referral)
        if referral.state != ReferralState.SENT:
            raise DomainError(
                "already_answered", _("This referral was already answered."), status=409
            )
        reason = _clean_text(reason)
        if not accept and not reason:
            raise DomainError("reason_required", _("Say why the referral is declined."), status=422)
        if not accept:
            _refuse_if_too_long(decline_reason=reason)
        referral.state = ReferralState.ACCEPTED if accept else ReferralState.DECLINED
        referral.decline_reason = "" if accept else reason
        referral.answered_by = by
        referral.answered_at = timezone.now()
        referral.save()
        _event(
            referral.case,
            "referral_accepted" if accept else "referral_declined",
            by,
            referral.partner.name,
        )
    return referral


def add_feedback(*, referral: Referral, by: User, feedback: str, complete: bool = False):
    """The partner's update on an accepted referral; `complete` closes it."""
    with transaction.atomic():
        _require_partner(by, referral)
        _locked_referral(referral)
        _require_partner(by, referral)
        if referral.state != ReferralState.ACCEPTED:
            raise DomainError(
                "not_accepted", _("Only an accepted referral can be updated."), status=409
            )
        feedback = _clean_text(feedback)
        if not feedback:
            raise DomainError("feedback_required", _("Write the update."), status=422)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        referral.feedback = (referral.feedback + "\n\n" if referral.feedback else "") + (
            f"[{stamp}] {feedback}"
        )
        if complete:
            referral.state = ReferralState.COMPLETED
            referral.completed_at = timezone.now()
        referral.save()
        _event(
            referral.case,
            "referral_completed" if complete else "referral_update",
            by,
            referral.partner.name,
        )
    return referral


def shared_view(referral: Referral) -> dict:
    """What the partner may read of the case: only the consented items, nothing else."""
    case = referral.case
    items = set(referral.consent.items) if referral.consent.is_active else set()
    client = case.client
    view: dict = {"number": case.number, "service": referral.service, "items": sorted(items)}
    if SharedItem.IDENTITY in items:
        view["client_name"] = client.full_name
        view["client_sex"] = client.get_sex_display()
        view["client_age"] = client.age_on(timezone.localdate())
    if SharedItem.CONTACT in items:
        view["client_phones"] = [phone.number for phone in client.phones.all()]
        view["client_address"] = client.address
    if SharedItem.SUMMARY in items:
        view["categories"] = [c.get_category_display() for c in case.categories.all()]
        view["country"] = str(case.country.name) if case.country else ""
        view["employer"] = case.employer
    if SharedItem.NARRATIVE in items:
        view["narrative"] = case.narrative
        view["message"] = referral.message
    if SharedItem.SAFETY in items:
        view["safety"] = [str(Case._meta.get_field(f).verbose_name) for f in case.safety_flags()]
        view["safety_notes"] = case.safety_notes
    return view
