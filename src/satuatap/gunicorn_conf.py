"""gunicorn settings for SatuAtap: `gunicorn -c python:satuatap.gunicorn_conf satuatap.wsgi`
(`gunicorn.conf.py` at the top of the repository loads it for a server started there).

gunicorn writes its access and error logs itself, outside Django's `LOGGING`. Its default
access line holds the request line with its query string and the referrer, so a registry search
(`/people/?q=3209…`) would put a NIK or a name in the log. `RedactingLogger` passes every line
through `satuatap.core.redaction` (the query string goes, long numbers are masked) and leaves
the query-string atom (`%(q)s`) empty. Command-line options still apply on top of this file
(`--access-logfile -` turns the access log on; it is off by default).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from satuatap.core.redaction import RedactPersonalData

QUERY_ATOMS = ("q", "{query_string}e", "{raw_uri}e")


class RedactingLogger(Logger):
    """gunicorn's logger, with query strings and long numbers out of every line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
                    handler.addFilter(RedactPersonalData())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for atom in QUERY_ATOMS:
            if atom in atoms:
                atoms[atom] = "-"
        return atoms


logger_class = RedactingLogger
