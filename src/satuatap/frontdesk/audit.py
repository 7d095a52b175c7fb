from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.frontdesk.models import DisplayLink, Service, ServiceRecord, Visit

    auditlog.register(Service)
    auditlog.register(Visit, exclude_fields=["survey_token", "survey"])
    auditlog.register(ServiceRecord)
    auditlog.register(DisplayLink, exclude_fields=["token"])
