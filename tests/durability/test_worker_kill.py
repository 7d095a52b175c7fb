"""A worker killed under load (the kernel's OOM killer, an operator's kill -9) costs only the
requests it was serving: its sibling keeps writing, the master starts a new worker, and every
new database connection opens cleanly (each request opens one here, CONN_MAX_AGE=0, so the
connection set-up — PRAGMA journal_mode=WAL on SQLite — runs after every kill)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest
from django.db import connection, connections

from satuatap.core.backup import sqlite_connect, sqlite_integrity
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import DeskDayCounter, Service, Ticket, Visit
from tests.durability.gunicorn_server import Server
from tests.durability.live_http import Session
from tests.factories import PASSWORD, DeskFactory

WRITERS = 4
KILLS = 3
ACKNOWLEDGED_BETWEEN_KILLS = 15

pytestmark = pytest.mark.django_db(transaction=True)


class CheckIns:
    """Writer threads posting check-ins until told to stop; a request cut off by a kill is
    counted and the writer reconnects."""

    def __init__(self, sessions: list[Session], service: Service) -> None:
        self.sessions = sessions
        self.body = {"service_ids": [service.pk], "sex": "M", "age_band": "25-39"}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.visits: dict[int, list[tuple[int, str]]] = {}
        self.cut_off = 0
        self.unexpected: list[str] = []

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.visits)

    def run(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._write, args=(s,), daemon=True) for s in self.sessions
        ]
        for thread in threads:
            thread.start()
        return threads

    def _write(self, session: Session) -> None:
        while not self.stop.is_set():
            try:
                status, _headers, data = session.request(
                    "POST", "/api/v1/visits", json_body=self.body
                )
            except OSError:
                with self.lock:
                    self.cut_off += 1
                continue
            with self.lock:
                if status == 201:
                    answer = json.loads(data)
                    self.visits[answer["id"]] = [(t["id"], t["code"]) for t in answer["tickets"]]
                else:
                    self.unexpected.append(f"{status} {data[:300]!r}")


def wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_costs_only_its_own_requests(db, tmp_path, office, make_user):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    service = Service.objects.create(
        office=office, desk=desk, name_id="Informasi", target_minutes=10, allows_anonymous=True
    )
    frontdesk = make_user(Role.FRONTDESK)
    connections.close_all()
    server = Server(tmp_path, CONN_MAX_AGE="0")
    server.start()
    try:
        first = Session(server.port)
        first.sign_in(frontdesk.username, PASSWORD)
        sessions = [first]
        for _ in range(WRITERS - 1):
            clone = Session(server.port)
            clone.cookies = dict(first.cookies)
            sessions.append(clone)
        stream = CheckIns(sessions, service)
        threads = stream.run()

        killed: list[int] = []
        for _ in range(KILLS):
            target = stream.acknowledged() + ACKNOWLEDGED_BETWEEN_KILLS
            assert wait_for(lambda t=target: stream.acknowledged() >= t), stream.unexpected
            workers = server.workers()
            assert len(workers) == 2
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
            # The master replaces it; the writers go on meanwhile.
            assert wait_for(
                lambda gone=workers[0]: len(server.workers()) == 2 and gone not in server.workers()
            )
        target = stream.acknowledged() + ACKNOWLEDGED_BETWEEN_KILLS
        assert wait_for(lambda: stream.acknowledged() >= target), stream.unexpected
        stream.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        for session in sessions:
            session.close()
        assert server.process.poll() is None  # the master never went down
    finally:
        server.stop()

    log = server.log.read_text()
    assert stream.unexpected == []
    assert stream.cut_off >= 1  # a kill came while the worker had a write in flight
    assert "disk I/O error" not in log and "Traceback" not in log, log[-3000:]
    assert log.count("was sent SIGKILL") + log.count("signal 9") >= KILLS, log[-3000:]

    if connection.vendor == "sqlite":
        check = sqlite_connect(connection.settings_dict["NAME"])
        assert sqlite_integrity(check) == []
        check.close()
    stored = {
        visit.pk: sorted((t.pk, t.code) for t in visit.tickets.all())
        for visit in Visit.objects.filter(pk__in=stream.visits).prefetch_related("tickets")
    }
    assert stored == {pk: sorted(tickets) for pk, tickets in stream.visits.items()}
    # A request killed mid-transaction left nothing behind: numbers run without a gap.
    numbers = sorted(Ticket.objects.filter(desk=desk).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert DeskDayCounter.objects.get(desk=desk).last_number == len(numbers)
    assert len(numbers) >= len(stream.visits)
