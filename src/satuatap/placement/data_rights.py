"""What placement holds on a person, for the person's copy of their data (UU 27/2022)."""

from __future__ import annotations

from satuatap.placement.files.models import PlacementFile
from satuatap.placement.training.selectors import enrolments_of_person


def _day(value) -> str | None:
    return value.isoformat() if value else None


def placement_files(person, viewer=None) -> list[dict]:
    files = (
        PlacementFile.objects.filter(person=person)
        .select_related("job_order", "job_order__agency")
        .prefetch_related("history")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": f.pk,
            "scheme": f.get_scheme_display(),
            "agency": f.job_order.agency.name if f.job_order and f.job_order.agency else None,
            "job_order_permit": f.job_order.permit_number if f.job_order else None,
            "employer": f.employer_name(),
            "destination": str(f.destination().name) if f.destination() else "",
            "occupation": f.occupation or (f.job_order.occupation if f.job_order else ""),
            "fee_charged_idr": f.fee_charged_idr,
            "stage": f.get_stage_display(),
            "departure_date": _day(f.departure_date),
            "return_date": _day(f.return_date),
            "return_reason": f.get_return_reason_display() if f.return_reason else "",
            "national_reference": f.national_reference,
            "ekpmi_number": f.ekpmi_number,
            "national_status": f.national_status,
            "stage_history": [
                {
                    "date": _day(change.effective_date),
                    "from": change.get_from_stage_display() if change.from_stage else "",
                    "to": change.get_to_stage_display(),
                }
                for change in f.history.all()
            ],
        }
        for f in files
    ]


def training(person, viewer=None) -> list[dict]:
    return [
        {
            "course": e.course.title,
            "kind": e.course.get_kind_display(),
            "training_centre": e.course.training_centre,
            "first_day": _day(e.course.start_date),
            "last_day": _day(e.course.end_date),
            "result": e.get_result_display(),
        }
        for e in enrolments_of_person(person)
    ]


def register() -> None:
    from satuatap.people.data_rights.hooks import register_data_section

    register_data_section("placement_files", placement_files)
    register_data_section("training", training)
