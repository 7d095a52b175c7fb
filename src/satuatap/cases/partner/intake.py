"""A partner refers a client to an office's MRC (issue 22, point 2): a women's crisis centre or
a union that met a migrant worker first, with her consent, opens a contact for the office's
counsellors. The partner writes; it never reads the office's records: its list shows what it
sent (when, to which office, the topic), nothing of what the office did with it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from satuatap.cases.guards import clean_text
from satuatap.cases.models import (
    AgeBand,
    Channel,
    Contact,
    ContactKind,
    ContactSource,
    PartnerReferralIn,
    Topic,
)
from satuatap.cases.portal_intake import MAX_REACH, MAX_STORY
from satuatap.cases.services import insert_with_random_identity
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.people.models import Sex

MAX_NAME = 200


def offices_of(partner: Organisation) -> QuerySet[Organisation]:
    """The active offices the partner works with: the ones it may refer to."""
    return partner.partner_offices.filter(kind=OrganisationKind.OFFICE, is_active=True).order_by(
        "name"
    )


def sent_by(partner: Organisation) -> QuerySet[PartnerReferralIn]:
    return PartnerReferralIn.objects.filter(partner=partner).select_related("contact__office")


@transaction.atomic
def refer_to_office(
    *,
    by: User,
    office: Organisation,
    client_name: str,
    sex: str,
    age_band: str,
    topic: str,
    what_happened: str,
    reach: str,
    country: str,
    consent_given_on: datetime.date | None,
    consent_method: str,
) -> PartnerReferralIn:
    """One contact for the office's counsellors, with what happened and a safe way to reach the
    client (encrypted), her name (encrypted), and her consent as the partner recorded it."""
    partner = by.organisation
    if partner is None or not by.has_perm("cases.refer_to_office"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    errors: dict[str, list[str]] = {}
    if not offices_of(partner).filter(pk=office.pk).exists():
        errors["office"] = [_("Choose an office your organisation works with.")]
    client_name, story = clean_text(client_name), clean_text(what_happened)
    reach = clean_text(reach)
    if not client_name:
        errors["client_name"] = [_("Give the client's name.")]
    elif len(client_name) > MAX_NAME:
        errors["client_name"] = [_("Write at most %(max)s characters.") % {"max": MAX_NAME}]
    if not story:
        errors["what_happened"] = [_("Say in a few words what happened and what she needs.")]
    elif len(story) > MAX_STORY:
        errors["what_happened"] = [_("Write at most %(max)s characters.") % {"max": MAX_STORY}]
    if not reach:
        errors["reach"] = [_("Give a safe way and time to reach her.")]
    elif len(reach) > MAX_REACH:
        errors["reach"] = [_("Write at most %(max)s characters.") % {"max": MAX_REACH}]
    if sex not in Sex.values:
        errors["sex"] = [_("Choose the sex.")]
    if age_band not in AgeBand.values:
        errors["age_band"] = [_("Choose the age band.")]
    if topic not in Topic.values:
        errors["topic"] = [_("Choose the topic.")]
    if country and country not in dict(countries):
        errors["country"] = [_("Choose a country.")]
    if consent_method not in PartnerReferralIn.ConsentMethod.values:
        errors["consent_method"] = [_("Say how she gave her consent.")]
    if consent_given_on is None:
        errors["consent_given_on"] = [_("A referral needs the client's consent: give its date.")]
    elif "office" not in errors and consent_given_on > office.today():
        errors["consent_given_on"] = [_("The date cannot be in the future.")]
    if errors or consent_given_on is None:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    contact = Contact(
        office=office,
        kind=ContactKind.INFORMATION,
        channel=Channel.ONLINE,
        topic=topic,
        source=ContactSource.PARTNER,
        occurred_on=office.today(),
        sex=sex,
        age_band=age_band,
        notes=story,
        reach=reach,
        country=country,
        recorded_by=None,
    )
    # A random id, as every contact: a sequence's gaps would count the restricted ones.
    insert_with_random_identity(contact)
    return PartnerReferralIn.objects.create(
        contact=contact,
        partner=partner,
        client_name=client_name,
        consent_given_on=consent_given_on,
        consent_method=consent_method,
        recorded_by=by,
    )
