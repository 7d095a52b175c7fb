"""Writes of the second factor: enrolment and its recovery codes, checking a code (a wrong one's
failure count is kept), marking a session verified, and a reset by a head or the administrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.services import TokenRevocation, revoke_api_tokens_of
from satuatap.core.two_factor import (
    DEVICE_NAME,
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    check_reason,
)
from satuatap.core.two_factor.selectors import is_enrolled

# --- Enrolment ----------------------------------------------------------------------------------


def pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same one on every visit until confirmed, so
    a QR code already scanned stays valid when the page is reloaded."""
    if is_enrolled(user):
        raise DomainError("already_enrolled", _("Two-factor sign-in is already set up."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm_enrolment(*, user: User, request: HttpRequest, code: str) -> list[str]:
    """Confirm the pending device with its first code; return the new recovery codes (shown
    once). A wrong code confirms nothing."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).last()
        if device is None or is_enrolled(user):
            raise DomainError("no_pending_device", _("Start the set-up again."))
        _check_allowed(device)
        accepted = device.verify_token(_digits(code))
    # Outside the block: a wrong code's failure count (throttling) must stay saved.
    if not accepted:
        raise DomainError("invalid_code", _("This code is not valid. Enter the current code."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_recovery_codes(user=user)
    _mark_verified(request, device)
    return codes


def _new_recovery_codes(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones (the old ones stop working)."""
    if not is_enrolled(user):
        raise DomainError("not_enrolled", _("Set up two-factor sign-in first."))
    return _new_recovery_codes(user=user)


# --- Verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    used_recovery_code: bool


def _digits(code: str) -> str:
    return "".join(code.split())


def _check_allowed(device: TOTPDevice | StaticDevice) -> None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return
    if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        until: datetime = data["locked_until"]
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        raise DomainError(
            "too_many_attempts",
            _("Too many wrong codes. Wait %(seconds)s seconds and try again.")
            % {"seconds": seconds},
            status=429,
        )
    raise DomainError("too_many_attempts", _("Too many wrong codes. Try again later."), status=429)


def check_code(*, user: User, code: str) -> Verified:
    """Check a code from the authenticator app (6 digits) or a recovery code (used up).

    Wrong codes slow the next tries down exponentially (django-otp's throttling: 1, 2, 4, 8…
    seconds per device), so guessing is hopeless.
    """
    code = _digits(code).lower()
    if not code:
        raise DomainError("invalid_code", _("Enter the code."))
    with transaction.atomic():
        if code.isdigit():
            device = (
                TOTPDevice.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .order_by("pk")
                .first()
            )
        else:
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
        if device is None:
            if not is_enrolled(user):
                raise DomainError("not_enrolled", _("Set up two-factor sign-in first."), status=403)
            raise DomainError("invalid_code", _("This code is not valid."))
        _check_allowed(device)
        accepted = device.verify_token(code)
    # Outside the block: a wrong code's failure count (throttling) must stay saved.
    if not accepted:
        raise DomainError("invalid_code", _("This code is not valid."))
    return Verified(device=device, used_recovery_code=isinstance(device, StaticDevice))


def verify_session(*, request: HttpRequest, code: str) -> Verified:
    """Check the code and mark this session verified (a new session key, like a sign-in)."""
    # Only a signed-in user's session asks for a code (the views are login_required).
    verified = check_code(user=cast(User, request.user), code=code)
    _mark_verified(request, verified.device)
    return verified


def _mark_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    request.session.cycle_key()
    otp_login(request, device)


def mark_session_verified(session: SessionBase, device: TOTPDevice | StaticDevice) -> None:
    """What django_otp.login stores in the session (for callers without a request)."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


# --- Administration -----------------------------------------------------------------------------


@transaction.atomic
def reset_devices(*, user: User, by: User, reason: str) -> int:
    """Remove every second-factor device of `user` (a lost phone): they enrol again at their
    next sign-in (a session verified with the old device is sent to the set-up at its next
    request), and their API tokens are revoked. `reason` is required; it is kept in the audit
    entry on the user, with who did it. An office head resets the office's staff, the
    administrator the heads and the accounts of no office (`core.reset_two_factor`)."""
    if not by.has_perm("core.reset_two_factor", user):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    reason = check_reason(reason)
    removed = TOTPDevice.objects.filter(user=user).count()
    removed += StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # Removing a confirmed authenticator revokes the tokens already (core.signals); a reset
    # revokes them even when the user had none.
    revoke_api_tokens_of(user_id=user.pk, reason=TokenRevocation.TWO_FACTOR_RESET)
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(user.__class__),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=str(user),
        action=LogEntry.Action.UPDATE,
        actor=by,
        changes={"two_factor_devices": [str(removed), "0"]},
        additional_data={"event": "two_factor_reset", "reason": reason},
    )
    return removed
