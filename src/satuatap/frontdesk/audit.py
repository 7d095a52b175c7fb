from auditlog.registry import auditlog

from satuatap.core.audit import encrypted_fields, show_values_of


def register_models() -> None:
    from satuatap.frontdesk.models import Device, Service, ServiceRecord, Visit

    auditlog.register(Service)
    auditlog.register(Visit, exclude_fields=["survey_token", "survey"])
    # "What was done" is encrypted (it can tell a visitor's story): never copied into the trail.
    auditlog.register(ServiceRecord, exclude_fields=encrypted_fields(ServiceRecord))
    # Pairing (created), what the device shows (desks) and revocation; never the credential's
    # hash, nor the last-seen time that moves every minute.
    auditlog.register(Device, exclude_fields=["token_hash", "last_seen_at"], m2m_fields={"desks"})
    # An office's services and devices hold nobody's personal data; visits and services do.
    show_values_of(Service, Device)


def register_office_records() -> None:
    """Visits, what the desks recorded, the service catalogue and the screens in the office
    head's trail (`core.trail`)."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register
    from satuatap.frontdesk.models import Device, Service, ServiceRecord, Ticket, Visit

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
