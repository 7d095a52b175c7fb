"""API routes of core: tokens, the caller's profile, offices."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from satuatap.core import attribution, selectors, services, two_factor
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation
from satuatap.core.schemas import (
    DeskOut,
    ErrorOut,
    MeOut,
    OfficeOut,
    OrganisationOut,
    TokenIn,
    TokenOut,
    TokenRevokeIn,
)
from satuatap.core.two_factor import selectors as two_factor_selectors
from satuatap.core.two_factor import services as two_factor_services

auth_router = Router(tags=["auth"])
offices_router = Router(tags=["offices"])


@auth_router.post(
    "/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
)
def obtain_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (shown once; stored hashed)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise DomainError("locked_out", _("Too many failed attempts. Try again later."), status=429)
    if user is None:
        raise DomainError("invalid_credentials", _("Wrong username or password."), status=401)
    # The caller is not signed in: once the password is right, what follows is the user's.
    with attribution.acting_as(user):
        if two_factor.requires_two_factor(user):
            _check_second_factor(user, payload.otp)
        raw, token = services.issue_api_token(user=user, name=payload.name)
    return TokenOut(token=raw, expires_at=token.expires_at)


def _check_second_factor(user, code: str) -> None:
    """A token is as strong as a verified session: accounts under two-factor sign-in get one
    only against a current code (or a recovery code), with the same throttling."""
    if not two_factor_selectors.is_enrolled(user):
        raise DomainError(
            "two_factor_enrolment_required",
            _("Set up two-factor sign-in on the website first."),
            status=403,
        )
    if not code.strip():
        raise DomainError(
            "two_factor_required",
            _("This account uses two-factor sign-in: send the current code as otp."),
            status=401,
        )
    try:
        two_factor_services.check_code(user=user, code=code)
    except DomainError as error:
        if error.code == "invalid_code":
            error.status = 401
        raise


@auth_router.post("/token/revoke", response={204: None, 404: ErrorOut})
def revoke_token(request, payload: TokenRevokeIn):
    """Revoke one of your own tokens."""
    services.revoke_api_token(raw=payload.token, by=request.user)
    return Status(204, None)


@auth_router.get("/me", response=MeOut)
def me(request):
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        organisation_id=user.organisation_id,
        organisation=user.organisation.name if user.organisation else None,
        roles=sorted(user.roles),
        language=user.language,
    )


def _office_out(office: Organisation) -> OfficeOut:
    return OfficeOut(
        id=office.pk,
        slug=office.slug,
        name=office.name,
        region_code=office.region_id,
        time_zone=office.time_zone,
        desks=[
            DeskOut(
                id=d.pk,
                desk_type=d.desk_type.code,
                name=d.desk_type.name,
                prefix=d.prefix,
                is_active=d.is_active,
            )
            for d in office.desks.all()
        ],
    )


@offices_router.get("", response={200: list[OfficeOut], 403: ErrorOut})
def list_offices(request):
    """Offices the caller may see: their own, or all for national roles (403 for others)."""
    if not request.user.has_perm("core.list_offices"):
        raise PermissionDenied
    return [_office_out(o) for o in selectors.visible_offices(request.user)]


@offices_router.get("/{office_id}", response={200: OfficeOut, 404: ErrorOut})
def get_office(request, office_id: int):
    office = get_object_or_404(selectors.visible_offices(request.user), pk=office_id)
    return _office_out(office)


@offices_router.get("/{office_id}/partners", response={200: list[OrganisationOut], 404: ErrorOut})
def list_office_partners(request, office_id: int):
    office = get_object_or_404(selectors.visible_offices(request.user), pk=office_id)
    return list(office.partners.filter(is_active=True))
