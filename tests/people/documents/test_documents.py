"""A person's documents: upload by content type, private storage, download, verification."""

from __future__ import annotations

import datetime
import struct
import zlib
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.core.uploads import detect_content_type
from satuatap.people.documents import selectors, services
from satuatap.people.models import DocumentType, Person, PersonDocument, VerificationStatus
from tests import purpose as purpose_form
from tests.factories import DeskFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The assertions below read the English messages."""
    with translation.override("en"):
        yield


UPLOADER_FILE_NAME = "Siti Nurhaliza KTP 3209015403950001"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = _png()
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def scan(data: bytes = PDF, name: str = f"{UPLOADER_FILE_NAME}.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def person(office):
    return PersonFactory(office=office)


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK, language="en")


def desk_officer(make_user, office, desk_type_code: str):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code=desk_type_code))
    return make_user(
        Role.DESK_OFFICER,
        organisation=office,
        username=f"{office.slug}.desk.{desk_type_code}",
        desk=desk,
        language="en",
    )


@pytest.fixture
def immigration_officer(make_user, office):
    return desk_officer(make_user, office, "keimigrasian")


def upload(person, by, code="ktp", data=PDF, **extra) -> PersonDocument:
    if doc_type(code).validity_days:
        extra.setdefault("issued_on", datetime.date.today())
    return services.upload_document(
        person=person, document_type=doc_type(code), file=scan(data), by=by, **extra
    )


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Upload: content, size, dates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [(PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")],
    ids=["pdf", "png", "jpeg"],
)
def test_a_pdf_png_or_jpeg_scan_is_stored_privately_encrypted_under_a_random_name(
    settings, media_root, person, frontdesk, data, content_type, extension
):
    document = services.upload_document(
        person=person,
        document_type=doc_type("ktp"),
        file=scan(data, name=f"{UPLOADER_FILE_NAME}.bin"),
        by=frontdesk,
        number="3209015403950001",
        issued_on=datetime.date(2020, 1, 2),
    )

    stored = Path(document.file.path).resolve()
    assert data not in stored.read_bytes()  # only ciphertext on disk
    with document.file.open("rb") as handle:
        assert handle.read() == data
    assert document.sha256[:32] not in document.file.name
    assert stored.is_relative_to(Path(media_root).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "Siti" not in document.file.name and "3209015403950001" not in document.file.name
    assert document.file.name.startswith(f"documents/{person.pk}/")
    assert (document.content_type, document.extension) == (content_type, extension)
    assert document.file.name.endswith(extension)
    assert (document.size, document.uploaded_by) == (len(data), frontdesk)
    assert len(document.sha256) == 64
    assert document.verification_status == VerificationStatus.PENDING


@pytest.mark.parametrize(
    "data",
    [HTML, SVG, EXE, ZIP, SCRIPT, b"GIF89a" + b"\x00" * 20, b"<html>%PDF-1.4</html>"],
    ids=["html-named-pdf", "svg", "exe", "zip", "script", "gif", "html-mentioning-pdf"],
)
def test_anything_but_pdf_jpeg_or_png_is_refused_whatever_its_name(
    media_root, person, frontdesk, data
):
    with pytest.raises(DomainError) as error:
        upload(person, frontdesk, data=data)

    assert error.value.code == "unsupported_file_type"
    assert "PDF, JPEG or PNG" in error.value.message
    assert not PersonDocument.objects.exists()
    assert files_under(media_root) == []


def test_detect_content_type_needs_the_signature_at_the_start():
    assert detect_content_type(PDF) == ("application/pdf", ".pdf")
    with pytest.raises(DomainError):
        detect_content_type(b"  " + PDF)
    with pytest.raises(DomainError):
        detect_content_type(b"")


def test_a_scan_over_the_size_limit_is_refused_with_the_limit_in_mb(
    settings, media_root, person, frontdesk
):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError) as error:
        upload(person, frontdesk, data=PDF + b"0" * (1024 * 1024))

    assert error.value.code == "file_too_large"
    assert "1 MB" in error.value.message
    assert not PersonDocument.objects.exists()
    assert files_under(media_root) == []


def test_a_scan_at_the_size_limit_is_accepted(settings, person, frontdesk):
    settings.DOCUMENT_MAX_BYTES = len(PDF)
    assert upload(person, frontdesk).size == len(PDF)


def test_an_empty_file_is_refused(person, frontdesk):
    with pytest.raises(DomainError) as error:
        upload(person, frontdesk, data=b"")
    assert error.value.code == "empty_file"


def test_an_expiry_date_before_the_issue_date_is_refused(media_root, person, frontdesk):
    with pytest.raises(DomainError) as error:
        upload(
            person,
            frontdesk,
            issued_on=datetime.date(2024, 5, 2),
            expires_on=datetime.date(2024, 5, 1),
        )
    assert error.value.code == "expiry_before_issue"
    assert not PersonDocument.objects.exists()
    assert files_under(media_root) == []


def test_a_new_scan_of_the_same_document_adds_a_row_and_leaves_the_old_one(
    person, frontdesk, immigration_officer
):
    first = upload(person, frontdesk, code="paspor")
    services.reject_document(document=first, reason="Blurred", by=immigration_officer)

    second = upload(person, frontdesk, code="paspor")

    first.refresh_from_db()
    assert second.pk != first.pk
    assert (first.verification_status, first.rejection_reason) == ("rejected", "Blurred")
    assert second.verification_status == VerificationStatus.PENDING
    assert Path(first.file.path).exists() and Path(second.file.path).exists()


def test_staff_of_another_office_cannot_upload_for_a_person(person, make_user, other_office):
    stranger = make_user(Role.FRONTDESK, organisation=other_office)
    with pytest.raises(DomainError) as error:
        upload(person, stranger)
    assert error.value.status == 404


def test_an_upload_and_a_verification_are_in_the_audit_trail(person, frontdesk):
    document = upload(person, frontdesk, number="A123")
    entries = LogEntry.objects.get_for_object(document)
    assert entries.filter(action=LogEntry.Action.CREATE).exists()
    changes = entries.get(action=LogEntry.Action.CREATE).changes_dict
    assert "number" in changes
    assert "sha256" not in changes and "file" not in changes


# --- Upload page ---------------------------------------------------------------------------


def test_the_upload_page_saves_a_scan_and_goes_back_to_the_person(client, person, frontdesk):
    client.force_login(frontdesk)
    url = reverse("people:document-upload", args=[person.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "document_type": doc_type("kk").pk,
            "number": "3209010101010001",
            "issued_on": "2019-06-01",
            "file": scan(PNG, name="kk.png"),
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person.pk])
    document = PersonDocument.objects.get()
    assert (document.document_type.code, document.content_type) == ("kk", "image/png")


def test_the_upload_page_shows_a_refused_file_next_to_the_file_field(
    client, media_root, person, frontdesk
):
    client.force_login(frontdesk)
    response = client.post(
        reverse("people:document-upload", args=[person.pk]),
        {"document_type": doc_type("ktp").pk, "file": scan(HTML, name="ktp.pdf")},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["file"]
    assert "PDF, JPEG or PNG" in errors["file"][0]
    assert "PDF, JPEG or PNG" in response.content.decode()
    assert not PersonDocument.objects.exists()
    assert files_under(media_root) == []


def test_the_upload_page_shows_a_wrong_expiry_next_to_the_expiry_field(client, person, frontdesk):
    client.force_login(frontdesk)
    response = client.post(
        reverse("people:document-upload", args=[person.pk]),
        {
            "document_type": doc_type("paspor").pk,
            "issued_on": "2024-05-02",
            "expires_on": "2024-05-01",
            "file": scan(),
        },
    )
    assert list(response.context["form"].errors) == ["expires_on"]


# --- Download ------------------------------------------------------------------------------


def test_the_download_returns_the_scan_as_an_attachment_that_is_never_rendered(
    client, person, frontdesk
):
    document = upload(person, frontdesk, code="ktp")
    client.force_login(frontdesk)

    response = client.get(reverse("people:document-file", args=[person.pk, document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="ktp-{document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert document.sha256[:32] not in response["Content-Disposition"]


@pytest.mark.parametrize("url_name", ["document-file", "document-verify", "document-reject"])
def test_staff_of_another_office_get_404_for_a_document(
    client, person, frontdesk, make_user, other_office, url_name
):
    document = upload(person, frontdesk)
    client.force_login(make_user(Role.OFFICE_HEAD, organisation=other_office))
    url = reverse(f"people:{url_name}", args=[person.pk, document.pk])

    response = client.post(url, {"reason": "x"}) if url_name != "document-file" else client.get(url)

    assert response.status_code == 404
    assert not response.streaming and PDF not in response.content
    assert person.full_name not in response.content.decode()
    document.refresh_from_db()
    assert document.verification_status == VerificationStatus.PENDING
    assert document.verified_by is None and document.rejection_reason == ""


def test_staff_of_another_office_get_404_on_the_upload_page(
    client, person, make_user, other_office
):
    client.force_login(make_user(Role.FRONTDESK, organisation=other_office))
    url = reverse("people:document-upload", args=[person.pk])

    page = client.get(url)
    posted = client.post(url, {"document_type": doc_type("ktp").pk, "file": scan()})

    assert page.status_code == 404 and posted.status_code == 404
    assert person.full_name not in page.content.decode() + posted.content.decode()
    assert not PersonDocument.objects.exists()


def test_a_document_is_not_found_under_another_persons_address(client, office, frontdesk):
    document = upload(PersonFactory(office=office), frontdesk)
    other_person = PersonFactory(office=office)
    client.force_login(frontdesk)
    url = reverse("people:document-file", args=[other_person.pk, document.pk])

    response = client.get(url)

    assert response.status_code == 404
    assert not response.streaming and PDF not in response.content
    own = client.get(reverse("people:document-file", args=[document.person_id, document.pk]))
    assert b"".join(own.streaming_content) == PDF  # under its own person's address it is there


def test_the_download_needs_a_login(client, person, frontdesk):
    document = upload(person, frontdesk)
    response = client.get(reverse("people:document-file", args=[person.pk, document.pk]))
    assert response.status_code == 302
    assert "/login" in response.url or "login" in response.url


def test_a_specific_data_document_asks_for_a_purpose_then_logs_the_read(client, person, frontdesk):
    document = upload(person, frontdesk, code="skck")
    client.force_login(frontdesk)
    url = reverse("people:document-file", args=[person.pk, document.pk])

    asked = client.get(url)
    assert asked.status_code == 200
    assert "core/read_purpose.html" in [t.name for t in asked.templates]
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()

    response = purpose_form.read(client, url, "verification")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # The read is logged on the person (the document's subject), naming the document.
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.content_type == ContentType.objects.get_for_model(Person)
    assert (entry.object_pk, entry.actor) == (str(person.pk), frontdesk)
    assert entry.additional_data == {
        "purpose": "verification",
        "read": f"persondocument #{document.pk}",
    }


def test_a_specific_data_document_is_not_served_without_a_valid_purpose(client, person, frontdesk):
    document = upload(person, frontdesk, code="surat-kesehatan")
    client.force_login(frontdesk)
    url = reverse("people:document-file", args=[person.pk, document.pk])
    response = purpose_form.answer(client, client.get(url), "curiosity")
    assert response.status_code == 422
    assert "core/read_purpose.html" in [t.name for t in response.templates]
    assert "core/read_purpose.html" in [t.name for t in client.get(url).templates]
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_an_ordinary_document_of_a_child_also_asks_for_a_purpose(client, office, frontdesk):
    child = PersonFactory(office=office, birth_date=datetime.date.today().replace(year=2015))
    document = upload(child, frontdesk, code="akta-lahir")
    client.force_login(frontdesk)
    url = reverse("people:document-file", args=[child.pk, document.pk])
    assert "core/read_purpose.html" in [t.name for t in client.get(url).templates]


# --- Verification --------------------------------------------------------------------------


def test_the_immigration_desk_verifies_a_passport(person, frontdesk, immigration_officer):
    document = upload(person, frontdesk, code="paspor")

    services.verify_document(document=document, by=immigration_officer)

    document.refresh_from_db()
    assert document.verification_status == VerificationStatus.VERIFIED
    assert document.verified_by == immigration_officer
    assert document.verified_at is not None


def test_the_immigration_desk_cannot_verify_a_ktp(client, person, frontdesk, immigration_officer):
    document = upload(person, frontdesk, code="ktp")

    with pytest.raises(DomainError) as error:
        services.verify_document(document=document, by=immigration_officer)
    assert error.value.status == 403

    client.force_login(immigration_officer)
    response = client.post(reverse("people:document-verify", args=[person.pk, document.pk]))
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.verification_status == VerificationStatus.PENDING


def test_the_civil_registry_desk_verifies_a_ktp(person, frontdesk, make_user, office):
    officer = desk_officer(make_user, office, "kependudukan")
    document = upload(person, frontdesk, code="ktp")
    services.verify_document(document=document, by=officer)
    assert document.verification_status == VerificationStatus.VERIFIED


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.OFFICE_HEAD, Role.COUNSELLOR])
def test_staff_who_are_not_the_documents_desk_cannot_verify(person, frontdesk, make_user, role):
    document = upload(person, frontdesk, code="ktp")
    with pytest.raises(DomainError) as error:
        services.verify_document(document=document, by=make_user(role, username=f"x.{role}"))
    assert error.value.status == 403


def test_a_desk_officer_of_another_office_gets_not_found(
    person, frontdesk, make_user, other_office
):
    officer = desk_officer(make_user, other_office, "keimigrasian")
    document = upload(person, frontdesk, code="paspor")
    with pytest.raises(DomainError) as error:
        services.verify_document(document=document, by=officer)
    assert error.value.status == 404


def test_a_placement_officer_verifies_labour_desk_documents_only(person, frontdesk, make_user):
    officer = make_user(Role.PLACEMENT_OFFICER)
    certificate = upload(person, frontdesk, code="sertifikat-kompetensi")
    passport = upload(person, frontdesk, code="paspor", data=PNG)

    services.verify_document(document=certificate, by=officer)
    assert certificate.verification_status == VerificationStatus.VERIFIED
    with pytest.raises(DomainError):
        services.verify_document(document=passport, by=officer)


def test_the_verify_page_marks_the_document_and_goes_back_to_the_person(
    client, person, frontdesk, immigration_officer
):
    document = upload(person, frontdesk, code="paspor")
    client.force_login(immigration_officer)
    url = reverse("people:document-verify", args=[person.pk, document.pk])

    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person.pk])
    document.refresh_from_db()
    assert document.verified_by == immigration_officer


def test_a_rejection_needs_a_reason(client, person, frontdesk, immigration_officer):
    document = upload(person, frontdesk, code="paspor")
    with pytest.raises(DomainError) as error:
        services.reject_document(document=document, reason="  ", by=immigration_officer)
    assert error.value.code == "reason_required"

    client.force_login(immigration_officer)
    url = reverse("people:document-reject", args=[person.pk, document.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Say why the document is rejected." in response.content.decode()
    document.refresh_from_db()
    assert document.verification_status == VerificationStatus.PENDING

    client.post(url, {"reason": "The photo page is cut off"})
    document.refresh_from_db()
    assert document.verification_status == VerificationStatus.REJECTED
    assert document.rejection_reason == "The photo page is cut off"
    assert document.verified_by == immigration_officer


def test_a_decided_document_is_not_decided_again(person, frontdesk, immigration_officer):
    document = upload(person, frontdesk, code="paspor")
    services.verify_document(document=document, by=immigration_officer)
    with pytest.raises(DomainError) as error:
        services.reject_document(document=document, reason="late", by=immigration_officer)
    assert error.value.code == "already_decided"


def test_an_expired_document_cannot_be_verified(person, frontdesk, immigration_officer):
    document = upload(
        person,
        frontdesk,
        code="paspor",
        issued_on=datetime.date(2010, 1, 1),
        expires_on=datetime.date(2015, 1, 1),
    )
    with pytest.raises(DomainError) as error:
        services.verify_document(document=document, by=immigration_officer)
    assert error.value.code == "document_expired"


# --- Expiry --------------------------------------------------------------------------------


TODAY = datetime.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("expires_on", "is_expired"),
    [(TODAY, False), (TODAY - datetime.timedelta(days=1), True), (None, False)],
    ids=["expires-today", "expired-yesterday", "no-expiry"],
)
def test_a_document_is_valid_through_its_expiry_day(expires_on, is_expired):
    document = PersonDocument(document_type=doc_type("paspor"), expires_on=expires_on)
    assert selectors.document_is_expired(document, TODAY) is is_expired


@pytest.mark.parametrize(
    ("days_since_issue", "is_expired"), [(90, False), (91, True)], ids=["day-90", "day-91"]
)
def test_a_health_letter_expires_after_its_validity_days(days_since_issue, is_expired):
    document = PersonDocument(
        document_type=doc_type("surat-kesehatan"),
        issued_on=TODAY - datetime.timedelta(days=days_since_issue),
    )
    assert selectors.document_is_expired(document, TODAY) is is_expired


def test_a_document_valid_for_some_days_after_issue_needs_its_issue_date(person, frontdesk):
    with pytest.raises(DomainError) as error:
        services.upload_document(
            person=person, document_type=doc_type("skck"), file=scan(PDF), by=frontdesk
        )
    assert error.value.code == "issue_date_required"
    assert not PersonDocument.objects.exists()


# --- The documents section of the person page -----------------------------------------------


def test_the_documents_section_offers_verification_only_to_the_right_desk(
    person, frontdesk, immigration_officer
):
    passport = upload(person, frontdesk, code="paspor")
    upload(person, frontdesk, code="ktp", data=PNG)
    upload(person, frontdesk, code="kk", data=JPEG, expires_on=datetime.date(2000, 1, 1))

    rows = {
        row.document.document_type.code: row
        for row in selectors.documents_for_person(immigration_officer, person)
    }
    assert {code: row.can_verify for code, row in rows.items()} == {
        "paspor": True,
        "ktp": False,
        "kk": False,
    }
    assert rows["kk"].is_expired and not rows["paspor"].is_expired
    assert not any(row.can_verify for row in selectors.documents_for_person(frontdesk, person))

    request = RequestFactory().get("/")
    request.user = immigration_officer
    html = render_to_string(
        "people/_documents.html",
        {"person": person, "documents": list(rows.values())},
        request=request,
    )
    assert reverse("people:document-verify", args=[person.pk, passport.pk]) in html
    assert html.count('name="reason"') == 1
    assert "Expired" in html
    assert reverse("people:document-upload", args=[person.pk]) in html
    assert '<th scope="col">' in html and "<caption" in html


def test_the_documents_section_is_empty_for_another_office(
    person, frontdesk, make_user, other_office
):
    upload(person, frontdesk)
    stranger = make_user(Role.OFFICE_HEAD, organisation=other_office)
    assert selectors.documents_for_person(stranger, person) == []


def test_the_documents_section_reads_many_documents_in_few_queries(
    person, frontdesk, immigration_officer, django_assert_max_num_queries
):
    for _ in range(20):
        upload(person, frontdesk, code="paspor")
    with django_assert_max_num_queries(3):
        rows = selectors.documents_for_person(immigration_officer, person)
    assert len(rows) == 20
