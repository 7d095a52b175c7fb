"""No NIK, name, phone number or free text in any log line or error report (issue 16, "Errors
and logs").

Representative requests — registry searches by NIK, name and phone (in the query string and
posted), check-in and case-intake pickers, a case note, API searches and a case opened over the
API, a page not found, a referrer holding a search — are sent to real servers, with every log
written at DEBUG as production configures it:

- runserver's server (Django's WSGIServer and request handler, in a thread), through the
  handlers of `settings.LOGGING` (request lines included);
- gunicorn in its own process with `-c python:satuatap.gunicorn_conf`, its access log, its error
  log and the application's log (Django's loggers on stderr at LOG_LEVEL=DEBUG).

Then the captured text is searched for every NIK, name, phone number and free text used, as
written and as the JSON lines decode (production writes JSON lines: `LOG_FORMAT`), and every
line written while a request ran must carry that request's id.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application
from django.db import IntegrityError, connections
from django.test import Client

from satuatap.cases import services as case_services
from satuatap.cases.models import Category, Channel
from satuatap.core.redaction import RedactPersonalData, redact
from satuatap.core.roles import Role
from satuatap.core.services import issue_api_token
from satuatap.people.models import Phone
from tests.durability.gunicorn_server import ROOT, database_url
from tests.durability.live_http import Session, free_port, wait_until_serving
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ("Kartika Sulistyowati", "Ratna Puspitasari")
PHONE = "081298765432"
FREE_TEXT = ("Majikan mengancam akan membakar paspornya", "Rumah aman di Gang Kenari")


@pytest.fixture
def people(office, make_user):
    first = PersonFactory(office=office, full_name=NAMES[0], nik="3209015403950041")
    second = PersonFactory(office=office, full_name=NAMES[1], nik="3209015403950042")
    Phone.objects.create(person=first, number=PHONE)
    counsellor = make_user(Role.COUNSELLOR)
    case = case_services.open_case(
        by=counsellor,
        client=second,
        channel=Channel.WALK_IN,
        categories=(Category.WAGES,),
        narrative="Gaji tidak dibayar.",
    )
    return {
        "people": (first, second),
        "frontdesk": make_user(Role.FRONTDESK),
        "counsellor": counsellor,
        "case": case,
    }


def secrets(people) -> list[str]:
    """What must not be in any log: whole NIKs, names (and each part of them), the phone
    number as typed and as stored, the free text."""
    found = [person.nik for person in people["people"]]
    for name in NAMES:
        found += [name, *name.split()]
    found += [PHONE, "+6281298765432", "1298765432", *FREE_TEXT]
    return found


def _session(port: int, user) -> Session:
    client = Client()
    client.force_login(user)  # a verified session for the two-factor roles too (conftest)
    session = Session(port)
    session.cookies["sessionid"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    status, _headers, _body = session.request("GET", "/")  # sets the CSRF cookie
    assert status == 200, status
    return session


def exercise(port: int, people) -> list[tuple[str, str, int]]:
    """The representative requests; (method, path, status) of each."""
    first, second = people["people"]
    frontdesk = _session(port, people["frontdesk"])
    counsellor = _session(port, people["counsellor"])
    token, _ = issue_api_token(user=people["frontdesk"])
    api_token, _ = issue_api_token(user=people["counsellor"])
    bearer = {"Authorization": f"Bearer {token}"}
    htmx = {"HX-Request": "true"}
    case = people["case"]
    sent = []

    def send(session, method, path, **options):
        status, _headers, _body = session.request(method, path, **options)
        sent.append((method, path, status))

    for query in (first.nik, NAMES[0], PHONE, "0812 9876 5432"):
        send(frontdesk, "GET", "/people/?" + urlencode({"q": query}))
        send(frontdesk, "GET", "/people/?" + urlencode({"q": query}), headers=htmx)
    send(frontdesk, "POST", "/people/", form={"q": NAMES[1]})
    send(frontdesk, "GET", "/frontdesk/check-in/?" + urlencode({"q": NAMES[0]}), headers=htmx)
    send(frontdesk, "GET", f"/frontdesk/check-in/?q={quote(second.nik)}")
    send(
        frontdesk,
        "GET",
        f"/people/{first.pk}/",
        headers={"Referer": f"http://127.0.0.1/people/?q={first.nik}"},
    )
    send(frontdesk, "GET", "/people/99999999/?" + urlencode({"q": NAMES[1]}))  # 404
    send(counsellor, "GET", "/mrc/cases/new/?" + urlencode({"client_q": second.nik}), headers=htmx)
    send(counsellor, "GET", "/mrc/contacts/new/?" + urlencode({"q": NAMES[1]}), headers=htmx)
    send(counsellor, "POST", f"/mrc/cases/{case.pk}/notes/new/", form={"text": FREE_TEXT[0]})
    for query in (first.nik, NAMES[0], PHONE):
        send(frontdesk, "GET", "/api/v1/people?" + urlencode({"q": query}), headers=bearer)
    send(
        frontdesk,
        "GET",
        "/api/v1/people?" + urlencode({"q": NAMES[1]}),
        headers={"Authorization": "Bearer not-a-token"},  # 401
    )
    send(
        counsellor,
        "POST",
        "/api/v1/cases",
        json_body={
            "client_id": first.pk,
            "channel": "walk_in",
            "categories": ["wages"],
            "narrative": FREE_TEXT[0],
            "safety_notes": FREE_TEXT[1],
        },
        headers={"Authorization": f"Bearer {api_token}"},
    )
    frontdesk.close()
    counsellor.close()
    return sent


def assert_no_secrets(text: str, people) -> None:
    leaked = [secret for secret in secrets(people) if secret.lower() in text.lower()]
    lines = [line for line in text.splitlines() if any(s.lower() in line.lower() for s in leaked)]
    assert leaked == [], f"in the logs: {leaked}\n" + "\n".join(lines[:5])


def json_lines(text: str) -> list[dict]:
    """Every line of a log written as JSON lines, decoded (a line that is not JSON fails)."""
    records = []
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            assert {"time", "level", "logger", "message", "request_id"} <= set(record), line
            records.append(record)
    return records


def decoded(records: list[dict]) -> str:
    """The messages and tracebacks of the records, one per line, as a reader sees them."""
    return "\n".join(
        " ".join(str(record.get(key) or "") for key in ("message", "exc_info"))
        for record in records
    )


# --- runserver's server, through settings.LOGGING ---------------------------------------------


def test_every_handler_the_settings_configure_redacts():
    loggers = [logging.getLogger(), *map(logging.getLogger, settings.LOGGING["loggers"])]
    handlers = [h for logger in loggers for h in logger.handlers if h.get_name()]
    assert {h.get_name() for h in handlers} == set(settings.LOGGING["handlers"])
    assert all(any(isinstance(f, RedactPersonalData) for f in h.filters) for h in handlers)
    # The task consumer keeps a configured logger as it is (huey's run_huey adds its own,
    # unfiltered handler to a "huey" logger without handlers).
    assert logging.getLogger("huey").handlers


@pytest.fixture
def captured_logs(runserver):
    """The handlers settings.LOGGING configured, writing into a buffer, every logger at DEBUG.
    After the server's application is made: `django.setup()` configures logging afresh."""
    buffer = io.StringIO()
    handlers = [
        handler
        for logger in (logging.getLogger(), logging.getLogger("django.server"))
        for handler in logger.handlers
        if handler.get_name() in settings.LOGGING["handlers"]
    ]
    assert {h.get_name() for h in handlers} == {"console", "server"}
    assert all(any(isinstance(f, RedactPersonalData) for f in h.filters) for h in handlers)
    streams = [handler.setStream(buffer) for handler in handlers]
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.server")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield buffer
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)


