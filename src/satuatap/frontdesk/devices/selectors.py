"""Reads of the paired devices: a device by its credential, a browser's pairing while it waits,
the office's devices, and whether a head typed too many wrong codes lately."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from satuatap.core.models import Organisation, User
from satuatap.frontdesk.devices import (
    FAILURE_LIMIT,
    FAILURE_WINDOW,
    PAIRING_MINUTES,
    hash_secret,
)
from satuatap.frontdesk.models import Device, DevicePairing, PairingFailure


def is_live(pairing: DevicePairing, now: datetime) -> bool:
    """Whether the pairing's code may still be confirmed, or its device picked up."""
    if pairing.confirmed_at is not None:
        # Once confirmed the device has a full period to pick its credential up.
        return pairing.confirmed_at + timedelta(minutes=PAIRING_MINUTES) > now
    return pairing.expires_at > now


def _unclaimed(secret: str) -> DevicePairing | None:
    """The browser's pairing while its code may be confirmed or its device picked up."""
    if not secret or len(secret) > 64:
        return None
    pairing = DevicePairing.objects.filter(
        secret_hash=hash_secret(secret), claimed_at__isnull=True
    ).first()
    if pairing is None or not is_live(pairing, timezone.now()):
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


def paired_device(raw: str) -> Device | None:
    """The unrevoked device of an active office whose credential this is (with its office), or
    None. Reads only: `services.note_seen` says the device was there."""
    if not raw or len(raw) > 64:
        return None
    return (
        Device.objects.filter(
            token_hash=hash_secret(raw), revoked_at__isnull=True, office__is_active=True
        )
        .select_related("office")
        .first()
    )


def pairing_is_locked(user: User) -> bool:
    """Whether `user` typed too many wrong codes lately to try another now."""
    since = timezone.now() - FAILURE_WINDOW
    return PairingFailure.objects.filter(user=user, at__gt=since).count() >= FAILURE_LIMIT


def office_devices(office: Organisation) -> QuerySet[Device]:
    """The office's devices, the working ones first, with who paired and revoked them."""
    return (
        Device.objects.filter(office=office)
        .select_related("created_by", "revoked_by")
        .prefetch_related("desks__desk_type")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at")
    )
