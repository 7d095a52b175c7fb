"""No survivor's free text in clear anywhere the database keeps it.

Every text-like field (CharField, TextField, JSONField and their subclasses) of the MRC's models
and of the desks' service records is either encrypted or declared below as holding no free text,
with the reason. A new plain text field fails `test_every_text_field_is_encrypted_or_declared`
until it is encrypted (`EncryptedTextField`) or declared here.

Then a canary goes into every encrypted field, through the services that write them and once more
by a plain save of every record, and is looked for in the SQLite file and its write-ahead log,
in every row of every PostgreSQL table, and in the audit trail.
"""

from __future__ import annotations

import datetime
import importlib
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models

from satuatap.cases import services
from satuatap.cases.models import (
    Case,
    CaseConsent,
    Category,
    Channel,
    ContactKind,
    Referral,
    SharedItem,
    Topic,
)
from satuatap.cases.partner import services as partner_services
from satuatap.cases.retention.services import set_legal_hold
from satuatap.core.encryption import PREFIX, EncryptedTextField
from satuatap.core.exceptions import DomainError
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk import services as desk_services
from satuatap.frontdesk.models import Service, ServiceRecord
from tests.factories import DeskFactory, PersonFactory

# The models whose every text field is checked: everything of the MRC, and what a desk (the MRC
# desk among them) records when it finishes a ticket.
MODELS = [*apps.get_app_config("cases").get_models(), ServiceRecord]

# Text fields that hold no free text. A field with choices is a code and needs no entry.
NOT_FREE_TEXT = {
    "cases.CaseEvent.params": "codes, counts and a partner's name, never what a person wrote "
    "(cases/events.py: a reason or a note is an encrypted CaseNote)",
    "cases.Case.number": "a reference the system draws at random",
    "cases.Case.former_number": "the sequential number the system gave before (supervisors only)",
    "cases.Case.country": "an ISO 3166 country code",
    "cases.Case.money_original_currency": "an ISO 4217 currency code",
    "cases.CaseAttachment.content_type": "the file type recognised from its content",
    "cases.CaseAttachment.extension": "the extension of that file type",
    "cases.CaseAttachment.sha256": "a checksum of the file",
    "cases.CaseConsent.items": "a list of SharedItem codes, checked by the service",
    "cases.CaseEvent.kind": "an event code",
    "cases.CaseEvent.detail": "words the services write (a status, a partner), never typed text",
    "cases.ConsentTemplate.name": "the office head's name for a kind of help (partner directory), "
    "written once for every client, never about one",
    "cases.ConsentTemplate.items": "a list of SharedItem codes, checked by the service",
    "cases.ConsentTemplate.explanation": "the office's standard words to every client about a "
    "partner (why, what it does, how to withdraw), kept by the head, never about one client",
}

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def _text_fields():
    for model in MODELS:
        for field in model._meta.get_fields():
            if field.concrete and isinstance(field, TEXT_FIELDS) and not field.is_relation:
                yield model, field


def _encrypted_fields():
    return [(m, f) for m, f in _text_fields() if isinstance(f, EncryptedTextField)]


@pytest.mark.parametrize(
    ("model", "field"), [pytest.param(m, f, id=_label(m, f)) for m, f in _text_fields()]
)
def test_every_text_field_is_encrypted_or_declared(model, field):
    label = _label(model, field)
    assert isinstance(field, EncryptedTextField) or field.choices or label in NOT_FREE_TEXT, (
        f"{label} is plain text: make it an EncryptedTextField, or declare in NOT_FREE_TEXT "
        "why it can never hold a survivor's words"
    )


def test_the_declared_fields_still_exist():
    labels = {_label(m, f) for m, f in _text_fields()}
    assert set(NOT_FREE_TEXT) <= labels


def test_the_fields_the_finding_named_are_encrypted():
    named = {
        (Case, "complainant_relation"),
        (Case, "employer"),
        (Case, "interpreter_language"),
        (CaseConsent, "witness"),
        (Referral, "service"),
        (Referral, "decline_reason"),
        (ServiceRecord, "notes"),
    }
    for model, name in named:
        assert isinstance(model._meta.get_field(name), EncryptedTextField), name


