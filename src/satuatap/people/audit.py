from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.people.models import Person

    auditlog.register(Person, mask_fields=["nik"])
