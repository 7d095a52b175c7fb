"""Encrypted text columns for the most sensitive data (MRC case narratives, notes, safety
details), on `cryptography`'s MultiFernet.

Keys come from settings.FIELD_ENCRYPTION_KEYS, a list of Fernet keys: the first encrypts, every
key decrypts, so a key is rotated by putting a new one first, running
`satuatap rotate_encryption_keys` and then removing the old one (docs/security.md).

Written in-house rather than taken from django-fernet-encrypted-fields, which returns the
ciphertext when a key is wrong (and re-saving then encrypts it twice), marks "already decrypted"
on the shared field object (unsafe with threads) and derives keys from SECRET_KEY. Here a value
that cannot be decrypted raises `UndecryptableValue`: the system fails closed, never shows or
re-saves ciphertext as if it were text. Encrypted columns cannot be searched or filtered on:
every lookup except `isnull` is refused.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


class UndecryptableValue(Exception):  # noqa: N818 - it names the value, as Django's errors do
    """A stored value that none of the configured keys can decrypt."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (Fernet.generate_key())."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise UndecryptableValue("The stored value is not an encrypted value.")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise UndecryptableValue(
            "No configured key decrypts this value: check FIELD_ENCRYPTION_KEYS."
        ) from error


def rotate(stored: str) -> str:
    """The same value encrypted with the first (newest) key."""
    if not stored:
        return stored
    return encrypt(decrypt(stored))


class EncryptedTextField(models.TextField):
    """Text stored encrypted. An empty value is stored empty (it holds nothing to hide)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django then raises FieldError: encrypted text cannot be searched.

    def get_transform(self, lookup_name):
        return None
