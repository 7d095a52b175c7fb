"""The MRC's record class in the retention schedule (`core/retention.py`): closed cases.

A closed case whose period has run out, and that no hold keeps (a referral still pending, a
case supervisor's legal hold), loses every text a survivor or a counsellor wrote: the story,
the names complained about, safety details, notes, plan items, attachments (files too), the
messages and feedback of referrals, the witness of consents, the notes of its contacts and the
details of its timeline. What the reports count stays: office, dates, categories, GBV types,
outcome, money recovered, the client's registry record (sex and year of birth) and the partners
referred to. The client's registry record no longer waits for a case supervisor's review once
every case of theirs is anonymised, and is then erased by its own period
(`people/retention.py`).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuatap.cases.data_rights import held_cases
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
    Referral,
)
from satuatap.core.audit import erase_audit_values
from satuatap.core.retention import Cutoff, RecordClass, RunContext, register_record_class

ERASED_TEXT = ""


def _due(cutoff: Cutoff):
    return Case.objects.filter(
        status=CaseStatus.CLOSED, closed_at__lt=cutoff.moment, anonymised_at__isnull=True
    )


def _not_held(cases):
    return cases.exclude(pk__in=held_cases().values("pk"))


def anonymise_cases(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Erase the texts of these closed cases (see the module docstring)."""
    from satuatap.core.retention import keep_aggregates

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


def register() -> None:
    register_record_class(
        RecordClass(
            key="closed_cases",
            label=_("Closed MRC cases"),
            default="10y",
            counted_from=_("the day the case was closed"),
            action=_(
                "the story, names complained about, safety details, notes, plan items, "
                "attachments and the texts of referrals and consents are erased; categories, "
                "dates, outcome and amounts stay"
            ),
            due=_due,
            exclude_held=_not_held,
            purge=anonymise_cases,
            office="office_id",
            order=40,
            batch_size=50,
        )
    )