# --- Canaries ---------------------------------------------------------------------------------

CANARY = f"KANARI{secrets.token_hex(6)}"


def _canary(what: str) -> str:
    return f"{CANARY}-{what}"


@pytest.fixture
def records(make_case, counsellor, partner, partner_worker, make_user, office, settings, tmp_path):
    """One record of every model with an encrypted field, written through the services with a
    canary in every free-text field they take."""
    settings.MEDIA_ROOT = tmp_path
    today = office.today()
    case = make_case(
        categories=(Category.WAGES,),
        complainant=PersonFactory(office=office),
        complainant_relation=_canary("relation"),
        employer=_canary("employer"),
        interpreter_language=_canary("language"),
        recruiter=_canary("recruiter"),
        narrative=_canary("narrative"),
        safety_notes=_canary("safety"),
    )
    services.add_note(case=case, text=_canary("note"), by=counsellor)
    set_legal_hold(
        case=case, by=make_user(Role.CASE_SUPERVISOR, gender="F"), reason=_canary("hold")
    )
    services.add_action(
        case=case, description=_canary("action"), owner=counsellor, due_on=today, by=counsellor
    )
    services.upload_attachment(
        case=case,
        by=counsellor,
        title=_canary("attachment"),
        file=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    )
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.SUMMARY, SharedItem.NARRATIVE],
        given_on=today,
        method="verbal",
        witness=_canary("witness"),
    )
    due = today + datetime.timedelta(days=7)
    declined, accepted = (
        services.send_referral(
            case=case,
            by=counsellor,
            partner=partner,
            service=_canary(f"service{n}"),
            due_on=due,
            message=_canary(f"message{n}"),
        )
        for n in (1, 2)
    )
    partner_services.answer_referral(
        referral=declined, by=partner_worker, accept=False, reason=_canary("decline")
    )
    partner_services.answer_referral(referral=accepted, by=partner_worker, accept=True)
    partner_services.add_feedback(
        referral=accepted, by=partner_worker, feedback=_canary("feedback")
    )
    # A partner refers a client it met first to the office.
    partner_services.refer_to_office(
        by=partner_worker,
        office=office,
        client_name=_canary("client"),
        sex="F",
        age_band="25-39",
        topic=Topic.GBV,
        what_happened=_canary("referred"),
        reach=_canary("reach"),
        country="",
        consent_given_on=today,
        consent_method="written",
    )
    services.record_contact(
        by=counsellor,
        kind=ContactKind.COUNSELLING,
        channel=Channel.WALK_IN,
        topic=Topic.RIGHTS,
        occurred_on=today,
        person=PersonFactory(office=office),
        notes=_canary("contact"),
    )
    # The MRC desk finishes a ticket with what was done.
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    service = Service.objects.create(
        office=office, desk=desk, name_id="Konseling", target_minutes=15
    )
    officer = make_user(Role.DESK_OFFICER, desk=desk)
    visit = desk_services.check_in(
        by=make_user(Role.FRONTDESK), services=[service], person=PersonFactory(office=office)
    )
    ticket = desk_services.call_next(desk=desk, by=officer)
    assert ticket.visit_id == visit.pk
    desk_services.finish_ticket(ticket=ticket, by=officer, notes=_canary("desk"))
    return case


def _saved_again_with_canaries() -> dict[str, str]:
    """Every encrypted field of a record of every model gets its own canary by a plain save (as
    any future service would write it); a model without a record fails here, so a new model
    with an encrypted field gets a record in the fixture above."""
    written = {}
    for model in {m for m, _ in _encrypted_fields()}:
        instance = model.objects.order_by("pk").first()
        assert instance is not None, f"the fixture makes no {model._meta.label}"
        for field in (f for m, f in _encrypted_fields() if m is model):
            value = _canary(f"saved-{model._meta.model_name}-{field.name}")
            setattr(instance, field.name, value)
            written[_label(model, field)] = value
        instance.save()
    return written


