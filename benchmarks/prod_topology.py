"""The files of deploy/, read the way systemd and nginx read them, for `prod_smoke.py` and for
tests/deploy/test_deploy_files.py.

- `read_env_file`: deploy/satuatap.env (systemd's EnvironmentFile= syntax: VAR=value lines).
- `unit_commands`: the ExecStart= (and ExecStartPost=) command lines of a unit of
  deploy/systemd, with `%i` and `${VAR}` expanded as systemd expands them and the install path
  of the virtual environment (/opt/satuatap/venv) swapped for this one.
- `render_site`: deploy/nginx's site and snippets with the ports, host name and paths of this
  machine put in place of the example ones. Every replacement must match exactly as often as
  expected, so a change to the deploy files that the smoke would no longer run fails loudly.
- `main_nginx_conf`: a minimal nginx.conf around the site (Debian's http defaults, temporary
  paths and logs in the run directory) for `nginx -p DIR -c nginx.conf -g 'daemon off;'`.
- `self_signed_certificate`: a certificate for localhost and 127.0.0.1 (openssl).
- `ensure_nginx`: Debian's nginx, installed with apt-get when missing (as the Makefile does for
  chromium), never started as the system's service.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
NGINX_DIR = DEPLOY / "nginx"
ENV_TEMPLATE = DEPLOY / "satuatap.env"

INSTALLED_VENV_BIN = "/opt/satuatap/venv/bin/"
NGINX = "/usr/sbin/nginx"
SITE = "satuatap.conf"
SNIPPETS = ("satuatap-tls.conf", "satuatap-app.conf")
EXAMPLE_HOST = "satuatap.example.go.id"
EXAMPLE_UPSTREAMS = ("127.0.0.1:8001", "127.0.0.1:8002")


class DeployFileError(RuntimeError):
    """A deploy file no longer looks as this script expects."""


# --- environment file and units ----------------------------------------------------------------


def read_env_file(path: Path = ENV_TEMPLATE) -> dict[str, str]:
    """VAR=value lines as systemd's EnvironmentFile= reads them (comments and blanks skipped,
    one pair of surrounding quotes removed)."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, sep, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise DeployFileError(f"{path}:{number}: not a VAR=value line: {raw!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


@dataclass(frozen=True)
class Unit:
    path: Path
    sections: dict[str, list[tuple[str, str]]]

    def values(self, section: str, key: str) -> list[str]:
        return [value for name, value in self.sections.get(section, []) if name == key]

    def defaults(self) -> dict[str, str]:
        """The unit's own Environment= assignments (an EnvironmentFile= overrides them)."""
        result: dict[str, str] = {}
        for line in self.values("Service", "Environment"):
            for word in shlex.split(line):
                name, _sep, value = word.partition("=")
                result[name] = value
        return result


def read_unit(name: str) -> Unit:
    path = UNITS / name
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        key, _sep, value = line.partition("=")
        sections.setdefault(current, []).append((key.strip(), value.strip()))
    return Unit(path=path, sections=sections)


def _expand(word: str, *, instance: str, env: dict[str, str]) -> str:
    def variable(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise DeployFileError(f"${{{name}}} is set neither by the unit nor by the env file")
        return env[name]

    word = word.replace("%i", instance).replace("%%", "%")
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", variable, word)


def unit_commands(
    name: str,
    *,
    env: dict[str, str],
    instance: str = "",
    key: str = "ExecStart",
    venv_bin: Path | None = None,
) -> list[list[str]]:
    """The unit's `key=` command lines, as argument lists, expanded like systemd does, with
    the unit's own Environment= defaults under `env`, and /opt/satuatap/venv/bin/ replaced by
    `venv_bin` (the running Python's directory by default)."""
    unit = read_unit(name)
    values = {**unit.defaults(), **env}
    bin_dir = str(venv_bin or Path(sys.executable).parent) + "/"
    commands = []
    for line in unit.values("Service", key):
        words = [_expand(word, instance=instance, env=values) for word in shlex.split(line)]
        if words and words[0].startswith(INSTALLED_VENV_BIN):
            words[0] = bin_dir + words[0][len(INSTALLED_VENV_BIN) :]
        commands.append(words)
    if not commands and key == "ExecStart":
        raise DeployFileError(f"{name} has no ExecStart=")
    return commands


# --- nginx ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitePlaces:
    """Where the rendered site listens and finds its files on this machine."""

    directory: Path  # the rendered site, its snippets and its access log
    https_port: int
    http_port: int
    upstreams: tuple[str, str]
    certificate: Path
    key: Path
    static_root: Path
    host: str = "localhost"


def _replace(text: str, old: str, new: str, count: int, where: str) -> str:
    found = text.count(old)
    if found != count:
        raise DeployFileError(f"{where}: expected {count}× {old!r}, found {found}")
    return text.replace(old, new)


def render_site(places: SitePlaces) -> Path:
    """Write the site and its snippets into `places.directory`; return the site's path."""
    directory = places.directory
    directory.mkdir(parents=True, exist_ok=True)
    site = (NGINX_DIR / SITE).read_text()
    where = f"deploy/nginx/{SITE}"
    for example, actual in zip(EXAMPLE_UPSTREAMS, places.upstreams, strict=True):
        site = _replace(site, f"server {example} ", f"server {actual} ", 1, where)
    site = _replace(site, "    listen [::]:80;\n", "", 1, where)
    site = _replace(site, "    listen [::]:443 ssl http2;\n", "", 1, where)
    site = _replace(site, "listen 80;", f"listen 127.0.0.1:{places.http_port};", 1, where)
    site = _replace(
        site, "listen 443 ssl http2;", f"listen 127.0.0.1:{places.https_port} ssl http2;", 1, where
    )
    site = _replace(site, f"server_name {EXAMPLE_HOST};", f"server_name {places.host};", 2, where)
    site = _replace(site, "/etc/ssl/satuatap/fullchain.pem", str(places.certificate), 1, where)
    site = _replace(site, "/etc/ssl/satuatap/privkey.pem", str(places.key), 1, where)
    site = _replace(site, "/etc/nginx/snippets/", f"{directory}/", 2, where)
    site = _replace(
        site, "/var/log/nginx/satuatap.access.log", str(directory / "access.log"), 2, where
    )
    (directory / SITE).write_text(site)
    tls = (NGINX_DIR / "satuatap-tls.conf").read_text()
    (directory / "satuatap-tls.conf").write_text(tls)
    app = (NGINX_DIR / "satuatap-app.conf").read_text()
    app = _replace(
        app,
        "/var/www/satuatap/static/",
        f"{places.static_root}/",
        1,
        "deploy/nginx/satuatap-app.conf",
    )
    (directory / "satuatap-app.conf").write_text(app)
    return directory / SITE


def main_nginx_conf(directory: Path, site: Path) -> Path:
    """nginx.conf for a master in the foreground with everything it writes in `directory`: the
    http defaults of Debian's /etc/nginx/nginx.conf, and the site included in the http block as
    Debian includes /etc/nginx/sites-enabled/*."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / "temp" / name).mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:
        # As root, the workers run as Debian's www-data (like the system's nginx); they need
        # to write the temporary files of request bodies.
        user = "user www-data;"
        shutil.chown(directory / "temp", "www-data")
        for child in (directory / "temp").iterdir():
            shutil.chown(child, "www-data")
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 2;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 512; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;
    access_log off;
    include {site};
}}
"""
    )
    return conf


def nginx_command(directory: Path, conf: Path, *extra: str) -> list[str]:
    return [NGINX, "-p", f"{directory}/", "-c", str(conf), *extra]


def self_signed_certificate(directory: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A one-day certificate and its key for `host` and 127.0.0.1."""
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=DNS:{host},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def ensure_nginx() -> str:
    """Debian's nginx binary; installed with apt-get when missing (root, or sudo). The package
    does not start the system's nginx where policy-rc.d forbids it (containers); elsewhere the
    smoke's nginx still listens on its own ports."""
    if Path(NGINX).exists():
        return NGINX
    if shutil.which("apt-get") is None:
        raise DeployFileError("nginx is missing and this is not Debian: install nginx")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("Installing Debian's nginx for the production smoke", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "nginx"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )
    return NGINX
