"""API of the MRC: contacts, cases and their work, consent, referrals (the partner portal's
routes are `cases/partner/api.py`).

The same selectors and services as the pages, so the same restrictions:
- a case the caller may not see is a 404 (never a 403 that would confirm it exists);
- reading a restricted case (its detail, consents, referrals or timeline) needs `?purpose=`
  and is logged with it; lists never carry the narrative, notes or safety details, and for a
  restricted case not even the client's name;
Errors are `{code, message, details}` (`satuatap.api`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from ninja import Query, Router, Status

from satuatap.cases import events, selectors, services
from satuatap.cases.guards import forbidden, not_found
from satuatap.cases.models import (
    ActionItem,
    Case,
    CaseAssignment,
    CaseConsent,
    CaseNote,
    Contact,
    Referral,
)
from satuatap.cases.schemas import (
    ActionIn,
    ActionOut,
    AssignmentIn,
    AssignmentOut,
    CaseFilter,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    ClosureDecisionIn,
    ClosureRequestIn,
    ConsentIn,
    ConsentOut,
    ContactFilter,
    ContactIn,
    ContactOut,
    EventOut,
    GroupCountOut,
    NoteIn,
    NoteOut,
    OfflineContactErrorOut,
    OfflineContactResultOut,
    OfflineContactsIn,
    OfflineContactsOut,
    PurposeQuery,
    ReasonIn,
    ReferralIn,
    ReferralOut,
    StatusIn,
    WorkerOut,
)
from satuatap.core import sensitive
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.core.schemas import ErrorOut
from satuatap.people import selectors as people_selectors
from satuatap.placement import selectors as placement_selectors

contacts_router = Router(tags=["mrc"])
cases_router = Router(tags=["mrc"])


# --- Shared helpers ---------------------------------------------------------------------------


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(
        "invalid", _("Some fields are not valid."), status=422, details={field: [message]}
    )


def _today(user) -> datetime.date:
    office = user.office
    return office.today() if office is not None else timezone.localdate()


def _name(user: User | None) -> str | None:
    return (user.full_name or user.username) if user is not None else None


def _worker(user: User) -> WorkerOut:
    return WorkerOut(id=user.pk, full_name=user.full_name or user.username, gender=user.gender)


def _person(user, person_id: int | None, field: str):
    if person_id is None:
        return None
    person = people_selectors.get_visible_person(user, person_id)
    if person is None or not person.is_active_record:
        raise _invalid(field, _("No such person in this office's registry."))
    return person


def _user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


# --- Contacts ---------------------------------------------------------------------------------


def _contacts_with_details(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    # An aggregate drops Meta.ordering: the order is given again.
    return (
        contacts.prefetch_related("counts")
        .annotate(participant_count=Count("participants"))
        .order_by("-occurred_on", "-recorded_at", "-pk")
    )


def contact_out(contact: Contact) -> ContactOut:
    counts = list(contact.counts.all())
    participants = getattr(contact, "participant_count", None)
    if participants is None:
        participants = contact.participants.count()
    if contact.is_group:
        total = sum(c.count for c in counts) or participants
    else:
        total = 1
    return ContactOut(
        id=contact.pk,
        office_id=contact.office_id,
        kind=contact.kind,
        is_group=contact.is_group,
        channel=contact.channel,
        topic=contact.topic,
        served=contact.served,
        person_id=contact.person_id,
        sex=contact.sex,
        age_band=contact.age_band,
        counts=[GroupCountOut(sex=c.sex, age_band=c.age_band, count=c.count) for c in counts],
        participants=participants,
        total_people=total,
        case_id=contact.case_id,
        occurred_on=contact.occurred_on,
        is_restricted=contact.is_restricted,
        recorded_by=_name(contact.recorded_by),
        recorded_at=contact.recorded_at,
    )


@contacts_router.get("", response={200: list[ContactOut], 403: ErrorOut})
def list_contacts(request, filters: Query[ContactFilter]):
    """The office's information and counselling contacts, newest first (no notes)."""
    if not request.user.has_perm("cases.list_cases"):
        raise forbidden()
    contacts = selectors.visible_contacts(request.user)
    if filters.date_from is not None:
        contacts = contacts.filter(occurred_on__gte=filters.date_from)
    if filters.date_to is not None:
        contacts = contacts.filter(occurred_on__lte=filters.date_to)
    if filters.kind is not None:
        contacts = contacts.filter(kind=filters.kind)
    contacts = _contacts_with_details(contacts)[filters.offset : filters.offset + filters.limit]
    return [contact_out(c) for c in contacts]


