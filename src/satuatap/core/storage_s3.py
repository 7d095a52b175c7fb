"""The private files in an S3-compatible bucket (`SATUATAP_STORAGE=s3`), through django-storages.

What this adds to django-storages' `S3Storage`:
- private by construction: no ACL is ever sent (the bucket's own policy applies, which must
  not be public), `url()` only makes signed URLs that expire after a minute, and no view of
  ours hands one out: downloads are streamed through the application (`core.downloads`);
- nothing half-written: every file is one PUT (multipart uploads are off up to 5 GiB, the
  limit of a single PUT), which the server stores whole or not at all; a name that exists is
  never overwritten by a new upload (two records never share an object);
- a failure to reach the store (connection refused, timeout, credentials refused, a 5xx) is a
  `StorageUnavailable` (503, translated) after a bounded number of attempts with short
  timeouts, never a hung request or a server error;
- a file is read whole when it is opened, so a failure shows before a download starts.
"""

from __future__ import annotations

from typing import Any

from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from s3transfer.exceptions import RetriesExceededError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from satuatap.core.storage import (
    CHECK,
    DELETE,
    READ,
    SAVE,
    SavedWholeOrNotAtAll,
    storage_failure,
)

# Errors of boto3, botocore and s3transfer that mean the store cannot do what was asked.
STORE_ERRORS = (BotoCoreError, ClientError, Boto3Error, RetriesExceededError)
SINGLE_PUT_LIMIT = 5 * 1024**3


def _is_not_found(error: BaseException) -> bool:
    if not isinstance(error, ClientError):
        return False
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404


class PrivateS3Storage(SavedWholeOrNotAtAll, S3Storage):
    def get_default_settings(self) -> dict[str, Any]:
        return {
            **super().get_default_settings(),
            # Our own settings (OPTIONS in STORAGES), turned into botocore's Config below.
            "connect_timeout": 5.0,
            "read_timeout": 30.0,
            "max_attempts": 3,
        }

    def __init__(self, **settings: Any):
        settings.setdefault("default_acl", None)
        settings.setdefault("querystring_auth", True)
        settings.setdefault("querystring_expire", 60)
        settings.setdefault("file_overwrite", False)
        settings.setdefault("signature_version", "s3v4")
        settings.setdefault("addressing_style", "path")
        super().__init__(**settings)
        self.client_config = Config(
            s3={"addressing_style": self.addressing_style},
            signature_version=self.signature_version,
            proxies=self.proxies,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            # Attempts in all, the first included (botocore's max_attempts counts retries).
            retries={"total_max_attempts": self.max_attempts, "mode": "standard"},
        )
        self.transfer_config = TransferConfig(
            multipart_threshold=SINGLE_PUT_LIMIT, use_threads=False
        )

    def _open(self, name, mode="rb"):
        try:
            handle = super()._open(name, mode)
            if "r" in mode:
                handle.file  # noqa: B018 - read it now, so a failure shows before streaming
            return handle
        except STORE_ERRORS as error:
            if _is_not_found(error):
                raise FileNotFoundError(name) from error
            raise storage_failure(READ, name, error) from error

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except STORE_ERRORS as error:
            raise storage_failure(SAVE, name, error) from error

    def delete(self, name):
        try:
            super().delete(name)
        except STORE_ERRORS as error:
            raise storage_failure(DELETE, name, error) from error

    def exists(self, name):
        try:
            return super().exists(name)
        except STORE_ERRORS as error:
            raise storage_failure(CHECK, name, error) from error

    def size(self, name):
        try:
            return super().size(name)
        except STORE_ERRORS as error:
            raise storage_failure(READ, name, error) from error

    def listdir(self, name):
        try:
            return super().listdir(name)
        except STORE_ERRORS as error:
            raise storage_failure(READ, name, error) from error

    def replace(self, name: str, data: bytes) -> None:
        """Overwrite an existing object: one PUT, which replaces it whole or not at all."""
        if not self.exists(name):
            raise FileNotFoundError(name)
        key = self._normalize_name(clean_name(name))
        try:
            self.bucket.Object(key).put(Body=data, **self._get_write_parameters(key))
        except STORE_ERRORS as error:
            raise storage_failure(SAVE, name, error) from error

    def __str__(self) -> str:
        return f"s3 {self.endpoint_url or 'aws'}/{self.bucket_name}"
