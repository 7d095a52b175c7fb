"""Is this app server ready to take requests? What `/readyz` answers (docs/operations.md).

Each check reaches one component the way a request would, and says yes or no:

- `database`: a `SELECT 1` on the default connection;
- `migrations`: every migration of this code is applied (a server started before `satuatap
  migrate` finished is not ready; once true it stays true for the process, so the migration
  graph is read once, not on every probe);
- `cache`: a value written and read back (Redis in production: sessions' rate limits, locks);
- `queue`: the task queue's length read (huey: Redis in production, the SQLite file locally);
- `storage`: every configured file storage but the static files answers `exists()` for a probe
  name (local disk, or the S3-compatible store when configured), and a local directory is
  writable.

A failure is logged by component name and exception class only (the exception's text can name
hosts), and `/readyz` says only which components failed.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

logger = logging.getLogger(__name__)

PROBE_NAME = "satuatap-readiness-probe"

_migrations_applied = False


def database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def forget_migrations() -> None:
    """Read the migration graph again at the next check (tests)."""
    global _migrations_applied
    _migrations_applied = False


def cache_() -> bool:
    key = f"satuatap:readiness:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        return cache.get(key) == "1"
    finally:
        cache.delete(key)


def task_queue():
    """The huey instance the tasks are queued on."""
    from huey.contrib.djhuey import HUEY

    return HUEY


def queue() -> bool:
    return task_queue().pending_count() >= 0


def _writable(location: Path) -> bool:
    """The directory, or the nearest existing one it would be made in, is a writable directory."""
    for directory in (location, *location.parents):
        if directory.exists():
            return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)
    return False


def storage() -> bool:
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        store = storages[alias]
        store.exists(PROBE_NAME)
        if isinstance(store, FileSystemStorage) and not _writable(Path(store.location)):
            return False
    return True


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database,
    "migrations": migrations,
    "cache": cache_,
    "queue": queue,
    "storage": storage,
}


def readiness() -> dict[str, bool]:
    """Each component by name: True when it answered as it should."""
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and not results.get("database"):
            results[name] = False  # unknown without a database: not ready either way
            continue
        try:
            results[name] = bool(check())
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = False
    return results