def _found_in_sqlite_files() -> dict[str, int]:
    path = Path(connection.settings_dict["NAME"])
    # Read in a child process (never open the live database file here: docs/architecture.md).
    search = (
        "import sys, os; needle = sys.argv[1].encode(); "
        "print(' '.join(str(open(f, 'rb').read().count(needle)) if os.path.exists(f) else '-' "
        "for f in sys.argv[2:]))"
    )
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", search, CANARY, str(path), f"{path}-wal"],
        capture_output=True,
        text=True,
        check=True,
    )
    main, wal = found.stdout.split()
    return {"main": main, "wal": wal}


def _postgresql_tables_holding_the_canary() -> list[str]:
    holding = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE t::text LIKE %s",  # noqa: S608
                [f"%{CANARY}%"],
            )
            if cursor.fetchone()[0]:
                holding.append(table)
    return holding


def _audit_entries_holding_the_canary() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, object_repr, changes, changes_text, serialized_data, additional_data "
            "FROM auditlog_logentry"
        )
        return [row[0] for row in cursor.fetchall() if any(CANARY in str(v) for v in row[1:])]


@pytest.mark.django_db(transaction=True)
def test_no_canary_reaches_the_database_files_rows_or_audit_trail(records):
    written = _saved_again_with_canaries()

    # The records were audited (creation and changes), with none of their free text.
    audited = LogEntry.objects.filter(
        content_type__in=[ContentType.objects.get_for_model(m) for m in MODELS]
    )
    assert audited.filter(action=LogEntry.Action.UPDATE).exists()
    assert _audit_entries_holding_the_canary() == []

    if connection.vendor == "sqlite":
        before = _found_in_sqlite_files()
        assert before["main"] in ("0", "-") and before["wal"] in ("0", "-"), before
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after = _found_in_sqlite_files()
        assert after["main"] == "0" and after["wal"] in ("0", "-"), after
    else:
        assert _postgresql_tables_holding_the_canary() == []

    # Every value reads back as it was written.
    for label, value in written.items():
        model_label, name = label.rsplit(".", 1)
        model = apps.get_model(model_label)
        assert getattr(model.objects.order_by("pk").first(), name) == value, label


@pytest.mark.django_db
def test_the_service_paths_store_ciphertext_in_the_named_columns(records):
    columns = {
        "cases_case": ["complainant_relation", "employer", "interpreter_language"],
        "cases_caseconsent": ["witness"],
        "cases_referral": ["service", "decline_reason"],
        "frontdesk_servicerecord": ["notes"],
    }
    for table, names in columns.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(names)} FROM {table}")  # noqa: S608
            values = [value for row in cursor.fetchall() for value in row if value]
        assert values and all(v.startswith(PREFIX) for v in values), table
    case = Case.objects.get(pk=records.pk)
    assert (case.employer, case.complainant_relation, case.interpreter_language) == (
        _canary("employer"),
        _canary("relation"),
        _canary("language"),
    )
    assert Referral.objects.get(state="declined").decline_reason == _canary("decline")
    assert ServiceRecord.objects.get().notes == _canary("desk")


# --- The migrations that encrypt what was stored in clear -------------------------------------


def _migration(name: str):
    return importlib.import_module(name)


def _raw_set(table: str, pk: int, **values: str) -> None:
    assignments = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [*values.values(), pk],
        )


