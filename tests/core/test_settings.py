"""Production settings are safe; the embedded SQLite mode is tuned for concurrent use."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _satuatap(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "satuatap", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _python(code: str, *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def _production_env(tmp_path: Path) -> dict[str, str]:
    unwanted = {"DEBUG", "SATUATAP_DEMO", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="satuatap.example.id",
        SATUATAP_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _satuatap(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_encryption_keys_are_not_from_the_environment(tmp_path):
    env = _production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEYS"]
    result = _satuatap("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "satuatap.W001" in result.stdout + result.stderr


def test_production_defaults_are_secure_and_hash_with_argon2(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.PASSWORD_HASHERS[0].endswith('Argon2PasswordHasher'))"
    )
    env = _production_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "satuatap.settings"
    result = _python(f"import django;django.setup();{code}", env=env, cwd=tmp_path)
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"], result.stderr


def test_production_neither_installs_nor_imports_the_demo(tmp_path):
    code = (
        "import sys, satuatap.wsgi;"
        "from django.apps import apps;"
        "from django.core.management import get_commands;"
        "print(apps.is_installed('satuatap.demo'),"
        " any(m.split('.')[:2] == ['satuatap', 'demo'] for m in sys.modules),"
        " 'seed_demo' in get_commands(), 'demo_otp_code' in get_commands())"
    )
    env = _production_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "satuatap.settings"
    result = _python(code, env=env, cwd=tmp_path)
    assert result.stdout.split() == ["False", "False", "False", "False"], result.stderr


def test_check_deploy_warns_when_the_demo_is_installed(tmp_path):
    env = {**_production_env(tmp_path), "SATUATAP_DEMO": "true"}
    result = _satuatap("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "satuatap.W003" in result.stdout + result.stderr
    assert "satuatap.W001" not in result.stdout + result.stderr


def test_missing_secret_key_is_generated_once_and_kept_private(tmp_path):
    env = _production_env(tmp_path)
    env.pop("SECRET_KEY")
    env["DJANGO_SETTINGS_MODULE"] = "satuatap.settings"
    code = (
        "import django;django.setup();from django.conf import settings;print(settings.SECRET_KEY)"
    )
    first = _python(code, env=env, cwd=tmp_path)
    second = _python(code, env=env, cwd=tmp_path)
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_the_database_connection_is_tuned_for_its_engine():
    """SQLite: WAL, busy timeout, foreign keys, IMMEDIATE transactions. Every engine:
    persistent connections with health checks."""
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "postgresql":
        assert connection.pg_version >= 140000
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    options = connection.settings_dict["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_sqlite_database_file_is_created_in_wal_mode(tmp_path):
    env = _production_env(tmp_path)
    env.pop("DATABASE_URL", None)
    result = _satuatap("migrate", "-v0", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import sqlite3

    mode = sqlite3.connect(tmp_path / "satuatap.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


def test_sessions_stay_in_the_database_unless_session_engine_says_otherwise(tmp_path):
    code = "from django.conf import settings as s;print(s.SESSION_ENGINE)"
    env = _production_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "satuatap.settings"
    default = _python(f"import django;django.setup();{code}", env=env, cwd=tmp_path)
    env["SESSION_ENGINE"] = "django.contrib.sessions.backends.cache"
    in_the_cache = _python(f"import django;django.setup();{code}", env=env, cwd=tmp_path)

    assert default.stdout.strip() == "django.contrib.sessions.backends.db", default.stderr
    assert in_the_cache.stdout.strip() == "django.contrib.sessions.backends.cache"


def test_an_unknown_session_engine_stops_the_start(tmp_path):
    env = _production_env(tmp_path)
    env["SESSION_ENGINE"] = "django.contrib.sessions.backends.signed_cookies"
    result = _satuatap("check", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "SESSION_ENGINE must be one of" in result.stderr
