"""Start-up checks of the privacy registers (run by `satuatap check`)."""

from __future__ import annotations

from django.core.checks import Error, register


@register()
def request_deadlines_are_readable(app_configs, **kwargs):
    """SATUATAP_REQUEST_DEADLINES names known request types with readable periods
    (privacy/deadlines.py): a typo must not leave a deadline on its default unnoticed."""
    from satuatap.privacy.deadlines import configuration_errors

    return [
        Error(
            f"SATUATAP_REQUEST_DEADLINES: {problem}",
            hint="Periods are hours (72h) or days (14d); the request types are listed in "
            "docs/security.md (Data-subject requests).",
            id="satuatap.E002",
        )
        for problem in configuration_errors()
    ]
