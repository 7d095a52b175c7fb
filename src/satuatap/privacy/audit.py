"""Changes of the registers in the audit trail, with every encrypted column left out (auditlog
would otherwise copy the decrypted text into its change log). None of these models is opened
to `core.audit.show_values_of`: the trail shows who changed a request or a breach and when,
never what, like every record about a person."""

from auditlog.registry import auditlog

from satuatap.core.encryption import EncryptedTextField


def _encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]


def register_models() -> None:
    from satuatap.privacy.models import Breach, BreachNotice, SubjectRequest

    for model in (SubjectRequest, Breach, BreachNotice):
        auditlog.register(model, exclude_fields=_encrypted_fields(model))


def register_office_records() -> None:
    """The office's data-subject requests in the office head's trail (`core.trail`), which she
    reads all of anyway. Not breaches: a report is read by its reporter and the administrator
    only."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register
    from satuatap.privacy.models import SubjectRequest

    register(
        SubjectRequest,
        records=lambda viewer: SubjectRequest.objects.filter(office_id=viewer.office_id_or_none),
        url_name="privacy:subject-request-detail",
        parent=OFFICE,
    )
