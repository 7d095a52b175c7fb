"""The adapters that hand a message to a provider, one per channel, chosen in settings
(`NOTIFICATION_GATEWAYS`, README "Configuration"):

- `smtp`: e-mail through Django's SMTP e-mail backend (EMAIL_URL's host, port and login);
- `whatsapp_cloud`: the WhatsApp Business Cloud API, a template message
  (POST {WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages);
- `http_sms`: a generic SMS HTTP gateway: a URL, credentials and a payload template in
  settings, since Indonesian SMS providers each have their own format.

`send` returns the provider's message id, or raises `TemporaryFailure` (try again later: a rate
limit, a server error, no connection) or `PermanentFailure` (trying again will not help: a
refused number, a template the provider does not know). Error texts name no address and no
message text, only what the provider answered (its code and message).
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# WhatsApp Cloud API error codes worth another try: throughput (130429), pair rate limit
# (131056), rate limits of the app or account (4, 80007), temporary errors (1, 2, 131000,
# 131016 service unavailable).
WHATSAPP_TEMPORARY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056})


class GatewayFailure(Exception):  # noqa: N818 - a failure of the provider, not of our code
    def __init__(self, error: str, *, retry_after: int | None = None):
        super().__init__(error)
        self.error = error[:500]
        self.retry_after = retry_after


class TemporaryFailure(GatewayFailure):
    pass


class PermanentFailure(GatewayFailure):
    pass


@dataclass(frozen=True)
class Outgoing:
    """What an adapter needs of a message, already rendered in its language."""

    reference: str  # our id, given to providers that echo one back
    address: str
    language: str
    subject: str
    body: str
    whatsapp_template: str
    parameters: tuple[str, ...]


def _retry_after(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def _post(url: str, **kwargs) -> requests.Response:
    try:
        return requests.post(url, timeout=settings.NOTIFICATION_HTTP_TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        raise TemporaryFailure(f"no answer from the gateway: {type(error).__name__}") from error


class SmtpGateway:
    def send(self, message: Outgoing) -> str:
        connection = get_connection(SMTP_BACKEND, fail_silently=False)
        message_id = make_msgid(domain=str(DNS_NAME))
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={"Message-ID": message_id, "X-SatuAtap-Message": message.reference},
            connection=connection,
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _text in error.recipients.values()}
            failure = TemporaryFailure if all(400 <= c < 500 for c in codes) else PermanentFailure
            raise failure(f"SMTP refused the recipient ({', '.join(map(str, codes))})") from error
        except smtplib.SMTPResponseException as error:
            failure = TemporaryFailure if 400 <= error.smtp_code < 500 else PermanentFailure
            raise failure(f"SMTP {error.smtp_code}") from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"SMTP: {type(error).__name__}") from error
        return message_id


class WhatsAppCloudGateway:
    def send(self, message: Outgoing) -> str:
        url = (
            f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.address.lstrip("+"),
            "type": "template",
            "template": {
                "name": message.whatsapp_template,
                "language": {"code": message.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": v} for v in message.parameters],
                    }
                ],
            },
        }
        response = _post(
            url,
            json=payload,
            headers={"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"},
        )
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.ok:
            try:
                return str(data["messages"][0]["id"])
            except (KeyError, IndexError, TypeError) as missing:
                raise TemporaryFailure("WhatsApp answered without a message id") from missing
        problem = data.get("error") if isinstance(data, dict) else None
        code = problem.get("code") if isinstance(problem, dict) else None
        text = f"WhatsApp {response.status_code}"
        if isinstance(problem, dict):
            text += f" error {code}: {str(problem.get('message', ''))[:200]}"
        if response.status_code == 429 or response.status_code >= 500:
            raise TemporaryFailure(text, retry_after=_retry_after(response))
        if code in WHATSAPP_TEMPORARY_CODES:
            raise TemporaryFailure(text, retry_after=_retry_after(response))
        raise PermanentFailure(text)


def _fill(template, values: dict[str, str]):
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    if isinstance(template, dict):
        return {key: _fill(item, values) for key, item in template.items()}
    return template


def _dig(data, path: str):
    for part in path.split("."):
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


class HttpSmsGateway:
    """POST the payload template with {to}, {text} and {reference} filled in, as JSON or as a
    form (`SMS_GATEWAY_FORMAT`), with basic auth or a bearer token; the provider's message id
    is read from the JSON answer at `SMS_GATEWAY_ID_FIELD` (a dotted path)."""

    def send(self, message: Outgoing) -> str:
        template = json.loads(settings.SMS_GATEWAY_PAYLOAD)
        payload = _fill(
            template,
            {"to": message.address, "text": message.body, "reference": message.reference},
        )
        headers = {}
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        auth = (
            (settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD)
            if settings.SMS_GATEWAY_USERNAME
            else None
        )
        body = {"json": payload} if settings.SMS_GATEWAY_FORMAT == "json" else {"data": payload}
        response = _post(settings.SMS_GATEWAY_URL, headers=headers, auth=auth, **body)
        if response.status_code == 429 or response.status_code >= 500:
            raise TemporaryFailure(
                f"SMS gateway {response.status_code}", retry_after=_retry_after(response)
            )
        if not response.ok:
            raise PermanentFailure(f"SMS gateway {response.status_code}: {response.text[:200]}")
        try:
            found = _dig(response.json(), settings.SMS_GATEWAY_ID_FIELD)
        except ValueError:
            found = None
        return str(found) if found not in (None, "") else message.reference


GATEWAYS = {
    "smtp": SmtpGateway,
    "whatsapp_cloud": WhatsAppCloudGateway,
    "http_sms": HttpSmsGateway,
}


def gateway_for(channel: str):
    """The adapter configured for `channel`, or None when the channel is not set up."""
    name = settings.NOTIFICATION_GATEWAYS.get(channel, "")
    gateway = GATEWAYS.get(name)
    return gateway() if gateway is not None else None
