from auditlog.registry import auditlog

from satuatap.core.audit import encrypted_fields


def register_models() -> None:
    from satuatap.frontdesk.models import DisplayLink, Service, ServiceRecord, Visit

    auditlog.register(Service)
    auditlog.register(Visit, exclude_fields=["survey_token", "survey"])
    # "What was done" is encrypted (it can tell a visitor's story): never copied into the trail.
    auditlog.register(ServiceRecord, exclude_fields=encrypted_fields(ServiceRecord))
    auditlog.register(DisplayLink, exclude_fields=["token"])
