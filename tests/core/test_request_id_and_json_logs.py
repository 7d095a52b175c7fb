"""Every answer names its request id (X-Request-ID), every line logged while it runs carries it,
and the JSON log lines hold the fields they name and nothing else (docs/operations.md)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from satuatap.core.json_logs import JsonLines
from satuatap.core.redaction import RedactPersonalData, redact
from satuatap.core.request_id import (
    RequestIdFilter,
    RequestIdMiddleware,
    accepted_request_id,
    current_request_id,
    new_request_id,
)

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log():
    """A logger writing JSON lines through the project's filters into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RedactPersonalData())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("tests.request_id")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_every_answer_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second) and first != second


def test_the_proxys_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-4f1c2a9b77e0"})
    assert response["X-Request-ID"] == "nginx-4f1c2a9b77e0"


@pytest.mark.parametrize(
    "offered",
    [
        "3209015403950041",  # a NIK: the log would carry it
        "req-081298765432",  # a phone number
        "short",
        "x" * 65,
        "abc def ghi",
        "line\nbreak-12345",
        "",
    ],
)
def test_an_id_that_could_carry_personal_data_or_break_a_line_is_replaced(offered):
    assert HEX32.fullmatch(accepted_request_id(offered))


NGINX_ID_WITH_A_DIGIT_RUN = "4f1c2a9b77e0320901540395004a1b2c"


def test_an_id_made_here_is_never_masked_by_the_log_redaction():
    made = {new_request_id() for _ in range(3000)}
    assert len(made) == 3000
    assert all(HEX32.fullmatch(made_id) and redact(made_id) == made_id for made_id in made)


def test_nginxs_id_with_a_run_of_digits_is_kept_only_behind_the_proxy():
    assert redact(NGINX_ID_WITH_A_DIGIT_RUN) != NGINX_ID_WITH_A_DIGIT_RUN
    assert (
        accepted_request_id(NGINX_ID_WITH_A_DIGIT_RUN, from_trusted_proxy=True)
        == NGINX_ID_WITH_A_DIGIT_RUN
    )
    assert accepted_request_id(NGINX_ID_WITH_A_DIGIT_RUN) != NGINX_ID_WITH_A_DIGIT_RUN
    # Behind the proxy too, anything but nginx's format with a NIK in it is replaced.
    assert accepted_request_id("req-3209015403950041", from_trusted_proxy=True) != (
        "req-3209015403950041"
    )


def test_the_middleware_keeps_nginxs_id_when_behind_the_proxy(client, settings):
    settings.BEHIND_TLS_PROXY = True
    response = client.get("/healthz", headers={"X-Request-ID": NGINX_ID_WITH_A_DIGIT_RUN})
    assert response["X-Request-ID"] == NGINX_ID_WITH_A_DIGIT_RUN


def test_the_middleware_is_the_first():
    assert settings.MIDDLEWARE[0] == "satuatap.core.request_id.RequestIdMiddleware"


def test_a_line_logged_during_a_request_carries_its_id_and_none_after(json_log):
    logger, lines = json_log

    def view(request):
        logger.info("person %s saved", 41)
        from django.http import HttpResponse

        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/"))
    logger.info("outside")

    during, after = lines()
    assert during["request_id"] == response["X-Request-ID"]
    assert during["message"] == "person 41 saved"
    assert after["request_id"] is None and current_request_id() is None


def test_an_error_answer_a_view_returns_is_logged_with_the_id(json_log):
    from django.http import HttpResponseForbidden

    logger, lines = json_log
    django_request = logging.getLogger("django.request")
    handler = logger.handlers[0]
    django_request.addHandler(handler)
    try:
        response = RequestIdMiddleware(lambda request: HttpResponseForbidden())(
            RequestFactory().get("/people/7/?q=3209015403950041")
        )
    finally:
        django_request.removeHandler(handler)
    (line,) = lines()
    assert line["message"] == "Forbidden: /people/7/"
    assert line["request_id"] == response["X-Request-ID"]


def test_json_lines_hold_only_their_fields_never_the_request_django_passes(json_log):
    logger, lines = json_log
    request = RequestFactory().get("/people/?q=Siti+Nurhaliza")
    logger.warning("Not Found: %s", request.path, extra={"request": request, "status_code": 404})

    (line,) = lines()
    assert set(line) == {"time", "level", "logger", "message", "request_id"}
    assert line["level"] == "WARNING" and line["logger"] == "tests.request_id"
    assert "Siti" not in json.dumps(line)


def test_a_traceback_in_a_json_line_is_redacted(json_log):
    logger, lines = json_log
    try:
        raise ValueError("Key (nik)=(3209015403950041) already exists; call 081298765432")
    except ValueError:
        logger.exception("saving failed")

    (line,) = lines()
    assert "ValueError" in line["exc_info"]
    assert "3209015403950041" not in line["exc_info"] and "081298765432" not in line["exc_info"]
    assert "Key (nik)=(…)" in line["exc_info"]


def test_log_format_is_json_unless_asked_otherwise():
    assert settings.LOG_FORMAT == "json"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    for handler in settings.LOGGING["handlers"].values():
        assert handler["filters"] == ["redact", "request_id"]
