"""Contacts opened from the public portal: no signed-in user, no person of the registry. The
text is encrypted (`Contact.notes`, `Contact.reach` are `EncryptedTextField`), and the audit
entry of the new contact names no value of it (`cases/audit.py` leaves encrypted fields out)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from satuatap.cases.guards import clean_text
from satuatap.cases.models import Channel, Contact, ContactKind, ContactSource, Topic
from satuatap.cases.portal_intake import MAX_REACH, MAX_RECRUITER, MAX_STORY
from satuatap.cases.services import insert_with_random_identity
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, OrganisationKind


def _check_office(office: Organisation) -> None:
    if office.kind != OrganisationKind.OFFICE or not office.is_active:
        raise DomainError("unknown_office", _("Choose an office."), status=422)


def _invalid(errors: dict[str, list[str]]) -> DomainError:
    return DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)


def _portal_contact(
    *, office: Organisation, source: str, topic: str, notes: str, reach: str, country: str
) -> Contact:
    contact = Contact(
        office=office,
        kind=ContactKind.INFORMATION,
        channel=Channel.ONLINE,
        topic=topic,
        source=source,
        occurred_on=office.today(),
        notes=notes,
        reach=reach,
        country=country,
        recorded_by=None,
    )
    # A random id, as every contact: a sequence's gaps would count the restricted ones.
    insert_with_random_identity(contact)
    return contact


@transaction.atomic
def receive_help_request(
    *, office: Organisation, what_happened: str, reach: str, country: str
) -> Contact:
    """A person asks the MRC for help from the portal: one contact for the office's
    counsellors, with what happened, a safe way and time to reach them, and the country they
    are in."""
    _check_office(office)
    story, reach = clean_text(what_happened), clean_text(reach)
    errors: dict[str, list[str]] = {}
    if not story:
        errors["what_happened"] = [_("Tell us in a few words what happened.")]
    elif len(story) > MAX_STORY:
        errors["what_happened"] = [_("Write at most %(max)s characters.") % {"max": MAX_STORY}]
    if not reach:
        errors["reach"] = [_("Tell us a safe way and time to reach you.")]
    elif len(reach) > MAX_REACH:
        errors["reach"] = [_("Write at most %(max)s characters.") % {"max": MAX_REACH}]
    if country and country not in dict(countries):
        errors["country"] = [_("Choose a country.")]
    if errors:
        raise _invalid(errors)
    return _portal_contact(
        office=office,
        source=ContactSource.PORTAL_HELP,
        topic=Topic.OTHER,
        notes=story,
        reach=reach,
        country=country,
    )


@transaction.atomic
def receive_recruiter_report(
    *, office: Organisation, recruiter: str, details: str, reach: str = "", country: str = ""
) -> Contact:
    """Someone reports a recruiter who is not a licensed agency: a contact on jobs and
    agencies for the office's counsellors (they may raise it with the ministry as a concern
    about an agency, or open a case)."""
    _check_office(office)
    recruiter, details, reach = clean_text(recruiter), clean_text(details), clean_text(reach)
    errors: dict[str, list[str]] = {}
    if not recruiter:
        errors["recruiter"] = [_("Give the name the recruiter uses.")]
    elif len(recruiter) > MAX_RECRUITER:
        errors["recruiter"] = [_("Write at most %(max)s characters.") % {"max": MAX_RECRUITER}]
    if len(details) > MAX_STORY:
        errors["details"] = [_("Write at most %(max)s characters.") % {"max": MAX_STORY}]
    if len(reach) > MAX_REACH:
        errors["reach"] = [_("Write at most %(max)s characters.") % {"max": MAX_REACH}]
    if country and country not in dict(countries):
        errors["country"] = [_("Choose a country.")]
    if errors:
        raise _invalid(errors)
    # The recruiter's name on the first line (the contact's source says what it is).
    notes = f"{recruiter}\n\n{details}" if details else recruiter
    return _portal_contact(
        office=office,
        source=ContactSource.PORTAL_REPORT,
        topic=Topic.JOBS,
        notes=notes,
        reach=reach,
        country=country,
    )
