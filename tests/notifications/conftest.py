"""Real components for the gateways: an SMTP server (aiosmtpd) and an HTTP server implementing
the documented formats of the WhatsApp Business Cloud API and of the generic SMS gateway, both
running in the test process. Each server answers from a script (`script.extend([...])`):
"ok", "rate_limit" (429), "error" (a refusal) or "server_error" (500); with the script empty it
answers "ok". Every request it receives is kept in `requests`."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from satuatap.core.roles import Role

WHATSAPP_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
SMS_USER, SMS_PASSWORD = "satuatap", "sms-secret"


@dataclass
class Provider:
    url: str
    script: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def next_answer(self) -> str:
        return self.script.pop(0) if self.script else "ok"

    def sent(self, path_part: str) -> list[dict]:
        return [r for r in self.requests if path_part in r["path"]]


def _whatsapp(provider: Provider, handler, body: dict) -> tuple[int, dict, dict]:
    """POST /v21.0/{phone-number-id}/messages, as the Cloud API documents it."""
    if handler.headers.get("Authorization") != f"Bearer {WHATSAPP_TOKEN}":
        return (
            401,
            {},
            {
                "error": {
                    "message": "Invalid OAuth access token.",
                    "type": "OAuthException",
                    "code": 190,
                    "fbtrace_id": "A1",
                }
            },
        )
    template = body.get("template") or {}
    if (
        body.get("messaging_product") != "whatsapp"
        or body.get("type") != "template"
        or not template.get("name")
        or not (template.get("language") or {}).get("code")
        or not str(body.get("to", "")).isdigit()
    ):
        return (
            400,
            {},
            {
                "error": {
                    "message": "(#100) Invalid parameter",
                    "type": "OAuthException",
                    "code": 100,
                    "fbtrace_id": "A2",
                }
            },
        )
    answer = provider.next_answer()
    if answer == "rate_limit":
        return (
            429,
            {"Retry-After": "1"},
            {
                "error": {
                    "message": "(#130429) Rate limit hit",
                    "type": "OAuthException",
                    "code": 130429,
                    "error_data": {
                        "messaging_product": "whatsapp",
                        "details": "Cloud API message throughput has been reached.",
                    },
                    "fbtrace_id": "A3",
                }
            },
        )
    if answer == "error":
        return (
            400,
            {},
            {
                "error": {
                    "message": "(#131026) Message Undeliverable",
                    "type": "OAuthException",
                    "code": 131026,
                    "error_data": {
                        "messaging_product": "whatsapp",
                        "details": "Unable to deliver message.",
                    },
                    "fbtrace_id": "A4",
                }
            },
        )
    if answer == "server_error":
        return 500, {}, {"error": {"message": "(#131000) Something went wrong", "code": 131000}}
    return (
        200,
        {},
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": f"wamid.TEST{next(provider.ids)}"}],
        },
    )


def _sms(provider: Provider, handler, body: dict) -> tuple[int, dict, dict]:
    """The generic gateway as configured in the tests: basic auth, JSON {to, text, reference},
    answers {"status": "queued", "message_id": …}."""
    expected = base64.b64encode(f"{SMS_USER}:{SMS_PASSWORD}".encode()).decode()
    if handler.headers.get("Authorization") != f"Basic {expected}":
        return 401, {}, {"error": "unauthorised"}
    if not body.get("to") or not body.get("text"):
        return 400, {}, {"error": "to and text are required"}
    answer = provider.next_answer()
    if answer == "rate_limit":
        return 429, {"Retry-After": "1"}, {"error": "too many requests"}
    if answer == "error":
        return 400, {}, {"error": f"invalid destination number {body['to']}"}
    if answer == "server_error":
        return 500, {}, {"error": "internal error"}
    return 200, {}, {"status": "queued", "data": {"message_id": f"sms-{next(provider.ids)}"}}


@pytest.fixture
def provider():
    holder: dict[str, Provider] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            p = holder["provider"]
            p.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
            if self.path == f"/v21.0/{PHONE_NUMBER_ID}/messages":
                status, headers, answer = _whatsapp(p, self, body)
            elif self.path == "/sms/send":
                status, headers, answer = _sms(p, self, body)
            else:
                status, headers, answer = 404, {}, {"error": "not found"}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["provider"] = Provider(url=f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["provider"]
    server.shutdown()
    server.server_close()


class SmtpHandler:
    """Keeps each message; answers RCPT from the script ("ok", "temporary": 451, "refused":
    550)."""

    def __init__(self):
        self.messages: list = []
        self.script: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        answer = self.script.pop(0) if self.script else "ok"
        if answer == "temporary":
            return "451 4.3.0 Try again later"
        if answer == "refused":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = SmtpHandler()
    with socket.socket() as probe:  # a free port: aiosmtpd's start() connects to the one given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


@pytest.fixture
def gateways(settings, provider, smtp_server):
    """Every channel on, pointing at the servers above; three attempts, 60 s back-off base."""
    settings.NOTIFICATION_GATEWAYS = {
        "email": "smtp",
        "whatsapp": "whatsapp_cloud",
        "sms": "http_sms",
    }
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.WHATSAPP_API_URL = f"{provider.url}/v21.0"
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_ACCESS_TOKEN = WHATSAPP_TOKEN
    settings.WHATSAPP_APP_SECRET = "app-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.SMS_GATEWAY_URL = f"{provider.url}/sms/send"
    settings.SMS_GATEWAY_USERNAME = SMS_USER
    settings.SMS_GATEWAY_PASSWORD = SMS_PASSWORD
    settings.SMS_GATEWAY_TOKEN = ""
    settings.SMS_GATEWAY_FORMAT = "json"
    settings.SMS_GATEWAY_PAYLOAD = '{"to": "{to}", "text": "{text}", "reference": "{reference}"}'
    settings.SMS_GATEWAY_ID_FIELD = "data.message_id"
    settings.SMS_GATEWAY_WEBHOOK_SECRET = "sms-webhook-secret"
    return settings


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)
