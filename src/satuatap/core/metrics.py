"""Prometheus metrics for the operator (`/metrics`; docs/operations.md lists them with the alerts).

Two kinds:

- **Per app server** (prometheus-client, in the process): requests, their latency and the
  requests in progress, counted by `MetricsMiddleware` with the URL *pattern* the request
  matched (`people/<int:person_id>/`), never the path (which holds ids) nor the query string
  (which can hold a NIK or a name). Under gunicorn each worker process writes its values to
  files in `PROMETHEUS_MULTIPROC_DIR` (`satuatap/gunicorn_conf.py` makes one when it is not set)
  and a scrape adds them up, so every scrape of one app server sees all its workers.
- **For the whole installation**, read when scraped: the task queue's length, failed tasks,
  notifications sent and failed, the last success of each scheduled task (counted in the
  database by the task worker: `OperationsCounter`), each component's readiness, and what
  other apps register with `register_collector` (the reports: the roll-up refresh's backlog).
  Every app server shows the same values: aggregate them with `max`, not `sum`.

Labels hold only names fixed in the code: a URL pattern, an HTTP method, a status code, a
task's name, a kind of notification, a component. No label ever holds a value from a request
or a record.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

PREFIX = "satuatap"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "(none)"  # no URL pattern matched: static files, an unknown address
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# What the task worker counts in the database (OperationsCounter.metric).
TASK_FAILURES = "task_failures"
TASK_SUCCESSES = "task_successes"  # scheduled tasks only (at most one a minute each)
NOTIFICATIONS_SENT = "notifications_sent"
NOTIFICATIONS_FAILED = "notifications_failed"

REQUESTS = Counter(
    f"{PREFIX}_http_requests",
    "Requests answered, by URL pattern, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time from the request's arrival in Django to its answer, by URL pattern and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
IN_PROGRESS = Gauge(
    f"{PREFIX}_http_requests_in_progress",
    "Requests being answered now.",
    multiprocess_mode="livesum",
)


def route_of(request) -> str:
    """The URL pattern the request matched (no ids, no query), or NO_ROUTE."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else NO_ROUTE


class MetricsMiddleware:
    """Counts every answer and its latency (second in MIDDLEWARE, after the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        IN_PROGRESS.inc()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            IN_PROGRESS.dec()
            route = route_of(request)
            method = request.method if request.method in METHODS else "other"
            REQUESTS.labels(route, method, str(status)).inc()
            LATENCY.labels(route, method).observe(time.perf_counter() - started)


# --- Counters kept in the database ------------------------------------------------------------


def count(metric: str, label: str) -> None:
    """Add one to `metric{label}`. Never raises: a counter must not fail the work it counts
    (when the database is what failed, the count is lost and the failure logged)."""
    from satuatap.core.models import OperationsCounter

    now = timezone.now()
    try:
        with transaction.atomic():
            rows = OperationsCounter.objects.filter(metric=metric, label=label)
            if not rows.update(value=F("value") + 1, updated_at=now):
                try:
                    with transaction.atomic():
                        OperationsCounter.objects.create(
                            metric=metric, label=label, value=1, updated_at=now
                        )
                except IntegrityError:  # created by another process meanwhile
                    rows.update(value=F("value") + 1, updated_at=now)
    except Exception as error:  # noqa: BLE001 - see the docstring
        logger.warning("could not count %s for %s: %s", metric, label, type(error).__name__)


def task_failed(task: str) -> None:
    count(TASK_FAILURES, task)


def task_succeeded(task: str) -> None:
    count(TASK_SUCCESSES, task)


@contextmanager
def notification(kind: str) -> Iterator[None]:
    """Around the sending of one notification (a mail): counted as sent, or as failed when the
    block raises (the exception goes on). Use it outside any transaction that a failure rolls
    back, or the failure's count is rolled back with it."""
    try:
        yield
    except Exception:
        count(NOTIFICATIONS_FAILED, kind)
        raise
    count(NOTIFICATIONS_SENT, kind)


def notification_failed(kind: str) -> None:
    count(NOTIFICATIONS_FAILED, kind)


# --- Read when scraped ------------------------------------------------------------------------

_collectors: list[Callable[[], Iterable[Metric]]] = []


def register_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Add metric families read at each scrape (an app's `ready()`; core knows no domain app)."""
    if collect not in _collectors:
        _collectors.append(collect)


def _queue() -> Iterator[Metric]:
    from satuatap.core.health import task_queue

    huey = task_queue()
    yield GaugeMetricFamily(
        f"{PREFIX}_task_queue_pending", "Tasks waiting for a worker.", value=huey.pending_count()
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_task_queue_scheduled",
        "Tasks scheduled for later (retries, delayed refreshes).",
        value=huey.scheduled_count(),
    )


COUNTED = {
    TASK_FAILURES: ("task", "Task runs that raised, by task (each retry counts)."),
    TASK_SUCCESSES: ("task", "Successful runs of the scheduled tasks, by task."),
    NOTIFICATIONS_SENT: ("kind", "Notifications (mails) sent, by kind."),
    NOTIFICATIONS_FAILED: ("kind", "Notifications (mails) that could not be sent, by kind."),
}


def _counters() -> Iterator[Metric]:
    from satuatap.core.models import OperationsCounter

    families = {
        metric: CounterMetricFamily(f"{PREFIX}_{metric}", documentation, labels=[label])
        for metric, (label, documentation) in COUNTED.items()
    }
    last_success = GaugeMetricFamily(
        f"{PREFIX}_task_last_success_timestamp_seconds",
        "When each scheduled task last succeeded (Unix time).",
        labels=["task"],
    )
    rows = OperationsCounter.objects.filter(metric__in=COUNTED).order_by("metric", "label")
    for row in rows:
        families[row.metric].add_metric([row.label], row.value)
        if row.metric == TASK_SUCCESSES:
            last_success.add_metric([row.label], row.updated_at.timestamp())
    yield from families.values()
    yield last_success


def _readiness() -> Iterator[Metric]:
    from satuatap.core.health import readiness

    family = GaugeMetricFamily(
        f"{PREFIX}_component_ready",
        "1 when the component answers as /readyz checks it, else 0.",
        labels=["component"],
    )
    for component, ready in readiness().items():
        family.add_metric([component], 1 if ready else 0)
    yield family


class InstallationCollector(Collector):
    """The installation-wide metrics, each group on its own: one that fails (the database is
    down) is left out of the scrape and logged, the others still answer."""

    def collect(self) -> Iterator[Metric]:
        for collect in (_readiness, _queue, _counters, *_collectors):
            try:
                yield from list(collect())
            except Exception as error:  # noqa: BLE001 - see the docstring
                name = getattr(collect, "__qualname__", repr(collect))
                logger.warning("metrics: %s failed: %s", name, type(error).__name__)


def exposition() -> tuple[bytes, str]:
    """The text Prometheus reads, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessRegistry())
    registry.register(InstallationCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ProcessRegistry(Collector):
    """This process's own metrics (one process: runserver, a single gunicorn worker, tests)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
