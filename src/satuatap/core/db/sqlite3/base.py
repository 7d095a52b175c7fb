"""Django's SQLite backend, with writers that queue in the kernel instead of polling.

Every transaction here starts with `BEGIN IMMEDIATE` (settings.py): it takes SQLite's write lock
up front. A writer that finds the lock taken waits in SQLite's busy handler, which does not wake
when the lock is released: it sleeps 1, 2, 5, 10 … 100 ms between attempts, so under load the
lock sits idle while the waiters sleep, and a few of them wait hundreds of milliseconds
(docs/performance.md, "Check-in throughput"). Here a transaction first takes an exclusive
`flock` on a file beside the database (`<database>.writelock`) and holds it until its commit or
rollback: the next writer, of any thread or worker process, is woken by the kernel the moment
the lock is free. SQLite's own locking still protects the data (a write outside a transaction,
or a process that does not use this backend, waits in the busy handler as before); the file
lock only orders the writers that do. The kernel drops the lock of a process that dies.

Threads of one process first queue on a lock of the process (`threading.Lock`, which also wakes
its waiter at once), with the connection's `timeout`: a thread that waits longer gets SQLite's
own "database is locked" error, as it did in the busy handler, instead of waiting for ever on a
thread of its own process that waits for it. Across processes a waiter blocks in `flock` until
the holder commits, rolls back or dies.

An in-memory database has a single connection and needs no such lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base, creation

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        super()._destroy_test_db(test_database_name, verbosity)
        if not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{test_database_name}.writelock")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    _writer_lock_fd: int | None = None
    _writer_lock_held: threading.Lock

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db():
            return None
        return f"{name}.writelock"

    def _take_writer_lock(self) -> None:
        if self._writer_lock_fd is not None:
            return
        path = self._writer_lock_path()
        if path is None:
            return
        in_process = _process_lock(path)
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not in_process.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        except BaseException:
            in_process.release()
            raise
        self._writer_lock_fd = fd
        self._writer_lock_held = in_process

    def _release_writer_lock(self) -> None:
        fd, self._writer_lock_fd = self._writer_lock_fd, None
        if fd is None:
            return
        os.close(fd)  # closing the only descriptor of the open file releases the flock
        self._writer_lock_held.release()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in the stubs
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
