"""Writes of the paired devices: a code for an unpaired browser, the head's confirmation (and
the wrong codes counted against them), the credential a device claims once, the time it was last
seen, revocation. The package's `__init__` says how pairing works."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Desk, Organisation, User
from satuatap.frontdesk.devices import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FAILURE_WINDOW,
    LAST_SEEN_EVERY,
    MAX_WAITING_PAIRINGS,
    PAIRING_MINUTES,
    TOKEN_BYTES,
    hash_secret,
    normalise_code,
)
from satuatap.frontdesk.devices.selectors import is_live, pairing_is_locked
from satuatap.frontdesk.models import Device, DevicePairing, PairingFailure

logger = logging.getLogger("satuatap.frontdesk.devices")


def _require_head(by: User, office: Organisation | None) -> None:
    if office is None or not by.has_perm("frontdesk.manage_devices", office):
        raise DomainError("forbidden", _("You may not do this."), status=403)


def start_pairing(*, kind: str) -> tuple[str, DevicePairing]:
    """A new code for an unpaired browser; returns the browser's secret (for its cookie, never
    stored) and the pairing. `kind`: the page the device opened, proposed to the head."""
    if kind not in Device.Kind.values:
        raise DomainError("unknown_kind", _("Unknown kind of device."))
    now = timezone.now()
    # Spent and expired codes go: their device, if any, keeps its own record.
    DevicePairing.objects.filter(expires_at__lt=now - timedelta(hours=1)).delete()
    waiting = DevicePairing.objects.filter(expires_at__gt=now, device__isnull=True).count()
    if waiting >= MAX_WAITING_PAIRINGS:
        raise DomainError(
            "too_many_pairings",
            _("Too many devices are waiting to be paired. Try again in a few minutes."),
            status=503,
        )
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                pairing = DevicePairing.objects.create(
                    code=code,
                    secret_hash=hash_secret(secret),
                    kind=kind,
                    expires_at=now + timedelta(minutes=PAIRING_MINUTES),
                )
        except IntegrityError:  # the same code is waiting elsewhere: draw again
            continue
        return secret, pairing
    raise DomainError("no_code", _("No pairing code is free. Try again."), status=503)


def claim_device(*, secret: str) -> tuple[str, Device] | None:
    """The credential of the device the head confirmed for this browser's pairing: a new random
    token (returned once, for the device's cookie; its hash is stored). None while the code
    waits, once it expired, or when it was already claimed."""
    if not secret or len(secret) > 64:
        return None
    with transaction.atomic():
        pairing = (
            DevicePairing.objects.select_for_update()
            .filter(secret_hash=hash_secret(secret), claimed_at__isnull=True, device__isnull=False)
            .first()
        )
        now = timezone.now()
        if pairing is None or pairing.device_id is None or not is_live(pairing, now):
            return None
        device = Device.objects.select_for_update().get(pk=pairing.device_id)
        if device.revoked_at is not None or device.token_hash:
            return None
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        device.token_hash = hash_secret(raw)
        device.last_seen_at = now
        device.save(update_fields=["token_hash", "last_seen_at"])
        pairing.claimed_at = now
        pairing.save(update_fields=["claimed_at"])
    return raw, device


def note_seen(device: Device) -> None:
    """Note that the device was there now, at most once a minute (no audit entry: the time is
    shown on the head's list)."""
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


def _locked_out() -> DomainError:
    minutes = int(FAILURE_WINDOW.total_seconds() // 60)
    return DomainError(
        "too_many_attempts",
        _("Too many wrong codes. Try again in %(minutes)d minutes.") % {"minutes": minutes},
        status=429,
    )


def _record_failure(user: User) -> None:
    PairingFailure.objects.filter(at__lt=timezone.now() - 4 * FAILURE_WINDOW).delete()
    PairingFailure.objects.create(user=user)
    if pairing_is_locked(user):
        logger.warning("device pairing locked for user %s after wrong codes", user.pk)


def confirm_pairing(
    *,
    office: Organisation,
    code: str,
    kind: str,
    name: str,
    desks: Iterable[Desk] = (),
    by: User,
) -> Device:
    """Pair the device showing `code` to `office` as a `kind` device at `name` (a calling
    screen shows `desks`, or every desk when none is given). Office head only."""
    _require_head(by, office)
    if pairing_is_locked(by):
        raise _locked_out()
    if kind not in Device.Kind.values:
        raise DomainError("unknown_kind", _("Unknown kind of device."))
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("Say where the device is, e.g. “TV ruang tunggu”."))
    desks = list(desks) if kind == Device.Kind.CALLING_SCREEN else []
    if any(desk.office_id != office.pk or not desk.is_active for desk in desks):
        raise DomainError("unknown_desk", _("Choose desks of this office."), status=422)
    code = normalise_code(code)
    with transaction.atomic():
        pairing = (
            DevicePairing.objects.select_for_update()
            .filter(code=code, device__isnull=True, expires_at__gt=timezone.now())
            .first()
            if len(code) == CODE_LENGTH
            else None
        )
        if pairing is not None:
            device = Device.objects.create(office=office, kind=kind, name=name, created_by=by)
            device.desks.set(desks)
            pairing.device = device
            pairing.confirmed_at = timezone.now()
            pairing.save(update_fields=["device", "confirmed_at"])
            return device
    # Outside the transaction, so that the failure is kept whatever the caller does next.
    _record_failure(by)
    if pairing_is_locked(by):
        raise _locked_out()
    raise DomainError(
        "invalid_code",
        _(
            "No device is waiting with this code. Check it against the screen: a code is "
            "valid for %(minutes)d minutes and pairs one device once."
        )
        % {"minutes": PAIRING_MINUTES},
        status=422,
    )


def revoke_device(*, device: Device, by: User) -> Device:
    """Stop a device from working: its credential is forgotten at once. Revoking twice keeps
    the first time."""
    _require_head(by, device.office)
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.token_hash = None
            locked.save(update_fields=["revoked_at", "revoked_by", "token_hash"])
    return locked
