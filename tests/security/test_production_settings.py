"""Production settings (DEBUG off, the environment a deployment sets) are hardened: secure and
HttpOnly cookies, HSTS for a year, HTTPS redirect, a strict Content-Security-Policy, no public
media URL; and `satuatap check --deploy` has nothing to say."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "MEDIA_URL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "MIDDLEWARE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
]


def production_env(tmp_path: Path) -> dict[str, str]:
    unwanted = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    unwanted |= {name for name in os.environ if name.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="satuatap.example.go.id",
        CSRF_TRUSTED_ORIGINS="https://satuatap.example.go.id",
        SATUATAP_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def production_settings(tmp_path: Path) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}, default=str))"
    )
    env = production_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "satuatap.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prod(tmp_path_factory) -> dict:
    return production_settings(tmp_path_factory.mktemp("production"))


def test_production_cookies_are_secure_and_http_only(prod):
    s = prod
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["LANGUAGE_COOKIE_SECURE"] is True
    assert s["LANGUAGE_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert s["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_production_forces_https_with_a_year_of_hsts(prod):
    s = prod
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] in ("same-origin", "no-referrer", "strict-origin")


def test_production_sends_a_strict_content_security_policy(prod):
    s = prod
    assert "csp.middleware.CSPMiddleware" in s["MIDDLEWARE"]
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert s["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None  # enforced, not only reported


def test_uploads_live_outside_every_served_directory(prod):
    s = prod
    media, static = Path(s["MEDIA_ROOT"]), Path(s["STATIC_ROOT"])
    assert s["MEDIA_URL"] in ("", "/")  # no URL prefix that a web server could map to MEDIA_ROOT
    assert not media.is_relative_to(static) and not static.is_relative_to(media)


def test_check_deploy_is_clean_with_debug_off(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "satuatap", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS:" not in output
