"""The private storage under test: a real S3-compatible server (SeaweedFS, started once per test
process) or MEDIA_ROOT on disk, behind the same settings the application reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.storage.s3_server import S3Server, WeedMissingError, free_ports, weed_binary

S3_BACKEND = "satuatap.core.storage_s3.PrivateS3Storage"
LOCAL_BACKEND = "satuatap.core.storage.PrivateFileSystemStorage"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """SeaweedFS on free loopback ports in a temporary directory; stopped at the end. A missing
    `weed` binary fails the tests that need it, with what to install: nothing is skipped."""
    try:
        weed_binary()
    except WeedMissingError as error:
        pytest.fail(str(error), pytrace=False)
    server = S3Server(directory=tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    yield server
    server.stop()


def s3_options(server: S3Server, prefix: str, *, endpoint_url: str | None = None) -> dict:
    return {
        "bucket_name": server.bucket,
        "endpoint_url": endpoint_url or server.endpoint_url,
        "access_key": server.access_key,
        "secret_key": server.secret_key,
        "region_name": "us-east-1",
        "location": prefix,
        # One attempt with short timeouts: an outage shows at once.
        "connect_timeout": 2.0,
        "read_timeout": 10.0,
        "max_attempts": 1,
    }


@dataclass
class PrivateStorage:
    """Where the files of one test go, and what is stored there, byte for byte."""

    kind: str
    media_root: Path
    server: S3Server | None = None
    prefix: str = ""

    def stored_names(self) -> list[str]:
        """The names of the stored files (as a record holds them)."""
        if self.server is not None:
            return [key.removeprefix(self.prefix + "/") for key in self.server.keys(self.prefix)]
        if not self.media_root.exists():
            return []
        return sorted(
            path.relative_to(self.media_root).as_posix()
            for path in self.media_root.rglob("*")
            if path.is_file()
        )

    def stored_bytes(self, name: str) -> bytes:
        """The bytes as stored (ciphertext, for the encrypted kinds)."""
        if self.server is not None:
            return self.server.read(f"{self.prefix}/{name}")
        return (self.media_root / name).read_bytes()

    def unfinished_uploads(self) -> list[str]:
        return self.server.unfinished_uploads(self.prefix) if self.server else []

    def local_files(self) -> list[Path]:
        """Files written on this machine's disk (none, when the bucket is in use)."""
        if not self.media_root.exists():
            return []
        return [path for path in self.media_root.rglob("*") if path.is_file()]


def use_s3(settings, server: S3Server, prefix: str, *, endpoint_url: str | None = None) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": s3_options(server, prefix, endpoint_url=endpoint_url),
        },
    }


@pytest.fixture
def s3_storage(settings, tmp_path, s3_server) -> PrivateStorage:
    """The bucket, under a prefix of this test's own; MEDIA_ROOT empty, to show nothing lands
    on the app server's disk."""
    settings.MEDIA_ROOT = tmp_path / "private"
    prefix = f"test-{uuid.uuid4().hex}"
    use_s3(settings, s3_server, prefix)
    return PrivateStorage("s3", settings.MEDIA_ROOT, s3_server, prefix)


@pytest.fixture
def local_storage(settings, tmp_path) -> PrivateStorage:
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": LOCAL_BACKEND}}
    return PrivateStorage("local", settings.MEDIA_ROOT)


@pytest.fixture(params=["s3", "local"])
def private_storage(request) -> PrivateStorage:
    """Each backend in turn: what holds for the files holds for both."""
    return request.getfixturevalue(f"{request.param}_storage")


@pytest.fixture
def dead_endpoint() -> str:
    """An address where nothing listens: the store is down."""
    return f"http://127.0.0.1:{free_ports(1)[0]}"
