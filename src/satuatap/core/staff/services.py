"""Writes of an office's staff, with their rules (the package's `__init__` says them): the head
adds, changes and deactivates colleagues and sends password links; the administrator creates
offices and appoints their heads; a second person confirms a role grant."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from satuatap.core import attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import (
    Desk,
    Language,
    OfficeTimeZone,
    Organisation,
    OrganisationKind,
    RoleAssignment,
    RoleGrant,
    User,
)
from satuatap.core.roles import CONFIRMED_ROLES, OFFICE_ROLES, Role
from satuatap.core.staff.selectors import (
    active_heads,
    assigned_roles,
    may_receive_password_link,
    may_send_password_link,
    open_grants,
)
from satuatap.regions.models import Region, RegionLevel

GENDERS = ("F", "M", "U")


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def _invalid(errors: dict[str, str]) -> DomainError:
    return DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)


def _lock_office(office: Organisation | None) -> None:
    """Changes to an office's heads wait for each other: two heads removing each other at the
    same moment must leave one."""
    if office is not None:
        Organisation.objects.select_for_update().filter(pk=office.pk).first()


def _is_last_head(member: User) -> bool:
    office = member.organisation
    return (
        office is not None
        and member.is_active
        and Role.OFFICE_HEAD in assigned_roles(member)
        and not active_heads(office).exclude(pk=member.pk).exists()
    )


def _audit(user: User, event: str, by: User | None, **data: object) -> None:
    """An entry on the account for a change auditlog does not see (no audited field changes)."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=str(user),
        action=LogEntry.Action.UPDATE,
        actor=by,
        changes={},
        additional_data={"event": event, **data},
    )


@contextlib.contextmanager
def _scope(by: User | None, event: str) -> Iterator[None]:
    """Changes inside are `by`'s (or, `by` None, the command's that is running), each entry
    marked with `event`."""
    with contextlib.ExitStack() as stack:
        if by is not None:
            stack.enter_context(attribution.acting_as(by))
        stack.enter_context(attribution.with_audit_data(event=event))
        yield


# --- Checking what a form gives -----------------------------------------------------------------


