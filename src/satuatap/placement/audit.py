from auditlog.registry import auditlog

from satuatap.core.audit import show_values_of
from satuatap.core.encryption import EncryptedTextField


def _encrypted_fields(model) -> list[str]:
    """Encrypted columns stay out of the trail: auditlog would store their decrypted text."""
    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]


def register_models() -> None:
    from satuatap.placement.models import (
        Agency,
        AgencyConcern,
        ChecklistRule,
        GateOverride,
        JobOrder,
        PlacementFile,
        SchemePolicy,
    )

    auditlog.register(Agency)
    auditlog.register(AgencyConcern, exclude_fields=_encrypted_fields(AgencyConcern))
    auditlog.register(JobOrder)
    auditlog.register(PlacementFile)
    auditlog.register(GateOverride)
    auditlog.register(ChecklistRule)
    auditlog.register(SchemePolicy)

    from satuatap.placement.training_models import Attendance, Course, Enrolment

    auditlog.register(Course)
    auditlog.register(Enrolment)
    auditlog.register(Attendance)
    # The national list of agencies, job orders, rules and courses hold nobody's personal data.
    show_values_of(Agency, JobOrder, ChecklistRule, SchemePolicy, Course)
