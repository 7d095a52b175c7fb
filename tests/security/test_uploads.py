"""Uploaded files can never run as a page of ours: every upload is recognised by its content
(a scan is a PDF, JPEG or PNG; a register is XLSX or CSV), whatever its name says; downloads
are attachments with a safe type, nosniff and a sandboxing policy; nothing under MEDIA_ROOT is
reachable by a URL."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from satuatap.cases import services as case_services
from satuatap.cases.models import CaseAttachment, Category, Channel
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.outreach import services as outreach_services
from satuatap.outreach.models import VillageRegulation
from satuatap.people.documents import services as documents
from satuatap.people.imports import services as imports
from satuatap.people.models import DocumentType, ImportJob, PersonDocument
from satuatap.placement.agency_import import services as agency_import
from satuatap.placement.models import Agency
from satuatap.regions.models import Region, RegionLevel
from tests import purpose as purpose_form
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = b"<script>alert(1)</script>"
HOSTILE = {
    "html": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>",
    "javascript": b"alert(document.cookie);\nfetch('/api/v1/people');\n",
    "xhtml": b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
    + SCRIPT
    + b"</html>",
    "html-after-spaces": b"   \n<html><img src=x onerror=alert(1)></html>",
}
# A register is read as data and never served back, so plain text (a script) in a CSV is just
# cells; markup is what must never get in.
MARKUP = [kind for kind in HOSTILE if kind != "javascript"]
DISGUISES = [("scan.pdf", "application/pdf"), ("photo.jpg", "image/jpeg")]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def _files_under(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()] if Path(root).exists() else []


def _cases():
    return [(kind, name, content_type) for kind in HOSTILE for name, content_type in DISGUISES]


@pytest.mark.parametrize(("kind", "name", "content_type"), _cases())
def test_a_disguised_page_or_script_is_refused_as_a_person_document(
    kind, name, content_type, office, make_user, private_media
):
    person = PersonFactory(office=office)
    with pytest.raises(DomainError) as error:
        documents.upload_document(
            person=person,
            document_type=DocumentType.objects.get(code="ktp"),
            file=SimpleUploadedFile(name, HOSTILE[kind], content_type=content_type),
            by=make_user(Role.FRONTDESK),
        )
    assert error.value.code == "unsupported_file_type"
    assert not PersonDocument.objects.exists()
    assert _files_under(private_media) == []


@pytest.mark.parametrize(("kind", "name", "content_type"), _cases())
def test_a_disguised_page_or_script_is_refused_as_a_case_attachment(
    kind, name, content_type, office, counsellor, private_media
):
    case = case_services.open_case(
        by=counsellor,
        client=PersonFactory(office=office),
        channel=Channel.WALK_IN,
        categories=(Category.WAGES,),
        gbv_types=(),
        narrative="Gaji tidak dibayar.",
    )
    with pytest.raises(DomainError) as error:
        case_services.upload_attachment(
            case=case,
            by=counsellor,
            title="Kontrak",
            file=SimpleUploadedFile(name, HOSTILE[kind], content_type=content_type),
        )
    assert error.value.code == "unsupported_file_type"
    assert not CaseAttachment.objects.exists()
    assert _files_under(private_media) == []


@pytest.mark.parametrize(("kind", "name", "content_type"), _cases())
def test_a_disguised_page_or_script_is_refused_as_a_village_regulation(
    kind, name, content_type, office, make_user, private_media
):
    village = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=f"{office.region_id}."
    ).first()
    with pytest.raises(DomainError) as error:
        outreach_services.upload_regulation(
            by=make_user(Role.OUTREACH_WORKER),
            village=village,
            number="1 Tahun 2020",
            date=datetime.date(2020, 3, 1),
            title="Perlindungan PMI",
            file=SimpleUploadedFile(name, HOSTILE[kind], content_type=content_type),
        )
    assert error.value.code == "unsupported_file_type"
    assert not VillageRegulation.objects.exists()
    assert _files_under(private_media) == []


@pytest.mark.parametrize("kind", MARKUP)
@pytest.mark.parametrize("name", ["register.csv", "register.xlsx"])
def test_a_disguised_page_is_refused_as_a_register_import(kind, name, make_user):
    with pytest.raises(DomainError) as error:
        imports.create_import_job(
            uploaded_file=SimpleUploadedFile(name, HOSTILE[kind]), by=make_user(Role.FRONTDESK)
        )
    assert error.value.code == "unsupported_file_type"
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("kind", MARKUP)
@pytest.mark.parametrize("name", ["agencies.csv", "agencies.xlsx"])
def test_a_disguised_page_is_refused_as_an_agency_import(kind, name, national_placement):
    with pytest.raises(DomainError) as error:
        agency_import.import_agencies(
            uploaded_file=SimpleUploadedFile(name, HOSTILE[kind]), by=national_placement
        )
    assert error.value.status != 403  # refused for what it is, not for who sent it
    assert not Agency.objects.exists()


def test_a_stored_scan_is_downloaded_only_as_a_sandboxed_attachment(
    client, office, make_user, private_media
):
    frontdesk = make_user(Role.FRONTDESK)
    person = PersonFactory(office=office)
    document = documents.upload_document(
        person=person,
        document_type=DocumentType.objects.get(code="ktp"),
        file=SimpleUploadedFile("ktp.html", PDF, content_type="text/html"),
        by=frontdesk,
    )
    client.force_login(frontdesk)
    response = client.get(reverse("people:document-file", args=[person.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"  # from the content, not the name
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".html" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF


def test_no_url_serves_the_private_upload_directory(client, office, make_user, private_media):
    frontdesk = make_user(Role.FRONTDESK)
    document = documents.upload_document(
        person=PersonFactory(office=office),
        document_type=DocumentType.objects.get(code="ktp"),
        file=SimpleUploadedFile("ktp.pdf", PDF),
        by=frontdesk,
    )
    stored = document.file.name
    assert (Path(settings.MEDIA_ROOT) / stored).is_file()
    client.force_login(frontdesk)
    for prefix in ("/", "/media/", "/static/", "/private/", "/uploads/"):
        response = client.get(f"{prefix}{stored}")
        assert response.status_code == 404, prefix
        assert PDF not in response.content, prefix


def _patterns(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_no_url_pattern_serves_files_from_disk():
    assert [p for p in _patterns(get_resolver()) if p.callback is serve] == []


def test_a_persons_json_copy_is_an_attachment_that_is_not_sniffed(client, office, make_user):
    person = PersonFactory(office=office, full_name="<script>alert(1)</script>")
    client.force_login(make_user(Role.FRONTDESK))
    response = purpose_form.read(
        client, reverse("people:export", args=[person.pk, "json"]), "data_subject"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
