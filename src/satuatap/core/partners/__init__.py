"""The office's partner directory, kept by its head: the partner organisations it works with and
the people there it deals with (issue 19 point 8). The MRC refers to these partners and its
consent templates name them (`cases.directory`); outreach names them at events.

- A head adds a partner (it works with the head's office) and stops working with one (the
  office is taken off the partner's offices: it is no longer offered for consent, referrals or
  events; referrals already sent are the case workers' to end, as before).
- A partner's own details (name, type, services, area, address, phone, e-mail, focal person)
  are changed by the head only while the partner works with that office alone: a partner shared
  with other offices is kept by the administrator, since a change would reach the other offices'
  referrals and reminders.
- Contact people are the office's own: each office keeps those it deals with, whoever else
  works with the partner. Reminders of unanswered referrals go to the office's contacts that
  take them, else to the partner's address (`reminder_addresses`).

Every change is audited (auditlog: `Organisation` with its offices, `PartnerContact`).

The package: what a partner's and a contact's details are (and how they are cleaned) here;
`selectors.py` (the office's contacts, where reminders go, whether the head keeps a partner's
details), `services.py` (adding, changing and leaving partners; contacts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import PartnerContact, PartnerType


def _email_error(value: str) -> str | None:
    if not value:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return _("Enter a valid e-mail address.")
    return None


@dataclass
class PartnerDetails:
    name: str
    partner_type: str
    services_offered: str = ""
    service_area: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    focal_person: str = ""

    def cleaned(self) -> PartnerDetails:
        errors: dict[str, str] = {}
        name = " ".join(self.name.split())
        if not name:
            errors["name"] = _("Give the partner's name.")
        if self.partner_type not in PartnerType.values:
            errors["partner_type"] = _("Choose the kind of partner.")
        email = self.email.strip()
        if message := _email_error(email):
            errors["email"] = message
        services = "\n".join(
            line.strip() for line in self.services_offered.splitlines() if line.strip()
        )
        if errors:
            raise DomainError(
                "invalid", _("Some fields are not valid."), status=422, details=errors
            )
        return PartnerDetails(
            name=name[:200],
            partner_type=self.partner_type,
            services_offered=services,
            service_area=self.service_area.strip()[:200],
            address=self.address.strip(),
            phone=self.phone.strip()[:32],
            email=email,
            focal_person=self.focal_person.strip()[:200],
        )


@dataclass
class ContactDetails:
    name: str
    position: str = ""
    phone: str = ""
    email: str = ""
    receives_reminders: bool = False

    def cleaned(self) -> ContactDetails:
        errors: dict[str, str] = {}
        name = " ".join(self.name.split())
        email = self.email.strip()
        if not name:
            errors["name"] = _("Give the contact's name.")
        if message := _email_error(email):
            errors["email"] = message
        if self.receives_reminders and not email:
            errors["email"] = _("Reminders need an e-mail address.")
        if errors:
            raise DomainError(
                "invalid", _("Some fields are not valid."), status=422, details=errors
            )
        return ContactDetails(
            name=name[:200],
            position=self.position.strip()[:120],
            phone=self.phone.strip()[:32],
            email=email,
            receives_reminders=self.receives_reminders,
        )


def register_office_records() -> None:
    """The office's contact people at its partners in the office head's trail (`core.trail`)."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register

    register(
        PartnerContact,
        records=lambda viewer: PartnerContact.objects.filter(office_id=viewer.office_id_or_none),
        parent=OFFICE,
    )
