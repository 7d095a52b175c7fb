"""Changes of MRC records in the audit trail, with every encrypted column left out: auditlog
would otherwise copy the decrypted text into its change log (shared/dependencies.md §4)."""

from auditlog.registry import auditlog

from satuatap.core.audit import encrypted_fields


def register_models() -> None:
    from satuatap.cases.models import (
        ActionItem,
        Case,
        CaseAssignment,
        CaseAttachment,
        CaseConsent,
        CaseNote,
        Contact,
        LegalHold,
        PartnerReferralIn,
        Referral,
    )

    for model in (
        Case,
        Contact,
        CaseAssignment,
        CaseNote,
        ActionItem,
        CaseAttachment,
        CaseConsent,
        Referral,
        LegalHold,
        PartnerReferralIn,
    ):
        auditlog.register(model, exclude_fields=encrypted_fields(model))


def register_office_records() -> None:
    """The MRC's records in the office head's trail (`core.trail`): only those of the cases
    and contacts the viewer may see (`visible_cases`, `visible_contacts`), so a restricted case
    she may not read leaves no entry there, not even that it exists; the trail shows that a
    record changed, by whom and when, never what (`core.audit`). A case's record deleted since
    is found through its case, so through `visible_cases` too; a deleted contact is not listed
    (whether it was restricted is not known once it is gone)."""
    from satuatap.cases.models import (
        ActionItem,
        Case,
        CaseAssignment,
        CaseAttachment,
        CaseConsent,
        CaseNote,
        Contact,
        LegalHold,
        Referral,
    )
    from satuatap.cases.selectors import visible_cases, visible_contacts
    from satuatap.core.trail import register_office_records as register

    register(
        Case,
        records=visible_cases,
        is_case_record=True,
        url_name="cases:case-detail",
    )
    register(Contact, records=visible_contacts, is_case_record=True)
    for model in (
        CaseAssignment,
        CaseNote,
        ActionItem,
        CaseAttachment,
        CaseConsent,
        Referral,
        LegalHold,
    ):
        register(
            model,
            records=lambda viewer, model=model: model.objects.filter(  # type: ignore[misc]  # a lambda over a tuple of models
                case__in=visible_cases(viewer)
            ),
            is_case_record=True,
            parent=("case", visible_cases),
        )
