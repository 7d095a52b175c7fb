"""Changes of MRC records in the audit trail, with every encrypted column left out: auditlog
would otherwise copy the decrypted text into its change log (shared/dependencies.md §4)."""

from auditlog.registry import auditlog

from satuatap.core.encryption import EncryptedTextField


def _encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]


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
        auditlog.register(model, exclude_fields=_encrypted_fields(model))
