"""The person page's section on messages (people.panels): which of the person's numbers opted
out of which channel, a form to record an opt-out at the desk, and the language for messages.
It lists no message: a message about an MRC case would tell the reader that there is a case."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from satuatap.notifications import selectors, services
from satuatap.notifications.models import Channel
from satuatap.people.panels import register_person_panel


def messages_panel(request, person) -> str:
    if not request.user.has_perm("notifications.record_opt_out", person):
        return ""
    opted_out = selectors.opted_out_channels(person)
    context = {
        "person": person,
        "numbers": [
            (phone, [Channel(c).label for c in opted_out.get(phone.pk, [])])
            for phone in person.phones.all()
        ],
        "languages": settings.LANGUAGES,
        "language": services.language_of(person),
    }
    return render_to_string("notifications/_person_panel.html", context, request=request)


def register() -> None:
    register_person_panel(messages_panel)