@contacts_router.post("", response={201: ContactOut, 403: ErrorOut, 422: ErrorOut})
def create_contact(request, payload: ContactIn):
    """Record an information or counselling contact. A group session gives `counts` by sex and
    age band (named `participant_ids` are optional); `case_id` makes it a case follow-up."""
    user = request.user
    if not user.has_perm("cases.record_contact"):
        raise forbidden()
    case = None
    if payload.case_id is not None:
        case = selectors.get_visible_case(user, payload.case_id)
        if case is None:
            raise _invalid("case_id", _("No such case."))
    contact = services.record_contact(
        by=user,
        kind=payload.kind,
        channel=payload.channel,
        topic=payload.topic,
        occurred_on=payload.occurred_on,
        served=payload.served,
        person=_person(user, payload.person_id, "person_id"),
        sex=payload.sex,
        age_band=payload.age_band,
        is_group=payload.is_group,
        counts=[(c.sex, c.age_band, c.count) for c in payload.counts],
        participants=[_person(user, pk, "participant_ids") for pk in payload.participant_ids],
        notes=payload.notes,
        case=case,
    )
    contact = _contacts_with_details(Contact.objects.filter(pk=contact.pk)).get()
    return Status(201, contact_out(contact))


@contacts_router.post(
    "/sync",
    response={200: OfflineContactsOut, 403: ErrorOut, 422: ErrorOut},
    url_name="contacts-sync",
)
def sync_offline_contacts(request, payload: OfflineContactsIn):
    """Store contacts recorded offline on a phone, each exactly once: `id` is drawn by the
    phone, and a retried sync answers `already_synced`. A contact the online form would refuse
    is `refused` with that error (nothing of it is stored); the others are stored."""
    records = [
        services.OfflineContact(
            offline_id=item.id,
            kind=item.kind,
            channel=item.channel,
            topic=item.topic,
            occurred_on=item.occurred_on,
            served=item.served,
            sex=item.sex,
            age_band=item.age_band,
            is_group=item.is_group,
            counts=tuple((c.sex, c.age_band, c.count) for c in item.counts),
            notes=item.notes,
        )
        for item in payload.contacts
    ]
    results = services.sync_offline_contacts(by=request.user, records=records)
    return OfflineContactsOut(
        contacts=[
            OfflineContactResultOut(
                id=result.offline_id,
                status=result.status,
                contact_id=result.contact.pk if result.contact is not None else None,
                error=(
                    OfflineContactErrorOut(
                        code=result.error.code,
                        message=result.error.message,
                        details=result.error.details,
                    )
                    if result.error is not None
                    else None
                ),
            )
            for result in results
        ]
    )


# --- Cases: reading ---------------------------------------------------------------------------


def _current_assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=CaseAssignment.objects.filter(ended_at__isnull=True).select_related("worker"),
        to_attr="current_assignments",
    )


