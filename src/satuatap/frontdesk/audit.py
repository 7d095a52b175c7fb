from auditlog.registry import auditlog

from satuatap.core.audit import show_values_of


def register_models() -> None:
    from satuatap.frontdesk.models import DisplayLink, Service, ServiceRecord, Visit

    auditlog.register(Service)
    auditlog.register(Visit, exclude_fields=["survey_token", "survey"])
    auditlog.register(ServiceRecord)
    auditlog.register(DisplayLink, exclude_fields=["token"])
    # An office's services and screens hold nobody's personal data; visits and services do.
    show_values_of(Service, DisplayLink)
