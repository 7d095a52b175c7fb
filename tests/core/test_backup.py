"""`satuatap backup` / `satuatap restore`: a populated database and its private files come back
identical, and a damaged or foreign archive changes nothing. Runs on the engine DATABASE_URL
names (CI runs the suite on SQLite and on PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from satuatap.cases import services as case_services
from satuatap.cases.models import Case, CaseNote, Category, Channel, GbvType
from satuatap.core import backup
from satuatap.core.roles import Role
from satuatap.demo.files import tiny_pdf
from satuatap.people.documents.services import upload_document
from satuatap.people.models import DocumentType, Person
from tests.factories import PersonFactory

NARRATIVE = "Dipukul oleh majikan di Taipei; paspor ditahan agen."

pytestmark = pytest.mark.django_db(transaction=True)


def table_hashes() -> dict[str, str]:
    """One hash per table over its rows as stored (encrypted columns as ciphertext)."""
    hashes = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            hashes[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return hashes


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(media, office, make_user, counsellor):
    """An office with a restricted case (encrypted narrative, a note, an attachment) and a
    person with a document scan."""
    frontdesk = make_user(Role.FRONTDESK)
    client = PersonFactory(office=office, sex="F", full_name="Siti Rahayu")
    case = case_services.open_case(
        by=counsellor,
        client=client,
        channel=Channel.WALK_IN,
        categories=(Category.GBV,),
        gbv_types=(GbvType.PHYSICAL_ASSAULT,),
        narrative=NARRATIVE,
    )
    case_services.add_note(case=case, text="Sudah dihubungi kembali.", by=counsellor)
    case_services.upload_attachment(
        case=case,
        by=counsellor,
        title="Visum",
        file=SimpleUploadedFile("visum.pdf", tiny_pdf("Visum et repertum")),
    )
    upload_document(
        person=client,
        document_type=DocumentType.objects.get(code="ktp"),
        file=SimpleUploadedFile("ktp.pdf", tiny_pdf("KTP")),
        by=frontdesk,
    )
    assert len(media_files(media)) == 2
    return case


def test_backup_then_restore_gives_back_the_same_rows_and_files(populated, media, tmp_path):
    before, files_before = table_hashes(), media_files(media)
    archive = tmp_path / "out" / "backup.tar.gz"

    result = backup.create_backup(archive)

    assert result.path == archive and archive.stat().st_mode & 0o077 == 0
    assert result.files == 2
    # The database changes after the backup: a note removed, the narrative altered, a person
    # added, a file deleted and another added.
    CaseNote.objects.filter(case=populated).delete()
    Case.objects.filter(pk=populated.pk).update(narrative="changed")
    PersonFactory(office=populated.office)
    first = sorted(p for p in media.rglob("*") if p.is_file())[0]
    first.unlink()
    (media / "stray.txt").write_text("not in the backup")
    assert table_hashes() != before

    restored = backup.restore_backup(archive, replace_existing=True)

    assert table_hashes() == before
    assert media_files(media) == files_before
    assert restored.files == 2 and restored.pending_migrations == []
    assert restored.key_warning == ""
    assert Case.objects.get(pk=populated.pk).narrative == NARRATIVE


def test_archive_holds_a_manifest_with_checksums_and_no_encryption_key(
    populated, media, tmp_path, settings
):
    archive = backup.create_backup(tmp_path / "b.tar.gz").path

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    assert manifest["engine"] == connection.vendor
    assert manifest["encryption_keys_included"] is False
    for name, entry in manifest["files"].items():
        assert hashlib.sha256(contents[name]).hexdigest() == entry["sha256"]
    assert ["cases", "0001_initial"] in manifest["migrations"]
    for key in settings.FIELD_ENCRYPTION_KEYS:
        assert not any(key.encode() in data for data in contents.values())
    assert not any(settings.SECRET_KEY.encode() in data for data in contents.values())


def test_restore_refuses_a_database_that_holds_data_without_yes(populated, media, tmp_path):
    archive = backup.create_backup(tmp_path / "b.tar.gz").path
    PersonFactory(office=populated.office)
    before = table_hashes()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert table_hashes() == before


def _repack(archive: Path, target: Path, change) -> Path:
    """Copy an archive member by member, letting `change(name, data)` alter each."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def _tamper_file(name, data):
    return data + b"tampered" if name.startswith("media/") else data


