"""Private files in object storage (a real SeaweedFS S3 server) and on local disk: each kind of
file goes up and comes back through its own permission-checked view; identity-document scans,
case attachments and registers are stored as ciphertext and re-encrypted by the key rotation;
nothing is ever reachable without the application; and a store that is down or drops an upload
half-way leaves a clear, translated message, no record and no object."""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from satuatap.cases import services as case_services
from satuatap.cases.models import CaseAttachment, Category, Channel
from satuatap.core.roles import Role
from satuatap.core.storage import (
    MAGIC,
    SAVE,
    EncryptedStorage,
    StorageUnavailable,
    decrypt_stored_files,
    encrypt_stored_files,
    encrypted_storage,
)
from satuatap.outreach.models import VillageRegulation
from satuatap.people.models import DocumentType, ImportJob, ImportStatus, PersonDocument
from satuatap.reports.export_models import ExportJob, ExportStatus
from tests.factories import PersonFactory
from tests.outreach.conftest import villages_of
from tests.people.imports.test_imports import GOOD_ROWS, make_xlsx, register_rows
from tests.storage.conftest import use_s3
from tests.storage.s3_server import CuttingProxy

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

CANARY = b"CANARY-3209015403950001-Siti-Rahayu"
PDF = (
    b"%PDF-1.4\n% " + CANARY + b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(size: int = 0) -> bytes:
    """The canary PDF, padded with random bytes to about `size` bytes."""
    padding = os.urandom(max(0, size - len(PDF)))
    return PDF[:-6] + b"% " + padding.hex().encode()[: len(padding)] + b"\n%%EOF\n"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def in_language(language: str, make):
    with translation.override(language):
        return make()


def storage_message(language: str) -> str:
    return in_language(language, lambda: StorageUnavailable(SAVE).message)


# --- People, their records, and the pages that upload and download ---------------------------


@pytest.fixture
def person(office):
    return PersonFactory(office=office, full_name="Siti Rahayu")


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK, language="en")


@pytest.fixture
def case(counsellor, person):
    counsellor.language = "en"
    counsellor.save(update_fields=["language"])
    return case_services.open_case(
        by=counsellor,
        client=person,
        channel=Channel.WALK_IN,
        categories=(Category.WAGES,),
        gbv_types=(),
        narrative="Gaji tidak dibayar.",
    )


@pytest.fixture
def outreach_worker(make_user):
    return make_user(Role.OUTREACH_WORKER, language="en")


@pytest.fixture
def village(office):
    return villages_of(office.region_id)[0]


def upload_document(client, person, data: bytes = PDF):
    ktp = DocumentType.objects.get(code="ktp")
    return client.post(
        reverse("people:document-upload", args=[person.pk]),
        {"document_type": ktp.pk, "file": SimpleUploadedFile("KTP Siti.pdf", data)},
    )


def document_url(document: PersonDocument) -> str:
    return reverse("people:document-file", args=[document.person_id, document.pk])


def upload_attachment(client, case, data: bytes = PDF):
    return client.post(
        reverse("cases:attachment-upload", args=[case.pk]),
        {"title": "Slip gaji", "file": SimpleUploadedFile("slip.pdf", data)},
        follow=True,
    )


def attachment_url(attachment: CaseAttachment) -> str:
    return reverse("cases:attachment-file", args=[attachment.case_id, attachment.pk])


def upload_regulation(client, village, data: bytes = PDF):
    return client.post(
        reverse("outreach:regulation-upload", args=[village.code]),
        {
            "number": "1 Tahun 2020",
            "date": "2020-03-01",
            "title": "Perlindungan PMI",
            "file": SimpleUploadedFile("perdes.pdf", data),
        },
    )


