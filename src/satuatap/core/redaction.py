"""Logs and error reports name records by id, never by NIK, name or free text.

Where personal data could reach a log line or an error report, and what removes it:

- URLs with their query string: a registry search (`/people/?q=3209…`, `?q=Siti`), a picker
  (`?client_q=…`), an API search (`/api/v1/people?q=…`), the referrer of the next page. Every log
  record (`RedactPersonalData`, on every handler in `settings.LOGGING`, runserver's request lines
  included) and gunicorn's access log (`satuatap.gunicorn_conf`) keep the path and drop the
  query: `/people/?…`.
- Numbers of ten digits or more (a NIK, a phone number) in a message or an exception's text are
  masked as `3209********0001`; the values a database error quotes ("Key (nik)=(…)", "Failing
  row contains (…)") are dropped.
- Error reports (Django's debug page when `DEBUG` is on, and the mails to `ADMINS` if anyone sets
  them): `core/error_reports.py` hides every local variable, every GET and POST value, the query
  string, the referrer and the cookies, in DEBUG too, and redacts the exception's text as above.

This module imports nothing of Django: gunicorn's logger (`satuatap.gunicorn_conf`) uses it
before the application is loaded.

Names and free text in an exception's own message cannot be recognised by a pattern: code never
puts them there (conventions: "name records by id"); the tests grep the logs of a test run for
the names, NIKs and texts it used (tests/security/test_logs.py).
"""

from __future__ import annotations

import logging
import re

# A URL (absolute, or a path) followed by a query string; the query goes.
_QUERY = re.compile(r"(?P<url>(?:[a-z][a-z0-9+.-]*://[^\s/\"'?<>]+)?/[^\s\"'?<>]*)\?[^\s\"'<>]*")
# Ten digits or more (a NIK has 16, a phone number 10 to 13, ids fewer): first and last four.
_LONG_NUMBER = re.compile(r"(?<![\d*])(\+?\d{4})(\d{2,})(\d{4})(?![\d*])")
# What PostgreSQL quotes from a row: "Key (nik)=(3209…)", "Failing row contains (…)".
_KEY_VALUES = re.compile(r"(Key \([^)]*\))=\((?:[^()\n]|\([^()\n]*\))*\)")
_FAILING_ROW = re.compile(r"(Failing row contains) \([^\n]*\)")


def _mask_number(match: re.Match) -> str:
    return f"{match.group(1)}{'*' * len(match.group(2))}{match.group(3)}"


def redact(text: str) -> str:
    """The text without query strings, long numbers masked, quoted row values dropped."""
    if not text:
        return text
    text = _QUERY.sub(r"\g<url>?…", text)
    text = _KEY_VALUES.sub(r"\1=(…)", text)
    text = _FAILING_ROW.sub(r"\1 (…)", text)
    return _LONG_NUMBER.sub(_mask_number, text)


class RedactPersonalData(logging.Filter):
    """A handler filter: the record's message (and traceback) redacted before it is written.

    The message is formatted once with its arguments and redacted as a whole, so a request line
    passed as an argument (runserver's `"GET /people/?q=… HTTP/1.1" 200 5120`, gunicorn's access
    atoms) loses its query too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "personal_data_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logging's to report
            return True
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.personal_data_redacted = True
        return True
