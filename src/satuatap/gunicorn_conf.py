"""gunicorn settings for SatuAtap: `gunicorn -c python:satuatap.gunicorn_conf satuatap.wsgi`
(`gunicorn.conf.py` at the top of the repository loads it for a server started there).

gunicorn writes its access and error logs itself, outside Django's `LOGGING`. Its default
access line holds the request line with its query string and the referrer, so a registry search
(`/people/?q=3209…`) would put a NIK or a name in the log. `RedactingLogger` passes every line
through `satuatap.core.redaction` (the query string goes, long numbers are masked) and leaves
the query-string atom (`%(q)s`) empty. Command-line options still apply on top of this file
(`--access-logfile -` turns the access log on; it is off by default).

With `LOG_FORMAT=json` (the default unless `DEBUG` is on, as in the settings) both logs are JSON
lines like the application's (`core/json_logs.py`); an access line carries the request's id,
read from the answer's `X-Request-ID` (`core/request_id.py`), so it joins the application's
lines of the same request.

Metrics (`/metrics`, `core/metrics.py`): each worker process counts its own requests, so
prometheus-client's multiprocess mode is on: the workers write their values to files in
`PROMETHEUS_MULTIPROC_DIR` and a scrape of any worker adds up all of them. When the variable is
not set, a fresh directory is made for this server (and removed when it stops); a directory set
by the operator is emptied when the server starts. A worker that exits is marked dead, so its
gauges (requests in progress) leave the sum.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import traceback
from pathlib import Path

from gunicorn.glogging import Logger

from satuatap.core.json_logs import JsonLines
from satuatap.core.redaction import RedactPersonalData
from satuatap.core.request_id import RequestIdFilter

QUERY_ATOMS = ("q", "{query_string}e", "{raw_uri}e")
REQUEST_ID_ATOM = "{x-request-id}o"


def log_format() -> str:
    """`json` or `plain`: LOG_FORMAT, by default `plain` only when DEBUG is on (settings.py)."""
    debug = os.environ.get("DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
    return os.environ.get("LOG_FORMAT", "plain" if debug else "json").strip().lower()


class RedactingLogger(Logger):
    """gunicorn's logger, with query strings and long numbers out of every line."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        as_json = log_format() == "json"
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
                    handler.addFilter(RedactPersonalData())
                if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                    handler.addFilter(RequestIdFilter())
                if as_json:
                    handler.setFormatter(JsonLines())

    def access(self, resp, req, environ, request_time) -> None:
        """gunicorn's access line, with the request's id as a field of the record."""
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        request_id = atoms[REQUEST_ID_ATOM]
        try:
            self.access_log.log(
                logging.INFO,
                self.cfg.access_log_format,
                atoms,
                extra={"request_id": None if request_id == "-" else request_id},
            )
        except Exception:  # noqa: BLE001 - as gunicorn's own access(): report, never fail
            self.error(traceback.format_exc())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for atom in QUERY_ATOMS:
            if atom in atoms:
                atoms[atom] = "-"
        return atoms


logger_class = RedactingLogger

METRICS_DIRECTORY_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_made_metrics_directory: str | None = None


def _metrics_directory() -> None:
    """Set PROMETHEUS_MULTIPROC_DIR before any worker imports prometheus-client."""
    global _made_metrics_directory
    if not os.environ.get(METRICS_DIRECTORY_VARIABLE):
        _made_metrics_directory = tempfile.mkdtemp(prefix="satuatap-metrics-")
        os.environ[METRICS_DIRECTORY_VARIABLE] = _made_metrics_directory


_metrics_directory()


def on_starting(server) -> None:
    """The values of a previous run of this server are not this run's."""
    directory = Path(os.environ[METRICS_DIRECTORY_VARIABLE])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _made_metrics_directory:
        shutil.rmtree(_made_metrics_directory, ignore_errors=True)
