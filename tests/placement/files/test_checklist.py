"""The document checklist: which documents the rules (data) require for a file, and the status
of each against the person's documents in the registry."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import translation

from satuatap.people.models import DocumentType, PersonDocument, Sex, VerificationStatus
from satuatap.placement.files import services as files
from satuatap.placement.files.checklist import ItemStatus, checklist, contract_end
from satuatap.placement.files.models import ChecklistRule
from satuatap.placement.models import Scheme

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def add_document(
    person,
    code: str,
    *,
    status: str = VerificationStatus.VERIFIED,
    reason: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> PersonDocument:
    """A document row in the registry (the scan itself does not matter to the checklist)."""
    return PersonDocument.objects.create(
        person=person,
        document_type=DocumentType.objects.get(code=code),
        file=f"documents/{person.pk}/{code}.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=100,
        sha256="0" * 64,
        verification_status=status,
        rejection_reason=reason,
        issued_on=issued_on,
        expires_on=expires_on,
    )


@pytest.fixture
def open_for(officer):
    def open_(person, **values):
        return files.open_file(person=person, by=officer, values=values)

    return open_


@pytest.fixture
def hk_job_order(make_job_order, agency):
    return make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI)


def required_codes(placement_file, today) -> list[str]:
    return [item.document_type.code for item in checklist(placement_file, today)]


def item(placement_file, today, code: str):
    return next(i for i in checklist(placement_file, today) if i.document_type.code == code)


# --- Which documents are required -------------------------------------------------------------


def test_single_worker_needs_the_marital_status_letter_but_no_marriage_book(
    make_worker, open_for, hk_job_order, today
):
    placement_file = open_for(make_worker(marital_status="single"), job_order=hk_job_order)

    codes = required_codes(placement_file, today)

    assert "surat-status" in codes
    assert "buku-nikah" not in codes


@pytest.mark.parametrize("marital_status", ["divorced", "widowed"])
def test_divorced_or_widowed_worker_needs_no_marriage_book(
    make_worker, open_for, hk_job_order, today, marital_status
):
    placement_file = open_for(make_worker(marital_status=marital_status), job_order=hk_job_order)

    assert "buku-nikah" not in required_codes(placement_file, today)


def test_married_worker_needs_the_marriage_book_and_the_marital_status_letter(
    make_worker, open_for, hk_job_order, today
):
    placement_file = open_for(make_worker(marital_status="married"), job_order=hk_job_order)

    codes = required_codes(placement_file, today)

    assert {"buku-nikah", "surat-status"} <= set(codes)


def test_default_checklist_follows_uu_18_2017_pasal_13_for_a_p3mi_file(
    make_worker, open_for, hk_job_order, today
):
    placement_file = open_for(make_worker(), job_order=hk_job_order)

    assert set(required_codes(placement_file, today)) == {
        "ktp",
        "kk",
        "surat-status",
        "izin-keluarga",
        "ijazah",
        "sertifikat-kompetensi",
        "surat-kesehatan",
        "paspor",
        "visa-kerja",
        "perjanjian-penempatan",
        "perjanjian-kerja",
        "skck",
        "kartu-bpjs",
        "sertifikat-opp",
    }


def test_korea_under_the_government_scheme_needs_a_language_certificate(
    make_worker, open_for, make_job_order, today
):
    job_order = make_job_order(
        "SIP2MI/KR", scheme=Scheme.GOVERNMENT, country="KR", sector="manufacturing"
    )
    placement_file = open_for(make_worker(), job_order=job_order)

    assert "sertifikat-bahasa" in required_codes(placement_file, today)


def test_korea_under_a_private_agency_needs_no_language_certificate(
    make_worker, open_for, make_job_order, agency, today
):
    job_order = make_job_order("SIP2MI/KR", agency=agency, scheme=Scheme.P3MI, country="KR")
    placement_file = open_for(make_worker(), job_order=job_order)

    assert "sertifikat-bahasa" not in required_codes(placement_file, today)


@pytest.mark.parametrize("scheme", [Scheme.GOVERNMENT, Scheme.P3MI])
def test_japan_needs_a_language_certificate_under_every_scheme(
    make_worker, open_for, make_job_order, agency, today, scheme
):
    job_order = make_job_order(
        "SIP2MI/JP", agency=agency if scheme == Scheme.P3MI else None, scheme=scheme, country="JP"
    )
    placement_file = open_for(make_worker(), job_order=job_order)

    assert "sertifikat-bahasa" in required_codes(placement_file, today)


def test_hong_kong_needs_no_language_certificate(make_worker, open_for, hk_job_order, today):
    placement_file = open_for(make_worker(), job_order=hk_job_order)

    assert "sertifikat-bahasa" not in required_codes(placement_file, today)


def test_destination_named_on_the_file_decides_when_there_is_no_job_order(
    make_worker, open_for, today
):
    placement_file = open_for(
        make_worker(), scheme=Scheme.INDIVIDUAL, country="JP", employer="Sato Kaigo"
    )

    assert "sertifikat-bahasa" in required_codes(placement_file, today)


def test_only_fishing_crew_need_a_seafarers_book(
    make_worker, open_for, make_job_order, agency, today
):
    fishing = make_job_order(
        "SIP2MI/TW-F", agency=agency, scheme=Scheme.P3MI, country="TW", sector="fishing"
    )
    factory = make_job_order(
        "SIP2MI/TW-M", agency=agency, scheme=Scheme.P3MI, country="TW", sector="manufacturing"
    )
    crew = open_for(make_worker(sex=Sex.MALE), job_order=fishing)
    operator = open_for(make_worker(sex=Sex.MALE), job_order=factory)

    assert "buku-pelaut" in required_codes(crew, today)
    assert "buku-pelaut" not in required_codes(operator, today)


def test_an_inactive_rule_requires_nothing(make_worker, open_for, hk_job_order, today):
    placement_file = open_for(make_worker(), job_order=hk_job_order)
    assert "sertifikat-opp" in required_codes(placement_file, today)

    ChecklistRule.objects.filter(document_type__code="sertifikat-opp").update(is_active=False)

    assert "sertifikat-opp" not in required_codes(placement_file, today)


def test_a_document_stays_required_while_another_active_rule_requires_it(
    make_worker, open_for, make_job_order, today
):
    job_order = make_job_order("SIP2MI/KR", scheme=Scheme.GOVERNMENT, country="KR")
    placement_file = open_for(make_worker(), job_order=job_order)

    ChecklistRule.objects.filter(document_type__code="sertifikat-bahasa", country="JP").update(
        is_active=False
    )

    assert "sertifikat-bahasa" in required_codes(placement_file, today)


def test_a_rule_added_by_an_administrator_takes_effect_for_matching_files_only(
    make_worker, open_for, hk_job_order, today
):
    woman = open_for(make_worker(sex=Sex.FEMALE), job_order=hk_job_order)
    man = open_for(make_worker(sex=Sex.MALE), job_order=hk_job_order)
    assert "akta-lahir" not in required_codes(woman, today)

    ChecklistRule.objects.create(
        document_type=DocumentType.objects.get(code="akta-lahir"),
        country="HK",
        sex=Sex.FEMALE,
        legal_basis="Consulate request",
    )

    assert "akta-lahir" in required_codes(woman, today)
    assert "akta-lahir" not in required_codes(man, today)


def test_each_required_document_is_listed_once_in_display_order(
    make_worker, open_for, make_job_order, today
):
    ChecklistRule.objects.create(document_type=DocumentType.objects.get(code="paspor"))
    job_order = make_job_order("SIP2MI/JP", scheme=Scheme.GOVERNMENT, country="JP")
    placement_file = open_for(make_worker(), job_order=job_order)

    items = checklist(placement_file, today)

    codes = [i.document_type.code for i in items]
    assert len(codes) == len(set(codes))
    orders = [(i.document_type.order, i.document_type.code) for i in items]
    assert orders == sorted(orders)


# --- The status of each item ----------------------------------------------------------------


@pytest.fixture
def hk_file(make_worker, open_for, hk_job_order):
    return open_for(make_worker(), job_order=hk_job_order)


def test_document_not_uploaded_is_missing(hk_file, today):
    entry = item(hk_file, today, "ktp")
    assert (entry.status, entry.document) == (ItemStatus.MISSING, None)
    assert not entry.is_satisfied


def test_uploaded_document_waiting_for_its_desk_is_submitted(hk_file, today):
    document = add_document(hk_file.person, "ktp", status=VerificationStatus.PENDING)

    entry = item(hk_file, today, "ktp")

    assert (entry.status, entry.document) == (ItemStatus.SUBMITTED, document)
    assert not entry.is_satisfied


def test_verified_document_satisfies_its_item(hk_file, today):
    add_document(hk_file.person, "ktp")

    entry = item(hk_file, today, "ktp")

    assert entry.status == ItemStatus.VERIFIED
    assert entry.is_satisfied


def test_rejected_document_shows_the_reason(hk_file, today):
    add_document(
        hk_file.person, "ktp", status=VerificationStatus.REJECTED, reason="Scan unreadable"
    )

    entry = item(hk_file, today, "ktp")

    assert entry.status == ItemStatus.REJECTED
    assert entry.rejection_reason == "Scan unreadable"
    assert not entry.is_satisfied


def test_verified_document_past_its_expiry_is_expired(hk_file, today):
    add_document(hk_file.person, "paspor", expires_on=today - DAY)

    entry = item(hk_file, today, "paspor")

    assert entry.status == ItemStatus.EXPIRED
    assert not entry.is_satisfied


def test_a_verified_newer_scan_wins_over_an_older_rejected_one(hk_file, today):
    add_document(hk_file.person, "ijazah", status=VerificationStatus.REJECTED, reason="Blurred")
    newer = add_document(hk_file.person, "ijazah")

    entry = item(hk_file, today, "ijazah")

    assert (entry.status, entry.document) == (ItemStatus.VERIFIED, newer)
    assert entry.rejection_reason == ""


def test_a_newer_scan_waiting_for_its_desk_replaces_an_older_rejected_one(hk_file, today):
    add_document(hk_file.person, "ijazah", status=VerificationStatus.REJECTED, reason="Blurred")
    newer = add_document(hk_file.person, "ijazah", status=VerificationStatus.PENDING)

    entry = item(hk_file, today, "ijazah")

    assert (entry.status, entry.document) == (ItemStatus.SUBMITTED, newer)


def test_a_valid_verified_scan_wins_over_a_newer_expired_one(hk_file, today):
    valid = add_document(hk_file.person, "paspor", expires_on=today + relativedelta(years=5))
    add_document(hk_file.person, "paspor", expires_on=today - DAY)

    entry = item(hk_file, today, "paspor")

    assert (entry.status, entry.document) == (ItemStatus.VERIFIED, valid)


def test_documents_of_another_person_do_not_count(hk_file, make_worker, today):
    add_document(make_worker(), "ktp")

    assert item(hk_file, today, "ktp").status == ItemStatus.MISSING


# --- Expiry boundaries ----------------------------------------------------------------------


def test_document_is_valid_through_its_expiry_day(hk_file, today):
    add_document(hk_file.person, "ktp", expires_on=today)

    assert item(hk_file, today, "ktp").status == ItemStatus.VERIFIED
    assert item(hk_file, today + DAY, "ktp").status == ItemStatus.EXPIRED


def test_document_that_expired_yesterday_is_expired(hk_file, today):
    add_document(hk_file.person, "ktp", expires_on=today - DAY)

    assert item(hk_file, today, "ktp").status == ItemStatus.EXPIRED


def test_health_letter_is_valid_for_exactly_its_validity_days_after_issue(hk_file, today):
    assert DocumentType.objects.get(code="surat-kesehatan").validity_days == 90
    add_document(hk_file.person, "surat-kesehatan", issued_on=today - datetime.timedelta(days=90))

    assert item(hk_file, today, "surat-kesehatan").status == ItemStatus.VERIFIED


def test_health_letter_issued_one_day_too_early_is_expired(hk_file, today):
    add_document(hk_file.person, "surat-kesehatan", issued_on=today - datetime.timedelta(days=91))

    assert item(hk_file, today, "surat-kesehatan").status == ItemStatus.EXPIRED


def test_validity_days_changed_by_an_administrator_apply_at_once(hk_file, today):
    add_document(hk_file.person, "surat-kesehatan", issued_on=today - datetime.timedelta(days=60))
    DocumentType.objects.filter(code="surat-kesehatan").update(validity_days=30)

    assert item(hk_file, today, "surat-kesehatan").status == ItemStatus.EXPIRED


def test_expired_pending_document_is_expired_not_submitted(hk_file, today):
    add_document(
        hk_file.person, "skck", status=VerificationStatus.PENDING, issued_on=today - 181 * DAY
    )

    assert item(hk_file, today, "skck").status == ItemStatus.EXPIRED


# --- Passport against the contract ------------------------------------------------------------


def test_contract_ends_the_contract_length_after_today_before_departure(hk_file, today):
    assert hk_file.job_order.contract_months == 24
    assert contract_end(hk_file, today) == today + relativedelta(months=24)


def test_contract_ends_the_contract_length_after_departure_once_departed(hk_file, today):
    hk_file.departure_date = today - datetime.timedelta(days=100)

    assert contract_end(hk_file, today) == hk_file.departure_date + relativedelta(months=24)


def test_contract_length_on_the_file_wins_over_the_job_orders(hk_file, today):
    hk_file.contract_months = 36

    assert contract_end(hk_file, today) == today + relativedelta(months=36)


def test_passport_expiring_the_day_before_the_contract_ends_is_flagged(hk_file, today):
    end = today + relativedelta(months=24)
    add_document(hk_file.person, "paspor", expires_on=end - DAY)

    entry = item(hk_file, today, "paspor")

    assert entry.status == ItemStatus.VERIFIED
    with translation.override("en"):
        entry = item(hk_file, today, "paspor")
    assert entry.warnings == [
        f"The passport expires on {(end - DAY).isoformat()}, before the contract ends "
        f"({end.isoformat()})."
    ]


def test_passport_expiring_on_the_day_the_contract_ends_is_not_flagged(hk_file, today):
    add_document(hk_file.person, "paspor", expires_on=today + relativedelta(months=24))

    assert item(hk_file, today, "paspor").warnings == []


def test_passport_is_measured_against_the_contract_from_the_departure_date(hk_file, today):
    departure = today - datetime.timedelta(days=30)
    hk_file.departure_date = departure
    add_document(hk_file.person, "paspor", expires_on=today + relativedelta(months=24) - 31 * DAY)

    assert item(hk_file, today, "paspor").warnings
    PersonDocument.objects.all().delete()
    add_document(hk_file.person, "paspor", expires_on=departure + relativedelta(months=24))
    assert item(hk_file, today, "paspor").warnings == []


def test_passport_without_expiry_date_or_contract_length_is_not_flagged(
    make_worker, open_for, today
):
    placement_file = open_for(
        make_worker(), scheme=Scheme.INDIVIDUAL, country="SA", employer="Al-Harbi family"
    )
    add_document(placement_file.person, "paspor", expires_on=today + 10 * DAY)

    assert placement_file.contract_length() is None
    assert item(placement_file, today, "paspor").warnings == []
