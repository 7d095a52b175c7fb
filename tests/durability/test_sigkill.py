"""No acknowledged write is lost when the server is killed mid-stream.

A real gunicorn (gthread workers) serves the test database; front-desk officers check visitors
in and a counsellor writes case notes over HTTP, signed in with a session (the counsellor also
with a two-factor code) and sending CSRF tokens. While the writes stream, the whole process
group gets SIGKILL. Then the database must be sound (SQLite: PRAGMA integrity_check and
foreign_key_check), every write the server acknowledged must be there as acknowledged, queue
numbers must have no gap or duplicate, and a restarted server must take new check-ins.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection, connections

from satuatap.cases import services as case_services
from satuatap.cases.models import CaseNote, Category, Channel
from satuatap.core.backup import sqlite_connect, sqlite_integrity
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import DeskDayCounter, Service, Ticket, Visit
from tests.durability.gunicorn_server import Server
from tests.durability.live_http import Session
from tests.factories import PASSWORD, DeskFactory, PersonFactory
from tests.otp import authenticator_of, code_for

WRITERS = {"frontdesk": 2, "counsellor": 2}
ACKNOWLEDGED_BEFORE_KILL = 40

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(db, tmp_path):
    running = Server(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def workplace(office, make_user, counsellor):
    """An office with an anonymous information service, a front-desk officer, and a case the
    counsellor (with an authenticator app) works on."""
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    service = Service.objects.create(
        office=office, desk=desk, name_id="Informasi", target_minutes=10, allows_anonymous=True
    )
    frontdesk = make_user(Role.FRONTDESK)
    case = case_services.open_case(
        by=counsellor,
        client=PersonFactory(office=office, sex="F"),
        channel=Channel.WALK_IN,
        categories=(Category.WAGES,),
        narrative="Gaji tidak dibayar.",
    )
    return {
        "desk": desk,
        "service": service,
        "frontdesk": frontdesk,
        "counsellor": counsellor,
        "device": authenticator_of(counsellor),
        "case": case,
    }


class Stream:
    """Writer threads that post until told to stop, recording what the server acknowledged."""

    def __init__(self, port: int, sessions: dict[str, list[Session]], work: dict) -> None:
        self.port = port
        self.sessions = sessions
        self.work = work
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.visits: dict[int, list[tuple[int, str]]] = {}
        self.notes: dict[int, str] = {}
        self.cut_off = 0  # requests the kill interrupted: committed or not, never acknowledged
        self.unexpected: list[str] = []

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.visits) + len(self.notes)

    def ready_to_kill(self) -> bool:
        """Both kinds of write are streaming (five of each acknowledged), and enough in all."""
        with self.lock:
            both = len(self.visits) >= 5 and len(self.notes) >= 5
        return both and self.acknowledged() >= ACKNOWLEDGED_BEFORE_KILL

    def run(self) -> list[threading.Thread]:
        threads = []
        for kind, sessions in self.sessions.items():
            for n, session in enumerate(sessions):
                target = self._check_ins if kind == "frontdesk" else self._notes
                threads.append(threading.Thread(target=target, args=(session, n), daemon=True))
        for thread in threads:
            thread.start()
        return threads

    def _post(self, session: Session, path: str, body: dict):
        try:
            status, _headers, data = session.request("POST", path, json_body=body)
        except OSError:
            with self.lock:
                self.cut_off += 1
            return None
        if status != 201:
            with self.lock:
                self.unexpected.append(f"{path}: {status} {data[:200]!r}")
            return None
        return json.loads(data)

    def _check_ins(self, session: Session, n: int) -> None:
        body = {"service_ids": [self.work["service"].pk], "sex": "F", "age_band": "25-39"}
        while not self.stop.is_set():
            answer = self._post(session, "/api/v1/visits", body)
            if answer is None:
                return
            with self.lock:
                self.visits[answer["id"]] = [(t["id"], t["code"]) for t in answer["tickets"]]

    def _notes(self, session: Session, n: int) -> None:
        path = f"/api/v1/cases/{self.work['case'].pk}/notes"
        count = 0
        while not self.stop.is_set():
            count += 1
            text = f"Catatan {n}-{count}: klien dihubungi kembali."
            answer = self._post(session, path, {"text": text})
            if answer is None:
                return
            with self.lock:
                self.notes[answer["id"]] = text


def signed_in(port: int, work: dict, kind: str) -> Session:
    session = Session(port)
    if kind == "frontdesk":
        session.sign_in(work["frontdesk"].username, PASSWORD)
    else:
        session.sign_in(
            work["counsellor"].username, PASSWORD, otp_code=lambda: code_for(work["device"])
        )
    return session


def test_every_acknowledged_write_survives_a_sigkill_mid_stream(server, workplace):
    server.start()
    sessions = {kind: [signed_in(server.port, workplace, kind)] for kind in WRITERS}
    for kind, count in WRITERS.items():
        # More sessions of the same people (one sign-in each: a TOTP code counts only once).
        for _ in range(count - 1):
            clone = Session(server.port)
            clone.cookies = dict(sessions[kind][0].cookies)
            sessions[kind].append(clone)
    stream = Stream(server.port, sessions, workplace)
    threads = stream.run()

    deadline = time.monotonic() + 20
    while not stream.ready_to_kill() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    stream.stop.set()
    for thread in threads:
        thread.join(timeout=30)

    assert stream.unexpected == []
    assert len(stream.visits) >= 5 and len(stream.notes) >= 5, (stream.visits, stream.notes)
    assert stream.cut_off >= 1  # the kill came while writes were in flight
    connections.close_all()
    if connection.vendor == "sqlite":
        check = sqlite_connect(connection.settings_dict["NAME"])
        assert sqlite_integrity(check) == []
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        check.close()

    # Every acknowledged check-in is there with the tickets the server answered with.
    stored = {
        visit.pk: sorted((t.pk, t.code) for t in visit.tickets.all())
        for visit in Visit.objects.filter(pk__in=stream.visits).prefetch_related("tickets")
    }
    assert stored == {pk: sorted(tickets) for pk, tickets in stream.visits.items()}
    # Every acknowledged note is there with its text (decrypted with the same keys).
    notes = dict(CaseNote.objects.filter(pk__in=stream.notes).values_list("pk", "text"))
    assert notes == stream.notes

    # The restarted server takes new writes, numbering on from the last committed ticket.
    server.start()
    session = signed_in(server.port, workplace, "frontdesk")
    status, _headers, _data = session.request(
        "POST", "/api/v1/visits", json_body={"service_ids": [workplace["service"].pk]}
    )
    assert status == 201
    session.close()
    desk = workplace["desk"]
    numbers = sorted(Ticket.objects.filter(desk=desk).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert DeskDayCounter.objects.get(desk=desk).last_number == len(numbers)
    assert len(numbers) >= len(stream.visits) + 1
