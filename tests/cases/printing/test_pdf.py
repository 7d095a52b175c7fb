"""Printable PDFs: the case summary and the referral letter hold only what the reader may see,
a restricted case is printed only with a logged purpose, and WeasyPrint fetches nothing."""

from __future__ import annotations

import datetime
import io
import re
import socket

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from pypdf import PdfReader

from satuatap.cases import services
from satuatap.cases.models import Case, SharedItem
from satuatap.cases.printing import pdf
from satuatap.core import pdf as core_pdf
from satuatap.core.models import PartnerType
from satuatap.core.roles import Role
from tests import purpose as purpose_form
from tests.factories import PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db

NARRATIVE = "Dipukul oleh majikan di Taipei."
SAFETY_NOTES = "Tinggal di rumah kakak, jangan hubungi nomor lama."


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def refer(case, by, partner, items, **extra):
    services.record_consent(
        case=case,
        by=by,
        recipient=partner,
        items=items,
        given_on=case.office.today(),
        method="signed",
    )
    return services.send_referral(
        case=case,
        by=by,
        partner=partner,
        service="Pendampingan psikososial",
        due_on=case.office.today() + datetime.timedelta(days=5),
        **extra,
    )


@pytest.fixture
def letterhead(office):
    office.address = "Jl. Sunan Drajat No. 1, Sumber"
    office.phone = "0231-123456"
    office.save()
    return office


@pytest.fixture
def letter(gbv_case, counsellor, partner, letterhead):
    """A restricted case referred with identity and summary only: no story, no safety."""
    gbv_case.employer = "Majikan Chen"
    gbv_case.save()
    return refer(gbv_case, counsellor, partner, [SharedItem.IDENTITY, SharedItem.SUMMARY])


def _letter_url(referral) -> str:
    return reverse("cases:referral-letter-pdf", args=[referral.pk])


def _summary_url(case) -> str:
    return reverse("cases:case-summary-pdf", args=[case.pk])


def _reads_of(case) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            content_type=ContentType.objects.get_for_model(Case),
            object_pk=str(case.pk),
        )
    )


# --- Referral letter --------------------------------------------------------------------------


def test_the_letter_holds_the_consented_fields_and_not_the_narrative(
    client, partner_worker, letter, client_person, letterhead
):
    client.force_login(partner_worker)

    response = purpose_form.read(client, _letter_url(letter), "case")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert client_person.full_name in text  # identity consented
    assert "Majikan Chen" in text  # summary consented
    assert "Pendampingan psikososial" in text  # the service asked for
    assert letterhead.name in text and "Jl. Sunan Drajat No. 1" in text  # the letterhead
    due = letter.due_on
    assert str(due.year) in text and str(due.day) in text
    assert NARRATIVE not in text and "Dipukul" not in text
    assert "rumah kakak" not in text  # safety details were not consented
    assert client_person.nik not in text


def test_the_partner_and_the_office_get_the_same_letter(client, partner_worker, counsellor, letter):
    html = pdf.referral_letter_html(letter)
    assert NARRATIVE not in html and SAFETY_NOTES not in html

    client.force_login(partner_worker)
    partners = pdf_text(purpose_form.read(client, _letter_url(letter), "case").content)
    client.force_login(counsellor)
    offices = pdf_text(purpose_form.read(client, _letter_url(letter), "case").content)

    def without_print_time(text: str) -> str:
        return re.sub(r"\d{1,2}[:.]\d{2}", "", text)

    assert without_print_time(partners) == without_print_time(offices)


def test_the_letter_holds_the_story_when_the_client_consented_to_share_it(
    client, counsellor, make_case, partner
):
    case = make_case(narrative="Paspor ditahan agensi sejak Maret.")
    referral = refer(
        case,
        counsellor,
        partner,
        [SharedItem.NARRATIVE],
        message="Klien lebih suka dihubungi sore hari.",
    )
    client.force_login(counsellor)

    text = pdf_text(client.get(_letter_url(referral)).content)

    assert "Paspor ditahan agensi sejak Maret." in text
    assert "Klien lebih suka dihubungi sore hari." in text
    assert case.client.full_name not in text  # identity was not consented this time


