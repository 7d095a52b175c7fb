"""Test settings: production settings, minus what a test client over plain HTTP cannot use."""

import os

from satuatap.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The manifest storage needs collectstatic; tests serve static files from the finders.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Argon2 is what production uses (tested in tests/core/test_settings.py); it is slow by design.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process and at once (huey's own immediate mode, with in-memory storage).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
# Immediate mode does not run a task scheduled for later: the roll-up refresh runs at commit.
ROLLUP_REFRESH_DELAY_SECONDS = 0
MEDIA_ROOT = DATA_DIR / "test-private"  # noqa: F405
# A file, not shared-cache memory, so concurrent tests meet WAL and busy_timeout as in production.
if DATABASES["default"]["ENGINE"] == "satuatap.core.db.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(DATA_DIR / f"test-satuatap-{os.getpid()}.sqlite3")  # noqa: F405
    }
# The tests seed and test the demo dataset (production leaves the demo app out).
if "satuatap.demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "satuatap.demo"]  # noqa: F405
