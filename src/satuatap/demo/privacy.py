"""Demo records of the registers: in each pilot office a handful of data-subject requests
(answered, in progress, one past its deadline, one from someone not in the registry), and one
breach reported by the Cirebon office, notified to the authority and not yet to the people.

Written through the services, as the office's front desk and head and as the administrator,
so every rule holds. Idempotent: an office with requests gets none again; the breach is made
once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.roles import Role
from satuatap.people.models import Person
from satuatap.privacy import services
from satuatap.privacy.models import (
    Breach,
    DataCategory,
    RequestAction,
    RequestStatus,
    RequestType,
    SubjectRequest,
)


def _user(office, role: str):
    return (
        User.objects.filter(organisation=office, role_assignments__role=role, is_active=True)
        .order_by("pk")
        .first()
    )


def _seed_office(office: Organisation, now: datetime.datetime) -> None:
    frontdesk, head = _user(office, Role.FRONTDESK), _user(office, Role.OFFICE_HEAD)
    people = list(
        Person.objects.filter(
            office=office, merged_into__isnull=True, anonymised_at__isnull=True
        ).order_by("pk")[:3]
    )
    if frontdesk is None or head is None or len(people) < 3:
        return
    hour = datetime.timedelta(hours=1)
    answered = services.register_subject_request(
        by=frontdesk,
        request_type=RequestType.ACCESS,
        received_at=now - 20 * 24 * hour,
        channel="in_person",
        person=people[0],
        description="Meminta salinan data diri untuk melamar kerja ke Taiwan.",
    )
    services.close_subject_request(
        subject_request=answered,
        by=head,
        outcome=RequestStatus.ANSWERED,
        answered_at=now - 19 * 24 * hour,
        action=RequestAction.COPY_GIVEN,
        note="Salinan data dicetak dan diserahkan langsung di loket informasi.",
    )
    correction = services.register_subject_request(
        by=frontdesk,
        request_type=RequestType.CORRECTION,
        received_at=now - 30 * hour,
        channel="message",
        person=people[1],
        description="Tanggal lahir tertulis salah; yang benar sesuai KTP.",
    )
    services.start_subject_request(subject_request=correction, by=head)
    services.register_subject_request(
        by=frontdesk,
        request_type=RequestType.RESTRICTION,
        received_at=now - 80 * hour,
        channel="letter",
        person=people[2],
        description="Tidak mau datanya dikirim ke P3MI sebelum kontrak ditandatangani.",
    )
    services.register_subject_request(
        by=frontdesk,
        request_type=RequestType.ERASURE,
        received_at=now - 2 * 24 * hour,
        channel="email",
        requester_name="Sri Mulyani",
        requester_contact="sri.mulyani@example.com",
        description="Pernah mengisi formulir pameran kerja; minta datanya dihapus.",
    )


def _seed_breach(now: datetime.datetime) -> None:
    office = Organisation.objects.filter(slug="cirebon").first()
    head = _user(office, Role.OFFICE_HEAD) if office else None
    admin = User.objects.filter(username="admin").first()
    if head is None or admin is None or Breach.objects.exists():
        return
    breach = services.report_breach(
        by=head,
        title="Map berkas fotokopi KTP tertinggal di angkutan umum",
        discovered_at=now - datetime.timedelta(hours=50),
        occurred_at=now - datetime.timedelta(hours=53),
        data_categories=[DataCategory.IDENTITY, DataCategory.DOCUMENTS],
        subject_count=14,
        how="Petugas membawa map berisi fotokopi KTP calon PMI untuk verifikasi di Disdukcapil; "
        "map tertinggal di angkot dan belum ditemukan.",
        consequences="Fotokopi KTP dapat disalahgunakan untuk pinjaman daring atau penipuan.",
        remediation="Kehilangan dilaporkan ke polisi; berkas dibawa hanya dalam bentuk "
        "elektronik terenkripsi mulai sekarang.",
    )
    services.record_notice(
        breach=breach,
        by=admin,
        recipient="authority",
        sent_at=now - datetime.timedelta(hours=20),
        method="email",
        reference="B-001/PDP/2026",
    )


def seed(stdout=None) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug"):
            if not SubjectRequest.objects.filter(office=office).exists():
                _seed_office(office, now)
        _seed_breach(now)
    if stdout is not None:
        stdout.write(_("Demo data-subject requests and a breach are loaded."))
