"""Writes of the office's partner directory, by its head: adding a partner, changing its own
details (while it works with this office alone), no longer working with it, the office's
contact people there. Every change is audited as the head's."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from satuatap.core import attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, OrganisationKind, PartnerContact, User
from satuatap.core.partners import ContactDetails, PartnerDetails
from satuatap.core.partners.selectors import is_kept_by
from satuatap.core.selectors import office_partners


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def _require_keeper(by: User, office: Organisation) -> None:
    if not by.has_perm("core.keep_partner_directory", office):
        raise _forbidden()


def _require_partner_of(partner: Organisation, office: Organisation) -> None:
    if not office_partners(office).filter(pk=partner.pk).exists():
        raise DomainError("not_found", _("No such partner."), status=404)


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