def test_a_partners_read_of_a_letter_asks_why_and_is_logged(
    client, partner_worker, letter, gbv_case
):
    client.force_login(partner_worker)
    assert purpose_form.is_purpose_page(client.get(_letter_url(letter)))
    purpose_form.read(client, _letter_url(letter), "legal")
    [read] = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type__model="referral",
        object_pk=str(letter.pk),
    )
    assert read.actor == partner_worker
    assert read.additional_data == {"purpose": "legal", "case_work": True}


def test_the_office_prints_a_restricted_letter_only_with_a_purpose(
    client, counsellor, letter, gbv_case
):
    client.force_login(counsellor)

    assert purpose_form.is_purpose_page(client.get(_letter_url(letter)))
    assert _reads_of(gbv_case) == []
    response = purpose_form.read(client, _letter_url(letter), "supervision")

    assert response.status_code == 200
    [read] = _reads_of(gbv_case)
    assert read.actor == counsellor and read.additional_data == {
        "purpose": "supervision",
        "case_work": True,
    }


def test_another_partner_and_unassigned_staff_cannot_get_the_letter(
    client, make_user, letter, office, head
):
    other = PartnerFactory(slug="lbh", name="LBH", partner_type=PartnerType.LEGAL_AID)
    other.partner_offices.add(office)
    readers = [
        make_user(Role.PARTNER_CASEWORKER, organisation=other),
        make_user(Role.COUNSELLOR, username="cirebon.counsellor.other"),
        head,
    ]
    for reader in readers:
        client.force_login(reader)
        response = client.get(_letter_url(letter), {"purpose": "case"})
        assert response.status_code == 404, reader
        assert not response.content.startswith(b"%PDF"), reader
        body = response.content.decode()
        assert letter.case.client.full_name not in body and "Majikan Chen" not in body
    # Refused before anything was read: no access entry for the referral or its case.
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_letter_stops_when_consent_is_withdrawn(client, partner_worker, letter, counsellor):
    services.withdraw_consent(consent=letter.consent, by=counsellor)
    client.force_login(partner_worker)
    assert client.get(_letter_url(letter)).status_code == 404

    client.force_login(counsellor)
    text = pdf_text(purpose_form.read(client, _letter_url(letter), "case").content)
    assert letter.case.client.full_name not in text
    assert "Majikan Chen" not in text


# --- Case summary ---------------------------------------------------------------------------


def test_the_summary_of_an_ordinary_case_is_printed_for_those_who_may_view_it(
    client, make_case, make_user, head, client_person
):
    case = make_case(employer="Majikan Lee")
    services.add_action(
        case=case,
        description="Minta slip gaji ke agensi",
        owner=case.assignments.get().worker,
        due_on=case.office.today(),
        by=case.assignments.get().worker,
    )
    for reader in (case.assignments.get().worker, make_user(Role.COUNSELLOR, username="c2"), head):
        client.force_login(reader)
        response = client.get(_summary_url(case))
        assert response.status_code == 200, reader
        text = pdf_text(response.content)
        assert case.number in text
        assert client_person.full_name in text
        assert "Gaji tidak dibayar selama enam bulan." in text
        assert "Minta slip gaji ke agensi" in text
        assert client_person.nik not in text  # the NIK is masked
    # An ordinary case asks no purpose; each print is still in its access log, as not asked.
    # (The counsellors' reads are marked as case work, the head's not: core.trail.)
    assert sorted(r.additional_data.get("case_work", False) for r in _reads_of(case)) == [
        False,
        True,
        True,
    ]
    assert [r.additional_data["purpose"] for r in _reads_of(case)] == [""] * 3