def ask_for_export(client, capture, office):
    """An office head's export of their own office (CSV of March 2026)."""
    with capture(execute=True):
        return client.post(
            reverse("reports:export-list"),
            {"kind": "csv", "office": office.pk, "month_from": "2026-03", "month_to": "2026-03"},
        )


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def assert_private_download(response) -> None:
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def assert_not_public(private_storage, name: str) -> None:
    """Nobody reaches a stored file without the application: no anonymous read from the bucket,
    and no link to one from the field."""
    if private_storage.server is not None:
        key = f"{private_storage.server.endpoint_url}/{private_storage.server.bucket}/"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(key + f"{private_storage.prefix}/{name}")  # noqa: S310
        assert refused.value.code in (401, 403)


# --- Each kind of file, up and down, on both backends -----------------------------------------


def test_an_identity_document_scan_is_stored_encrypted_and_read_only_through_its_view(
    client, private_storage, person, frontdesk, make_user, other_office
):
    client.force_login(frontdesk)
    assert upload_document(client, person).status_code == 302

    document = PersonDocument.objects.get()
    assert private_storage.stored_names() == [document.file.name]
    stored = private_storage.stored_bytes(document.file.name)
    assert stored.startswith(MAGIC)
    assert CANARY not in stored and b"%PDF" not in stored
    if private_storage.kind == "s3":
        assert private_storage.local_files() == []
    assert_not_public(private_storage, document.file.name)
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - no link to an encrypted file exists

    response = client.get(document_url(document))
    assert downloaded(response) == PDF
    assert_private_download(response)
    client.force_login(make_user(Role.FRONTDESK, organisation=other_office))
    assert client.get(document_url(document)).status_code == 404
    client.logout()
    assert client.get(document_url(document)).status_code == 302


def test_a_case_attachment_is_stored_encrypted_and_read_only_by_who_may_see_the_case(
    client, private_storage, case, counsellor, make_user, other_office
):
    client.force_login(counsellor)
    assert "The attachment is added." in messages_of(upload_attachment(client, case))

    attachment = CaseAttachment.objects.get()
    assert private_storage.stored_names() == [attachment.file.name]
    stored = private_storage.stored_bytes(attachment.file.name)
    assert stored.startswith(MAGIC) and CANARY not in stored
    assert_not_public(private_storage, attachment.file.name)

    assert downloaded(client.get(attachment_url(attachment))) == PDF
    for outsider in (
        make_user(Role.FRONTDESK),  # same office, but no access to cases
        make_user(Role.COUNSELLOR, organisation=other_office),
    ):
        client.force_login(outsider)
        assert client.get(attachment_url(attachment)).status_code == 404


def test_a_village_regulation_is_stored_privately_and_read_through_its_view(
    client, private_storage, outreach_worker, village, make_user, other_office
):
    client.force_login(outreach_worker)
    assert upload_regulation(client, village).status_code == 302

    regulation = VillageRegulation.objects.get()
    assert private_storage.stored_names() == [regulation.file.name]
    assert_not_public(private_storage, regulation.file.name)
    url = reverse("outreach:regulation-file", args=[regulation.pk])
    response = client.get(url)
    assert downloaded(response) == PDF
    assert_private_download(response)
    client.force_login(make_user(Role.OUTREACH_WORKER, organisation=other_office))
    assert client.get(url).status_code == 404


def test_an_export_file_is_stored_privately_and_downloaded_only_by_who_asked(
    client, private_storage, office, make_user, django_capture_on_commit_callbacks
):
    head = make_user(Role.OFFICE_HEAD, language="en")
    client.force_login(head)
    assert ask_for_export(client, django_capture_on_commit_callbacks, office).status_code == 302

    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    assert private_storage.stored_names() == [job.file.name]
    assert job.file.name.startswith("exports/")
    assert_not_public(private_storage, job.file.name)
    url = reverse("reports:export-download", args=[job.pk])
    response = client.get(url)
    assert downloaded(response) == private_storage.stored_bytes(job.file.name)
    assert_private_download(response)
    client.force_login(make_user(Role.OFFICE_HEAD, username="second.head"))
    assert client.get(url).status_code == 404


