"""What deploy/ gives an operator is sound before it is installed: nginx accepts the site inside
Debian's own nginx.conf, the systemd units run commands that exist with options they accept,
and the environment file sets only settings that exist and passes `check --deploy`.
`make prod-smoke` (benchmarks/prod_smoke.py) then runs all of it together."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from benchmarks import prod_topology as topology

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")
UNIT_FILES = sorted(p.name for p in topology.UNITS.iterdir())
COMMAND_KEYS = ("ExecStart", "ExecStartPost", "ExecReload")


def require_nginx() -> None:
    if not Path(topology.NGINX).exists() or not DEBIAN_NGINX_CONF.exists():
        pytest.fail("Debian's nginx is not installed: `make nginx` (make test does it)")


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment file with generated secrets, in a clean environment."""
    values = topology.read_env_file()
    values.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        SATUATAP_DATA_DIR=str(tmp_path / "data"),
        STATIC_ROOT=str(tmp_path / "static"),
        **extra,
    )
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "satuatap.settings",
        **values,
    }


def render_site(tmp_path: Path) -> Path:
    certificate, key = topology.self_signed_certificate(tmp_path)
    return topology.render_site(
        topology.SitePlaces(
            directory=tmp_path / "nginx",
            https_port=8443,
            http_port=8080,
            upstreams=("127.0.0.1:18001", "127.0.0.1:18002"),
            certificate=certificate,
            key=key,
            static_root=tmp_path / "static",
        )
    )


def debian_nginx_conf(tmp_path: Path, site: Path) -> Path:
    """Debian's /etc/nginx/nginx.conf with the site where sites-enabled/* is included, and
    what it writes (pid, logs, temporary files) in `tmp_path`."""
    text = DEBIAN_NGINX_CONF.read_text()
    for path in ("/run/nginx.pid", "/var/log/nginx/error.log", "/var/log/nginx/access.log"):
        assert path in text, f"Debian's nginx.conf no longer names {path}"
        text = text.replace(path, str(tmp_path / Path(path).name))
    assert "include /etc/nginx/sites-enabled/*;" in text
    text = text.replace("include /etc/nginx/sites-enabled/*;", f"include {site};")
    # This machine's own additions are not under test.
    text = text.replace("include /etc/nginx/conf.d/*.conf;", "")
    temp = "".join(
        f"\t{kind}_temp_path {tmp_path}/temp-{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", "http {\n" + temp, 1)
    if os.geteuid() != 0:
        text = re.sub(r"^user\s+[^;]+;", "", text, flags=re.MULTILINE)
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    return conf


def nginx_test(tmp_path: Path, conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        topology.nginx_command(tmp_path, conf, "-t"), capture_output=True, text=True, timeout=60
    )


# --- nginx -------------------------------------------------------------------------------------


def test_nginx_accepts_the_site_and_snippets_in_debians_nginx_conf(tmp_path):
    require_nginx()
    conf = debian_nginx_conf(tmp_path, render_site(tmp_path))

    result = nginx_test(tmp_path, conf)

    assert result.returncode == 0, result.stderr
    assert "warn" not in result.stderr, result.stderr


def test_nginx_refuses_the_site_without_its_snippets(tmp_path):
    require_nginx()
    site = render_site(tmp_path)
    (site.parent / "satuatap-app.conf").unlink()

    result = nginx_test(tmp_path, debian_nginx_conf(tmp_path, site))

    assert result.returncode != 0
    assert "satuatap-app.conf" in result.stderr


def test_the_upload_limit_admits_the_largest_file_the_app_accepts():
    from django.conf import settings

    app = (topology.NGINX_DIR / "satuatap-app.conf").read_text()
    limit = re.search(r"client_max_body_size (\d+)m;", app)
    assert limit is not None
    largest = max(settings.DOCUMENT_MAX_BYTES, settings.IMPORT_MAX_BYTES)
    assert largest < int(limit.group(1)) * 1024 * 1024 <= largest + 2 * 1024 * 1024


