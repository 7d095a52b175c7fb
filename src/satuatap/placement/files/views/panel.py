"""The placement section of the person page, added through `people.panels` (the registry
never imports placement)."""

from __future__ import annotations

from django.template.loader import render_to_string

from satuatap.placement.files import selectors


def person_panel(request, person) -> str:
    """The person's placement files in the reader's office, and the button to open one."""
    user = request.user
    if not user.has_perm("placement.list_files"):
        return ""
    placement_files = list(selectors.visible_files(user).filter(person=person))
    can_open = (
        user.has_perm("placement.open_file", person)
        and person.is_active_record
        and not any(f.is_open for f in placement_files)
    )
    if not placement_files and not can_open:
        return ""
    context = {"person": person, "placement_files": placement_files, "can_open": can_open}
    return render_to_string("placement/_file_person_panel.html", context, request=request)
