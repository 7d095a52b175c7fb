"""Every change in the audit trail has an author: requests, API tokens, background jobs and
commands (`core.attribution`). tests/api/test_audit_attribution.py calls each API write route."""

from __future__ import annotations

import importlib
import io
import sys

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django.urls import resolve
from huey.contrib.djhuey import HUEY

from satuatap.__main__ import command_name, main
from satuatap.core import attribution, services, tasks
from satuatap.core.audit import ReadPurpose
from satuatap.core.models import Organisation
from satuatap.core.roles import Role
from satuatap.core.sensitive import record_read
from satuatap.people.imports import services as imports
from satuatap.people.models import Person
from satuatap.people.services import register_person
from satuatap.people.tasks import run_import_task
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

REGISTER = b"Nama Lengkap,Jenis Kelamin\nSiti Aminah,P\nBudi,L\n"


def entries_after(last: int):
    return LogEntry.objects.filter(pk__gt=last).order_by("pk")


def last_entry() -> int:
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def bearer(user) -> tuple[dict, int]:
    raw, token = services.issue_api_token(user=user)
    return {"Authorization": f"Bearer {raw}"}, token.pk


# --- Requests -----------------------------------------------------------------------------------


def test_a_change_through_the_api_is_the_token_users_with_the_token_id(client, make_user):
    frontdesk = make_user(Role.FRONTDESK)
    headers, token_id = bearer(frontdesk)
    last = last_entry()

    response = client.post(
        "/api/v1/people",
        {"full_name": "Ratna", "sex": "F"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 201
    entry = entries_after(last).get()
    assert (entry.actor, entry.additional_data) == (frontdesk, {"api_token": token_id})
    assert entry.remote_addr == "127.0.0.1"  # auditlog's own middleware data is still there


def test_a_bearer_token_wins_over_a_session_cookie_of_someone_else(client, make_user):
    colleague, frontdesk = make_user(Role.OFFICE_HEAD), make_user(Role.FRONTDESK)
    client.force_login(colleague)
    headers, token_id = bearer(frontdesk)
    last = last_entry()

    client.post(
        "/api/v1/people",
        {"full_name": "Ratna", "sex": "F"},
        content_type="application/json",
        headers=headers,
    )

    entry = entries_after(last).get()
    assert (entry.actor, entry.additional_data) == (frontdesk, {"api_token": token_id})


def test_a_session_api_change_is_the_signed_in_users_without_a_token(client, make_user):
    frontdesk = make_user(Role.FRONTDESK)
    client.force_login(frontdesk)
    last = last_entry()

    client.post(
        "/api/v1/people", {"full_name": "Ratna", "sex": "F"}, content_type="application/json"
    )

    entry = entries_after(last).get()
    assert (entry.actor, entry.additional_data) == (frontdesk, None)


def test_obtaining_a_token_is_recorded_as_the_users_own_change(client, make_user):
    frontdesk = make_user(Role.FRONTDESK)
    last = last_entry()

    response = client.post(
        "/api/v1/auth/token",
        {"username": frontdesk.username, "password": "correct-horse-battery-9"},
        content_type="application/json",
    )

    assert response.status_code == 200
    entry = entries_after(last).get()
    assert (entry.content_type.model, entry.actor) == ("apitoken", frontdesk)


def test_an_anonymous_request_is_recorded_as_the_public_view_it_came_through(rf):
    request = rf.get("/display/secret-token/")
    request.user = AnonymousUser()
    last = last_entry()

    with attribution.attributed_to_request(request):
        PartnerFactory(slug="before-resolving")
        request.resolver_match = resolve("/api/v1/surveys")
        PartnerFactory(slug="public-change")

    first, second = entries_after(last)
    assert first.actor is None and second.actor is None
    assert first.additional_data == {"on_behalf_of": "public:unknown"}  # never the path
    assert second.additional_data == {"on_behalf_of": "public:api:survey-submit"}


def test_an_entry_written_for_someone_else_keeps_its_actor_and_gets_no_token(rf, make_user):
    reader, frontdesk = make_user(Role.OFFICE_HEAD), make_user(Role.FRONTDESK)
    person = register_person(by=frontdesk, full_name="Ratna", sex="F")
    request = rf.get("/")
    request.user = frontdesk
    setattr(request, attribution.API_TOKEN_ATTRIBUTE, 7)

    with attribution.attributed_to_request(request):
        entry = record_read(user=reader, record=person, purpose=ReadPurpose.SERVICE)

    assert (entry.actor, entry.additional_data) == (reader, {"purpose": ReadPurpose.SERVICE})


def test_scopes_nest_and_end(make_user):
    head = make_user(Role.OFFICE_HEAD)
    with attribution.acting_as_system("outer"):
        with attribution.acting_as(head, job="inner"), attribution.with_audit_data(why="test"):
            assert attribution.current_attribution() == (head, {"job": "inner", "why": "test"})
        assert attribution.current_attribution() == (None, {"on_behalf_of": "system:outer"})
    assert attribution.current_attribution() == (None, {})


# --- Background jobs ----------------------------------------------------------------------------


def test_every_background_task_says_on_whose_behalf_it_runs():
    for app in apps.get_app_configs():
        if app.name.startswith("satuatap."):
            try:
                importlib.import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"{app.name}.tasks":
                    raise
    ours = {name for name in HUEY._registry._registry if name.startswith("satuatap.")}

    assert ours, "no task found: the discovery above is broken"
    assert sorted(ours - tasks.ATTRIBUTED_TASKS) == []


def test_an_import_job_records_its_people_as_registered_by_who_started_it(
    make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.FRONTDESK)
    job = imports.create_import_job(
        uploaded_file=SimpleUploadedFile("register.csv", REGISTER), by=officer
    )
    imports.set_mapping(job=job, mapping=job.mapping, by=officer)
    imports.start_import(job=job, by=officer, run_in_background=False)
    last = last_entry()

    run_import_task(job.pk, by_user_id=officer.pk)  # outside any request, as huey runs it

    people = entries_after(last).filter(content_type__model="person")
    assert people.count() == Person.objects.count() == 2
    for entry in people:
        assert (entry.actor, entry.additional_data) == (officer, {"job": "people.import"})


def test_a_scheduled_job_is_recorded_as_the_named_system_job():
    @tasks.system_task(None, "tests.make_a_partner")
    def make_a_partner():
        PartnerFactory(slug="scheduled")

    last = last_entry()
    try:
        make_a_partner.call_local()
    finally:
        make_a_partner.unregister()
        tasks.ATTRIBUTED_TASKS.discard(f"{__name__}.make_a_partner")

    entry = entries_after(last).get()
    assert entry.actor is None
    assert entry.additional_data == {"on_behalf_of": "system:tests.make_a_partner"}


def test_a_users_job_whose_user_is_gone_is_still_named():
    @tasks.user_task("tests.orphan")
    def make_a_partner():
        PartnerFactory(slug="orphan")

    last = last_entry()
    try:
        make_a_partner.call_local(by_user_id=999_999)
    finally:
        make_a_partner.unregister()
        tasks.ATTRIBUTED_TASKS.discard(f"{__name__}.make_a_partner")

    entry = entries_after(last).get()
    assert entry.actor is None
    assert entry.additional_data == {"on_behalf_of": "system:tests.orphan", "for_user_id": 999_999}


# --- Commands -----------------------------------------------------------------------------------


def test_a_command_names_the_staff_member_it_acts_for(make_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    officer = make_user(Role.FRONTDESK)
    path = tmp_path / "register.csv"
    path.write_bytes(REGISTER)
    last = last_entry()

    call_command(
        "import_people", str(path), "--office", "cirebon", "--user", officer.username,
        stdout=io.StringIO(),
    )  # fmt: skip

    people = entries_after(last).filter(content_type__model="person")
    assert people.count() == 2
    for entry in people:
        assert (entry.actor, entry.additional_data) == (officer, {"command": "import_people"})


def test_a_command_run_from_the_shell_is_recorded_as_that_command(monkeypatch):
    code = "from tests.factories import PartnerFactory; PartnerFactory(slug='from-the-shell')"
    monkeypatch.setattr(sys, "argv", ["satuatap", "shell", "--no-imports", "-c", code])
    # A command closes the database connections when it ends; here that is the test's own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    last = last_entry()

    main()

    entry = entries_after(last).get()
    assert entry.object_pk == str(Organisation.objects.get(slug="from-the-shell").pk)
    assert entry.actor is None
    assert entry.additional_data["on_behalf_of"] == "command:shell"
    assert "os_user" in entry.additional_data


def test_the_command_name_is_the_first_argument_as_django_reads_it():
    assert command_name(["seed_demo", "--quiet-logins"]) == "seed_demo"
    assert command_name([]) == "help"


# --- The trail shows it -------------------------------------------------------------------------


def test_the_trail_shows_the_token_and_the_job_and_finds_system_changes(
    client, administrator, make_user
):
    frontdesk = make_user(Role.FRONTDESK)
    headers, token_id = bearer(frontdesk)
    client.post(
        "/api/v1/people",
        {"full_name": "Ratna", "sex": "F"},
        content_type="application/json",
        headers=headers,
    )
    with attribution.acting_as_system("reports.purge_old_exports"):
        PartnerFactory(slug="by-the-system")
    administrator.language = "en"
    administrator.save(update_fields=["language"])
    client.force_login(administrator)

    page = client.get("/audit/").content.decode()
    found = client.get("/audit/?actor=purge_old").content.decode()

    assert f"API token #{token_id}" in page
    assert "System (reports.purge_old_exports)" in page
    assert "System (reports.purge_old_exports)" in found
    assert frontdesk.username not in found


# --- Case work ----------------------------------------------------------------------------------


def test_an_entry_by_mrc_staff_is_marked_as_case_work_and_no_other(client, make_user):
    """`core.trail` hides such entries outside the MRC from whoever may not read every case;
    the mark keeps them hidden after the author moves to another role."""
    counsellor = make_user(Role.COUNSELLOR)
    frontdesk = make_user(Role.FRONTDESK)
    last = last_entry()

    for user in (counsellor, frontdesk):
        headers, _token = bearer(user)
        response = client.post(
            "/api/v1/people",
            {"full_name": f"Orang {user.pk}", "sex": "F"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
    with attribution.acting_as_system("tests.case_work"):
        Organisation.objects.filter(pk=counsellor.organisation_id).get().save()

    marks = {
        (entry.actor, bool((entry.additional_data or {}).get("case_work")))
        for entry in entries_after(last)
        if entry.actor in (counsellor, frontdesk, None)
    }
    assert marks == {(counsellor, True), (frontdesk, False), (None, False)}