def _newer_migration(name, data):
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["migrations"].append(["cases", "9999_from_the_future"])
    return json.dumps(manifest).encode()


def _other_engine(name, data):
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    return json.dumps(manifest).encode()


DAMAGED = {
    "a file altered": (_tamper_file, "checksum"),
    "no manifest": (lambda name, data: None if name == "manifest.json" else data, "SatuAtap"),
    "no database": (lambda name, data: None if name.startswith("database/") else data, "manifest"),
    "newer migrations": (_newer_migration, "9999_from_the_future"),
    "another engine": (_other_engine, "same engine"),
}
NOT_ARCHIVES = {"empty": b"", "text": b"not an archive", "truncated": b"\x1f\x8b\x08\x00trunc"}


def test_damaged_foreign_or_unsuitable_archives_are_refused_and_change_nothing(
    populated, media, tmp_path
):
    archive = backup.create_backup(tmp_path / "b.tar.gz").path
    Person.objects.filter(pk=populated.client_id).update(full_name="Changed after the backup")
    before, files_before = table_hashes(), media_files(media)
    bad_archives = {
        label: (_repack(archive, tmp_path / f"{n}.tar.gz", change), message)
        for n, (label, (change, message)) in enumerate(DAMAGED.items())
    }
    for label, content in NOT_ARCHIVES.items():
        (tmp_path / label).write_bytes(content)
        bad_archives[label] = (tmp_path / label, "not a SatuAtap backup")

    for label, (bad, message) in bad_archives.items():
        with translation.override("en"), pytest.raises(CommandError, match=message):
            call_command("restore", str(bad), "--yes", stdout=io.StringIO())
        assert table_hashes() == before, label
        assert media_files(media) == files_before, label


def test_commands_round_trip_and_say_the_keys_are_not_included(populated, media, tmp_path):
    archive = tmp_path / "cmd.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "FIELD_ENCRYPTION_KEYS" in out.getvalue()
    before = table_hashes()
    Case.objects.filter(pk=populated.pk).update(narrative="changed")

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)

    assert table_hashes() == before
    assert "2" in out.getvalue() and str(archive) not in out.getvalue()


def test_restore_warns_when_the_backup_needs_another_encryption_key(
    populated, media, tmp_path, settings
):
    from cryptography.fernet import Fernet

    archive = backup.create_backup(tmp_path / "b.tar.gz").path
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    result = backup.restore_backup(archive, replace_existing=True)

    assert backup.key_ids(settings.FIELD_ENCRYPTION_KEYS)[0] not in result.key_warning
    assert result.key_warning


def test_backup_taken_while_notes_are_written_restores_a_consistent_database(
    populated, media, tmp_path, counsellor
):
    stop = threading.Event()
    written: list[int] = []

    def write_notes():
        try:
            while not stop.is_set():
                note = case_services.add_note(case=populated, text="Catatan", by=counsellor)
                written.append(note.pk)
        finally:
            connection.close()

    writer = threading.Thread(target=write_notes)
    writer.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        archive = backup.create_backup(tmp_path / "b.tar.gz").path
        during = len(written)
        while len(written) < during + 5:
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()

    backup.restore_backup(archive, replace_existing=True)

    restored = set(CaseNote.objects.filter(pk__in=written).values_list("pk", flat=True))
    # A snapshot: the notes written before some moment, none after it.
    assert restored == set(written[: len(restored)])
    assert 5 <= len(restored) < len(written)
