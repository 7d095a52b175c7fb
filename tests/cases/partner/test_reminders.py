"""Reminders to partners about referrals not answered by their due date."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from satuatap.cases import services, tasks
from satuatap.cases.models import CaseEvent, Referral, SharedItem
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.partner import services as partner_services
from satuatap.core.models import OperationsCounter, PartnerType
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NARRATIVE = "Dipukul oleh majikan di Taipei."


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def partner_with_email(partner):
    partner.email = "rujukan@wcc-mawarbalqis.example.org"
    partner.save()
    return partner


def refer(case, by, partner, *, due_in=2, service="Pendampingan psikososial"):
    if not case.consents.filter(recipient=partner, withdrawn_on__isnull=True).exists():
        services.record_consent(
            case=case,
            by=by,
            recipient=partner,
            items=[SharedItem.IDENTITY, SharedItem.SUMMARY, SharedItem.NARRATIVE],
            given_on=case.office.today(),
            method="signed",
        )
    return services.send_referral(
        case=case,
        by=by,
        partner=partner,
        service=service,
        due_on=case.office.today() + datetime.timedelta(days=due_in),
    )


@pytest.fixture
def late(make_case, counsellor, partner_with_email):
    """A referral due in two days; the tests look at it from a later day."""
    return refer(make_case(employer="Majikan Wong"), counsellor, partner_with_email)


@pytest.fixture
def later(today):
    return today + datetime.timedelta(days=5)


def _reminders_of(referral) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(
            case=referral.case, kind="referral_reminder", params__referral=referral.pk
        )
    )


def test_unanswered_referrals_are_those_sent_past_due_with_consent_standing(
    make_case, counsellor, partner_with_email, partner_worker, later, gbv_case
):
    waiting = refer(make_case(), counsellor, partner_with_email)
    refer(make_case(), counsellor, partner_with_email, due_in=10)  # not due yet
    accepted = refer(make_case(), counsellor, partner_with_email)
    partner_services.answer_referral(referral=accepted, by=partner_worker, accept=True)
    declined = refer(make_case(), counsellor, partner_with_email)
    partner_services.answer_referral(
        referral=declined, by=partner_worker, accept=False, reason="Penuh"
    )
    stopped = refer(gbv_case, counsellor, partner_with_email)
    services.withdraw_consent(consent=stopped.consent, by=counsellor)

    assert list(partner_selectors.unanswered_referrals(later)) == [waiting]


def test_a_reminder_is_sent_once_a_day(late, later, partner_with_email):
    first = partner_services.send_referral_reminders(today=later)

    assert (first.reminded, first.emails) == (1, 1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [partner_with_email.email]
    assert len(_reminders_of(late)) == 1

    again = partner_services.send_referral_reminders(today=later)

    assert (again.reminded, again.emails) == (0, 0)
    assert len(mail.outbox) == 1
    assert len(_reminders_of(late)) == 1

    partner_services.send_referral_reminders(today=later + datetime.timedelta(days=1))

    assert len(mail.outbox) == 2
    assert len(_reminders_of(late)) == 2


def test_no_reminder_before_the_due_date_has_passed(late):
    result = partner_services.send_referral_reminders(today=late.due_on)
    assert result.reminded == 0 and mail.outbox == []


def test_no_reminder_for_answered_or_stopped_referrals(
    make_case, counsellor, partner_with_email, partner_worker, later
):
    accepted = refer(make_case(), counsellor, partner_with_email)
    partner_services.answer_referral(referral=accepted, by=partner_worker, accept=True)
    completed = refer(make_case(), counsellor, partner_with_email)
    partner_services.answer_referral(referral=completed, by=partner_worker, accept=True)
    partner_services.add_feedback(
        referral=completed, by=partner_worker, feedback="Selesai", complete=True
    )
    declined = refer(make_case(), counsellor, partner_with_email)
    partner_services.answer_referral(
        referral=declined, by=partner_worker, accept=False, reason="Penuh"
    )
    stopped = refer(make_case(), counsellor, partner_with_email)
    services.withdraw_consent(consent=stopped.consent, by=counsellor)

    result = partner_services.send_referral_reminders(today=later)

    assert result.reminded == 0
    assert mail.outbox == []
    assert not CaseEvent.objects.filter(kind="referral_reminder").exists()


def test_the_mail_holds_no_personal_or_case_details(late, later, client_person, office):
    partner_services.send_referral_reminders(today=later)

    [message] = mail.outbox
    text = message.subject + "\n" + message.body
    assert office.name in message.body
    for secret in (
        client_person.full_name,
        client_person.nik,
        late.case.number,
        "Gaji tidak dibayar",  # the narrative
        "Majikan Wong",  # the employer
        "Pendampingan psikososial",  # the service asked for
        f"#{late.pk}",
    ):
        assert secret not in text, secret


def test_several_late_referrals_make_one_mail_per_partner_and_office(
    late, make_case, counsellor, partner_with_email, later, gbv_case
):
    second = refer(gbv_case, counsellor, partner_with_email)
    other = PartnerFactory(
        slug="lbh",
        name="LBH Cirebon",
        partner_type=PartnerType.LEGAL_AID,
        email="lbh@example.org",
    )
    other.partner_offices.add(gbv_case.office)
    third = refer(make_case(), counsellor, other)

    result = partner_services.send_referral_reminders(today=later)

    assert (result.reminded, result.emails) == (3, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["lbh@example.org", partner_with_email.email]
    assert all(NARRATIVE not in m.body for m in mail.outbox)
    for referral in (late, second, third):
        assert len(_reminders_of(referral)) == 1


def test_a_partner_without_an_email_address_gets_the_timeline_line_only(
    make_case, counsellor, partner, later
):
    referral = refer(make_case(), counsellor, partner)

    result = partner_services.send_referral_reminders(today=later)

    assert (result.reminded, result.emails) == (1, 0)
    assert mail.outbox == []
    assert len(_reminders_of(referral)) == 1


def test_a_failing_mail_server_records_nothing_so_the_next_run_tries_again(late, later, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens there

    result = partner_services.send_referral_reminders(today=later)

    assert result.reminded == 0
    assert _reminders_of(late) == []
    # The operator's metrics count it (satuatap_notifications_failed_total).
    assert _notifications() == {"notifications_failed": 1}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert partner_services.send_referral_reminders(today=later).reminded == 1
    assert _notifications() == {"notifications_failed": 1, "notifications_sent": 1}


def _notifications() -> dict[str, int]:
    return dict(
        OperationsCounter.objects.filter(label="referral_reminder").values_list("metric", "value")
    )


def test_by_default_each_office_reminds_on_its_own_today(late, today):
    Referral.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=1))

    result = partner_services.send_referral_reminders()

    assert result.reminded == 1
    [event] = _reminders_of(late)
    assert event.params["on"] == today.isoformat()


def test_the_command_sends_the_reminders(late, later, capsys):
    call_command("send_referral_reminders", "--date", later.isoformat())

    assert len(mail.outbox) == 1
    assert "1" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("send_referral_reminders", "--date", "23-11-2026")


def test_the_daily_task_runs_the_reminders_every_morning(late, today):
    Referral.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=1))
    schedule = tasks.send_referral_reminders_task.task_class().validate_datetime

    assert schedule(datetime.datetime(2026, 11, 23, 1, 0))  # 08:00 WIB
    assert not schedule(datetime.datetime(2026, 11, 23, 13, 0))

    tasks.send_referral_reminders_task()  # huey runs tasks at once in the tests

    assert len(mail.outbox) == 1
    assert len(_reminders_of(late)) == 1
