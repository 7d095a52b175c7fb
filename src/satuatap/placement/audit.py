from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.placement.models import (
        Agency,
        ChecklistRule,
        GateOverride,
        JobOrder,
        PlacementFile,
        SchemePolicy,
    )

    auditlog.register(Agency)
    auditlog.register(JobOrder)
    auditlog.register(PlacementFile)
    auditlog.register(GateOverride)
    auditlog.register(ChecklistRule)
    auditlog.register(SchemePolicy)

    from satuatap.placement.training_models import Attendance, Course, Enrolment

    auditlog.register(Course)
    auditlog.register(Enrolment)
    auditlog.register(Attendance)
