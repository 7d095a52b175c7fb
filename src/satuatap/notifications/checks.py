"""Start-up checks of the notification gateways (run by `satuatap check`)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.checks import Error, register

REQUIRED = {
    "whatsapp_cloud": (
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
    ),
    "http_sms": ("SMS_GATEWAY_URL", "SMS_GATEWAY_WEBHOOK_SECRET"),
    "smtp": (),
}
GATEWAY_OF_CHANNEL = {"email": "smtp", "whatsapp": "whatsapp_cloud", "sms": "http_sms"}


def configuration_errors() -> list[str]:
    problems = []
    for channel, gateway in settings.NOTIFICATION_GATEWAYS.items():
        if channel not in GATEWAY_OF_CHANNEL:
            problems.append(f"unknown channel {channel!r} (email, whatsapp, sms)")
        elif gateway != GATEWAY_OF_CHANNEL[channel]:
            problems.append(f"{channel} cannot use gateway {gateway!r}")
        else:
            problems += [
                f"{channel}: {name} is not set"
                for name in REQUIRED[gateway]
                if not getattr(settings, name, "")
            ]
    if settings.NOTIFICATION_GATEWAYS.get("sms") == "http_sms":
        try:
            if not isinstance(json.loads(settings.SMS_GATEWAY_PAYLOAD), dict):
                raise ValueError
        except ValueError:
            problems.append("SMS_GATEWAY_PAYLOAD is not a JSON object")
        if settings.SMS_GATEWAY_FORMAT not in ("json", "form"):
            problems.append("SMS_GATEWAY_FORMAT must be json or form")
    if settings.NOTIFICATION_MAX_ATTEMPTS < 1 or settings.NOTIFICATION_RETRY_BASE_SECONDS < 1:
        problems.append("attempts and the back-off base must be at least 1")
    return problems


@register()
def notification_gateways_are_configured(app_configs, **kwargs):
    """A channel is set up with a gateway that exists and everything that gateway needs: a
    WhatsApp channel without its app secret would refuse every receipt, unnoticed."""
    return [
        Error(
            f"SATUATAP_NOTIFICATION_GATEWAYS: {problem}",
            hint="See README, Configuration (notifications).",
            id="satuatap.E003",
        )
        for problem in configuration_errors()
    ]
