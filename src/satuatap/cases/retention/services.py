"""Writes of the MRC's retention: legal holds, the case supervisor's decision on an erasure
request, and the anonymisation of closed cases the retention schedule runs.

- **Legal holds**: a case supervisor keeps a case, and its client's and complainant's records,
  past their retention period (`selectors.held_cases`). The reason is encrypted and shown only
  on the case page, to those who may read the case; the registry and the retention report only
  ever learn that *something* holds a record, never what.
- **Erasure review**: the erasure cannot go ahead while a case of the person is held (open, a
  referral pending, a legal hold): the case needs the record. Once it may, the registry record
  (and the records merged into it) is anonymised; the closed case stays, pointing at the
  anonymised record, until its own retention period ends.
- **Anonymisation**: a closed case whose period has run out, and that no hold keeps, loses
  every text a survivor or a counsellor wrote: the story, the names complained about, safety
  details, notes, plan items, attachments (files too), the messages and feedback of referrals,
  the witness of consents, the notes of its contacts and the details of its timeline. What the
  reports count stays: office, dates, categories, GBV types, outcome, money recovered, the
  client's registry record (sex and year of birth) and the partners referred to. The client's
  registry record no longer waits for a case supervisor's review once every case of theirs is
  anonymised, and is then erased by its own period (`people/retention.py`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.cases.models import (
    ActionItem,
    Case,
    CaseAttachment,
    CaseConsent,
    CaseEvent,
    CaseNote,
    CaseStatus,
    Contact,
    LegalHold,
    PartnerReferralIn,
    Referral,
)
from satuatap.cases.retention.selectors import cases_of
from satuatap.cases.services import record_event
from satuatap.core.audit import erase_audit_values
from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.retention import RunContext, keep_aggregates
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import ErasureRequest

# --- Legal holds ------------------------------------------------------------------------------

REASON_MAX = 2000


def set_legal_hold(*, case: Case, by: User, reason: str) -> LegalHold:
    if not by.has_perm("cases.manage_legal_hold", case):
        raise DomainError(
            "forbidden", _("Only the office's case supervisors set a legal hold."), status=403
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say why the case must be kept."))
    if len(reason) > REASON_MAX:
        raise DomainError(
            "reason_too_long",
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX},
        )
    if case.anonymised_at is not None:
        raise DomainError(
            "anonymised", _("This case was anonymised: there is nothing left to hold."), status=409
        )
    with transaction.atomic():
        hold = LegalHold.objects.create(case=case, reason=reason, set_by=by)
        record_event(case, "legal_hold_set", by)
    return hold


def lift_legal_hold(*, hold: LegalHold, by: User) -> LegalHold:
    if not by.has_perm("cases.manage_legal_hold", hold.case):
        raise DomainError(
            "forbidden", _("Only the office's case supervisors lift a legal hold."), status=403
        )
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise DomainError("already_lifted", _("This hold was already lifted."))
        hold.lifted_at = timezone.now()
        hold.lifted_by = by
        hold.save(update_fields=["lifted_at", "lifted_by"])
        record_event(hold.case, "legal_hold_lifted", by)
    return hold


# --- Erasure review ---------------------------------------------------------------------------


def _require_decider(by: User, erasure_request: ErasureRequest) -> None:
    if not by.has_perm("cases.decide_erasure", erasure_request):
        raise DomainError("not_found", _("No such request."), status=404)


def approve_erasure(*, erasure_request: ErasureRequest, by: User) -> ErasureRequest:
    _require_decider(by, erasure_request)
    if any(case.holds_erasure for case in cases_of(erasure_request)):
        raise DomainError(
            "case_needs_record",
            _(
                "A case of this person is open, waits for a partner or is under a legal hold: "
                "the record cannot be erased yet."
            ),
            status=409,
        )
    return data_rights.carry_out_erasure_request(erasure_request=erasure_request, by=by)


def decline_erasure(*, erasure_request: ErasureRequest, by: User) -> ErasureRequest:
    _require_decider(by, erasure_request)
    return data_rights.decline_erasure_request(erasure_request=erasure_request, by=by)


# --- Anonymisation ----------------------------------------------------------------------------

ERASED_TEXT = ""


def anonymise_cases(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Erase the texts of these closed cases (see the module docstring); the retention
    schedule's purge of the record class `closed_cases` (`hooks.py`)."""
    cases = list(Case.objects.filter(pk__in=pks, status=CaseStatus.CLOSED))
    ids = [case.pk for case in cases]
    with keep_aggregates(records=[(Case, ids)]):
        for attachment in CaseAttachment.objects.filter(case_id__in=ids):
            attachment.file.delete(save=False)
        attachments = list(
            CaseAttachment.objects.filter(case_id__in=ids).values_list("pk", flat=True)
        )
        CaseAttachment.objects.filter(case_id__in=ids).delete()
        notes = list(CaseNote.objects.filter(case_id__in=ids).values_list("pk", flat=True))
        CaseNote.objects.filter(case_id__in=ids).delete()
        ActionItem.objects.filter(case_id__in=ids).update(description=ERASED_TEXT)
        Referral.objects.filter(case_id__in=ids).update(
            message=ERASED_TEXT, feedback=ERASED_TEXT, decline_reason=""
        )
        CaseConsent.objects.filter(case_id__in=ids).update(witness="")
        Contact.objects.filter(case_id__in=ids).update(notes=ERASED_TEXT)
        PartnerReferralIn.objects.filter(contact__case_id__in=ids).update(client_name=ERASED_TEXT)
        CaseEvent.objects.filter(case_id__in=ids).update(detail="")
        LegalHold.objects.filter(case_id__in=ids).update(reason=ERASED_TEXT)
        now = timezone.now()
        for case in cases:
            case.recruiter = ERASED_TEXT
            case.narrative = ERASED_TEXT
            case.safety_notes = ERASED_TEXT
            case.employer = ""
            case.complainant_relation = ""
            case.interpreter_language = ""
            case.money_original_amount = None
            case.money_original_currency = ""
            case.anonymised_at = now
            case.save()
        erase_audit_values(
            Case,
            ids,
            fields=(
                "employer",
                "complainant_relation",
                "interpreter_language",
                "money_original_amount",
                "money_original_currency",
            ),
        )
        erase_audit_values(
            Referral,
            Referral.objects.filter(case_id__in=ids).values_list("pk", flat=True),
            fields=("decline_reason",),
        )
        erase_audit_values(
            CaseConsent,
            CaseConsent.objects.filter(case_id__in=ids).values_list("pk", flat=True),
            fields=("witness",),
        )
        erase_audit_values(CaseNote, notes)
        erase_audit_values(CaseAttachment, attachments)
    return ids
