"""Log lines as JSON, one object per line: what a log collector (Loki, Elasticsearch, journald
with a parser) reads without a pattern per message.

    {"time": "2026-12-08T02:15:04.120Z", "level": "WARNING", "logger": "django.request",
     "message": "Not Found: /people/99999999/", "request_id": "5f0c…"}

`JsonLines` (python-json-logger) writes exactly the fields its format names, and the traceback
of an exception: nothing else. python-json-logger would otherwise add every `extra` of a record,
and Django passes the request object itself as one (`django.request`, runserver), whose text is
the whole URL with its query string: a registry search's NIK or name. Tracebacks are redacted as
messages are (`core/redaction.py`), since this formatter formats the exception itself instead of
using the text the redaction filter left.

`LOG_FORMAT=plain` (settings) writes the former text lines instead, for a developer's console.
Imports nothing of Django: gunicorn's logger (`satuatap.gunicorn_conf`) uses it too.
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from satuatap.core.redaction import redact

FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s"
RENAMED = {"levelname": "level", "name": "logger"}
TRACEBACK_FIELDS = ("exc_info", "stack_info")


class JsonLines(JsonFormatter):
    def __init__(self, fmt: str = FIELDS, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", RENAMED)
        kwargs["timestamp"] = "time"
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(fmt, **kwargs)
        self._allowed = {self.rename_fields.get(name, name) for name in self.parse()}
        self._allowed |= {"time", *TRACEBACK_FIELDS}

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in [key for key in log_data if key not in self._allowed]:
            del log_data[key]

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        # The time first, as a reader scans a line.
        return {"time": log_data.pop("time", None), **log_data}

    # Tracebacks as text (this formatter never sets `exc_info_as_array`).
    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return redact(str(super().formatException(ei)))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return redact(str(super().formatStack(stack_info)))
