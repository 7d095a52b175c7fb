from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.outreach.models import (
        OutreachCount,
        OutreachEvent,
        OutreachFollowUp,
        VillageFocalPoint,
        VillageRegulation,
    )

    auditlog.register(OutreachEvent, m2m_fields={"participants", "partners"})
    auditlog.register(OutreachCount)
    auditlog.register(OutreachFollowUp)
    auditlog.register(VillageFocalPoint)
    auditlog.register(VillageRegulation, exclude_fields=["file", "sha256"])
