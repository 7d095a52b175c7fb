"""SQLite writers queue on a file lock beside the database and are woken as soon as it is free
(core/db/sqlite3/base.py): a transaction holds the lock from its start to its commit or
rollback; a writer of another connection waits for it and starts the moment it is released."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from django.db import connection, connections, transaction

from satuatap.core.models import Organisation

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="a lock of the SQLite backend"),
    pytest.mark.django_db(transaction=True),
]


def _lock_is_free() -> bool:
    """Try the writer lock from a descriptor of our own, without waiting."""
    fd = os.open(f"{connection.settings_dict['NAME']}.writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_transaction_holds_the_writer_lock_until_it_commits():
    assert _lock_is_free()
    with transaction.atomic():
        assert not _lock_is_free()
        Organisation.objects.create(name="Kantor A", slug="kantor-a")
        with transaction.atomic():  # a savepoint keeps the lock it has
            assert not _lock_is_free()
        assert not _lock_is_free()
    assert _lock_is_free()
    assert Organisation.objects.filter(slug="kantor-a").exists()


def test_a_rolled_back_transaction_releases_the_writer_lock():
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.create(name="Kantor B", slug="kantor-b")
        raise RuntimeError("refused")
    assert _lock_is_free()
    assert not Organisation.objects.filter(slug="kantor-b").exists()


def test_a_second_writer_waits_for_the_first_and_then_writes():
    order: list[str] = []
    second_started = threading.Event()

    def second_writer():
        try:
            second_started.set()
            with transaction.atomic():
                order.append("second begins")
                Organisation.objects.create(name="Kantor D", slug="kantor-d")
        finally:
            connections.close_all()

    with transaction.atomic():
        Organisation.objects.create(name="Kantor C", slug="kantor-c")
        thread = threading.Thread(target=second_writer)
        thread.start()
        second_started.wait(5)
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the lock, not failing on a busy database
        order.append("first commits")
    thread.join(10)
    assert not thread.is_alive()
    assert order == ["first commits", "second begins"]
    assert set(
        Organisation.objects.filter(slug__in=["kantor-c", "kantor-d"]).values_list(
            "slug", flat=True
        )
    ) == {"kantor-c", "kantor-d"}


def test_a_writer_of_the_same_process_gives_up_after_the_timeout(monkeypatch):
    """A thread that waits for a transaction of its own process longer than the connection's
    timeout gets "database is locked", as SQLite's busy handler gave, instead of hanging."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.3)
    errors: list[Exception] = []

    def second_writer():
        try:
            with transaction.atomic():
                Organisation.objects.create(name="Kantor F", slug="kantor-f")
        except Exception as error:  # noqa: BLE001 (the error is what the test reads)
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        Organisation.objects.create(name="Kantor E", slug="kantor-e")
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(10)
    assert not thread.is_alive()
    assert len(errors) == 1 and "database is locked" in str(errors[0])
    assert not Organisation.objects.filter(slug="kantor-f").exists()
    assert _lock_is_free()
