"""One id per request, in every log line written while it runs and in its answer.

`RequestIdMiddleware` (first in `MIDDLEWARE`) takes the id the reverse proxy sent in
`X-Request-ID` (nginx: `proxy_set_header X-Request-ID $request_id;`) when it is a plain token,
else makes one (32 hex digits); it keeps it for the request's thread in a context variable,
answers with it in `X-Request-ID`, and forgets it when the answer leaves. `RequestIdFilter`, on
every handler of `settings.LOGGING`, copies it onto each log record (`request_id`, None outside
a request), and the JSON formatter (`core/json_logs.py`) writes it. gunicorn's access log reads
it from the answer's header (`satuatap/gunicorn_conf.py`).

An id offered by the client is refused (and a new one made) unless it is 8–64 letters, digits,
dots, dashes or underscores and holds nothing the log filter would mask (ten digits or more: a
NIK or a phone number someone put there), so it cannot smuggle personal data or a line break
into the logs. Behind the reverse proxy (`BEHIND_TLS_PROXY`), nginx's own `$request_id` (32
lowercase hex digits) is kept even when it holds ten digits in a row (about one in twelve do):
nginx replaces any `X-Request-ID` the client sent, so the value is nginx's, and refusing it
would break the join between nginx's access log and the app's lines. Ids made here never hold
such a run, so a redacted log message never masks one. Imports nothing of Django: gunicorn's
logger uses the filter too.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from satuatap.core.redaction import redact

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_NGINX = re.compile(r"[0-9a-f]{32}")

_current: ContextVar[str | None] = ContextVar("satuatap_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request this thread is answering, or None."""
    return _current.get()


def new_request_id() -> str:
    """32 hex digits without a run of digits the log redaction would mask."""
    while True:
        candidate = uuid.uuid4().hex
        if redact(candidate) == candidate:
            return candidate


def accepted_request_id(offered: str | None, *, from_trusted_proxy: bool = False) -> str:
    """The id offered by the proxy when it is a plain token (or, from the trusted proxy,
    nginx's `$request_id`), else a new one."""
    if not offered or not _ACCEPTED.fullmatch(offered):
        return new_request_id()
    if redact(offered) == offered or (from_trusted_proxy and _NGINX.fullmatch(offered)):
        return offered
    return new_request_id()


class RequestIdMiddleware:
    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.behind_proxy = bool(getattr(settings, "BEHIND_TLS_PROXY", False))

    def __call__(self, request):
        request_id = accepted_request_id(
            request.META.get(_META_KEY), from_trusted_proxy=self.behind_proxy
        )
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs an answer of 4xx or 5xx a view returned (rather than raised) after
                # the middleware has finished, without the id: log it here, once, with it.
                from django.utils.log import log_response

                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """A handler filter: `record.request_id`, the id of the request being answered (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _current.get()
        return True
