"""The messages SatuAtap can send: one template per code, its text in every language of the
site (gettext), and whether it is about an MRC case.

Rules every template keeps (docs/security.md, "Notifications"): no template names the MRC,
violence, a case or a partner organisation; a template about a case (`is_case_related`) is
queued only to a number the case worker marked safe for that case.

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
    # Sent to an address someone typed in the public portal for themselves, with no registry
    # record behind it (a message with neither a person nor a staff member).
    to_requester: bool = False

    def render(self, language: str, values: dict) -> tuple[str, str]:
        """(subject, body) in `language`."""
        with translation.override(language):
            return str(self.subject), str(self.body) % {
                name: values.get(name, "") for name in self.parameters
            }


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
        to_requester=True,
    )
)
