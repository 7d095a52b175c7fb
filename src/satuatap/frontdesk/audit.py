from auditlog.registry import auditlog

from satuatap.core.audit import encrypted_fields, show_values_of


def register_models() -> None:
    from satuatap.frontdesk.models import Booking, Device, Service, ServiceRecord, Visit, VisitSlot

    auditlog.register(Service)
    # The head's visit times, and the bookings made in the portal (who, when, which visit it
    # became; never the token its QR code carries).
    auditlog.register(VisitSlot)
    auditlog.register(Booking, exclude_fields=["token"])
    auditlog.register(Visit, exclude_fields=["survey_token", "survey"])
    # "What was done" is encrypted (it can tell a visitor's story): never copied into the trail.
    auditlog.register(ServiceRecord, exclude_fields=encrypted_fields(ServiceRecord))
    # Pairing (created), what the device shows (desks) and revocation; never the credential's
    # hash, nor the last-seen time that moves every minute.
    auditlog.register(Device, exclude_fields=["token_hash", "last_seen_at"], m2m_fields={"desks"})
    # An office's services and devices hold nobody's personal data; visits and services do.
    show_values_of(Service, Device, VisitSlot)


def register_office_records() -> None:
    """Visits, what the desks recorded, the service catalogue and the screens in the office
    head's trail (`core.trail`)."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register
    from satuatap.frontdesk.models import (
        Booking,
        Device,
        Service,
        ServiceRecord,
        Ticket,
        Visit,
        VisitSlot,
    )

    def of_office(model, path="office_id"):
        return lambda viewer: model.objects.filter(**{path: viewer.office_id_or_none})

    # A visit's page is the front desk's, not the head's: no link.
    register(Visit, records=of_office(Visit), parent=OFFICE)
    register(
        ServiceRecord,
        records=of_office(ServiceRecord, "ticket__office_id"),
        parent=("ticket", of_office(Ticket)),
    )
    register(Service, records=of_office(Service), url_name="frontdesk:service-edit", parent=OFFICE)
    register(Device, records=of_office(Device), parent=OFFICE)
    register(VisitSlot, records=of_office(VisitSlot), parent=OFFICE)
    register(Booking, records=of_office(Booking), parent=OFFICE)
