"""The person page's section of data-subject requests (people.panels): the requests about the
person that the reader may see, and the button to record one. It says nothing else about the
person: no request about anyone looks different from another."""

from __future__ import annotations

from django.template.loader import render_to_string

from satuatap.people.panels import register_person_panel
from satuatap.privacy import selectors


def subject_requests_panel(request, person) -> str:
    user = request.user
    if not user.has_perm("privacy.register_subject_request"):
        return ""
    context = {
        "person": person,
        "subject_requests": list(selectors.requests_about(user, person)[:20]),
        "can_record": person.is_active_record,
    }
    return render_to_string("privacy/_person_panel.html", context, request=request)


def register() -> None:
    register_person_panel(subject_requests_panel)
