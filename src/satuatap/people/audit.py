from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.people.models import (
        ErasureRequest,
        FamilyLink,
        Person,
        PersonDocument,
        PersonMerge,
        Phone,
        ProcessingConsent,
        StatusEvent,
    )

    auditlog.register(Person, mask_fields=["nik"], exclude_fields=["name_key"])
    auditlog.register(Phone)
    auditlog.register(StatusEvent)
    auditlog.register(FamilyLink)
    auditlog.register(ProcessingConsent)
    auditlog.register(PersonMerge, exclude_fields=["snapshot"])
    auditlog.register(PersonDocument, exclude_fields=["file", "sha256"])
    auditlog.register(ErasureRequest)