@dataclass
class Details:
    """What an account says about its holder (the same for a head's and an administrator's
    forms)."""

    full_name: str
    email: str = ""
    gender: str = "U"
    language: str = Language.INDONESIAN

    def cleaned(self, errors: dict[str, str]) -> Details:
        full_name = " ".join(self.full_name.split())
        email = self.email.strip()
        if not full_name:
            errors["full_name"] = _("Give the colleague's full name.")
        elif len(full_name) > 200:
            errors["full_name"] = _("At most 200 characters.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = _("Enter a valid e-mail address.")
        if self.gender not in GENDERS:
            errors["gender"] = _("Unknown choice.")
        if self.language not in Language.values:
            errors["language"] = _("Unknown language.")
        return Details(full_name=full_name, email=email, gender=self.gender, language=self.language)


def _check_username(username: str, errors: dict[str, str]) -> str:
    username = username.strip()
    if not username:
        errors["username"] = _("Choose a user name.")
        return username
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors["username"] = _("Letters, digits and . _ @ + - only, without spaces.")
        return username
    if len(username) > 150:
        errors["username"] = _("At most 150 characters.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is taken. Choose another.")
    return username


def _check_roles(roles: Iterable[str], errors: dict[str, str]) -> set[str]:
    chosen = set(roles)
    if not chosen:
        errors["roles"] = _("Choose at least one role.")
    elif not chosen <= OFFICE_ROLES:
        # A ministry or partner role, or no role at all: never granted by an office head.
        errors["roles"] = _("An office head gives office roles only.")
    return chosen


def _check_desk(
    desk: Desk | None, roles: set[str], office: Organisation, errors: dict[str, str]
) -> None:
    if desk is not None and (desk.office_id != office.pk or not desk.is_active):
        errors["desk"] = _("Choose one of the office's desks.")
    elif desk is None and Role.DESK_OFFICER in roles:
        errors["desk"] = _("A desk officer works at one desk: choose it.")


# --- The head's work ----------------------------------------------------------------------------


@dataclass
class StaffChange:
    """What a change did: the account, and the roles that wait for a second person."""

    member: User
    waiting: list[str] = field(default_factory=list)


def _apply_roles(*, member: User, by: User, roles: set[str]) -> list[str]:
    """Make `member`'s roles `roles`: assign the plain ones, ask for confirmation of the
    confirmed ones, drop the rest (assignments and open grants). Returns the roles waiting."""
    current = assigned_roles(member)
    waiting = open_grants(member)
    removed = current - roles
    if Role.OFFICE_HEAD in removed and _is_last_head(member):
        raise DomainError(
            "last_head",
            _("The office needs an active head: make a colleague head first."),
            status=409,
        )
    if removed:
        for assignment in member.role_assignments.filter(role__in=removed):
            assignment.delete()
    for grant in member.role_grants.filter(decided_at__isnull=True).exclude(role__in=roles):
        grant.decided_at = timezone.now()
        grant.decided_by = by
        grant.is_confirmed = False
        grant.save(update_fields=["decided_at", "decided_by", "is_confirmed"])
    for role in sorted(roles - current):
        if role in CONFIRMED_ROLES:
            if role not in waiting:
                RoleGrant.objects.create(user=member, role=role, requested_by=by)
        else:
            RoleAssignment.objects.create(user=member, role=role)
    if "roles" in member.__dict__:
        del member.__dict__["roles"]  # User.roles is cached
    return sorted((roles - current) & CONFIRMED_ROLES)


def add_staff_member(
    *,
    office: Organisation,
    by: User,
    username: str,
    details: Details,
    roles: Iterable[str],
    desk: Desk | None = None,
) -> StaffChange:
    """A new colleague of `office` with office roles, without a password yet (see
    `issue_password_link`)."""
    if not by.has_perm("core.manage_staff", office):
        raise _forbidden()
    errors: dict[str, str] = {}
    username = _check_username(username, errors)
    details = details.cleaned(errors)
    chosen = _check_roles(roles, errors)
    _check_desk(desk, chosen, office, errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic(), _scope(by, "staff_added"):
        member = _new_member(office=office, username=username, details=details, desk=desk)
        waiting = _apply_roles(member=member, by=by, roles=chosen)
    return StaffChange(member=member, waiting=waiting)


def update_staff_member(
    *,
    member: User,
    by: User,
    details: Details,
    roles: Iterable[str],
    desk: Desk | None = None,
) -> StaffChange:
    """Change a colleague's details, desk and roles. A head's own roles stay as they are."""
    if not by.has_perm("core.manage_staff_member", member):
        raise _forbidden()
    office = member.organisation
    assert office is not None  # core.manage_staff_member: a colleague of the head's office
    errors: dict[str, str] = {}
    details = details.cleaned(errors)
    chosen = _check_roles(roles, errors)
    if member.pk == by.pk and chosen != assigned_roles(member) | open_grants(member):
        errors["roles"] = _(
            "You cannot change your own roles: another head of the office changes them."
        )
    _check_desk(desk, chosen, office, errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic(), _scope(by, "staff_changed"):
        _lock_office(office)
        member = User.objects.select_for_update(of=("self",)).get(pk=member.pk)
        member.full_name = details.full_name
        member.email = details.email
        member.gender = details.gender
        member.language = details.language
        member.desk = desk
        member.save(update_fields=["full_name", "email", "gender", "language", "desk"])
        waiting = _apply_roles(member=member, by=by, roles=chosen)
    return StaffChange(member=member, waiting=waiting)


def set_staff_active(*, member: User, by: User, is_active: bool) -> User:
    """Deactivate a colleague (they can no longer sign in; their API tokens are revoked) or
    reactivate them. Never oneself, never the office's last active head."""
    if not by.has_perm("core.manage_staff_member", member):
        raise _forbidden()
    if member.pk == by.pk:
        raise DomainError("own_account", _("You cannot deactivate your own account."), status=409)
    with transaction.atomic(), _scope(by, "staff_activated" if is_active else "staff_deactivated"):
        _lock_office(member.organisation)
        member = User.objects.select_for_update(of=("self",)).get(pk=member.pk)
        if member.is_active == is_active:
            return member
        if not is_active and _is_last_head(member):
            raise DomainError(
                "last_head",
                _("The office needs an active head: make a colleague head first."),
                status=409,
            )
        member.is_active = is_active
        member.save(update_fields=["is_active"])
    return member


# --- Passwords --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordLink:
    """Where a set-password link went: mailed to `emailed_to`, or `url` to be shown once."""

    url: str
    emailed_to: str = ""


def password_path(member: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    return reverse("core:set-password", kwargs={"uidb64": uid, "token": token})


def _mail_link(member: User, url: str) -> None:
    office = member.organisation
    with translation.override(member.language or settings.LANGUAGE_CODE):
        subject = _("SatuAtap: set your password")
        body = _(
            "An account was made for you in SatuAtap (%(organisation)s), with the user name "
            "%(username)s.\n\nSet your password through this link. It works once, for %(days)s "
            "days:\n%(url)s"
        ) % {
            "organisation": office.name if office else "SatuAtap",
            "username": member.username,
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "url": url,
        }
    send_mail(subject, body, None, [member.email], fail_silently=False)


def issue_password_link(*, member: User, by: User | None, base_url: str = "") -> PasswordLink:
    """A one-time link for `member` to set a password. Mailed (with the deployment's address,
    `SATUATAP_SITE_URL`) when the account has an e-mail address; otherwise returned to show
    once (on `base_url`, the address the person who asked is using). A password the account
    had stops working. `by` None: a command run on the server."""
    if by is not None and not may_send_password_link(by, member):
        raise _forbidden()
    if not may_receive_password_link(member):
        raise DomainError(
            "has_password",
            _(
                "This colleague signs in with two factors and already has a password: only "
                "they can change it (or the administrator reset it)."
            ),
            status=409,
        )
    with transaction.atomic(), _scope(by, "password_link"):
        if member.has_usable_password():
            member.set_unusable_password()
            member.save(update_fields=["password"])
        path = password_path(member)
        emailed_to = member.email
        _audit(member, "password_link", by, sent_by_email=bool(emailed_to))
        if emailed_to:
            url = settings.SATUATAP_SITE_URL.rstrip("/") + path
            transaction.on_commit(lambda: _mail_link(member, url))
            return PasswordLink(url="", emailed_to=emailed_to)
    return PasswordLink(url=base_url.rstrip("/") + path)


# --- The administrator's work -----------------------------------------------------------------


def create_office(
    *,
    by: User | None,
    name: str,
    slug: str,
    region: Region,
    time_zone: str,
    head_username: str,
    head: Details,
) -> StaffChange:
    """A new office for a regency or city, with its first head (no password yet). `by` None:
    a command run on the server."""
    if by is not None and not by.has_perm("core.create_office"):
        raise _forbidden()
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    slug = slug.strip().lower()
    if not name:
        errors["name"] = _("Give the office's name.")
    elif Organisation.objects.filter(name__iexact=name).exists():
        errors["name"] = _("An organisation has this name already.")
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = _("Lower-case letters, digits and hyphens only.")
    else:
        if Organisation.objects.filter(slug=slug).exists():
            errors["slug"] = _("This short name is taken. Choose another.")
    if region.level != RegionLevel.REGENCY:
        errors["region"] = _("Choose a regency or city.")
    elif Organisation.objects.filter(kind=OrganisationKind.OFFICE, region=region).exists():
        errors["region"] = _("This regency or city has an office already.")
    if time_zone not in OfficeTimeZone.values:
        errors["time_zone"] = _("Unknown choice.")
    head_errors: dict[str, str] = {}
    username = _check_username(head_username, head_errors)
    details = head.cleaned(head_errors)
    errors.update({f"head_{key}": message for key, message in head_errors.items()})
    if errors:
        raise _invalid(errors)
    with transaction.atomic(), _scope(by, "office_created"):
        office = Organisation.objects.create(
            kind=OrganisationKind.OFFICE,
            name=name,
            slug=slug,
            region=region,
            time_zone=time_zone,
        )
        member = _new_head(office=office, username=username, details=details)
    return StaffChange(member=member)


def _new_member(
    *, office: Organisation, username: str, details: Details, desk: Desk | None = None
) -> User:
    """A staff member without a password: they set it through the link they are sent."""
    member = User(
        username=username,
        full_name=details.full_name,
        email=details.email,
        gender=details.gender,
        language=details.language,
        organisation=office,
        desk=desk,
    )
    member.set_unusable_password()
    member.save()
    return member


def _new_head(*, office: Organisation, username: str, details: Details) -> User:
    member = _new_member(office=office, username=username, details=details)
    RoleAssignment.objects.create(user=member, role=Role.OFFICE_HEAD)
    return member


def appoint_head(
    *, office: Organisation, by: User | None, username: str, details: Details
) -> StaffChange:
    """A head for an office that has no active head left (the administrator deactivated the
    last one in an emergency). While the office has a head, its heads appoint the next one."""
    if by is not None and not by.has_perm("core.create_office"):
        raise _forbidden()
    if not office.is_office:
        raise DomainError("not_an_office", _("This organisation is not an office."), status=404)
    errors: dict[str, str] = {}
    username = _check_username(username, errors)
    details = details.cleaned(errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic(), _scope(by, "head_appointed"):
        _lock_office(office)
        if active_heads(office).exists():
            raise DomainError(
                "office_has_head",
                _("The office has an active head: its heads appoint the next one."),
                status=409,
            )
        member = _new_head(office=office, username=username, details=details)
    return StaffChange(member=member)


# --- Confirmations ------------------------------------------------------------------------------


def decide_role_grant(*, grant: RoleGrant, by: User, confirm: bool) -> RoleGrant:
    """Confirm a role grant (the colleague holds the role from now on) or decline it."""
    if not by.has_perm("core.decide_role_grant", grant):
        raise DomainError("not_found", _("No such role grant."), status=404)
    event = "role_grant_confirmed" if confirm else "role_grant_declined"
    with transaction.atomic(), _scope(by, event):
        grant = (
            RoleGrant.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=grant.pk)
        )
        if not grant.is_open:
            raise DomainError("decided", _("This grant was decided already."), status=409)
        member = grant.user
        if confirm and not member.is_active:
            raise DomainError(
                "inactive_user",
                _("This colleague's account is deactivated: decline the grant."),
                status=409,
            )
        grant.decided_by = by
        grant.decided_at = timezone.now()
        grant.is_confirmed = confirm
        grant.save(update_fields=["decided_by", "decided_at", "is_confirmed"])
        if confirm:
            RoleAssignment.objects.get_or_create(user=member, role=grant.role)
    return grant
