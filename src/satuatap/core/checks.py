"""Deployment checks of our own, run by `satuatap check --deploy`."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def encryption_keys_come_from_the_environment(app_configs, **kwargs):
    if getattr(settings, "FIELD_ENCRYPTION_KEYS_FROM_ENV", False):
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS is not set: encrypted case data uses a key generated in the "
            "data directory, beside the database it protects.",
            hint="Set FIELD_ENCRYPTION_KEYS (Fernet keys, newest first) from a secret store "
            "and back the keys up separately from the database (docs/security.md).",
            id="satuatap.W001",
        )
    ]


@register(Tags.security, deploy=True)
def two_factor_sign_in_is_required(app_configs, **kwargs):
    if getattr(settings, "SATUATAP_REQUIRE_2FA", True):
        return []
    return [
        Warning(
            "SATUATAP_REQUIRE_2FA is off: case workers, supervisors, partner case workers and "
            "administrators sign in with a password alone.",
            hint="Set SATUATAP_REQUIRE_2FA=true (the default) once the staff have authenticator "
            "apps (docs/security.md).",
            id="satuatap.W002",
        )
    ]


@register(Tags.security, deploy=True)
def demo_is_not_installed(app_configs, **kwargs):
    if not apps.is_installed("satuatap.demo"):
        return []
    return [
        Warning(
            "The demo app is installed (SATUATAP_DEMO or DEBUG is on): `satuatap seed_demo` "
            "would create accounts whose password and two-factor secret are published.",
            hint="Leave SATUATAP_DEMO and DEBUG unset in production.",
            id="satuatap.W003",
        )
    ]


METRICS_TOKEN_MIN_LENGTH = 32


@register(Tags.security, deploy=True)
def metrics_token_is_long_enough(app_configs, **kwargs):
    tokens = [t.strip() for t in getattr(settings, "SATUATAP_METRICS_TOKEN", "").split(",")]
    if all(not token or len(token) >= METRICS_TOKEN_MIN_LENGTH for token in tokens):
        return []
    return [
        Warning(
            "A token of SATUATAP_METRICS_TOKEN is shorter than 32 characters: the operator's "
            "metrics are guarded by a guessable token.",
            hint='Generate one with `python -c "import secrets; print(secrets.token_urlsafe(32))'
            '"` (docs/operations.md).',
            id="satuatap.W004",
        )
    ]


@register()
def retention_schedule_is_readable(app_configs, **kwargs):
    """SATUATAP_RETENTION names known record classes with readable periods (core/retention/):
    a typo must not leave a class on its default unnoticed."""
    from satuatap.core.retention import configuration_errors

    return [
        Error(
            f"SATUATAP_RETENTION: {problem}",
            hint="Periods are days (30 or 30d), years (5y) or never; the classes are listed "
            "in docs/security.md (Retention).",
            id="satuatap.E001",
        )
        for problem in configuration_errors()
    ]
