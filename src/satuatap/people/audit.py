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


def register_office_records() -> None:
    """The registry's records in the office head's trail (`core.trail`). Not the erasure
    requests: one waiting for the MRC's review is shown only to the head who made it."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register
    from satuatap.people.models import (
        FamilyLink,
        Person,
        PersonDocument,
        PersonMerge,
        Phone,
        ProcessingConsent,
        StatusEvent,
    )
    from satuatap.people.selectors import visible_people

    register(Person, records=visible_people, url_name="people:detail", parent=OFFICE)
    for model in (Phone, StatusEvent, FamilyLink, ProcessingConsent, PersonDocument):
        register(
            model,
            records=lambda viewer, model=model: model.objects.filter(  # type: ignore[misc]  # a lambda over a tuple of models
                person__in=visible_people(viewer)
            ),
            parent=("person", visible_people),
        )
    register(
        PersonMerge,
        records=lambda viewer: PersonMerge.objects.filter(survivor__in=visible_people(viewer)),
        parent=("survivor", visible_people),
    )
