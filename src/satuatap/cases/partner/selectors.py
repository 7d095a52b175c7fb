"""What a partner organisation reads of the MRC: the referrals sent to it, and of each only the
items the client consented to share, while the referral is live (`Referral.has_ended`)."""

from __future__ import annotations

import datetime
from typing import cast

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from satuatap.cases.models import (
    Case,
    CaseStatus,
    PartnerReferralIn,
    Referral,
    ReferralEnd,
    ReferralState,
    SharedItem,
)
from satuatap.core.models import Organisation, OrganisationKind, User


def partner_referrals(user: User) -> QuerySet[Referral]:
    """Referrals sent to the user's partner organisation, those that ended included (consent
    withdrawn, revoked, case closed): the partner sees that they ended, and nothing of the
    client (`Referral.has_ended`, `shared_view`)."""
    if not user.has_perm("cases.use_partner_portal"):
        return Referral.objects.none()
    return (
        Referral.objects.filter(partner_id=user.organisation_id)
        .select_related("case", "case__client", "consent", "partner")
        .order_by("-sent_at", "-pk")
    )


def live_referrals_in_state(user: User, state: str) -> QuerySet[Referral]:
    """The partner's referrals in `state` whose access has not ended, the answer due first (the
    list page's filter by state)."""
    return (
        partner_referrals(user)
        .filter(state=state)
        .exclude(ended_referrals_q())
        .select_related("case__office")
        .order_by("due_on", "pk")
    )


def ended_referrals_q() -> Q:
    """Referrals whose partner's access is over (the same rule as `Referral.has_ended`)."""
    return Q(stopped_at__isnull=False) | Q(case__status=CaseStatus.CLOSED)


def get_partner_referral(user: User, referral_id: int) -> Referral | None:
    return partner_referrals(user).filter(pk=referral_id).first()


PARTNER_END_CASE_CLOSED = "case_closed"
PARTNER_END_BY_OFFICE = "ended_by_office"


def partner_end_reason(referral: Referral) -> str | None:
    """Why a referral ended, as its partner is told: the case was closed, or the office ended
    it. Never whether the client withdrew consent: that choice stays between her and the
    office. None while the referral is live."""
    if not referral.has_ended:
        return None
    if referral.end_reason == ReferralEnd.CASE_CLOSED or (
        not referral.end_reason and referral.case.is_closed
    ):
        return PARTNER_END_CASE_CLOSED
    return PARTNER_END_BY_OFFICE


def shared_view(referral: Referral) -> dict:
    """What the partner may read of the case: only the consented items, nothing else; once the
    referral has ended (consent withdrawn, revoked, case closed), nothing at all."""
    if referral.has_ended:
        return {"items": []}
    case = referral.case
    items = set(referral.consent.items) if referral.consent.is_active else set()
    client = case.client
    view: dict = {"number": case.number, "service": referral.service, "items": sorted(items)}
    if SharedItem.IDENTITY in items:
        view["client_name"] = client.full_name
        view["client_sex"] = client.get_sex_display()
        view["client_age"] = client.age_on(timezone.localdate())
    if SharedItem.CONTACT in items:
        view["client_phones"] = [phone.number for phone in client.phones.all()]
        view["client_address"] = client.address
    if SharedItem.SUMMARY in items:
        view["categories"] = [c.get_category_display() for c in case.categories.all()]
        view["country"] = str(case.country.name) if case.country else ""
        view["employer"] = case.employer
    if SharedItem.NARRATIVE in items:
        view["narrative"] = case.narrative
        view["message"] = referral.message
    if SharedItem.SAFETY in items:
        view["safety"] = [
            str(cast(models.Field, Case._meta.get_field(f)).verbose_name)
            for f in case.safety_flags()
        ]
        view["safety_notes"] = case.safety_notes
    return view


def unanswered_referrals(today: datetime.date) -> QuerySet[Referral]:
    """Sent referrals past their due date whose consent still stands (every office): those
    the partners are reminded of (`services.send_referral_reminders`)."""
    return (
        Referral.objects.filter(
            state=ReferralState.SENT,
            due_on__lt=today,
            stopped_at__isnull=True,
            consent__withdrawn_on__isnull=True,
        )
        .select_related("case__office", "partner")
        .order_by("partner_id", "case__office_id", "due_on", "pk")
    )


# --- Referrals a partner sends to an office (services.refer_to_office) --------------------------


def offices_of(partner: Organisation) -> QuerySet[Organisation]:
    """The active offices the partner works with: the ones it may refer to."""
    return partner.partner_offices.filter(kind=OrganisationKind.OFFICE, is_active=True).order_by(
        "name"
    )


def sent_by(partner: Organisation) -> QuerySet[PartnerReferralIn]:
    return PartnerReferralIn.objects.filter(partner=partner).select_related("contact__office")
