"""`satuatap backup` / `restore` when the private files are in object storage: the archive holds
the database only and says where the files are; a restore leaves the bucket alone, and refuses
an archive whose files it would have nowhere to put."""

from __future__ import annotations

import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from satuatap.core import backup
from satuatap.core.roles import Role
from satuatap.people.documents.services import upload_document
from satuatap.people.models import DocumentType, Person, PersonDocument
from tests.factories import PersonFactory
from tests.storage.conftest import use_s3
from tests.storage.test_object_storage import PDF

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.s3]


@pytest.fixture(autouse=True)
def _in_english():
    """The assertions read the English messages."""
    with translation.override("en"):
        yield


def store_a_scan(office, make_user) -> PersonDocument:
    return upload_document(
        person=PersonFactory(office=office),
        document_type=DocumentType.objects.get(code="ktp"),
        file=SimpleUploadedFile("ktp.pdf", PDF),
        by=make_user(Role.FRONTDESK),
    )


def members(archive) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def test_a_backup_with_object_storage_holds_the_database_and_says_where_the_files_are(
    s3_storage, office, make_user, tmp_path
):
    document = store_a_scan(office, make_user)
    archive = tmp_path / "backup.tar.gz"

    result = backup.create_backup(archive)

    assert result.files == 0
    assert s3_storage.server.bucket in result.files_kept_in
    contents = members(archive)
    assert not [name for name in contents if name.startswith("media/")]
    assert json.loads(contents["manifest.json"])["private_files"] == "object-storage"

    restored = backup.restore_backup(archive, replace_existing=True)

    assert "object storage" in restored.files_warning
    assert s3_storage.stored_names() == [document.file.name]  # the bucket is left alone
    with PersonDocument.objects.get(pk=document.pk).file.open("rb") as handle:
        assert handle.read() == PDF


def test_an_archive_with_files_is_refused_where_files_live_in_object_storage(
    settings, local_storage, s3_server, office, make_user, tmp_path
):
    store_a_scan(office, make_user)
    archive = tmp_path / "backup.tar.gz"
    assert backup.create_backup(archive).files == 1
    people = Person.objects.count()
    use_s3(settings, s3_server, "refused")

    with pytest.raises(backup.BackupError, match="keeps them in object storage"):
        backup.restore_backup(archive, replace_existing=True)

    assert Person.objects.count() == people
    assert s3_server.keys("refused") == []
