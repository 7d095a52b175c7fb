"""The messages SatuAtap can send: one template per code, its text in every language of the
site (gettext), and whether it is about an MRC case.

Rules every template keeps (docs/security.md, "Notifications"): no template names the MRC,
violence, a case or a partner organisation; a template about a case (`is_case_related`) is
queued only to a number the case worker marked safe for that case.

A template for a partner (`audience="partner"`) says only that something awaits it in SatuAtap,
with a link: never the client, the case or what happened. A staff digest holds counts only.
A template for a requester (`audience="requester"`, the public portal's receipt) goes to an
address someone typed for themselves, with no person, staff member or partner on the message:
the database takes such a message only for these templates (`Message`'s check constraint is
built from `requester_template_codes()`, so a new one needs a migration).

`whatsapp_name` is the name of the template approved in WhatsApp Manager; its body parameters
are `parameters` in this order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    subject: object  # a lazy translated string
    body: object  # a lazy translated string with %(name)s placeholders
    parameters: tuple[str, ...]
    whatsapp_name: str
    is_case_related: bool = False
    # Who it goes to: "person" (a worker or visitor, on their own number), "staff" (a staff
    # member's e-mail), "partner" (a partner organisation's contact e-mail) or "requester" (an
    # address someone typed in the public portal for themselves, with no registry record behind
    # it: a message with no person, no staff member and no partner).
    audience: str = "person"

    def render(self, language: str, values: dict) -> tuple[str, str]:
        """(subject, body) in `language`."""
        filled = {name: values.get(name, "") for name in self.parameters}
        with translation.override(language):
            return str(self.subject), str(self.body) % filled


TEMPLATES: dict[str, MessageTemplate] = {}


def register(template: MessageTemplate) -> None:
    TEMPLATES[template.code] = template


def get_template(code: str) -> MessageTemplate | None:
    return TEMPLATES.get(code)


register(
    MessageTemplate(
        code="document_expiring",
        subject=_("Your document expires soon"),
        body=_(
            "Your %(document)s expires on %(expires_on)s. Please renew it in time and bring "
            "it to the one-stop service office %(office)s."
        ),
        parameters=("document", "expires_on", "office"),
        whatsapp_name="document_expiring",
    )
)

# A message about an MRC case: it says only that the office asks to be called back. It is
# never queued without the case worker's safe-contact mark (services.queue_message).
register(
    MessageTemplate(
        code="case_call_back",
        subject=_("Please contact the office"),
        body=_("The one-stop service office %(office)s asks you to get in touch."),
        parameters=("office",),
        whatsapp_name="call_back",
        is_case_related=True,
    )
)

# The queue (frontdesk.services.call_next / call_ticket), when the office head turned it on.
register(
    MessageTemplate(
        code="ticket_soon",
        subject=_("Your number will be called soon"),
        body=_(
            "Your number %(ticket)s at %(office)s will be called soon: %(ahead)s numbers are "
            "ahead of you. Please come back to the waiting room."
        ),
        parameters=("ticket", "ahead", "office"),
        whatsapp_name="ticket_soon",
    )
)
register(
    MessageTemplate(
        code="ticket_called",
        subject=_("Your number is called"),
        body=_("Your number %(ticket)s is called now at %(desk)s, %(office)s."),
        parameters=("ticket", "desk", "office"),
        whatsapp_name="ticket_called",
    )
)

# Training and OPP (placement.training): on enrolment, and the day before the first day.
register(
    MessageTemplate(
        code="course_enrolled",
        subject=_("You are enrolled"),
        body=_(
            "You are enrolled in %(course)s at %(place)s, from %(starts_on)s to %(ends_on)s. "
            "Questions: the one-stop service office %(office)s."
        ),
        parameters=("course", "place", "starts_on", "ends_on", "office"),
        whatsapp_name="course_enrolled",
    )
)
register(
    MessageTemplate(
        code="course_tomorrow",
        subject=_("Your course starts tomorrow"),
        body=_("%(course)s starts tomorrow, %(starts_on)s, at %(place)s."),
        parameters=("course", "starts_on", "place"),
        whatsapp_name="course_tomorrow",
    )
)

# The readiness gate (placement.files): the documents to bring and where.
register(
    MessageTemplate(
        code="file_blocked",
        subject=_("Documents are still needed for your placement"),
        body=_(
            "Your placement file cannot go ahead yet. Please bring: %(documents)s, to the "
            "one-stop service office %(office)s."
        ),
        parameters=("documents", "office"),
        whatsapp_name="file_blocked",
    )
)

# Departure (placement.files): a few days before the departure date.
register(
    MessageTemplate(
        code="departure_soon",
        subject=_("Your departure is near"),
        body=_(
            "Your departure is planned for %(departure_on)s. Keep your passport, visa and work "
            "contract with you. Questions: the one-stop service office %(office)s."
        ),
        parameters=("departure_on", "office"),
        whatsapp_name="departure_soon",
    )
)

# To a partner organisation (cases.services: a referral sent, revoked or ended). Nothing of
# the client, the case or what happened: a link to sign in.
register(
    MessageTemplate(
        code="referral_update",
        subject=_("SatuAtap: a referral awaits you"),
        body=_(
            "A referral from %(office)s awaits you in SatuAtap, or has changed. Please sign in "
            "to see it: %(link)s"
        ),
        parameters=("office", "link"),
        whatsapp_name="referral_update",
        is_case_related=True,
        audience="partner",
    )
)

# To staff who asked for it on their digest page: the office's counts of yesterday.
register(
    MessageTemplate(
        code="staff_digest",
        subject=_("SatuAtap: yesterday at your office"),
        body=_(
            "%(office)s, %(day)s: %(tickets)s tickets issued; %(files)s placement files "
            "waiting; %(referrals)s referrals waiting for an answer.\n%(link)s"
        ),
        parameters=("office", "day", "tickets", "files", "referrals", "link"),
        whatsapp_name="staff_digest",
        audience="staff",
    )
)

# The one-time code of the public portal (`satuatap.portal`), sent to the number on record of
# the person who identified with a NIK and a date of birth.
register(
    MessageTemplate(
        code="portal_code",
        subject=_("Your SatuAtap code"),
        body=_(
            "Your SatuAtap code is %(code)s. It is valid for %(minutes)s minutes. Never give it "
            "to anyone, office staff included."
        ),
        parameters=("code", "minutes"),
        whatsapp_name="one_time_code",
    )
)

# The confirmation a person may ask for when they send a message from the portal's help form.
# It says nothing of what the message was about, nor to whom it went inside the office.
register(
    MessageTemplate(
        code="portal_received",
        subject=_("Message received"),
        body=_("The one-stop service office %(office)s received your message."),
        parameters=("office",),
        whatsapp_name="message_received",
        audience="requester",
    )
)


def requester_template_codes() -> tuple[str, ...]:
    """The codes of the templates that go to a typed address with no recipient on record."""
    return tuple(sorted(code for code, t in TEMPLATES.items() if t.audience == "requester"))
