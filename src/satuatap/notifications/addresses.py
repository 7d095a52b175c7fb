"""Normalising an address and the keyed hash that finds it without decrypting it."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import salted_hmac

KEY_SALT = "satuatap.notifications.address"


def normalise(channel: str, address: str) -> str:
    """An e-mail address in lower case; a phone number as its digits with a leading "+"
    (`0812…` is read as an Indonesian number, +62)."""
    address = address.strip()
    if channel == "email":
        return address.lower()
    digits = re.sub(r"\D", "", address)
    if address.startswith("+"):
        return "+" + digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    return "+" + digits


def address_key(channel: str, address: str) -> str:
    """HMAC-SHA256 of the normalised address, keyed by the project's secret key."""
    kind = "email" if channel == "email" else "phone"
    value = f"{kind}:{normalise(channel, address)}"
    return salted_hmac(KEY_SALT, value, algorithm="sha256").hexdigest()


def address_keys(channel: str, address: str) -> list[str]:
    """The address's key under SECRET_KEY and under each of SECRET_KEY_FALLBACKS: between a
    change of SECRET_KEY and the re-keying of stored keys (`services.rekey_addresses`, run by
    `rotate_encryption_keys`), an opt-out or a safe contact stored under the old key still
    matches."""
    kind = "email" if channel == "email" else "phone"
    value = f"{kind}:{normalise(channel, address)}"
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return list(
        dict.fromkeys(
            salted_hmac(KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()
            for secret in secrets
        )
    )
