"""Where private files are kept (scans, attachments, village regulations, registers, exports),
and how the most sensitive of them are encrypted before they leave the application.

The default storage (`STORAGES["default"]`, chosen by `SATUATAP_STORAGE` in settings) is either
- `PrivateFileSystemStorage`: a directory on the app server (`MEDIA_ROOT`, the default), or
- `core.storage_s3.PrivateS3Storage`: a bucket of an S3-compatible object store, so that every
  app server of a deployment reads and writes the same files.

Neither is ever served directly: every download goes through a view that checks who may read the
record and streams the file (`core.downloads.private_file_response`). Both write a file whole or
not at all (a temporary file renamed into place; a single S3 PUT), and both turn a storage that
cannot be reached, is full or refuses us into `StorageUnavailable`: a translated 503 that the
upload forms show beside the form and the download views as the 503 page, the failure itself
going to the log `satuatap.storage` for the administrator.

`EncryptedStorage` sits in front of the default storage for the files that identify a person
or tell their story (identity-document scans, case attachments, uploaded registers): it encrypts
each file with the keys of the encrypted columns (`FIELD_ENCRYPTION_KEYS`, Fernet) before
handing it over, and decrypts it when it is opened, so the disk or the bucket only ever holds
ciphertext. `satuatap rotate_encryption_keys` re-encrypts these files as well as the columns.
A file is encrypted whole, in memory: scans and registers are bounded by `DOCUMENT_MAX_BYTES`
and `IMPORT_MAX_BYTES`.
"""

from __future__ import annotations

import base64
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext

from satuatap.core.encryption import UndecryptableValue, fernet
from satuatap.core.exceptions import DomainError

logger = logging.getLogger("satuatap.storage")

# Every encrypted file starts with this line, then the Fernet token in binary (not base64).
MAGIC = b"SATUATAP-FERNET-1\n"

SAVE, READ, DELETE, CHECK = "save", "read", "delete", "check"
# A file being written on disk, renamed into place once whole (never backed up).
PARTIAL_PREFIX = ".partial-"


class StorageUnavailable(DomainError):  # noqa: N818 - named as what the user meets, like Http404
    """The file storage cannot be reached, is full or refuses the application: 503. Nothing
    was stored (a save) or sent (a read); the cause is in the log `satuatap.storage`."""

    def __init__(self, operation: str):
        if operation == SAVE:
            message = gettext(
                "The file could not be stored: the file storage cannot be reached. Nothing was "
                "saved. Try again in a few minutes; if it keeps happening, tell the "
                "administrator."
            )
        else:
            message = gettext(
                "The file storage cannot be reached. Try again in a few minutes; if it keeps "
                "happening, tell the administrator."
            )
        super().__init__("storage_unavailable", message, status=503)
        self.operation = operation


def storage_failure(operation: str, name: str, error: BaseException) -> StorageUnavailable:
    """Log what went wrong (the object's name holds ids only, never personal data) and return
    the error to raise."""
    logger.error(
        "File storage failed to %s %s: %s: %s", operation, name, type(error).__name__, error
    )
    return StorageUnavailable(operation)


class SavedWholeOrNotAtAll:
    """A save that fails on any step (the name check included) is a failure to save, with the
    message that says nothing was saved."""

    def save(self, name, content, max_length=None):
        try:
            return super().save(name, content, max_length=max_length)
        except StorageUnavailable as error:
            if error.operation == SAVE:
                raise
            raise StorageUnavailable(SAVE) from error


class _MovableFile:
    """A file already written to a temporary path, for `FileSystemStorage._save` to move."""

    def __init__(self, path: str):
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


