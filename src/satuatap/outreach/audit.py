from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.core.audit import encrypted_fields
    from satuatap.outreach.models import (
        OfflineSyncConflict,
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
    # What was typed on the phone is encrypted; the trail keeps the kind and resolution only.
    auditlog.register(OfflineSyncConflict, exclude_fields=encrypted_fields(OfflineSyncConflict))


def register_office_records() -> None:
    """The office's outreach in the office head's trail (`core.trail`)."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register
    from satuatap.outreach.models import (
        OfflineSyncConflict,
        OutreachCount,
        OutreachEvent,
        OutreachFollowUp,
        VillageFocalPoint,
        VillageRegulation,
    )

    def of_office(model, path="office_id"):
        return lambda viewer: model.objects.filter(**{path: viewer.office_id_or_none})

    events = of_office(OutreachEvent)
    register(OutreachEvent, records=events, url_name="outreach:event-detail", parent=OFFICE)
    register(
        OutreachCount,
        records=of_office(OutreachCount, "event__office_id"),
        parent=("event", events),
    )
    register(
        OutreachFollowUp,
        records=of_office(OutreachFollowUp, "event__office_id"),
        parent=("event", events),
    )
    register(
        OfflineSyncConflict,
        records=of_office(OfflineSyncConflict),
        parent=("event", events),
    )
    register(VillageFocalPoint, records=of_office(VillageFocalPoint), parent=OFFICE)
    register(VillageRegulation, records=of_office(VillageRegulation), parent=OFFICE)
