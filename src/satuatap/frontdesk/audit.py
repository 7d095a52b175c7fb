from auditlog.registry import auditlog

from satuatap.core.audit import encrypted_fields, show_values_of


def register_models() -> None:
    from satuatap.frontdesk.models import DisplayLink, Service, ServiceRecord, Visit

    auditlog.register(Service)
    auditlog.register(Visit, exclude_fields=["survey_token", "survey"])
    # "What was done" is encrypted (it can tell a visitor's story): never copied into the trail.
    auditlog.register(ServiceRecord, exclude_fields=encrypted_fields(ServiceRecord))
    auditlog.register(DisplayLink, exclude_fields=["token"])
    # An office's services and screens hold nobody's personal data; visits and services do.
    show_values_of(Service, DisplayLink)