def test_a_restricted_summary_needs_a_purpose_and_logs_the_read(client, counsellor, gbv_case):
    counsellor.language = "en"
    counsellor.save()
    client.force_login(counsellor)

    response = client.get(_summary_url(gbv_case))

    assert purpose_form.is_purpose_page(response)
    html = response.content.decode()
    assert "This record holds sensitive personal data" in html
    assert NARRATIVE not in html and gbv_case.number not in html
    assert purpose_form.answer(client, response, "gossip").status_code == 422
    assert _reads_of(gbv_case) == []

    response = purpose_form.read(client, _summary_url(gbv_case), "case")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert NARRATIVE in text and SAFETY_NOTES in text
    [read] = _reads_of(gbv_case)
    assert read.actor == counsellor and read.additional_data == {
        "purpose": "case",
        "case_work": True,
    }


def test_a_restricted_summary_is_not_found_for_an_unassigned_counsellor_and_the_head(
    client, make_user, head, gbv_case
):
    for reader in (make_user(Role.COUNSELLOR, username="cirebon.other"), head):
        client.force_login(reader)
        for params in ({}, {"purpose": "case"}):
            assert client.get(_summary_url(gbv_case), params).status_code == 404
    assert _reads_of(gbv_case) == []


def test_a_supervisor_prints_a_restricted_summary_with_a_purpose(client, supervisor, gbv_case):
    client.force_login(supervisor)
    response = purpose_form.read(client, _summary_url(gbv_case), "supervision")
    assert response.status_code == 200
    assert NARRATIVE in pdf_text(response.content)


def test_no_summary_for_another_office_a_partner_or_the_analyst(
    client, make_user, make_case, other_office, partner_worker, analyst, counsellor, partner
):
    case = make_case()
    refer(case, counsellor, partner, [SharedItem.IDENTITY, SharedItem.NARRATIVE])
    for reader in (
        make_user(Role.CASE_SUPERVISOR, organisation=other_office),
        partner_worker,
        analyst,
    ):
        client.force_login(reader)
        response = client.get(_summary_url(case), {"purpose": "case"})
        assert response.status_code == 404, reader
        assert not response.content.startswith(b"%PDF"), reader
        body = response.content.decode()
        assert case.number not in body and case.client.full_name not in body, reader
    assert _reads_of(case) == []


def test_the_summary_escapes_what_was_typed(make_case, counsellor):
    case = make_case(narrative='<img src="http://127.0.0.1:9/x.png"> <b>tebal</b>')
    html = pdf.case_summary_html(case, reader=counsellor)
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in html
    assert "<b>tebal</b>" not in html


# --- WeasyPrint fetches nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/logo.png",
        "https://example.org/style.css",
        "file:///etc/passwd",
        "satuatap-static:../../settings.py",
        "satuatap-static:core/does-not-exist.png",
        "data:text/plain,halo",
    ],
)
def test_the_url_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(core_pdf.BlockedFetchError):
        core_pdf.url_fetcher().fetch(url)


def test_the_url_fetcher_serves_a_static_file():
    response = core_pdf.url_fetcher().fetch("satuatap-static:core/favicon.svg")
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"


def test_rendering_opens_no_network_connection():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/s.css"></head>'
        f'<body><img src="http://127.0.0.1:{port}/x.png"><p>Halo</p>'
        '<img src="file:///etc/hostname"></body></html>'
    )
    try:
        data = core_pdf.html_to_pdf(html)
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()
    assert "Halo" in pdf_text(data)


def test_a_child_clients_summary_is_restricted(client, counsellor, office):
    child = PersonFactory(office=office, birth_date=datetime.date(2012, 1, 1))
    case = services.open_case(by=counsellor, client=child, channel="walk_in", categories=["family"])
    client.force_login(counsellor)
    assert purpose_form.is_purpose_page(client.get(_summary_url(case)))
    response = purpose_form.read(client, _summary_url(case), "case")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