def _cases_for_lists(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.prefetch_related("categories", _current_assignments())


def case_summary(case: Case, user) -> dict:
    """The fields every list may show. A restricted case's client is not named in a list."""
    current = getattr(case, "current_assignments", None)
    if current is None:
        current = list(case.assignments.filter(ended_at__isnull=True).select_related("worker"))
    return {
        "id": case.pk,
        "number": case.number,
        "office_id": case.office_id,
        "status": case.status,
        "priority": case.priority,
        "urgency": case.urgency,
        "is_restricted": case.is_restricted,
        "categories": [c.category for c in case.categories.all()],
        "received_on": case.received_on,
        "country": case.country.code or "",
        "client_id": None if case.is_restricted else case.client_id,
        "client_name": None if case.is_restricted else case.client.full_name,
        "workers": [_worker(a.worker) for a in current],
        "is_mine": any(a.worker_id == user.pk for a in current),
        "outcome": case.outcome,
        "closure_requested_at": case.closure_requested_at,
        "closed_at": case.closed_at,
    }


def _visible_case(request, case_id: int) -> Case:
    """The case if the caller may see it, else 404 (whether or not it exists)."""
    case = selectors.get_visible_case(request.user, case_id)
    if case is None:
        raise not_found()
    return case


def _read_case(request, case_id: int, purpose: str | None) -> Case:
    """A case whose content is about to be shown: a restricted one needs a purpose, and the
    read is logged with it before anything is returned (core.sensitive)."""
    case = _visible_case(request, case_id)
    sensitive.api_read(request, case, purpose)
    return case


def action_out(action: ActionItem, today: datetime.date) -> ActionOut:
    return ActionOut(
        id=action.pk,
        description=action.description,
        owner=_worker(action.owner),
        due_on=action.due_on,
        done_at=action.done_at,
        is_overdue=action.done_at is None and action.due_on < today,
    )


def note_out(note: CaseNote) -> NoteOut:
    return NoteOut(
        id=note.pk, text=note.text, author=_name(note.author), written_at=note.written_at
    )


def assignment_out(assignment: CaseAssignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.pk,
        worker=_worker(assignment.worker),
        assigned_at=assignment.assigned_at,
        ended_at=assignment.ended_at,
    )


def case_out(case: Case, user) -> CaseOut:
    today = _today(user)
    summary = case_summary(case, user)
    summary["client_id"] = case.client_id
    summary["client_name"] = case.client.full_name
    complainant = case.complainant
    return CaseOut(
        **summary,
        complainant_id=case.complainant_id,
        complainant_name=complainant.full_name if complainant else None,
        complainant_relation=case.complainant_relation,
        channel=case.channel,
        country_name=str(case.country.name) if case.country else "",
        employer=case.employer,
        agency_id=case.agency_id,
        agency_name=case.agency.name if case.agency else None,
        recruiter=case.recruiter,
        narrative=case.narrative,
        gbv_types=[g.gbv_type for g in case.gbv_types.all()],
        safety=case.safety_flags(),
        safety_notes=case.safety_notes,
        first_steps=services.first_steps(case),
        wants_woman_worker=case.wants_woman_worker,
        interpreter_language=case.interpreter_language,
        money_recovered_idr=case.money_recovered_idr,
        money_original_amount=case.money_original_amount,
        money_original_currency=case.money_original_currency,
        return_assisted=case.return_assisted,
        legal_action=case.legal_action,
        assignments=[
            assignment_out(a) for a in case.assignments.select_related("worker").order_by("pk")
        ],
        notes=[note_out(n) for n in case.notes.select_related("author")],
        actions=[action_out(a, today) for a in case.actions.select_related("owner")],
    )


def summary_out(case: Case, user) -> CaseSummaryOut:
    return CaseSummaryOut(**case_summary(case, user))


@cases_router.get("", response={200: list[CaseSummaryOut], 403: ErrorOut})
def list_cases(request, filters: Query[CaseFilter]):
    """Cases the caller may see: no narrative, notes or safety details, and a restricted
    case's client unnamed. `mine=true`: the caller's open cases."""
    user = request.user
    if not user.has_perm("cases.list_cases"):
        raise forbidden()
    cases = selectors.my_cases(user) if filters.mine else selectors.visible_cases(user)
    if filters.status is not None:
        cases = cases.filter(status=filters.status)
    if filters.category is not None:
        cases = cases.filter(categories__category=filters.category)
    cases = _cases_for_lists(cases)[filters.offset : filters.offset + filters.limit]
    return [summary_out(c, user) for c in cases]


@cases_router.get(
    "/{case_id}", response={200: CaseOut, 404: ErrorOut, 422: ErrorOut, 428: ErrorOut}
)
def get_case(request, case_id: int, query: Query[PurposeQuery]):
    """The whole case. A restricted case needs `?purpose=` (else 428 `purpose_required`) and
    the read is logged with it."""
    case = _read_case(request, case_id, query.purpose)
    return case_out(case, request.user)


@cases_router.get(
    "/{case_id}/timeline",
    response={200: list[EventOut], 404: ErrorOut, 422: ErrorOut, 428: ErrorOut},
)
def case_timeline(request, case_id: int, query: Query[PurposeQuery]):
    """Everything that happened on the case, oldest first."""
    case = _read_case(request, case_id, query.purpose)
    return [
        EventOut(
            kind=e.kind,
            label=events.label(e),
            detail=events.detail(e),
            params=e.params,
            by=_name(e.by),
            at=e.at,
        )
        for e in selectors.case_events(request.user, case)
    ]


# --- Cases: writing ---------------------------------------------------------------------------


def _assignable(user, worker_id: int | None, *, wants_woman_worker: bool) -> User | None:
    """The worker a new case goes to, checked the way `services.assign` checks it."""
    if worker_id is None:
        return None
    worker = _user_by_id(worker_id)
    if (
        worker is None
        or not worker.is_active
        or worker.office_id_or_none != user.office_id_or_none
        or not worker.has_perm("cases.open_case")
    ):
        raise _invalid(
            "assign_to_id",
            _("Only a counsellor or case supervisor of this office can be assigned."),
        )
    if wants_woman_worker and worker.gender != "F":
        raise DomainError(
            "woman_worker_requested",
            _("The client asked for a woman case worker; assign a woman."),
            status=422,
        )
    return worker


@cases_router.post("", response={201: CaseSummaryOut, 403: ErrorOut, 422: ErrorOut})
def create_case(request, payload: CaseIn):
    """Take a complaint in as a case. The safety assessment sets the priority; violence,
    trafficking or a child make the case restricted."""
    user = request.user
    if not user.has_perm("cases.open_case"):
        raise forbidden()
    country = payload.country.strip().upper()
    if country and not countries.alpha2(country):
        raise _invalid("country", _("Unknown country code."))
    agency = None
    if payload.agency_id is not None:
        agency = placement_selectors.get_agency(payload.agency_id)
        if agency is None:
            raise _invalid("agency_id", _("No such agency."))
    case = services.open_case(
        by=user,
        client=_person(user, payload.client_id, "client_id"),
        channel=payload.channel,
        categories=payload.categories,
        received_on=payload.received_on,
        complainant=_person(user, payload.complainant_id, "complainant_id"),
        complainant_relation=payload.complainant_relation,
        gbv_types=payload.gbv_types,
        urgency=payload.urgency,
        safety=payload.safety,
        country=country,
        employer=payload.employer,
        agency=agency,
        recruiter=payload.recruiter,
        narrative=payload.narrative,
        safety_notes=payload.safety_notes,
        wants_woman_worker=payload.wants_woman_worker,
        interpreter_language=payload.interpreter_language,
        assign_to=_assignable(
            user, payload.assign_to_id, wants_woman_worker=payload.wants_woman_worker
        ),
    )
    return Status(201, summary_out(case, user))


@cases_router.post(
    "/{case_id}/notes",
    response={201: NoteOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def add_note(request, case_id: int, payload: NoteIn):
    case = _visible_case(request, case_id)
    note = services.add_note(case=case, text=payload.text, by=request.user)
    return Status(201, note_out(note))


@cases_router.post(
    "/{case_id}/actions",
    response={201: ActionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def add_action(request, case_id: int, payload: ActionIn):
    """Add an item to the case plan, with its owner (a case worker of the office) and due date."""
    case = _visible_case(request, case_id)
    owner = _user_by_id(payload.owner_id)
    if owner is None:
        raise DomainError(
            "invalid_owner",
            _("The owner must be a counsellor or case supervisor of this office."),
            status=422,
        )
    action = services.add_action(
        case=case,
        description=payload.description,
        owner=owner,
        due_on=payload.due_on,
        by=request.user,
    )
    return Status(201, action_out(action, _today(request.user)))


@cases_router.post(
    "/{case_id}/actions/{action_id}/done",
    response={200: ActionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 428: ErrorOut},
)
def complete_action(request, case_id: int, action_id: int, query: Query[PurposeQuery]):
    """Mark an action done. The answer holds the action's text, so a restricted case's action
    needs `?purpose=` like any read of the case: without one nothing is changed (428)."""
    case = _visible_case(request, case_id)
    action = case.actions.select_related("owner").filter(pk=action_id).first()
    if action is None:
        raise not_found()
    action.case = case
    with transaction.atomic():
        action = services.complete_action(action=action, by=request.user)
        sensitive.api_read(request, case, query.purpose)
    return action_out(action, _today(request.user))


@cases_router.post(
    "/{case_id}/assignments",
    response={201: AssignmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def assign_case(request, case_id: int, payload: AssignmentIn):
    """A case supervisor assigns a case worker (a woman, when the client asked for one);
    `replace` takes the current case workers off."""
    case = _visible_case(request, case_id)
    worker = _user_by_id(payload.worker_id)
    if worker is None:
        raise DomainError(
            "not_a_case_worker",
            _("Only a counsellor or case supervisor of this office can be assigned."),
            status=422,
        )
    assignment = services.assign(case=case, worker=worker, by=request.user, replace=payload.replace)
    return Status(201, assignment_out(assignment))


@cases_router.post(
    "/{case_id}/status",
    response={200: CaseSummaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def set_case_status(request, case_id: int, payload: StatusIn):
    """Move an open case between open, in progress and pending partner."""
    case = _visible_case(request, case_id)
    case = services.set_status(case=case, status=payload.status, by=request.user)
    return summary_out(case, request.user)


@cases_router.post(
    "/{case_id}/closure-request",
    response={200: CaseSummaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def request_closure(request, case_id: int, payload: ClosureRequestIn):
    """Propose closure with the outcome; a case supervisor decides."""
    case = _visible_case(request, case_id)
    case = services.request_closure(
        case=case,
        by=request.user,
        outcome=payload.outcome,
        money_recovered_idr=payload.money_recovered_idr,
        money_original_amount=payload.money_original_amount,
        money_original_currency=payload.money_original_currency.strip(),
        return_assisted=payload.return_assisted,
        legal_action=payload.legal_action,
    )
    return summary_out(case, request.user)


@cases_router.post(
    "/{case_id}/closure-decision",
    response={200: CaseSummaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def decide_closure(request, case_id: int, payload: ClosureDecisionIn):
    """A case supervisor approves the closure, or sends the case back with a reason."""
    case = _visible_case(request, case_id)
    case = services.decide_closure(
        case=case,
        by=request.user,
        approve=payload.approve,
        reason=payload.reason,
        open_actions=payload.open_actions,
        end_referrals=payload.end_referrals,
    )
    return summary_out(case, request.user)


@cases_router.post(
    "/{case_id}/reopen",
    response={200: CaseSummaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def reopen_case(request, case_id: int, payload: ReasonIn):
    """A case supervisor reopens a closed case, with a reason (kept as an encrypted note). The
    closure's outcome is cleared; referrals that ended stay ended."""
    case = _visible_case(request, case_id)
    case = services.reopen_case(case=case, by=request.user, reason=payload.reason)
    return summary_out(case, request.user)


@cases_router.post(
    "/{case_id}/restrict",
    response={200: CaseSummaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def restrict_case(request, case_id: int, payload: ReasonIn):
    """Restrict the case, at any status (its assigned case worker or a case supervisor): from
    now on the case and everything in it are seen only by its case workers and the office's
    case supervisors. The reason is kept as an encrypted note."""
    case = _visible_case(request, case_id)
    case = services.restrict_case(case=case, by=request.user, reason=payload.reason)
    return summary_out(case, request.user)


@cases_router.post(
    "/{case_id}/unrestrict",
    response={200: CaseSummaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def lift_restriction(request, case_id: int, payload: ReasonIn):
    """A case supervisor lifts the restriction, with a reason. A case about violence,
    trafficking or a child stays restricted (409 `restriction_required`)."""
    case = _visible_case(request, case_id)
    case = services.lift_restriction(case=case, by=request.user, reason=payload.reason)
    return summary_out(case, request.user)


# --- Consent and referrals (office side) ------------------------------------------------------


def consent_out(consent: CaseConsent) -> ConsentOut:
    return ConsentOut(
        id=consent.pk,
        recipient_id=consent.recipient_id,
        recipient_name=consent.recipient.name,
        items=list(consent.items),
        given_on=consent.given_on,
        method=consent.method,
        witness=consent.witness,
        taken_by=_name(consent.taken_by),
        is_active=consent.is_active,
        withdrawn_on=consent.withdrawn_on,
    )


def referral_out(referral: Referral, today: datetime.date) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        partner_id=referral.partner_id,
        partner_name=referral.partner.name,
        consent_id=referral.consent_id,
        service=referral.service,
        message=referral.message,
        due_on=referral.due_on,
        state=referral.state,
        is_overdue=referral.is_overdue_on(today),
        is_stopped=referral.stopped_at is not None,
        ended_at=referral.stopped_at,
        end_reason=referral.end_reason,
        decline_reason=referral.decline_reason,
        feedback=referral.feedback,
        sent_by=_name(referral.sent_by),
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
        completed_at=referral.completed_at,
    )


@cases_router.get(
    "/{case_id}/consents",
    response={200: list[ConsentOut], 404: ErrorOut, 422: ErrorOut, 428: ErrorOut},
)
def list_consents(request, case_id: int, query: Query[PurposeQuery]):
    """The client's consents to share, newest first, withdrawn ones included."""
    case = _read_case(request, case_id, query.purpose)
    return [consent_out(c) for c in case.consents.select_related("recipient", "taken_by")]


@cases_router.post(
    "/{case_id}/consents",
    response={201: ConsentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def record_consent(request, case_id: int, payload: ConsentIn):
    """Record the client's informed consent to share the chosen `items` with one partner."""
    case = _visible_case(request, case_id)
    consent = services.record_consent(
        case=case,
        by=request.user,
        recipient=Organisation.objects.filter(pk=payload.recipient_id).first(),
        items=payload.items,
        given_on=payload.given_on,
        method=payload.method,
        witness=payload.witness,
    )
    return Status(201, consent_out(consent))


@cases_router.post(
    "/{case_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def withdraw_consent(request, case_id: int, consent_id: int):
    """The client withdraws consent: nothing more is shared, referrals under it stop."""
    case = _visible_case(request, case_id)
    consent = case.consents.select_related("recipient", "taken_by").filter(pk=consent_id).first()
    if consent is None:
        raise not_found()
    consent.case = case
    consent = services.withdraw_consent(consent=consent, by=request.user)
    return consent_out(consent)


def _case_referrals(case: Case) -> QuerySet[Referral]:
    return case.referrals.select_related("partner", "sent_by")


@cases_router.get(
    "/{case_id}/referrals",
    response={200: list[ReferralOut], 404: ErrorOut, 422: ErrorOut, 428: ErrorOut},
)
def list_referrals(request, case_id: int, query: Query[PurposeQuery]):
    """The case's referrals, newest first, with the partners' answers and feedback."""
    case = _read_case(request, case_id, query.purpose)
    today = _today(request.user)
    return [referral_out(r, today) for r in _case_referrals(case)]


@cases_router.post(
    "/{case_id}/referrals",
    response={201: ReferralOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def send_referral(request, case_id: int, payload: ReferralIn):
    """Refer the case to a partner. Without an active consent naming the partner: 409
    `consent_required`, and nothing is sent."""
    case = _visible_case(request, case_id)
    referral = services.send_referral(
        case=case,
        by=request.user,
        partner=Organisation.objects.filter(pk=payload.partner_id).first(),
        service=payload.service,
        due_on=payload.due_on,
        message=payload.message,
    )
    referral = _case_referrals(case).get(pk=referral.pk)
    return Status(201, referral_out(referral, _today(request.user)))


@cases_router.post(
    "/{case_id}/referrals/{referral_id}/revoke",
    response={
        200: ReferralOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        428: ErrorOut,
    },
)
def revoke_referral(
    request, case_id: int, referral_id: int, payload: ReasonIn, query: Query[PurposeQuery]
):
    """End the partner's access to a referral, with a reason (kept as an encrypted note; the
    partner is not told it): the partner sees that the referral ended and nothing more. The
    answer holds the referral's message and feedback, so a restricted case's referral needs
    `?purpose=` like any read of the case: without one nothing is changed (428)."""
    case = _visible_case(request, case_id)
    referral = _case_referrals(case).filter(pk=referral_id).first()
    if referral is None:
        raise not_found()
    referral.case = case
    with transaction.atomic():
        services.revoke_referral(referral=referral, by=request.user, reason=payload.reason)
        sensitive.api_read(request, case, query.purpose)
    return referral_out(_case_referrals(case).get(pk=referral.pk), _today(request.user))
