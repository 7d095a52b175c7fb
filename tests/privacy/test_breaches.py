"""The breach register: reported by any office staff, kept by the administrator (the ministry's
data-protection officer), with the 3 x 24-hour deadline of the written notices (UU 27/2022
Pasal 46), the letters in Indonesian with Pasal 46(2)'s minimum, and who sees what."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from satuatap.core.attribution import acting_as
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.privacy import notices, selectors, services
from satuatap.privacy.models import Breach, BreachNotice, BreachStatus, NoticeRecipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(administrator):
    administrator.email = "dpo@kementerian.go.id"
    administrator.save(update_fields=["email"])
    return administrator


def test_any_office_staff_reports_a_breach_and_the_administrators_are_mailed_without_details(
    make_user, make_breach, dpo, django_capture_on_commit_callbacks
):
    counsellor = make_user(Role.COUNSELLOR)
    with django_capture_on_commit_callbacks(execute=True):
        breach = make_breach(by=counsellor, title="Ponsel konselor hilang di angkot")
    assert breach.office == counsellor.office and breach.status == BreachStatus.REPORTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dpo@kementerian.go.id"]
    assert breach.reference in message.subject
    assert "Ponsel" not in message.body and "angkot" not in message.body
    assert "Laptop" not in message.body and counsellor.office.name in message.body


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.PARTNER_CASEWORKER])
def test_the_analyst_and_partners_do_not_report(make_user, ministry, partner, role, now):
    organisation = ministry if role == Role.NATIONAL_ANALYST else partner
    user = make_user(role, organisation=organisation)
    with pytest.raises(DomainError):
        services.report_breach(
            by=user, title="x", discovered_at=now, data_categories=["identity"], how="x"
        )
    assert Breach.objects.count() == 0


def test_a_reporter_sees_what_they_reported_and_the_administrator_sees_all(
    make_breach, frontdesk, head, administrator, make_user
):
    own = make_breach()
    other = make_breach(by=make_user(Role.DESK_OFFICER))
    assert list(selectors.visible_breaches(frontdesk)) == [own]
    # The office head does not read the reports of the office's staff: one may be about MRC data.
    assert list(selectors.visible_breaches(head)) == []
    assert set(selectors.visible_breaches(administrator)) == {own, other}


def test_bad_input_is_refused_and_records_nothing(frontdesk, now):
    cases = [
        ({"title": " "}, "title_required"),
        ({"discovered_at": now + datetime.timedelta(hours=1)}, "invalid_discovered_at"),
        ({"occurred_at": now}, "invalid_occurred_at"),
        ({"data_categories": []}, "categories_required"),
        ({"data_categories": ["identity", "favourite_colour"]}, "invalid_category"),
        ({"subject_count": -1}, "invalid_subject_count"),
        ({"subject_count": 2**31}, "invalid_subject_count"),
        ({"how": ""}, "how_required"),
    ]
    for change, code in cases:
        values = {
            "title": "Surat salah kirim",
            "discovered_at": now - datetime.timedelta(hours=1),
            "occurred_at": now - datetime.timedelta(hours=2),
            "data_categories": ["identity"],
            "subject_count": 3,
            "how": "Email terkirim ke alamat yang salah.",
            **change,
        }
        with pytest.raises(DomainError) as error:
            services.report_breach(by=frontdesk, **values)
        assert error.value.code == code
    assert Breach.objects.count() == 0


def test_notices_are_overdue_3_x_24_hours_after_discovery_until_both_are_recorded(
    make_breach, administrator, now
):
    breach = make_breach(discovered_at=now - datetime.timedelta(hours=73))
    fresh = make_breach(discovered_at=now - datetime.timedelta(hours=71))
    counts = selectors.open_breach_counts(administrator, now)
    assert (counts.open, counts.notices_overdue) == (2, 1)
    for recipient in (NoticeRecipient.SUBJECTS, NoticeRecipient.AUTHORITY):
        assert selectors.open_breach_counts(administrator, now).notices_overdue == 1
        services.record_notice(
            breach=breach, by=administrator, recipient=recipient, sent_at=now, method="letter"
        )
    assert selectors.open_breach_counts(administrator, now).notices_overdue == 0
    breach.refresh_from_db()
    assert breach.status == BreachStatus.CONFIRMED and breach.assessed_by == administrator
    assert fresh.status == BreachStatus.REPORTED


def test_a_notice_needs_the_minimum_content_of_pasal_46(make_breach, administrator, now):
    breach = make_breach(remediation="")
    with pytest.raises(DomainError) as error:
        services.record_notice(
            breach=breach, by=administrator, recipient="subjects", sent_at=now, method="letter"
        )
    assert error.value.code == "notice_incomplete"
    assert BreachNotice.objects.count() == 0


def test_only_the_administrator_manages_the_register(make_breach, frontdesk, now):
    breach = make_breach()
    with pytest.raises(DomainError) as error:
        services.record_notice(
            breach=breach, by=frontdesk, recipient="subjects", sent_at=now, method="letter"
        )
    assert error.value.status == 403
    with pytest.raises(DomainError) as error:
        services.decide_breach(breach=breach, by=frontdesk, status="confirmed")
    assert error.value.status == 403


def test_setting_aside_and_closing_need_a_note_and_follow_the_transitions(
    make_breach, administrator, now
):
    breach = make_breach()
    with pytest.raises(DomainError) as error:
        services.decide_breach(breach=breach, by=administrator, status="closed", note="x")
    assert error.value.code == "invalid_transition"
    with pytest.raises(DomainError) as error:
        services.decide_breach(breach=breach, by=administrator, status="not_a_breach")
    assert error.value.code == "note_required"
    services.decide_breach(
        breach=breach, by=administrator, status="not_a_breach", note="Laptop ditemukan terkunci."
    )
    breach.refresh_from_db()
    assert breach.status == BreachStatus.NOT_A_BREACH
    with pytest.raises(DomainError) as error:
        services.record_notice(
            breach=breach, by=administrator, recipient="subjects", sent_at=now, method="letter"
        )
    assert error.value.code == "not_a_breach"


def test_the_letters_are_in_indonesian_with_the_minimum_content_and_name_nobody(
    make_breach, administrator, ministry, now
):
    breach = make_breach(
        occurred_at=now - datetime.timedelta(days=1),
        consequences="Nomor telepon dapat disalahgunakan untuk penipuan.",
    )
    services.update_breach(
        breach=breach,
        by=administrator,
        title=breach.title,
        discovered_at=breach.discovered_at,
        occurred_at=breach.occurred_at,
        data_categories=breach.data_categories,
        subject_count=breach.subject_count,
        how=breach.how,
        consequences=breach.consequences,
        remediation=breach.remediation,
        advice="Waspadai telepon yang meminta uang atas nama kantor.",
        contact="0231 123456",
    )
    breach.refresh_from_db()
    to_people = notices.notice_html(breach, NoticeRecipient.SUBJECTS)
    to_authority = notices.notice_html(breach, NoticeRecipient.AUTHORITY)
    for letter in (to_people, to_authority):
        assert "Pasal 46 Undang-Undang Nomor 27 Tahun 2022" in letter
        assert "Data pribadi yang terungkap" in letter
        assert "Identitas (nama, NIK, tanggal lahir)" in letter
        assert "Kapan dan bagaimana data pribadi terungkap" in letter
        assert "Laptop petugas dicuri dari mobil." in letter
        assert "Upaya penanganan dan pemulihan" in letter
        assert "Kata sandi akun diganti" in letter
        assert "WIB" in letter and ministry.name in letter and "0231 123456" in letter
    assert "Lembaga Pelindungan Data Pribadi" in to_authority
    assert "120 orang" in to_authority
    assert "Waspadai telepon" in to_people and "Waspadai telepon" not in to_authority
    pdf = notices.notice_pdf(breach, NoticeRecipient.SUBJECTS)
    assert pdf.startswith(b"%PDF")


def test_a_recorded_notice_keeps_the_letter_as_it_was_sent(make_breach, administrator, now):
    breach = make_breach()
    notice = services.record_notice(
        breach=breach,
        by=administrator,
        recipient="authority",
        sent_at=now,
        method="email",
        reference="B-17/PDP/2026",
    )
    services.update_breach(
        breach=breach,
        by=administrator,
        title=breach.title,
        discovered_at=breach.discovered_at,
        data_categories=breach.data_categories,
        how="Sebenarnya laptop tertinggal di kereta.",
        remediation=breach.remediation,
    )
    notice.refresh_from_db()
    assert "B-17/PDP/2026" in notice.letter
    assert "Laptop petugas dicuri dari mobil." in notice.letter
    assert "tertinggal di kereta" not in notice.letter
    assert notices.recorded_notice_pdf(notice).startswith(b"%PDF")
    # Once notices went out, the moment of discovery (the deadline's start) no longer moves.
    with pytest.raises(DomainError) as error:
        services.update_breach(
            breach=breach,
            by=administrator,
            title=breach.title,
            discovered_at=breach.discovered_at - datetime.timedelta(hours=1),
            data_categories=breach.data_categories,
            how=breach.how,
            remediation=breach.remediation,
        )
    assert error.value.code == "notices_given"


def test_the_audit_trail_records_a_breach_without_its_text(frontdesk, make_breach):
    with acting_as(frontdesk):
        breach = make_breach()
    entry = LogEntry.objects.get_for_object(breach).get()
    assert entry.actor == frontdesk
    assert "dicuri" not in str(entry.changes) and "how" not in entry.changes_dict


def test_the_pages_reporter_and_administrator(client, frontdesk, administrator, make_user, now):
    client.force_login(frontdesk)
    response = client.post(
        reverse("privacy:breach-report"),
        {
            "title": "Map berkas tertinggal",
            "discovered_at": "2026-01-05T09:00",
            "data_categories": ["identity", "documents"],
            "how": "Map berisi fotokopi KTP tertinggal di warung.",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("privacy:breach-detail", args=[breach.pk])).content.decode()
    assert "Map berisi fotokopi KTP" in detail
    assert reverse("privacy:breach-notice-record", args=[breach.pk]) not in detail
    client.force_login(make_user(Role.DESK_OFFICER))
    assert client.get(reverse("privacy:breach-detail", args=[breach.pk])).status_code == 404
    client.force_login(administrator)
    detail = client.get(reverse("privacy:breach-detail", args=[breach.pk])).content.decode()
    assert reverse("privacy:breach-notice-record", args=[breach.pk]) in detail
    assert 'data-testid="notice-missing"' in detail  # no handling and recovery yet
    draft = client.get(reverse("privacy:breach-notice-draft", args=[breach.pk, "authority"]))
    assert draft["Content-Type"] == "application/pdf" and draft.content.startswith(b"%PDF")
    home = client.get(reverse("home")).content.decode()
    assert "tile-status" in home


def test_a_notice_form_with_bad_input_keeps_it(client, administrator, make_breach):
    breach = make_breach()
    client.force_login(administrator)
    response = client.post(
        reverse("privacy:breach-notice-record", args=[breach.pk]),
        {
            "recipient": "subjects",
            "sent_at": "2099-01-01T08:00",
            "method": "letter",
            "reference": "B-99/2026",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="B-99/2026"' in html and 'value="2099-01-01T08:00"' in html
    assert BreachNotice.objects.count() == 0


def test_the_register_takes_a_fixed_number_of_queries(
    client, administrator, make_breach, make_user, now, django_assert_max_num_queries
):
    reporters = [make_user(role) for role in (Role.FRONTDESK, Role.COUNSELLOR, Role.OFFICE_HEAD)]
    for number in range(30):
        breach = make_breach(by=reporters[number % 3])
        if number % 2:
            services.record_notice(
                breach=breach, by=administrator, recipient="subjects", sent_at=now, method="email"
            )
    client.force_login(administrator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("privacy:breach-list"))
    assert response.content.decode().count("KDP-") >= 30