def _raw_get(table: str, pk: int, *columns: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return list(cursor.fetchone())


@pytest.mark.django_db
def test_the_migration_encrypts_plain_values_and_drops_them_from_the_audit_trail(records):
    migration = _migration("satuatap.cases.migrations.0003_encrypt_survivor_text")
    case = records
    referral = Referral.objects.get(state="declined")
    # Rows as the plain columns held them before the migration, and what auditlog copied.
    _raw_set("cases_case", case.pk, employer="Majikan di Taipei", interpreter_language="")
    _raw_set("cases_referral", referral.pk, decline_reason="Klien sudah pindah ke Batam")
    entry = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        object_id=case.pk,
        object_repr=case.number,
        action=LogEntry.Action.UPDATE,
        changes={"employer": ["", "Majikan di Taipei"], "status": ["open", "in_progress"]},
    )
    editor = SimpleNamespace(connection=connection)

    migration.encrypt(apps, editor)

    employer, language = _raw_get("cases_case", case.pk, "employer", "interpreter_language")
    assert employer.startswith(PREFIX) and language == ""
    assert Case.objects.get(pk=case.pk).employer == "Majikan di Taipei"
    assert Referral.objects.get(pk=referral.pk).decline_reason == "Klien sudah pindah ke Batam"
    # Values encrypted before are left as they were (the migration can run on a mixed table).
    witness = _raw_get("cases_caseconsent", CaseConsent.objects.get().pk, "witness")[0]
    assert witness.startswith(PREFIX)
    assert CaseConsent.objects.get().witness == _canary("witness")
    entry.refresh_from_db()
    assert entry.changes == {"status": ["open", "in_progress"]}

    migration.decrypt(apps, editor)
    assert _raw_get("cases_case", case.pk, "employer") == ["Majikan di Taipei"]


@pytest.mark.django_db
def test_the_desk_migration_encrypts_what_was_done(records):
    migration = _migration("satuatap.frontdesk.migrations.0003_encrypt_service_record_notes")
    record = ServiceRecord.objects.get()
    _raw_set("frontdesk_servicerecord", record.pk, notes="Klien menangis, dipukul suami")
    entry = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(ServiceRecord),
        object_pk=str(record.pk),
        object_id=record.pk,
        object_repr=str(record),
        action=LogEntry.Action.CREATE,
        changes={"notes": ["None", "Klien menangis, dipukul suami"], "outcome": ["None", "x"]},
    )

    migration.encrypt(apps, SimpleNamespace(connection=connection))

    assert _raw_get("frontdesk_servicerecord", record.pk, "notes")[0].startswith(PREFIX)
    assert ServiceRecord.objects.get().notes == "Klien menangis, dipukul suami"
    entry.refresh_from_db()
    assert entry.changes == {"outcome": ["None", "x"]}


# --- Lengths: the column no longer limits them, the services do --------------------------------


@pytest.mark.django_db
def test_a_text_longer_than_its_limit_is_refused_not_cut(make_case, counsellor, partner, office):
    with pytest.raises(DomainError) as raised:
        make_case(employer="x" * 201)
    assert raised.value.status == 422 and "employer" in raised.value.details
    assert not Case.objects.exists()
    case = make_case(employer="x" * 200)
    with pytest.raises(DomainError) as raised:
        services.record_consent(
            case=case,
            by=counsellor,
            recipient=partner,
            items=[SharedItem.SUMMARY],
            given_on=office.today(),
            method="verbal",
            witness="w" * 201,
        )
    assert "witness" in raised.value.details and not CaseConsent.objects.exists()


@pytest.mark.django_db
def test_a_decline_reason_or_desk_note_too_long_is_refused_and_nothing_changes(
    make_case, counsellor, partner, partner_worker, make_user, office
):
    case = make_case()
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.SUMMARY],
        given_on=office.today(),
        method="signed",
    )
    referral = services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Bantuan hukum",
        due_on=office.today() + datetime.timedelta(days=7),
    )
    with pytest.raises(DomainError) as raised:
        partner_services.answer_referral(
            referral=referral, by=partner_worker, accept=False, reason="r" * 256
        )
    assert raised.value.code == "too_long"
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.state, referral.decline_reason) == ("sent", "")

    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    service = Service.objects.create(
        office=office, desk=desk, name_id="Konseling", target_minutes=9
    )
    officer = make_user(Role.DESK_OFFICER, desk=desk)
    desk_services.check_in(
        by=make_user(Role.FRONTDESK), services=[service], person=PersonFactory(office=office)
    )
    ticket = desk_services.call_next(desk=desk, by=officer)
    with pytest.raises(DomainError) as raised:
        desk_services.finish_ticket(ticket=ticket, by=officer, notes="n" * 2001)
    assert raised.value.code == "too_long" and not ServiceRecord.objects.exists()