def test_the_site_never_logs_a_query_string():
    site = (topology.NGINX_DIR / "satuatap.conf").read_text()
    log_format = site[site.index("log_format") : site.index(";", site.index("log_format"))]

    assert "$uri" in log_format
    assert "$request_uri" not in log_format
    assert not re.search(r"\$request\b", log_format)
    assert "$args" not in log_format and "$query_string" not in log_format


# --- systemd -------------------------------------------------------------------------------------


def unit_command_lines(tmp_path: Path) -> list[tuple[str, list[str]]]:
    env = production_env(tmp_path)
    lines = []
    for name in (n for n in UNIT_FILES if n.endswith(".service")):
        for key in COMMAND_KEYS:
            for words in topology.unit_commands(name, env=env, instance="8001", key=key):
                lines.append((f"{name} {key}", words))
    return lines


def test_every_unit_runs_a_program_that_exists(tmp_path):
    lines = unit_command_lines(tmp_path)

    missing = [(where, words[0]) for where, words in lines if not os.access(words[0], os.X_OK)]

    assert {Path(words[0]).name for _where, words in lines} >= {"gunicorn", "satuatap"}
    assert missing == []


def test_every_satuatap_command_of_the_units_exists_with_its_options(tmp_path):
    commands = [
        words[1:]
        for _where, words in unit_command_lines(tmp_path)
        if words[0].endswith("/satuatap")
    ]
    code = (
        "import json, sys, django; django.setup()\n"
        "from django.core.management import get_commands, load_command_class\n"
        "commands = get_commands()\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    command = load_command_class(commands[args[0]], args[0])\n"
        "    command.create_parser('satuatap', args[0]).parse_args(args[1:])\n"
        "    print(args[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(commands)],
        env=production_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"run_huey", "clearsessions", "backup"}


def test_the_app_server_command_is_one_gunicorn_accepts(tmp_path):
    from gunicorn.config import Config

    (words,) = topology.unit_commands(
        "satuatap-web@.service", env=production_env(tmp_path), instance="8001"
    )
    config = Config()
    parsed = config.parser().parse_args(words[1:])

    assert parsed.args == ["satuatap.wsgi"]
    assert parsed.config == "python:satuatap.gunicorn_conf"
    assert parsed.bind == ["127.0.0.1:8001"]
    assert parsed.control_socket_disable is True


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        # The CI machine has it (Debian's systemd package, /usr/bin/systemd-analyze), so there
        # this always runs; a developer's container without systemd cannot verify units at all,
        # and the other tests of this file still check every unit's commands and options.
        pytest.skip("systemd-analyze is not installed (Debian's systemd package)")
    venv_bin = str(Path(sys.executable).parent) + "/"
    for name in UNIT_FILES:
        text = (topology.UNITS / name).read_text().replace(topology.INSTALLED_VENV_BIN, venv_bin)
        target = tmp_path / (name.replace("@.service", "@8001.service"))
        target.write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_every_variable_the_units_use_is_set(tmp_path):
    env = topology.read_env_file()
    for name in UNIT_FILES:
        unit = topology.read_unit(name)
        text = (topology.UNITS / name).read_text()
        for variable in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text):
            assert variable in unit.defaults() or variable in env, (name, variable)


# --- the environment file ------------------------------------------------------------------------


def test_the_environment_file_sets_only_settings_or_unit_variables():
    read_by_the_app = (ROOT / "src" / "satuatap" / "settings.py").read_text()
    used_by_units = "".join((topology.UNITS / name).read_text() for name in UNIT_FILES)

    unknown = [
        name
        for name in topology.read_env_file()
        if f'"{name}"' not in read_by_the_app and "${" + name + "}" not in used_by_units
    ]

    assert unknown == []


def test_the_environment_file_passes_check_deploy(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "satuatap", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
