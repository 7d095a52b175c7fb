"""The demo's desk officers (issue 19): every desk of every pilot office has someone who calls
its tickets, serves them and verifies the documents that desk verifies."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from satuatap.core.models import Organisation, User
from satuatap.core.roles import Role
from satuatap.demo import core as demo_core
from satuatap.frontdesk import services as frontdesk
from satuatap.frontdesk.catalogue.services import install_default_services
from satuatap.frontdesk.models import Service, TicketStatus
from satuatap.people.documents import services as documents
from satuatap.people.models import DocumentType, VerificationStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _worker_of(desk) -> User:
    """Who works the desk: its bound desk officer, or (the MRC desk) a counsellor."""
    if desk.desk_type.code == "pengaduan-informasi":
        return User.objects.get(username=f"{desk.office.slug}.counsellor")
    return User.objects.get(desk=desk, role_assignments__role=Role.DESK_OFFICER)


def test_every_desk_has_an_officer_named_after_its_letter(settings):
    usernames = demo_core.seed()
    assert demo_core.seed() == usernames  # idempotent

    for office in Organisation.objects.filter(slug__in=[p[0] for p in demo_core.PILOT_OFFICES]):
        for desk in office.desks.select_related("desk_type"):
            worker = _worker_of(desk)
            assert worker.has_perm("frontdesk.work_desk", desk), (office.slug, desk.prefix)
            if desk.desk_type.code not in ("ketenagakerjaan", "pengaduan-informasi"):
                username = f"{office.slug}.deskofficer-{desk.prefix.lower()}"
                assert worker.username == username and username in usernames
                assert worker.check_password(settings.SATUATAP_DEMO_PASSWORD)
    assert User.objects.get(username="cirebon.deskofficer-e").desk.desk_type.code == (
        "keimigrasian"
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def test_each_officer_calls_serves_and_verifies_at_their_desk(media_root):
    demo_core.seed()
    office = Organisation.objects.get(slug="cirebon")
    install_default_services(office=office)
    frontdesk_user = User.objects.get(username="cirebon.frontdesk")
    person = PersonFactory(office=office)
    checked = set()
    for desk in office.desks.select_related("desk_type").order_by("desk_type__order"):
        officer = _worker_of(desk)
        service = Service.objects.filter(desk=desk, is_active=True).first()
        frontdesk.check_in(by=frontdesk_user, services=[service], person=person)

        ticket = frontdesk.call_next(desk=desk, by=officer)
        frontdesk.start_serving(ticket=ticket, by=officer)
        frontdesk.finish_ticket(
            ticket=ticket, by=officer, outcome="completed", notes="", services=[service]
        )

        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.SERVED and ticket.called_by == officer
        for document_type in DocumentType.objects.filter(desk_type_code=desk.desk_type.code):
            document = documents.upload_document(
                person=person,
                document_type=document_type,
                file=SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
                by=frontdesk_user,
                issued_on=office.today() if document_type.validity_days else None,
            )
            documents.verify_document(document=document, by=officer)
            document.refresh_from_db()
            assert document.verification_status == VerificationStatus.VERIFIED
            checked.add(document_type.code)
    # Passports, police certificates and health letters among them: nobody could before.
    assert {"paspor", "skck", "surat-kesehatan", "ktp", "kartu-bpjs", "visa-kerja"} <= checked
