"""Encrypted text columns for the most sensitive data (MRC case narratives, notes, safety
details), on `cryptography`'s MultiFernet.

Keys come from settings.FIELD_ENCRYPTION_KEYS, a list of Fernet keys: the first encrypts, every
key decrypts, so a key is rotated by putting a new one first, running
`satuatap rotate_encryption_keys` and then removing the old one (docs/security.md).

Written in-house rather than taken from django-fernet-encrypted-fields, which returns the
ciphertext when a key is wrong (and re-saving then encrypts it twice), marks "already decrypted"
on the shared field object (unsafe with threads) and derives keys from SECRET_KEY.

A value that no configured key decrypts fails closed, for that value only: it reads as an
`UndecryptableText`, a string holding the translated "cannot be decrypted" placeholder (never
the ciphertext), so a page shows the rest of the record and the list it is on; the table, row
and column are logged once for the administrator (never the value). Saving the record writes
the stored value back as it was (so a change to its other columns goes through and the value is
readable again once its key is back); a text built from a placeholder (an update appended to
it, the placeholder typed back) is refused with `UndecryptableValue` (503), so the stored
ciphertext is never overwritten by it nor encrypted twice. The API answers 503 for a record
whose value it would have to show (`satuatap.api`). Encrypted columns cannot be searched or
filtered on: every lookup except `isnull` and equality with the empty text (an empty value is
stored empty) is refused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.signals import post_init
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from satuatap.core.exceptions import DomainError

PREFIX = "fernet:"
PLACEHOLDER = gettext_lazy("[cannot be decrypted]")

logger = logging.getLogger("satuatap.encryption")


class UndecryptableValue(DomainError):  # noqa: N818 - it names the value, as Django's errors do
    """A stored value that none of the configured keys can decrypt, or an attempt to save the
    placeholder that stands for one. The record cannot be served whole: 503."""

    def __init__(self, message: str | None = None):
        super().__init__(
            "undecryptable",
            message
            or gettext(
                "Part of this record cannot be decrypted with the configured keys. The "
                "administrator can see which in the server log."
            ),
            status=503,
        )


class UndecryptableText(str):
    """What a value no key decrypts reads as: the translated placeholder, in the language
    active when it was read. `is_undecryptable` tells code it is not the text."""

    is_undecryptable = True
    # Set on each instance by __new__.
    model: type[models.Model] | None
    column: str
    pk: None
    _stored: str

    def __new__(
        cls,
        text: str | None = None,
        *,
        model: type[models.Model] | None = None,
        column: str = "",
        stored: str = "",
    ):
        # `text` is given back only by copy and pickle, which rebuild the object from its text.
        placeholder = super().__new__(cls, str(PLACEHOLDER) if text is None else text)
        placeholder.model, placeholder.column, placeholder.pk = model, column, None
        placeholder._stored = stored  # written back unchanged on save; never shown
        return placeholder

    def __repr__(self) -> str:
        return f"<UndecryptableText {self.column} of {self.model and self.model._meta.label}>"


def is_undecryptable(value) -> bool:
    return getattr(value, "is_undecryptable", False) is True


@lru_cache(maxsize=8)
def _placeholders(languages: tuple[str, ...]) -> frozenset[str]:
    texts = set()
    for language in languages:
        with translation.override(language):
            texts.add(str(PLACEHOLDER))
    return frozenset(texts)


def placeholders() -> frozenset[str]:
    """The placeholder in every language of the site."""
    return _placeholders(tuple(code for code, _name in settings.LANGUAGES))


def holds_placeholder(text: str) -> bool:
    """The placeholder itself, or a text made from it (an update appended to it)."""
    return is_undecryptable(text) or any(p in text for p in placeholders())


# --- Placeholders read while answering one API request (satuatap.api checks its answer) ---

_read_placeholders: ContextVar[set[str] | None] = ContextVar("undecryptable_read", default=None)


def watch_placeholders() -> None:
    _read_placeholders.set(set())


def placeholders_read() -> set[str]:
    return _read_placeholders.get() or set()


def stop_watching_placeholders() -> None:
    _read_placeholders.set(None)


# --- The administrator's log: table, row and column, once per process ---

_reported: set[tuple[str, object, str]] = set()
_reported_lock = threading.Lock()
MAX_REPORTED = 10_000


def _report(model: type[models.Model] | None, pk, column: str) -> None:
    table = model._meta.db_table if model is not None else "?"
    key = (table, pk, column)
    with _reported_lock:
        if key in _reported:
            return
        if len(_reported) >= MAX_REPORTED:
            _reported.clear()
        _reported.add(key)
    logger.error(
        "An encrypted value cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS: "
        "table %s, row %s, column %s (%s). It is shown as a placeholder and kept as stored; "
        "put back the key it was written with.",
        table,
        "?" if pk is None else pk,
        column,
        model._meta.label if model is not None else "?",
    )


def _report_placeholders(sender, instance, **kwargs) -> None:
    """post_init of a model with encrypted columns: name the rows that hold a placeholder."""
    for field in sender._meta.concrete_fields:
        if isinstance(field, EncryptedTextField):
            value = instance.__dict__.get(field.attname)  # never load a deferred column here
            if is_undecryptable(value):
                value.pk = instance.pk
                _report(sender, instance.pk, field.column)


# --- Keys and the field ---


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
        raise UndecryptableValue
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise UndecryptableValue from error


def rotate(stored: str) -> str:
    """The same value encrypted with the first (newest) key."""
    if not stored:
        return stored
    return encrypt(decrypt(stored))


class IsEmptyText(models.lookups.Exact):
    """`field=""`: whether an encrypted column is empty, which is stored as it is. Equality
    with any other text is refused (a ciphertext never equals its plain text)."""

    def __init__(self, lhs, rhs):
        if rhs != "":
            raise FieldError("An encrypted column can only be compared with the empty text.")
        super().__init__(lhs, rhs)


class EncryptedTextField(models.TextField):
    """Text stored encrypted. An empty value is stored empty (it holds nothing to hide)."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            post_init.connect(
                _report_placeholders, sender=cls, dispatch_uid=f"undecryptable:{cls._meta.label}"
            )

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if is_undecryptable(value) and getattr(value, "_stored", ""):
            return value._stored  # left as it was stored: not encrypted again, not replaced
        if holds_placeholder(value):
            raise UndecryptableValue(
                gettext(
                    "This record holds a value that cannot be decrypted, so it cannot be "
                    "changed until the administrator restores the encryption key."
                )
            )
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except UndecryptableValue:
            placeholder = UndecryptableText(model=self.model, column=self.column, stored=value)
            read = _read_placeholders.get()
            if read is not None:
                read.add(str(placeholder))
            return placeholder

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return IsEmptyText
        return None  # Django then raises FieldError: encrypted text cannot be searched.

    def get_transform(self, lookup_name):
        return None


# --- Steps of a key rotation that apps add -----------------------------------------------------

# What `rotate_encryption_keys` runs after re-encrypting the columns and files: an app that
# keeps keyed hashes (HMAC under SECRET_KEY: notifications' address keys) recomputes them here,
# since a rotation is also when SECRET_KEY changes. Each step returns counts to report.
RotationStep = Callable[[], dict[str, int]]
_rotation_steps: dict[str, RotationStep] = {}


def register_rotation_step(name: str, step: RotationStep) -> None:
    _rotation_steps[name] = step


def rotation_steps() -> dict[str, RotationStep]:
    return dict(_rotation_steps)
