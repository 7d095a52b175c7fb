"""Data-subject requests and breaches in the browser: the front desk records a restriction
request from the person's record, the office head finds it on the register through the home
page's tile and records the answer; a counsellor reports a lost phone, the administrator reads
the two letters and records the notice to the authority. Every page passes axe-core and the
Content-Security-Policy."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satuatap.core.roles import Role
from satuatap.privacy.models import Breach, BreachNotice, RequestStatus, SubjectRequest
from tests.browser.session import sign_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _local(moment: datetime.datetime, office) -> str:
    return timezone.localtime(moment, timezone=office.zone).strftime("%Y-%m-%dT%H:%M")


def test_a_request_is_recorded_at_the_desk_and_answered_by_the_head(
    live_server, page, make_user, office, audit, screenshot
):
    make_user(Role.FRONTDESK, username="cirebon.frontdesk", language="en")
    make_user(Role.OFFICE_HEAD, username="cirebon.head", language="id")
    person = PersonFactory(office=office, full_name="Sulastri Wulandari")
    received = timezone.now() - datetime.timedelta(hours=2)

    sign_in(page, live_server.url, "cirebon.frontdesk")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_role("link", name="Record a request").click()
    page.get_by_label("Restriction or suspension of processing").check()
    page.get_by_label("Received at").fill(_local(received, office))
    page.get_by_label("How did it come in?").select_option("in_person")
    page.get_by_label("What is asked").fill("Jangan kirim data saya ke P3MI dulu.")
    audit(page)
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Received")
    audit(page)
    request = SubjectRequest.objects.get()
    assert request.due_at - request.received_at == datetime.timedelta(hours=72)
    page.context.clear_cookies()
    sign_in(page, live_server.url, "cirebon.head")
    tile = page.get_by_test_id("home-actions").get_by_role("link", name="Permohonan subjek data")
    expect(tile).to_contain_text("1 belum selesai")
    tile.click()
    expect(page.get_by_role("link", name=request.reference)).to_be_visible()
    audit(page)
    screenshot("privacy-subject-requests-id")
    page.get_by_role("link", name=request.reference).click()
    page.get_by_role("link", name="Catat jawaban").first.click()
    page.get_by_label("Dijawab: kantor melaksanakan yang dimohonkan").check()
    page.get_by_label("Tindakan yang dilakukan").select_option("restricted")
    page.get_by_label("Yang disampaikan kepada pemohon, dan caranya").fill(
        "Pemrosesan ditunda; disampaikan lewat telepon."
    )
    audit(page)
    page.get_by_role("button", name="Catat jawaban").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Dijawab")
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED


def test_a_breach_is_reported_and_the_authority_notified(
    live_server, page, make_user, office, ministry, audit, screenshot
):
    make_user(Role.COUNSELLOR, username="cirebon.counsellor", language="id", gender="F")
    make_user(Role.ADMINISTRATOR, organisation=ministry, username="admin", language="en")
    discovered = timezone.now() - datetime.timedelta(hours=3)

    sign_in(page, live_server.url, "cirebon.counsellor")
    page.get_by_test_id("home-actions").get_by_role(
        "link", name="Kegagalan pelindungan data pribadi"
    ).click()
    page.get_by_role("link", name="Laporkan dugaan kegagalan pelindungan data").click()
    page.get_by_label("Judul singkat").fill("Ponsel kerja hilang")
    page.get_by_label("Diketahui pada").fill(_local(discovered, office))
    page.get_by_label("Data konseling, pengaduan, dan kasus MRC").check()
    page.get_by_label("Bagaimana kejadiannya?").fill("Ponsel kerja tertinggal di angkot.")
    page.get_by_label("Penanganan dan pemulihan").fill("Akun WhatsApp dikeluarkan dari jarak jauh.")
    audit(page)
    page.get_by_role("button", name="Laporkan kejadian").click()
    expect(page.get_by_test_id("breach-status")).to_have_text("Dilaporkan, sedang dinilai")
    audit(page)
    breach = Breach.objects.get()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "admin")
    page.get_by_test_id("home-actions").get_by_role("link", name="Personal-data breaches").click()
    expect(page.get_by_role("link", name=breach.reference)).to_be_visible()
    audit(page)
    page.get_by_role("link", name=breach.reference).click()
    expect(page.get_by_test_id("notice-deadline")).to_be_visible()
    page.locator("summary", has_text="The personal-data protection authority").click()
    letter = page.get_by_test_id("notice-letter").last
    expect(letter).to_be_visible()
    expect(letter).to_contain_text("Kepala Lembaga Pelindungan Data Pribadi")
    expect(letter).to_contain_text("Data konseling, pengaduan, dan kasus MRC")
    audit(page)
    screenshot("privacy-breach-en")
    form = page.get_by_test_id("notice-form")
    form.get_by_label("Notified", exact=True).select_option("authority")
    form.get_by_label("How", exact=True).select_option("email")
    form.get_by_label("Letter number").fill("B-7/PDP/2026")
    form.get_by_role("button", name="Record the notice").click()
    expect(page.get_by_test_id("notice-table")).to_contain_text("B-7/PDP/2026")
    notice = BreachNotice.objects.get()
    assert notice.recipient == "authority" and "Pasal 46" in notice.letter
