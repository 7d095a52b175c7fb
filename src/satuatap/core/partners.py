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
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from satuatap.core import attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, OrganisationKind, PartnerContact, PartnerType, User
from satuatap.core.selectors import office_partners


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def _require_keeper(by: User, office: Organisation) -> None:
    if not by.has_perm("core.keep_partner_directory", office):
        raise _forbidden()


def _require_partner_of(partner: Organisation, office: Organisation) -> None:
    if not office_partners(office).filter(pk=partner.pk).exists():
        raise DomainError("not_found", _("No such partner."), status=404)


def is_kept_by(partner: Organisation, office: Organisation) -> bool:
    """Whether the office's head keeps the partner's own details: it works with this office
    and with no other."""
    offices = set(partner.partner_offices.values_list("pk", flat=True))
    return offices == {office.pk}


def _email_error(value: str) -> str | None:
    if not value:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return _("Enter a valid e-mail address.")
    return None


# --- The partner itself -------------------------------------------------------------------------


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


def _unique_slug(name: str) -> str:
    base = slugify(name)[:56] or "partner"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def add_partner(*, office: Organisation, by: User, details: PartnerDetails) -> Organisation:
    """A new partner organisation that works with `office`."""
    _require_keeper(by, office)
    details = details.cleaned()
    if Organisation.objects.filter(name__iexact=details.name).exists():
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={
                "name": _(
                    "An organisation has this name already; if it is the same partner, the "
                    "administrator links it to the office."
                )
            },
        )
    with transaction.atomic(), attribution.acting_as(by):
        partner = Organisation.objects.create(
            kind=OrganisationKind.PARTNER,
            slug=_unique_slug(details.name),
            **details.__dict__,
        )
        partner.partner_offices.add(office)
    return partner


def update_partner(
    *, partner: Organisation, office: Organisation, by: User, details: PartnerDetails
) -> Organisation:
    """Change the partner's own details: only while it works with this office alone."""
    _require_keeper(by, office)
    _require_partner_of(partner, office)
    if not is_kept_by(partner, office):
        raise DomainError(
            "shared_partner",
            _(
                "This partner works with other offices too: the administrator keeps its "
                "details. Keep your office's contact people here."
            ),
            status=409,
        )
    details = details.cleaned()
    if Organisation.objects.filter(name__iexact=details.name).exclude(pk=partner.pk).exists():
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"name": _("An organisation has this name already.")},
        )
    with transaction.atomic(), attribution.acting_as(by):
        for name, value in details.__dict__.items():
            setattr(partner, name, value)
        partner.save(update_fields=list(details.__dict__))
    return partner


def stop_working_with(*, partner: Organisation, office: Organisation, by: User) -> None:
    """The office no longer works with the partner: it is not offered for consent, referrals or
    events any more. Its contacts at the office stay (for the history) until removed."""
    _require_keeper(by, office)
    _require_partner_of(partner, office)
    with transaction.atomic(), attribution.acting_as(by):
        partner.partner_offices.remove(office)


# --- Contact people ----------------------------------------------------------------------------


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


def save_contact(
    *,
    office: Organisation,
    partner: Organisation,
    by: User,
    details: ContactDetails,
    contact: PartnerContact | None = None,
) -> PartnerContact:
    """Add a contact person of the office at the partner, or change one."""
    _require_keeper(by, office)
    _require_partner_of(partner, office)
    if contact is not None and (contact.office_id, contact.partner_id) != (office.pk, partner.pk):
        raise DomainError("not_found", _("No such contact."), status=404)
    details = details.cleaned()
    with transaction.atomic(), attribution.acting_as(by):
        if contact is None:
            contact = PartnerContact(office=office, partner=partner)
        for name, value in details.__dict__.items():
            setattr(contact, name, value)
        contact.save()
    return contact


def delete_contact(*, contact: PartnerContact, by: User) -> None:
    office = Organisation.objects.get(pk=contact.office_id)
    _require_keeper(by, office)
    with transaction.atomic(), attribution.acting_as(by):
        contact.delete()


# --- Reads ----------------------------------------------------------------------------------------


def office_contacts(office: Organisation | None) -> QuerySet[PartnerContact]:
    if office is None:
        return PartnerContact.objects.none()
    return PartnerContact.objects.filter(office=office).order_by("name", "pk")


def reminder_addresses(*, partner: Organisation, office: Organisation) -> list[str]:
    """Where the office's reminders to the partner go: its contacts there that take them, else
    the partner's own address; none when neither is known."""
    addresses = list(
        PartnerContact.objects.filter(office=office, partner=partner, receives_reminders=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    if addresses:
        return addresses
    return [partner.email] if partner.email else []


def register_office_records() -> None:
    """The office's contact people at its partners in the office head's trail (`core.trail`)."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register

    register(
        PartnerContact,
        records=lambda viewer: PartnerContact.objects.filter(office_id=viewer.office_id_or_none),
        parent=OFFICE,
    )
