"""Encrypted columns: ciphertext at rest on both engines, fail closed, unsearchable, rotation."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from satuatap.cases.models import Case, CaseNote
from satuatap.cases.services import add_note
from satuatap.core.encryption import UndecryptableValue, is_undecryptable

pytestmark = pytest.mark.django_db

SECRETS = ("Dipukul oleh majikan di Taipei.", "Tinggal di rumah kakak, jangan hubungi nomor lama.")


def _raw(column: str, table: str = "cases_case") -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_database_holds_ciphertext_only(gbv_case, counsellor):
    add_note(case=gbv_case, text="Klien takut pulang ke rumah suami", by=counsellor)
    narratives, notes = _raw("narrative"), _raw("safety_notes")
    assert all(value.startswith("fernet:") for value in narratives + notes)
    assert SECRETS[0] not in narratives and SECRETS[1] not in notes
    assert _raw("text", "cases_casenote")[0].startswith("fernet:")
    case = Case.objects.get(pk=gbv_case.pk)
    assert (case.narrative, case.safety_notes) == SECRETS


@pytest.mark.django_db(transaction=True)
def test_the_stored_database_never_contains_the_plaintext(make_case):
    make_case(narrative="KATA-RAHASIA-UNIK-123")
    if connection.vendor == "sqlite":
        # The whole database file (and its write-ahead log) as it lies on disk.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(connection.settings_dict["NAME"])
        files = [str(p) for p in (path, Path(f"{path}-wal")) if p.exists()]
        # Read in a child process: closing any descriptor of the file in this process would drop
        # every POSIX lock this process's SQLite connections hold on it, and another process
        # closing its last connection could then delete the WAL and shared-memory files under
        # them (later connections here fail with SQLITE_IOERR_SHORT_READ).
        search = (
            "import sys; data = b''.join(open(f, 'rb').read() for f in sys.argv[2:]); "
            "print(data.count(sys.argv[1].encode()))"
        )
        found = subprocess.run(  # noqa: S603
            [sys.executable, "-c", search, "KATA-RAHASIA-UNIK-123", *files],
            capture_output=True,
            text=True,
            check=True,
        )
        assert found.stdout.strip() == "0"
    else:
        # Every text column of the table, searched by the server itself.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM cases_case WHERE cases_case::text LIKE %s", ["%KATA-RAHASIA%"]
            )
            assert cursor.fetchone()[0] == 0
    assert Case.objects.get().narrative == "KATA-RAHASIA-UNIK-123"


def test_a_wrong_key_fails_closed(gbv_case, settings):
    stored = _raw("narrative")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    case = Case.objects.get(pk=gbv_case.pk)
    # Neither the ciphertext nor the text: the placeholder (test_undecryptable_values.py).
    assert is_undecryptable(case.narrative) and is_undecryptable(case.safety_notes)
    assert "fernet:" not in case.narrative and SECRETS[0] not in case.narrative
    case.narrative += " (diedit)"
    with pytest.raises(UndecryptableValue), transaction.atomic():
        case.save()
    assert _raw("narrative") == stored


def test_encrypted_columns_cannot_be_searched(gbv_case):
    with pytest.raises(FieldError):
        list(Case.objects.filter(narrative__icontains="Taipei"))
    with pytest.raises(FieldError):
        list(Case.objects.filter(narrative=SECRETS[0]))
    assert Case.objects.filter(narrative__isnull=False).count() == 1
    # Only emptiness can be asked: an empty value is stored empty.
    assert not Case.objects.filter(narrative="").exists()
    assert Case.objects.exclude(narrative="").count() == 1


def test_rotation_re_encrypts_with_the_new_key_and_the_old_one_can_go(
    gbv_case, counsellor, settings
):
    add_note(case=gbv_case, text="catatan", by=counsellor)
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, *old]
    before = _raw("narrative")
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _raw("narrative") != before
    settings.FIELD_ENCRYPTION_KEYS = [new]
    case = Case.objects.get(pk=gbv_case.pk)
    assert (case.narrative, case.safety_notes) == SECRETS
    assert CaseNote.objects.get().text == "catatan"


def test_rotation_rewrites_a_table_batch_by_batch_and_every_row_is_done(
    gbv_case, counsellor, settings, monkeypatch
):
    from satuatap.core.management.commands import rotate_encryption_keys

    monkeypatch.setattr(rotate_encryption_keys, "BATCH", 2)
    texts = [f"catatan {n}" for n in range(7)]
    for text in texts:
        add_note(case=gbv_case, text=text, by=counsellor)
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, *settings.FIELD_ENCRYPTION_KEYS]
    before = set(_raw("text", "cases_casenote"))

    out = io.StringIO()
    with translation.override("en"):
        call_command("rotate_encryption_keys", stdout=out)

    assert "cases.CaseNote: 7 rows re-encrypted" in out.getvalue()
    assert not before & set(_raw("text", "cases_casenote"))
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert sorted(CaseNote.objects.values_list("text", flat=True)) == texts


def test_rotation_stops_at_a_value_no_key_decrypts_and_rewrites_nothing_of_its_table(
    gbv_case, counsellor, settings
):
    add_note(case=gbv_case, text="catatan", by=counsellor)
    narratives, notes = _raw("narrative"), _raw("text", "cases_casenote")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the old key is gone

    with translation.override("id"), pytest.raises(CommandError) as raised:
        call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    message = str(raised.value)
    assert "tidak ada kunci di FIELD_ENCRYPTION_KEYS yang dapat membukanya" in message
    assert SECRETS[0] not in message and "fernet:" not in message
    assert (_raw("narrative"), _raw("text", "cases_casenote")) == (narratives, notes)