@pytest.fixture
def runserver():
    """Django's development server (what `satuatap runserver` runs), on a free port."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())

    def serve():
        try:
            server.serve_forever()
        finally:
            connections.close_all()  # this thread's (persistent) database connections

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_runserver_and_django_logs_hold_no_personal_data(
    people, runserver, captured_logs, monkeypatch
):
    sent = exercise(runserver, people)

    # And a server error whose exception quotes a NIK, as PostgreSQL's unique violation does.
    def search_people(user, query, **kwargs):
        raise IntegrityError(
            'duplicate key value violates unique constraint "people_person_nik"\n'
            f"DETAIL:  Key (nik)=({query}) already exists."
        )

    monkeypatch.setattr("satuatap.people.views.persons.search_people", search_people)
    session = _session(runserver, people["frontdesk"])
    status, _headers, _body = session.request("GET", f"/people/?q={people['people'][0].nik}")
    session.close()
    assert status == 500

    raw = captured_logs.getvalue()
    records = json_lines(raw)
    text = decoded(records)
    assert all(status < 500 for _method, _path, status in sent), sent
    # The logs were written: a request line per request, the warnings and the error.
    assert text.count('"GET /people/?… HTTP/1.1" 200') >= 8
    assert '"POST /api/v1/cases HTTP/1.1" 201' in text
    assert "Not Found: /people/99999999/" in text
    assert "Internal Server Error: /people/" in text and "Key (nik)=(…)" in text
    # What Django logged about an answer (404, 401, the 500) carries the request's id.
    answers = [r for r in records if r["logger"] == "django.request"]
    assert len(answers) >= 2 and all(r["request_id"] for r in answers), answers
    assert_no_secrets(raw, people)
    assert_no_secrets(text, people)


# --- gunicorn, with the repository's configuration --------------------------------------------


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    output = tmp_path / "gunicorn-output.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
        "DATABASE_URL": database_url(),
        "SATUATAP_DATA_DIR": str(tmp_path / "server-data"),
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "DEBUG": "false",
        "LOG_LEVEL": "DEBUG",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        "python:satuatap.gunicorn_conf",
        "satuatap.wsgi",
        "-w",
        "1",
        "--threads",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--access-logfile",
        str(tmp_path / "access.log"),
        "--error-logfile",
        str(tmp_path / "error.log"),
        "--log-level",
        "debug",
    ]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=tmp_path, env=env, stdout=output.open("w"), stderr=subprocess.STDOUT
    )
    try:
        wait_until_serving(process, port, output)
        yield port, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_gunicorn_logs_hold_no_personal_data(people, gunicorn):
    port, logs = gunicorn

    sent = exercise(port, people)

    assert all(status < 500 for _method, _path, status in sent), sent
    # gunicorn writes a request's access line after the answer is sent: wait for the last one.
    deadline = time.monotonic() + 20
    while '"POST /api/v1/cases HTTP/1.1"' not in decoded(
        json_lines((logs / "access.log").read_text())
    ):
        assert time.monotonic() < deadline, "the last request never reached the access log"
        time.sleep(0.1)
    access_records = json_lines((logs / "access.log").read_text())
    access = decoded(access_records)
    # One access line per request, each with its path (and its query string gone) and the id
    # the application answered with.
    assert access.count('"GET /people/?… HTTP/1.1" 200') >= 8
    assert '"POST /api/v1/cases HTTP/1.1" 201' in access
    assert '"http://127.0.0.1/people/?…"' in access  # the referrer, without its search
    assert all(len(record["request_id"] or "") == 32 for record in access_records)
    raw = "\n".join(
        (logs / name).read_text() for name in ("access.log", "error.log", "gunicorn-output.log")
    )
    application = json_lines((logs / "gunicorn-output.log").read_text())
    not_found = [r for r in application if r["message"] == "Not Found: /people/99999999/"]
    assert len(not_found) == 1  # the application's log is there too, with the request's id
    assert not_found[0]["request_id"] in {r["request_id"] for r in access_records}
    assert_no_secrets(raw, people)
    assert_no_secrets(decoded(json_lines(raw)), people)


# --- Error reports ----------------------------------------------------------------------------


def test_the_debug_page_of_a_server_error_holds_no_personal_data(people, settings, monkeypatch):
    settings.DEBUG = True
    first = people["people"][0]

    def search_people(user, query, **kwargs):
        person = first  # a local variable holding the record, as a real view would have
        raise IntegrityError(f"DETAIL:  Key (nik)=({person.nik}) already exists.")

    monkeypatch.setattr("satuatap.people.views.persons.search_people", search_people)
    client = Client(raise_request_exception=False)
    client.force_login(people["frontdesk"])

    for response in (
        client.get("/people/", {"q": NAMES[0]}, headers={"Referer": f"/people/?q={first.nik}"}),
        client.post("/people/", {"q": NAMES[0]}),
    ):
        assert response.status_code == 500
        page = response.content.decode()
        assert "IntegrityError" in page and "search_people" in page  # Django's debug page
        assert_no_secrets(page, people)


def test_redact_keeps_paths_and_drops_searches_and_numbers():
    assert redact('"GET /people/?q=Siti+Nurhaliza HTTP/1.1" 200 5120') == (
        '"GET /people/?… HTTP/1.1" 200 5120'
    )
    assert redact("https://satuatap.example.id/people/?q=3209015403950001&page=2") == (
        "https://satuatap.example.id/people/?…"
    )
    assert redact("NIK 3209015403950001, phone +6281234567890") == (
        "NIK 3209********0001, phone +6281*****7890"
    )
    assert redact("Key (nik, office_id)=(3209015403950001, 4) exists") == (
        "Key (nik, office_id)=(…) exists"
    )
    assert redact("Failing row contains (7, Siti Nurhaliza, null).") == "Failing row contains (…)."
    # Ids, dates, times and sizes are left as they are.
    assert redact("case 1234 at 2026-12-07 01:34:00, 5120 bytes in 12 ms") == (
        "case 1234 at 2026-12-07 01:34:00, 5120 bytes in 12 ms"
    )
