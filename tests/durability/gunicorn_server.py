"""gunicorn serving the test database as a real process, for tests that kill it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.durability.live_http import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Server:
    """gunicorn (gthread workers) in its own process group, so one SIGKILL to the group takes
    the master and every worker."""

    def __init__(self, tmp_path: Path, **environment: str) -> None:
        self.tmp_path = tmp_path
        self.environment = environment
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.tmp_path / f"gunicorn-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
            "DATABASE_URL": database_url(),
            "SATUATAP_DATA_DIR": str(self.tmp_path / "server-data"),
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "DEBUG": "false",
            **self.environment,
        }
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "satuatap.wsgi",
            "-k",
            "gthread",
            "-w",
            "2",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{self.port}",
            "--no-control-socket",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_serving(self.process, self.port, self.log)

    def workers(self) -> list[int]:
        """The master's worker processes as the kernel lists them now."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
