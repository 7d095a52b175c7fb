"""A value no configured key decrypts (written under a key that is gone, or damaged) fails closed
for that value only: pages, the partner portal and PDFs show a translated placeholder in its
place and everything else as usual; the API answers its JSON error with 503 for the record;
nothing saves the placeholder over the stored ciphertext; the administrator's log names table,
row and column, never the value (issue 16, "Errors and logs")."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from cryptography.fernet import Fernet
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from satuatap.cases import services
from satuatap.cases.models import Case, CaseNote, Referral, ReferralState, SharedItem
from satuatap.cases.partner import services as partner_services
from satuatap.core import encryption
from satuatap.core.encryption import UndecryptableText, UndecryptableValue, is_undecryptable
from tests import purpose as purpose_form

pytestmark = pytest.mark.django_db

LOST = "KISAH-DENGAN-KUNCI-YANG-HILANG"
PLACEHOLDER_ID = "[tidak dapat didekripsi]"
PLACEHOLDER_EN = "[cannot be decrypted]"


def write_raw(model, pk: int, column: str, stored: str) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",  # noqa: S608
            [stored, pk],
        )


def read_raw(model, pk: int, column: str) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def under_a_lost_key(text: str = LOST) -> str:
    return "fernet:" + Fernet(Fernet.generate_key()).encrypt(text.encode()).decode()


@pytest.fixture(autouse=True)
def _fresh_report():
    encryption._reported.clear()
    yield
    encryption._reported.clear()


@pytest.fixture
def case(make_case):
    return make_case(
        employer="Majikan Wong",
        narrative="Gaji tidak dibayar selama enam bulan.",
        safety_notes="Aman di rumah orang tua.",
    )


@pytest.fixture
def referral(case, counsellor, partner):
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY, SharedItem.SUMMARY, SharedItem.NARRATIVE, SharedItem.SAFETY],
        given_on=case.office.today(),
        method="signed",
    )
    return services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Pendampingan psikososial",
        due_on=case.office.today() + datetime.timedelta(days=5),
        message="Mohon hubungi lewat WhatsApp.",
    )


@pytest.fixture
def broken(case, referral, counsellor):
    """The narrative under a key that is gone; a note damaged; the safety notes still fine."""
    note = services.add_note(case=case, text="Catatan yang masih terbaca.", by=counsellor)
    damaged = services.add_note(case=case, text="Catatan lain.", by=counsellor)
    stored = under_a_lost_key()
    write_raw(Case, case.pk, "narrative", stored)
    write_raw(CaseNote, damaged.pk, "text", "fernet:not-a-token")
    write_raw(Referral, referral.pk, "message", under_a_lost_key("PESAN-HILANG"))
    return {"case": case, "note": note, "damaged": damaged, "stored": stored}


# --- The field --------------------------------------------------------------------------------


def test_the_value_reads_as_the_translated_placeholder_and_the_rest_as_usual(broken):
    with translation.override("id"):
        case = Case.objects.get(pk=broken["case"].pk)
    assert is_undecryptable(case.narrative) and isinstance(case.narrative, UndecryptableText)
    assert case.narrative == PLACEHOLDER_ID
    assert case.safety_notes == "Aman di rumah orang tua." and not is_undecryptable(
        case.safety_notes
    )
    with translation.override("en"):
        assert Case.objects.get(pk=case.pk).narrative == PLACEHOLDER_EN
    texts = {note.pk: note.text for note in CaseNote.objects.all()}
    assert texts[broken["note"].pk] == "Catatan yang masih terbaca."
    assert is_undecryptable(texts[broken["damaged"].pk])


def test_the_administrator_is_told_table_row_and_column_once_never_the_value(broken, caplog):
    with caplog.at_level(logging.ERROR, logger="satuatap.encryption"):
        Case.objects.get(pk=broken["case"].pk)
        list(Case.objects.all())  # read again: not said again

    records = [r for r in caplog.records if r.name == "satuatap.encryption"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert f"table cases_case, row {broken['case'].pk}, column narrative" in message
    assert LOST not in message and broken["stored"] not in message and "fernet:" not in message


def test_saving_the_record_writes_the_stored_value_back_as_it_was(broken):
    case = Case.objects.get(pk=broken["case"].pk)
    case.employer = "Majikan Chen"

    case.save()

    assert (
        read_raw(Case, case.pk, "narrative") == broken["stored"]
    )  # not replaced, not re-encrypted
    assert Case.objects.get(pk=case.pk).employer == "Majikan Chen"


@pytest.mark.parametrize(
    "text",
    [
        lambda placeholder: placeholder + "\n\nTambahan.",  # an update appended to it
        lambda placeholder: f"Catatan: {placeholder}",
        lambda placeholder: str(placeholder),  # typed back as plain text
        lambda placeholder: PLACEHOLDER_EN,  # in the other language
    ],
)
def test_a_text_made_from_the_placeholder_is_refused_and_changes_nothing(broken, text):
    case = Case.objects.get(pk=broken["case"].pk)
    case.narrative = text(case.narrative)

    with pytest.raises(UndecryptableValue) as refused, transaction.atomic():
        case.save()

    assert refused.value.status == 503 and refused.value.code == "undecryptable"
    assert read_raw(Case, case.pk, "narrative") == broken["stored"]


def test_a_copied_placeholder_is_still_one():
    import copy
    import pickle

    placeholder = UndecryptableText(model=Case, column="narrative")
    for clone in (copy.copy(placeholder), pickle.loads(pickle.dumps(placeholder))):  # noqa: S301
        assert is_undecryptable(clone) and clone == placeholder


# --- Pages ------------------------------------------------------------------------------------


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _pdf(response) -> str:
    assert response.status_code == 200, response.status_code
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.parametrize(
    "name", ["cases:case-list", "cases:my-cases", "cases:overdue", "cases:contact-list"]
)
def test_the_mrc_lists_open(client, counsellor, broken, name):
    client.force_login(counsellor)
    html = _html(client.get(reverse(name)))
    assert "fernet:" not in html and LOST not in html


def test_the_case_page_shows_the_placeholder_for_that_value_and_the_rest(
    client, counsellor, broken
):
    client.force_login(counsellor)
    html = _html(client.get(reverse("cases:case-detail", args=[broken["case"].pk])))
    assert PLACEHOLDER_ID in html
    assert "Aman di rumah orang tua." in html and "Catatan yang masih terbaca." in html
    assert broken["case"].client.full_name in html
    assert "fernet:" not in html and LOST not in html


def test_the_partner_portal_shows_the_placeholder(client, partner_worker, broken, referral):
    client.force_login(partner_worker)
    listing = _html(client.get(reverse("cases:partner-referral-list")))
    assert "fernet:" not in listing
    html = _html(
        purpose_form.read(
            client, reverse("cases:partner-referral-detail", args=[referral.pk]), "case"
        )
    )
    assert html.count(PLACEHOLDER_ID) >= 2  # the narrative and the office's message
    assert "Aman di rumah orang tua." in html and "Majikan Wong" in html
    assert "fernet:" not in html and LOST not in html and "PESAN-HILANG" not in html


def test_the_pdfs_show_the_placeholder(client, counsellor, partner_worker, broken, referral):
    client.force_login(counsellor)
    summary_url = reverse("cases:case-summary-pdf", args=[broken["case"].pk])
    summary = _pdf(purpose_form.read(client, summary_url, "case"))
    assert PLACEHOLDER_ID in summary and "Aman di rumah orang tua." in summary
    client.force_login(partner_worker)
    letter_url = reverse("cases:referral-letter-pdf", args=[referral.pk])
    letter = _pdf(purpose_form.read(client, letter_url, "case"))
    assert PLACEHOLDER_ID in letter and "fernet:" not in letter


@pytest.fixture
def lost_feedback(referral, partner_worker):
    """The partner accepted and reported; the report is now under a key that is gone."""
    partner_services.answer_referral(referral=referral, by=partner_worker, accept=True)
    partner_services.add_feedback(
        referral=referral, by=partner_worker, feedback="Sudah didampingi."
    )
    stored = under_a_lost_key("UMPAN-BALIK-HILANG")
    write_raw(Referral, referral.pk, "feedback", stored)
    write_raw(Referral, referral.pk, "message", under_a_lost_key("PESAN-HILANG"))
    return stored


def test_a_partner_update_on_an_undecryptable_feedback_is_refused_and_changes_nothing(
    client, partner_worker, referral, lost_feedback
):
    client.force_login(partner_worker)

    response = client.post(
        reverse("cases:partner-referral-update", args=[referral.pk]),
        {"feedback": "Sidang minggu depan."},
        follow=True,
    )

    assert response.status_code == 200
    assert "tidak dapat diubah" in response.content.decode()
    assert read_raw(Referral, referral.pk, "feedback") == lost_feedback


def test_a_partner_answers_a_referral_whose_message_cannot_be_decrypted(
    client, partner_worker, broken, referral
):
    client.force_login(partner_worker)
    client.post(reverse("cases:partner-referral-accept", args=[referral.pk]))
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.ACCEPTED
    assert read_raw(Referral, referral.pk, "message").startswith("fernet:")


# --- API --------------------------------------------------------------------------------------


def test_the_api_answers_503_for_the_record_and_its_lists_as_usual(client, counsellor, broken):
    client.force_login(counsellor)
    case = broken["case"]

    detail = client.get(f"/api/v1/cases/{case.pk}", headers={"Accept-Language": "en"})

    assert detail.status_code == 503
    body = detail.json()
    assert body["code"] == "undecryptable"
    assert body["message"].startswith("Part of this record cannot be decrypted")
    assert "fernet:" not in detail.content.decode() and PLACEHOLDER_EN not in body["message"]
    listing = client.get("/api/v1/cases")
    assert listing.status_code == 200 and [c["id"] for c in listing.json()] == [case.pk]
    # The record's other parts that hold no such value answer as usual.
    assert client.get(f"/api/v1/cases/{case.pk}/consents").status_code == 200


def test_the_partner_api_answers_503_for_the_referral(client, partner_worker, broken, referral):
    client.force_login(partner_worker)
    response = client.get(f"/api/v1/partner/referrals/{referral.pk}?purpose=case")
    assert response.status_code == 503 and response.json()["code"] == "undecryptable"
    assert client.get("/api/v1/partner/referrals").status_code == 200


def test_an_api_write_that_would_save_the_placeholder_is_a_503(
    client, partner_worker, referral, lost_feedback
):
    client.force_login(partner_worker)

    response = client.post(
        f"/api/v1/partner/referrals/{referral.pk}/feedback",
        {"feedback": "Sidang minggu depan."},
        content_type="application/json",
    )

    assert response.status_code == 503 and response.json()["code"] == "undecryptable"
    assert read_raw(Referral, referral.pk, "feedback") == lost_feedback