def test_an_uploaded_register_is_stored_encrypted_and_the_import_reads_it_back(
    client, private_storage, frontdesk, django_capture_on_commit_callbacks
):
    client.force_login(frontdesk)
    data = make_xlsx(register_rows(excel_dates=True))
    response = client.post(
        reverse("people:import-list"), {"file": SimpleUploadedFile("register.xlsx", data)}
    )
    assert response.status_code == 302

    job = ImportJob.objects.get()
    stored = private_storage.stored_bytes(job.file.name)
    assert stored.startswith(MAGIC) and data[:64] not in stored
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:import-detail", args=[job.pk]), {**job.mapping, "address": ""})
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, GOOD_ROWS)


# --- Keys ------------------------------------------------------------------------------------


def test_key_rotation_re_encrypts_the_stored_scans_and_attachments(
    client, settings, private_storage, person, frontdesk, case, counsellor
):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    client.force_login(frontdesk)
    upload_document(client, person)
    client.force_login(counsellor)
    upload_attachment(client, case)
    document, attachment = PersonDocument.objects.get(), CaseAttachment.objects.get()
    names = [document.file.name, attachment.file.name]
    before = {name: private_storage.stored_bytes(name) for name in names}

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115

    for name in names:
        stored = private_storage.stored_bytes(name)
        assert stored != before[name] and stored.startswith(MAGIC)
        token = base64.urlsafe_b64encode(stored[len(MAGIC) :])
        assert Fernet(new_key.encode()).decrypt(token) == PDF
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(token)
    assert sorted(private_storage.stored_names()) == sorted(names)  # rewritten in place

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed
    assert downloaded(client.get(attachment_url(attachment))) == PDF
    client.force_login(frontdesk)
    assert downloaded(client.get(document_url(document))) == PDF


def test_a_file_no_configured_key_opens_is_a_503_and_stops_the_rotation(
    client, settings, private_storage, person, frontdesk
):
    client.force_login(frontdesk)
    upload_document(client, person)
    document = PersonDocument.objects.get()
    stored = private_storage.stored_bytes(document.file.name)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the key is lost

    response = client.get(document_url(document))
    assert response.status_code == 503
    assert "cannot be decrypted with the configured keys" in response.content.decode()
    assert CANARY not in response.content
    with pytest.raises(CommandError, match=f"people.PersonDocument {document.pk}"):
        call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert private_storage.stored_bytes(document.file.name) == stored  # left as it was


def test_a_file_whose_record_is_deleted_during_the_rotation_is_not_brought_back(
    client, settings, monkeypatch, private_storage, person, frontdesk
):
    client.force_login(frontdesk)
    upload_document(client, person)
    document = PersonDocument.objects.get()
    rotate = EncryptedStorage.rotate

    def erased_meanwhile(storage, name):
        # An erasure removes the record while the command rewrites its file.
        PersonDocument.objects.filter(pk=document.pk).delete()
        rotate(storage, name)

    monkeypatch.setattr(EncryptedStorage, "rotate", erased_meanwhile)
    keys = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *keys]

    call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert private_storage.stored_names() == []


def test_files_stored_before_encryption_are_encrypted_by_the_migration_and_back(
    client, private_storage, person, frontdesk
):
    client.force_login(frontdesk)
    upload_document(client, person)
    document = PersonDocument.objects.get()
    inner = encrypted_storage().inner
    inner.replace(document.file.name, PDF)  # as an older release stored it

    assert encrypt_stored_files(apps, "people.PersonDocument", "file") == 1
    stored = private_storage.stored_bytes(document.file.name)
    assert stored.startswith(MAGIC) and CANARY not in stored
    assert encrypt_stored_files(apps, "people.PersonDocument", "file") == 0  # once only
    assert downloaded(client.get(document_url(document))) == PDF

    assert decrypt_stored_files(apps, "people.PersonDocument", "file") == 1
    assert private_storage.stored_bytes(document.file.name) == PDF