def _write_temporary(directory: Path, chunks) -> str:
    """Write `chunks` to a new hidden file in `directory` (flushed to disk); its path."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


class PrivateFileSystemStorage(SavedWholeOrNotAtAll, FileSystemStorage):
    """`MEDIA_ROOT` on the app server. A file is written to a temporary name and renamed into
    place, so a full disk or a crash never leaves half a file under a name a record holds."""

    def _save(self, name, content):
        try:
            temporary = _write_temporary(Path(self.path(name)).parent, content.chunks())
            try:
                return super()._save(name, _MovableFile(temporary))
            finally:
                Path(temporary).unlink(missing_ok=True)
        except OSError as error:
            raise storage_failure(SAVE, name, error) from error

    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except FileNotFoundError:
            raise
        except OSError as error:
            raise storage_failure(READ, name, error) from error

    def delete(self, name):
        try:
            super().delete(name)
        except OSError as error:
            raise storage_failure(DELETE, name, error) from error

    def replace(self, name: str, data: bytes) -> None:
        """Overwrite an existing file atomically (a renamed temporary file)."""
        path = Path(self.path(name))
        if not path.exists():
            raise FileNotFoundError(name)
        try:
            temporary = _write_temporary(path.parent, [data])
            try:
                os.replace(temporary, path)
            finally:
                Path(temporary).unlink(missing_ok=True)
        except OSError as error:
            raise storage_failure(SAVE, name, error) from error


# --- Encrypted files -----------------------------------------------------------------------


def _undecryptable_file(name: str) -> UndecryptableValue:
    logger.error(
        "A stored file cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS: %s. Put back "
        "the key it was written with.",
        name,
    )
    return UndecryptableValue(
        gettext(
            "This file cannot be decrypted with the configured keys. The administrator can see "
            "which in the server log."
        )
    )


def encrypt_file(data: bytes) -> bytes:
    """`data` encrypted with the first key of FIELD_ENCRYPTION_KEYS, as stored."""
    return MAGIC + base64.urlsafe_b64decode(fernet().encrypt(data))


def _token(stored: bytes, name: str) -> bytes:
    if not stored.startswith(MAGIC):
        raise _undecryptable_file(name)
    return base64.urlsafe_b64encode(stored[len(MAGIC) :])


def decrypt_file(stored: bytes, *, name: str = "?") -> bytes:
    """The plain bytes of a stored file; `UndecryptableValue` (503) if no key opens it (or it
    was never encrypted)."""
    try:
        return fernet().decrypt(_token(stored, name))
    except InvalidToken as error:
        raise _undecryptable_file(name) from error


def rotate_file(stored: bytes, *, name: str = "?") -> bytes:
    """The same file encrypted again with the first (newest) key."""
    try:
        return MAGIC + base64.urlsafe_b64decode(fernet().rotate(_token(stored, name)))
    except InvalidToken as error:
        raise _undecryptable_file(name) from error


def is_encrypted_file(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


class EncryptedStorage(SavedWholeOrNotAtAll, Storage):
    """The default storage, with every file encrypted before it is handed over and decrypted
    when it is opened. The inner storage is looked up on each use, so a change of
    `STORAGES` (a test, a restart) takes effect for fields created before it.

    It has no `url`: an encrypted file is only ever streamed through the application."""

    def __init__(self, alias: str = "default"):
        self.alias = alias

    @property
    def inner(self) -> Any:
        return storages[self.alias]

    def _read_stored(self, name: str) -> bytes:
        with self.inner.open(name, "rb") as handle:
            return handle.read()

    def _open(self, name, mode="rb"):
        if set(mode) - {"r", "b"}:
            raise ValueError("An encrypted file is opened for reading only.")
        return ContentFile(decrypt_file(self._read_stored(name), name=name), name=name)

    def _save(self, name, content):
        data = b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks()
        )
        return self.inner._save(name, ContentFile(encrypt_file(data)))

    def get_available_name(self, name, max_length=None):
        return self.inner.get_available_name(name, max_length=max_length)

    def get_valid_name(self, name):
        return self.inner.get_valid_name(name)

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def size(self, name):
        """The size as stored (encrypted); the record keeps the size of the file itself."""
        return self.inner.size(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def path(self, name):
        """Where the encrypted file is on disk (local storage only)."""
        return self.inner.path(name)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def get_created_time(self, name):
        return self.inner.get_created_time(name)

    def get_accessed_time(self, name):
        return self.inner.get_accessed_time(name)

    # --- Keys: rotation, and files stored before they were encrypted ---

    def rotate(self, name: str) -> None:
        """Encrypt the stored file again with the newest key, in place."""
        self.inner.replace(name, rotate_file(self._read_stored(name), name=name))

    def encrypt_in_place(self, name: str) -> bool:
        """Encrypt a file stored in plain (before encryption was introduced); False if it was
        already encrypted."""
        stored = self._read_stored(name)
        if is_encrypted_file(stored):
            return False
        self.inner.replace(name, encrypt_file(stored))
        return True

    def decrypt_in_place(self, name: str) -> bool:
        """The reverse, for a migration rolled back: store the file in plain again."""
        stored = self._read_stored(name)
        if not is_encrypted_file(stored):
            return False
        self.inner.replace(name, decrypt_file(stored, name=name))
        return True


_encrypted = EncryptedStorage()


def encrypted_storage() -> EncryptedStorage:
    """The storage of the encrypted file fields (`FileField(storage=encrypted_storage)`)."""
    return _encrypted


# --- Data migrations: files stored before they were encrypted ---


def _each_stored_name(apps, label: str, field: str):
    model = apps.get_model(label)
    names = model._base_manager.exclude(**{field: ""}).values_list(field, flat=True)
    yield from names.order_by("pk").iterator()


def encrypt_stored_files(apps, label: str, field: str) -> int:
    """Encrypt, in place, every file of `label`'s `field` still stored in plain; the number
    encrypted. A file already gone is left to the records that point at it (logged)."""
    storage, done = encrypted_storage(), 0
    for name in _each_stored_name(apps, label, field):
        try:
            done += storage.encrypt_in_place(name)
        except FileNotFoundError:
            logger.warning("Not encrypted, the file is missing: %s (%s)", name, label)
    return done


def decrypt_stored_files(apps, label: str, field: str) -> int:
    """The reverse of `encrypt_stored_files`, for a migration rolled back."""
    storage, done = encrypted_storage(), 0
    for name in _each_stored_name(apps, label, field):
        try:
            done += storage.decrypt_in_place(name)
        except FileNotFoundError:
            logger.warning("Not decrypted, the file is missing: %s (%s)", name, label)
    return done
