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

An in-memory database has a single connection and needs no such lock.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock_fd: int | None = None

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
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._writer_lock_fd = fd

    def _release_writer_lock(self) -> None:
        fd, self._writer_lock_fd = self._writer_lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor of the open file releases the flock

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