# --- Outages -----------------------------------------------------------------------------------


@pytest.fixture
def store_down(settings, s3_storage, dead_endpoint):
    """The bucket's server cannot be reached (its address answers nothing). The records' files
    are looked for under the same prefix of the real server afterwards."""

    def down():
        use_s3(settings, s3_storage.server, s3_storage.prefix, endpoint_url=dead_endpoint)

    return down


def test_a_scan_uploaded_while_the_store_is_down_is_refused_in_the_users_language(
    client, s3_storage, store_down, person, make_user
):
    clerk = make_user(Role.FRONTDESK, language="id")
    client.force_login(clerk)
    store_down()

    response = upload_document(client, person)

    assert response.status_code == 200  # the form again, with the reason
    errors = response.context["form"].non_field_errors()
    assert errors == [storage_message("id")]
    assert storage_message("id") != storage_message("en")  # translated
    assert not PersonDocument.objects.exists()
    assert s3_storage.stored_names() == [] and s3_storage.local_files() == []


def test_an_attachment_regulation_or_export_made_while_the_store_is_down_leaves_nothing(
    client,
    s3_storage,
    store_down,
    office,
    case,
    counsellor,
    outreach_worker,
    village,
    make_user,
    django_capture_on_commit_callbacks,
):
    store_down()
    client.force_login(counsellor)
    assert storage_message("en") in messages_of(upload_attachment(client, case))
    assert not CaseAttachment.objects.exists()

    client.force_login(outreach_worker)
    response = upload_regulation(client, village)
    assert response.context["form"].non_field_errors() == [storage_message("en")]
    assert not VillageRegulation.objects.exists()

    client.force_login(make_user(Role.OFFICE_HEAD, language="en"))
    ask_for_export(client, django_capture_on_commit_callbacks, office)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and not job.file
    assert "file storage cannot be reached" in job.failure

    assert s3_storage.stored_names() == [] and s3_storage.local_files() == []


def test_an_upload_cut_off_half_way_leaves_no_record_and_no_partial_object(
    client, settings, s3_storage, person, frontdesk
):
    data = pdf(size=2 * 1024 * 1024)
    client.force_login(frontdesk)
    with CuttingProxy(s3_storage.server.ports["s3"], cut_after=len(data) // 2) as proxy:
        use_s3(settings, s3_storage.server, s3_storage.prefix, endpoint_url=proxy.endpoint_url)
        response = upload_document(client, person, data)
        assert proxy.cuts >= 1  # the upload did start, and died on the way

    assert response.context["form"].non_field_errors() == [storage_message("en")]
    assert not PersonDocument.objects.exists()
    assert s3_storage.stored_names() == []
    assert s3_storage.unfinished_uploads() == []

    # The same file goes through whole once the connection holds.
    use_s3(settings, s3_storage.server, s3_storage.prefix)
    assert upload_document(client, person, data).status_code == 302
    document = PersonDocument.objects.get()
    assert s3_storage.stored_names() == [document.file.name]
    assert downloaded(client.get(document_url(document))) == data


def test_a_download_while_the_store_is_down_is_a_503_page_saying_so(
    client, s3_storage, store_down, person, make_user
):
    clerk = make_user(Role.FRONTDESK, language="id")
    client.force_login(clerk)
    upload_document(client, person)
    document = PersonDocument.objects.get()
    store_down()

    response = client.get(document_url(document))

    assert response.status_code == 503
    assert response["Retry-After"]
    message = in_language("id", lambda: StorageUnavailable("read").message)
    assert message in response.content.decode()


def test_a_local_disk_that_cannot_be_written_is_the_same_clear_refusal(
    client, settings, tmp_path, local_storage, person, frontdesk
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = blocker / "private"  # mkdir fails: the disk "is gone"
    client.force_login(frontdesk)

    response = upload_document(client, person)

    assert response.context["form"].non_field_errors() == [storage_message("en")]
    assert not PersonDocument.objects.exists()
