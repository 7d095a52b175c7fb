"""Devices that work without signing in: the calling screen on a TV in the waiting room and the
exit kiosk for the satisfaction survey. The office head pairs each one with a short code it
shows, and revokes it when it is lost or replaced.

1. An unpaired browser opens `/display/` or `/kiosk/`: `start_pairing` gives it a code (eight
   characters of an alphabet without 0/O, 1/I/L or U/V, shown as `ABCD-EFGH` and as a
   QR code) valid for `PAIRING_MINUTES`, and a random secret that only that browser keeps (a
   cookie): the code alone is worth nothing to whoever reads it off the screen.
2. The office head types or scans the code on "Pair a device" and says what the device is (a
   calling screen, for which desks, or the exit kiosk) and where it is: `confirm_pairing`.
   Wrong codes count against the head: `FAILURE_LIMIT` of them in `FAILURE_WINDOW` lock pairing
   for them until the window has passed. A code is confirmed once.
3. The device, polling, reloads; `claim_device` hands the browser that holds the pairing secret
   its credential, once: a random token kept in a long-lived cookie, of which only a SHA-256 hash
   is stored (as for API tokens). The code and the secret are spent.
4. The head lists the office's devices with when each was last seen, and revokes one: its token
   is forgotten, so its next request finds nothing and the device shows a new pairing code.

Pairing and revocation are in the audit trail (auditlog on `Device`); the credential's hash
never is.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.models import Device, DevicePairing, PairingFailure

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L, U/V: read off a TV across a room and typed on a phone without doubt.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 8
PAIRING_MINUTES = 10
# At most this many codes wait at once: a flood of unpaired browsers cannot fill the table.
MAX_WAITING_PAIRINGS = 200
FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=15)
TOKEN_BYTES = 32
LAST_SEEN_EVERY = timedelta(minutes=1)

DEVICE_COOKIE = "satuatap_device"
PAIRING_COOKIE = "satuatap_pairing"
# Browsers keep a cookie at most 400 days; the device's pages set it again when they load.
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_code(text: str) -> str:
    """What the head typed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """`ABCDEFGH` → `ABCD-EFGH`: two groups are easier to read out and type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _require_head(by, office: Organisation | None) -> None:
    if office is None or not by.has_perm("frontdesk.manage_devices", office):
        raise DomainError("forbidden", _("You may not do this."), status=403)


# --- The device's side ------------------------------------------------------------------------


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
                    secret_hash=_hash(secret),
                    kind=kind,
                    expires_at=now + timedelta(minutes=PAIRING_MINUTES),
                )
        except IntegrityError:  # the same code is waiting elsewhere: draw again
            continue
        return secret, pairing
    raise DomainError("no_code", _("No pairing code is free. Try again."), status=503)


def _unclaimed(secret: str) -> DevicePairing | None:
    """The browser's pairing while its code may be confirmed or its device picked up."""
    if not secret or len(secret) > 64:
        return None
    pairing = DevicePairing.objects.filter(
        secret_hash=_hash(secret), claimed_at__isnull=True
    ).first()
    if pairing is None or not _is_live(pairing, timezone.now()):
        return None
    return pairing


def waiting_pairing(secret: str) -> DevicePairing | None:
    """The browser's pairing while its code waits for the head (unconfirmed, not expired)."""
    pairing = _unclaimed(secret)
    return pairing if pairing is not None and pairing.device_id is None else None


def pairing_state(secret: str) -> str:
    """What the polling device should do: `waiting` (go on showing the code), `confirmed`
    (reload: the page picks the credential up) or `gone` (reload: the page shows a new code)."""
    pairing = _unclaimed(secret)
    if pairing is None:
        return "gone"
    return "waiting" if pairing.device_id is None else "confirmed"


def _is_live(pairing: DevicePairing, now) -> bool:
    if pairing.confirmed_at is not None:
        # Once confirmed the device has a full period to pick its credential up.
        return pairing.confirmed_at + timedelta(minutes=PAIRING_MINUTES) > now
    return pairing.expires_at > now


def claim_device(*, secret: str) -> tuple[str, Device] | None:
    """The credential of the device the head confirmed for this browser's pairing: a new random
    token (returned once, for the device's cookie; its hash is stored). None while the code
    waits, once it expired, or when it was already claimed."""
    if not secret or len(secret) > 64:
        return None
    with transaction.atomic():
        pairing = (
            DevicePairing.objects.select_for_update()
            .filter(secret_hash=_hash(secret), claimed_at__isnull=True, device__isnull=False)
            .first()
        )
        now = timezone.now()
        if pairing is None or pairing.device_id is None or not _is_live(pairing, now):
            return None
        device = Device.objects.select_for_update().get(pk=pairing.device_id)
        if device.revoked_at is not None or device.token_hash:
            return None
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        device.token_hash = _hash(raw)
        device.last_seen_at = now
        device.save(update_fields=["token_hash", "last_seen_at"])
        pairing.claimed_at = now
        pairing.save(update_fields=["claimed_at"])
    return raw, device


def paired_device(raw: str) -> Device | None:
    """The unrevoked device of an active office whose credential this is (with its office), or
    None. Reads only: `note_seen` says the device was there."""
    if not raw or len(raw) > 64:
        return None
    return (
        Device.objects.filter(
            token_hash=_hash(raw), revoked_at__isnull=True, office__is_active=True
        )
        .select_related("office")
        .first()
    )


def note_seen(device: Device) -> None:
    """Note that the device was there now, at most once a minute (no audit entry: the time is
    shown on the head's list)."""
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


# --- The office head's side -------------------------------------------------------------------


def pairing_is_locked(user) -> bool:
    """Whether `user` typed too many wrong codes lately to try another now."""
    since = timezone.now() - FAILURE_WINDOW
    return PairingFailure.objects.filter(user=user, at__gt=since).count() >= FAILURE_LIMIT


def _locked_out() -> DomainError:
    minutes = int(FAILURE_WINDOW.total_seconds() // 60)
    return DomainError(
        "too_many_attempts",
        _("Too many wrong codes. Try again in %(minutes)d minutes.") % {"minutes": minutes},
        status=429,
    )


def _record_failure(user) -> None:
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
    by,
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


def office_devices(office: Organisation) -> QuerySet[Device]:
    """The office's devices, the working ones first, with who paired and revoked them."""
    return (
        Device.objects.filter(office=office)
        .select_related("created_by", "revoked_by")
        .prefetch_related("desks__desk_type")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at")
    )


def revoke_device(*, device: Device, by) -> Device:
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
