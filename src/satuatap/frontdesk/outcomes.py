"""What the desks recorded for a person when they finished a ticket, shown again: a section of
the person page (`people.panels`) and a section of the person's copy of their data
(`people.data_rights.hooks`). The MRC desk's records only for the MRC's staff
(`selectors.service_records_of`); the registry never imports the front desk."""

from __future__ import annotations

from django.template.loader import render_to_string

from satuatap.frontdesk import selectors


def person_panel(request, person) -> str:
    """The person's services at the desks, newest first; nothing when there are none the
    reader may read (the same whether or not the MRC desk recorded something)."""
    found = selectors.service_records_of(person, request.user)
    if not found.records:
        return ""
    context = {"person": person, "records": found.records, "complete": found.complete}
    return render_to_string("frontdesk/_service_records_panel.html", context, request=request)


def data_section(person, viewer) -> dict:
    """The same for the person's copy of their data, made by `viewer`."""
    found = selectors.service_records_of(person, viewer)
    return {
        "records": [
            {
                "date": record.ticket.day.isoformat(),
                "ticket": record.ticket.code,
                "desk": str(record.ticket.desk.desk_type.name),
                "services": [str(service.name) for service in record.services.all()],
                "outcome": record.get_outcome_display(),
                "what_was_done": record.notes,
                "recorded_by": record.recorded_by.get_full_name() or record.recorded_by.username,
            }
            for record in found.records
        ],
        "complete": found.complete,
    }


def register() -> None:
    from satuatap.people.data_rights.hooks import register_data_section
    from satuatap.people.panels import register_person_panel

    register_person_panel(person_panel)
    register_data_section("service_records", data_section)
