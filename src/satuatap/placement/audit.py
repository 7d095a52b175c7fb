from auditlog.registry import auditlog

from satuatap.core.audit import show_values_of
from satuatap.core.encryption import EncryptedTextField


def _encrypted_fields(model) -> list[str]:
    """Encrypted columns stay out of the trail: auditlog would store their decrypted text."""
    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]


def register_models() -> None:
    from satuatap.placement.files.models import (
        ChecklistRule,
        GateOverride,
        PlacementFile,
        SchemePolicy,
    )
    from satuatap.placement.models import Agency, AgencyConcern, JobOrder

    auditlog.register(Agency)
    auditlog.register(AgencyConcern, exclude_fields=_encrypted_fields(AgencyConcern))
    auditlog.register(JobOrder)
    auditlog.register(PlacementFile)
    auditlog.register(GateOverride)
    auditlog.register(ChecklistRule)
    auditlog.register(SchemePolicy)

    from satuatap.placement.training.models import Attendance, Course, Enrolment

    auditlog.register(Course)
    auditlog.register(Enrolment)
    auditlog.register(Attendance)

    from satuatap.placement.national.models import NationalExchange

    # Who exported the office's registrations to SISKOP2MI, or imported its updates (counts
    # only: the file itself is not kept).
    auditlog.register(NationalExchange)
    # The national list of agencies, job orders, rules and courses hold nobody's personal data.
    show_values_of(Agency, JobOrder, ChecklistRule, SchemePolicy, Course, NationalExchange)


def register_office_records() -> None:
    """The office's placement files, job orders, concerns and training in the office head's
    trail (`core.trail`)."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register
    from satuatap.placement.files.models import GateOverride, PlacementFile
    from satuatap.placement.models import AgencyConcern, JobOrder
    from satuatap.placement.training.models import Attendance, Course, Enrolment

    def of_office(model, path="office_id"):
        return lambda viewer: model.objects.filter(**{path: viewer.office_id_or_none})

    register(
        PlacementFile,
        records=of_office(PlacementFile),
        url_name="placement:file-detail",
        parent=OFFICE,
    )
    register(
        GateOverride,
        records=of_office(GateOverride, "file__office_id"),
        parent=("file", of_office(PlacementFile)),
    )
    register(
        JobOrder, records=of_office(JobOrder), url_name="placement:job-order-edit", parent=OFFICE
    )
    register(AgencyConcern, records=of_office(AgencyConcern), parent=OFFICE)
    register(Course, records=of_office(Course), url_name="placement:course-detail", parent=OFFICE)
    register(
        Enrolment,
        records=of_office(Enrolment, "course__office_id"),
        parent=("course", of_office(Course)),
    )
    register(
        Attendance,
        records=of_office(Attendance, "enrolment__course__office_id"),
        parent=("enrolment", of_office(Enrolment, "course__office_id")),
    )
