from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.placement.models import Agency, JobOrder

    auditlog.register(Agency)
    auditlog.register(JobOrder)
