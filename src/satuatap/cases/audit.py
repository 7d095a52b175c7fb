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
    ):
        auditlog.register(model, exclude_fields=encrypted_fields(model))
