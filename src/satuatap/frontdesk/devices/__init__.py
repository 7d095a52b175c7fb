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

The package: constants and the code helpers here, `selectors.py` (a device by its credential,
a browser's pairing, the office's devices, the head's lock-out), `services.py` (pairing,
claiming, the last-seen time, revocation).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

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


def hash_secret(raw: str) -> str:
    """What is stored of a pairing secret or a device credential: its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_code(text: str) -> str:
    """What the head typed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """`ABCDEFGH` → `ABCD-EFGH`: two groups are easier to read out and type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
