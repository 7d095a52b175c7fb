"""A case lifecycle that ends access (issue 16): closing a case ends every partner's access,
the case worker can revoke a referral, consent can be withdrawn after closure, a supervisor
reopens a closed case; status changes lock the row and save only what they change; a refused
closure clears the proposed outcome; currencies are ISO 4217 codes in use; the timeline is
read in the reader's language."""

from __future__ import annotations

import datetime
import json
import threading
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import translation

from satuatap.cases import events, selectors, services
from satuatap.cases.forms import ClosureForm
from satuatap.cases.models import (
    ActionItem,
    Case,
    CaseEvent,
    CaseStatus,
    Outcome,
    Referral,
    ReferralEnd,
    ReferralState,
    SharedItem,
)
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.partner import services as partner_services
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people.models import Phone
from tests import purpose as purpose_form

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Siti Rahayu"
PHONE = "+6281234567890"
ADDRESS = "Jl. Melati 7, Desa Sumber"
STORY = "Gaji tidak dibayar selama enam bulan."
FEEDBACK = "Klien didampingi ke Disnaker."
ALL_ITEMS = [SharedItem.IDENTITY, SharedItem.CONTACT, SharedItem.SUMMARY, SharedItem.NARRATIVE]


def _json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def english(counsellor, supervisor, partner_worker):
    for user in (counsellor, supervisor, partner_worker):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def referred(make_case, counsellor, partner, partner_worker, office):
    """A case referred to the partner with everything consented; the partner has accepted and
    reported once."""
    case = make_case(narrative=STORY)
    client = case.client
    Phone.objects.create(person=client, number=PHONE)
    type(client).objects.filter(pk=client.pk).update(address=ADDRESS)
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=ALL_ITEMS,
        given_on=office.today(),
        method="signed",
    )
    referral = services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Pendampingan hukum",
        due_on=office.today() + datetime.timedelta(days=7),
        message="Klien minta pendamping perempuan.",
    )
    partner_services.answer_referral(referral=referral, by=partner_worker, accept=True)
    partner_services.add_feedback(referral=referral, by=partner_worker, feedback=FEEDBACK)
    referral.refresh_from_db()
    return referral


PERSONAL = (CLIENT_NAME, PHONE, ADDRESS, STORY, FEEDBACK, "Klien minta pendamping")


def _close(case, counsellor, supervisor, **decision):
    services.request_closure(case=case, by=counsellor, outcome=Outcome.RESOLVED)
    return services.decide_closure(case=case, by=supervisor, approve=True, **decision)


def _partner_sees_nothing(client, partner_worker, referral):
    """The partner finds the referral as ended, and nothing of the client anywhere."""
    client.force_login(partner_worker)
    pages = {
        "list": client.get(reverse("cases:partner-referral-list")),
        "detail": client.get(reverse("cases:partner-referral-detail", args=[referral.pk])),
        "api list": client.get("/api/v1/partner/referrals"),
        "api detail": client.get(f"/api/v1/partner/referrals/{referral.pk}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        leaked = [text for text in PERSONAL if text in body]
        assert leaked == [], (name, leaked)
        assert referral.case.number not in body, name
    assert pages["detail"].context["referral"] == referral
    assert 'data-testid="referral-ended"' in pages["detail"].content.decode()
    assert pages["api detail"].json()["has_ended"] is True
    assert pages["api detail"].json()["shared"] is None
    [row] = pages["api list"].json()
    assert row["has_ended"] is True and row["number"] is None and row["service"] is None
    letter = client.get(reverse("cases:referral-letter-pdf", args=[referral.pk]))
    assert letter.status_code == 404
    return pages


def _partner_cannot_act(client, partner_worker, referral):
    client.force_login(partner_worker)
    for name, data in (
        ("accept", {}),
        ("decline", {"reason": "Penuh"}),
        ("update", {"feedback": "Masih didampingi."}),
    ):
        url = reverse(f"cases:partner-referral-{name}", args=[referral.pk])
        response = client.post(url, data)
        assert response.status_code == 409, name
        assert not any(text in response.content.decode() for text in PERSONAL), name
    for name, data in (
        ("accept", {}),
        ("decline", {"reason": "x"}),
        ("feedback", {"feedback": "x"}),
    ):
        response = _json(client, f"/api/v1/partner/referrals/{referral.pk}/{name}", data)
        assert response.status_code == 409 and response.json()["code"] == "referral_ended", name


# --- Closing ends the partner's access --------------------------------------------------------


def test_the_partner_reads_the_client_while_the_referral_is_live(client, referred, partner_worker):
    """The starting point: what closing must take away."""
    client.force_login(partner_worker)
    url = reverse("cases:partner-referral-detail", args=[referred.pk])
    html = purpose_form.read(client, url, "case").content
    for text in (CLIENT_NAME, PHONE, ADDRESS, STORY, FEEDBACK):
        assert text in html.decode()


def test_closing_a_case_ends_the_partners_access(
    client, referred, counsellor, supervisor, partner_worker
):
    case = referred.case
    _close(case, counsellor, supervisor, end_referrals=True)

    referred.refresh_from_db()
    assert referred.stopped_at is not None and referred.end_reason == ReferralEnd.CASE_CLOSED
    assert referred.state == ReferralState.ACCEPTED  # what the partner had done stays told
    assert partner_selectors.shared_view(referred) == {"items": []}
    assert not partner_worker.has_perm("cases.view_referral", referred)
    pages = _partner_sees_nothing(client, partner_worker, referred)
    assert pages["detail"].context["case_closed"] is True
    assert pages["api detail"].json()["end_reason"] == "case_closed"
    _partner_cannot_act(client, partner_worker, referred)
    referred.refresh_from_db()
    assert FEEDBACK in referred.feedback and referred.state == ReferralState.ACCEPTED
    # Audited: the referral's change, and the case's timeline in words without detail.
    assert LogEntry.objects.filter(
        content_type__model="referral", object_pk=str(referred.pk), action=LogEntry.Action.UPDATE
    ).exists()
    closed = case.events.get(kind="closed")
    assert closed.params == {"referrals_ended": 1, "actions_done": 0, "actions_left_open": 0}


def test_an_ended_referral_of_a_closed_case_shares_nothing_even_without_its_end_recorded(
    client, referred, counsellor, supervisor, partner_worker
):
    """Defence in depth: a case closed some other way (an old row, a script) shares nothing."""
    Case.objects.filter(pk=referred.case_id).update(status=CaseStatus.CLOSED)
    referred = Referral.objects.select_related("case").get(pk=referred.pk)
    assert referred.stopped_at is None and referred.has_ended
    _partner_sees_nothing(client, partner_worker, referred)


def test_closing_asks_what_becomes_of_open_referrals_and_changes_nothing_without_an_answer(
    referred, counsellor, supervisor
):
    case = referred.case
    services.request_closure(case=case, by=counsellor, outcome=Outcome.RESOLVED)
    with pytest.raises(DomainError) as refused:
        services.decide_closure(case=case, by=supervisor, approve=True)
    assert refused.value.code == "open_referrals" and refused.value.status == 409
    assert refused.value.details == {"open_referrals": [referred.pk]}
    case.refresh_from_db()
    referred.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and referred.stopped_at is None


def test_closing_asks_what_becomes_of_open_actions(make_case, counsellor, supervisor, office):
    cases = {}
    for choice in ("done", "leave"):
        case = make_case()
        services.add_action(
            case=case,
            description="Telepon agensi",
            owner=counsellor,
            due_on=office.today(),
            by=counsellor,
        )
        services.request_closure(case=case, by=counsellor, outcome=Outcome.RESOLVED)
        with pytest.raises(DomainError) as refused:
            services.decide_closure(case=case, by=supervisor, approve=True)
        assert refused.value.code == "open_actions"
        assert refused.value.details == {"open_actions": [case.actions.get().pk]}
        services.decide_closure(case=case, by=supervisor, approve=True, open_actions=choice)
        cases[choice] = case
    assert cases["done"].actions.get().done_at is not None
    assert cases["leave"].actions.get().done_at is None
    assert cases["done"].events.get(kind="closed").params["actions_done"] == 1
    assert cases["leave"].events.get(kind="closed").params["actions_left_open"] == 1
    # An action left open is not overdue while the case is closed.
    tomorrow = office.today() + datetime.timedelta(days=5)
    assert not selectors.overdue_actions(supervisor, tomorrow).exists()


def test_the_closure_forms_list_open_actions_and_referrals_and_the_decision_ends_them(
    client, referred, counsellor, supervisor, partner_worker, office, english
):
    case = referred.case
    services.add_action(
        case=case,
        description="Telepon agensi",
        owner=counsellor,
        due_on=office.today(),
        by=counsellor,
    )
    url = reverse("cases:case-detail", args=[case.pk])
    client.force_login(counsellor)
    page = client.get(url)
    assert 'data-testid="closure-open-items"' in page.content.decode()
    assert [r.pk for r in page.context["open_referrals"]] == [referred.pk]
    services.request_closure(case=case, by=counsellor, outcome=Outcome.RESOLVED)

    client.force_login(supervisor)
    page = client.get(url)
    html = page.content.decode()
    assert 'name="open_actions"' in html and 'name="end_referrals"' in html
    decide = reverse("cases:closure-decide", args=[case.pk])
    unanswered = client.post(decide, {"decision": "approve"}, follow=True)
    assert any("still open" in str(m) for m in unanswered.context["messages"])
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED

    client.post(decide, {"decision": "approve", "open_actions": "done", "end_referrals": "on"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    _partner_sees_nothing(client, partner_worker, Referral.objects.get(pk=referred.pk))


def test_closing_ends_every_referral_and_no_reminder_goes_out(
    make_case, counsellor, supervisor, partner, office
):
    case = make_case()
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    waiting = services.send_referral(
        case=case, by=counsellor, partner=partner, service="Konseling", due_on=office.today()
    )
    later = office.today() + datetime.timedelta(days=3)
    assert waiting in partner_selectors.unanswered_referrals(later)
    _close(case, counsellor, supervisor, end_referrals=True)
    assert waiting not in partner_selectors.unanswered_referrals(later)


# --- Revoking a referral ----------------------------------------------------------------------


def test_the_case_worker_revokes_a_referral_on_the_case_page(
    client, referred, counsellor, partner_worker, english
):
    case = referred.case
    client.force_login(counsellor)
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    url = reverse("cases:referral-revoke", args=[case.pk, referred.pk])
    assert url in page.content.decode()

    empty = client.post(url, {"revoke-reason": ""}, follow=True)
    assert any("Write the reason." in str(m) for m in empty.context["messages"])
    referred.refresh_from_db()
    assert referred.stopped_at is None

    client.post(url, {"revoke-reason": "Mitra punya hubungan dengan pelaku."})
    referred.refresh_from_db()
    assert referred.end_reason == ReferralEnd.REVOKED and referred.stopped_at is not None
    assert "Mitra punya hubungan dengan pelaku." in [note.text for note in case.notes.all()]
    event = case.events.get(kind="referral_revoked")
    assert event.params == {"partner": referred.partner.name}
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert 'data-testid="referral-ended"' in page.content.decode()
    assert page.context["referrals"][0].revoke_form is None

    _partner_sees_nothing(client, partner_worker, referred)
    _partner_cannot_act(client, partner_worker, referred)

    client.force_login(counsellor)
    again = client.post(url, {"revoke-reason": "Lagi."}, follow=True)
    assert any("already ended" in str(m) for m in again.context["messages"])


def test_revoking_through_the_api(client, referred, counsellor, head, make_user):
    base = f"/api/v1/cases/{referred.case_id}/referrals/{referred.pk}/revoke"
    client.force_login(head)
    assert _json(client, base, {"reason": "x"}).status_code == 403
    client.force_login(make_user(Role.COUNSELLOR, username="cirebon.counsellor3"))
    assert _json(client, base, {"reason": "x"}).status_code == 403
    referred.refresh_from_db()
    assert referred.stopped_at is None

    client.force_login(counsellor)
    assert _json(client, base, {}).status_code == 422
    other = f"/api/v1/cases/{referred.case_id}/referrals/{referred.pk + 1000}/revoke"
    assert _json(client, other, {"reason": "x"}).status_code == 404
    revoked = _json(client, base, {"reason": "Klien minta dihentikan."})
    assert revoked.status_code == 200
    assert revoked.json()["is_stopped"] is True and revoked.json()["end_reason"] == "revoked"
    again = _json(client, base, {"reason": "Lagi."})
    assert again.status_code == 409 and again.json()["code"] == "referral_ended"


def test_the_partner_is_not_told_that_the_client_withdrew_or_why_a_referral_was_revoked(
    client, referred, make_case, counsellor, partner, partner_worker, office, english
):
    services.revoke_referral(referral=referred, by=counsellor, reason="Pelaku bekerja di sana.")
    other = make_case()
    consent = services.record_consent(
        case=other,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    withdrawn = services.send_referral(
        case=other, by=counsellor, partner=partner, service="Konseling", due_on=office.today()
    )
    services.withdraw_consent(consent=consent, by=counsellor)

    client.force_login(partner_worker)
    for referral in (referred, withdrawn):
        page = client.get(reverse("cases:partner-referral-detail", args=[referral.pk]))
        html = page.content.decode()
        assert "The office ended this referral" in html
        assert "Pelaku" not in html and "withdr" not in html.lower() and "consent" not in html
        api = client.get(f"/api/v1/partner/referrals/{referral.pk}").json()
        assert api["end_reason"] == "ended_by_office"
        assert "Pelaku" not in json.dumps(api)


# --- Consent after closure --------------------------------------------------------------------


def test_consent_can_be_withdrawn_after_closure(
    client, referred, counsellor, supervisor, partner_worker
):
    case = referred.case
    _close(case, counsellor, supervisor, end_referrals=True)
    consent = referred.consent

    client.force_login(counsellor)
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert page.context["can_withdraw"] is True
    url = reverse("cases:consent-withdraw", args=[case.pk, consent.pk])
    assert url in page.content.decode()
    assert client.post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None and consent.withdrawn_by == counsellor
    event = case.events.get(kind="consent_withdrawn")
    assert event.params == {"partner": consent.recipient.name, "referrals_ended": 0}
    # The referral had ended with the closure: it keeps that reason.
    referred.refresh_from_db()
    assert referred.end_reason == ReferralEnd.CASE_CLOSED


def test_consent_is_withdrawn_through_the_api_after_closure(
    client, referred, counsellor, supervisor, head
):
    case = referred.case
    _close(case, counsellor, supervisor, end_referrals=True)
    url = f"/api/v1/cases/{case.pk}/consents/{referred.consent_id}/withdraw"
    client.force_login(head)
    assert _json(client, url).status_code == 403
    client.force_login(counsellor)
    response = _json(client, url)
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_withdrawing_consent_ends_its_live_referrals(referred, counsellor, partner_worker):
    services.withdraw_consent(consent=referred.consent, by=counsellor)
    referred.refresh_from_db()
    assert referred.end_reason == ReferralEnd.CONSENT_WITHDRAWN
    event = referred.case.events.get(kind="consent_withdrawn")
    assert event.params["referrals_ended"] == 1


# --- Reopening --------------------------------------------------------------------------------


def test_a_supervisor_reopens_a_closed_case_with_a_reason(
    client, referred, counsellor, supervisor, partner_worker
):
    case = referred.case
    services.request_closure(
        case=case,
        by=counsellor,
        outcome=Outcome.PARTLY,
        money_recovered_idr=5_000_000,
        money_original_amount=Decimal("2500.00"),
        money_original_currency="HKD",
    )
    services.decide_closure(case=case, by=supervisor, approve=True, end_referrals=True)
    url = reverse("cases:case-reopen", args=[case.pk])

    client.force_login(counsellor)
    assert client.post(url, {"reopen-reason": "Klien datang lagi."}).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert page.context["reopen_form"] is not None
    client.post(url, {"reopen-reason": ""})
    case.refresh_from_db()
    assert case.is_closed

    client.post(url, {"reopen-reason": "Klien datang lagi: majikan belum membayar."})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert (case.closed_at, case.closed_by, case.outcome) == (None, None, "")
    assert (case.money_recovered_idr, case.money_original_amount) == (0, None)
    assert "Klien datang lagi: majikan belum membayar." in [note.text for note in case.notes.all()]
    assert case.events.get(kind="reopened").params == {"outcome": Outcome.PARTLY}
    assert case in selectors.my_cases(counsellor)
    # The referral stays ended: the partner sees nothing again by a reopening.
    referred.refresh_from_db()
    assert referred.has_ended
    _partner_sees_nothing(client, partner_worker, referred)
    # The case worker works on it again.
    services.add_note(case=case, text="Lanjut.", by=counsellor)


def test_reopening_an_open_case_or_without_the_supervisor_role_is_refused(
    client, make_case, counsellor, supervisor
):
    case = make_case()
    with pytest.raises(DomainError) as refused:
        services.reopen_case(case=case, by=supervisor, reason="x")
    assert refused.value.code == "not_closed"
    client.force_login(supervisor)
    response = _json(client, f"/api/v1/cases/{case.pk}/reopen", {"reason": "x"})
    assert response.status_code == 409
    _close(case, counsellor, supervisor)
    client.force_login(counsellor)
    assert _json(client, f"/api/v1/cases/{case.pk}/reopen", {"reason": "x"}).status_code == 403
    client.force_login(supervisor)
    reopened = _json(client, f"/api/v1/cases/{case.pk}/reopen", {"reason": "Kembali."})
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


# --- Closure proposal, locking and saving only what changes -----------------------------------


def test_a_refused_closure_clears_the_proposed_outcome(make_case, counsellor, supervisor):
    case = make_case()
    services.request_closure(
        case=case,
        by=counsellor,
        outcome=Outcome.RESOLVED,
        money_recovered_idr=15_000_000,
        money_original_amount=Decimal("7000.00"),
        money_original_currency="TWD",
        return_assisted=True,
        legal_action=True,
    )
    services.decide_closure(case=case, by=supervisor, approve=False, reason="Uang belum diterima.")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.outcome == "" and case.money_recovered_idr == 0
    assert case.money_original_amount is None and case.money_original_currency == ""
    assert not case.return_assisted and not case.legal_action
    assert case.closure_requested_by is None and case.closure_requested_at is None


def test_a_status_change_saves_only_the_fields_it_changes(make_case, counsellor, supervisor):
    """Someone else's change made while the caller held an older copy of the case is kept."""
    case = make_case(narrative=STORY)
    stale = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(priority=1, employer="Majikan Wong")
    fresh = Case.objects.get(pk=case.pk)
    fresh.narrative = "Cerita yang diperbarui."
    fresh.save(update_fields=["narrative"])

    services.set_status(case=stale, status=CaseStatus.IN_PROGRESS, by=counsellor)
    services.request_closure(case=stale, by=counsellor, outcome=Outcome.RESOLVED)
    services.decide_closure(case=stale, by=supervisor, approve=False, reason="Belum.")
    services.request_closure(case=stale, by=counsellor, outcome=Outcome.RESOLVED)
    services.decide_closure(case=stale, by=supervisor, approve=True)
    services.restrict_case(case=stale, by=counsellor, reason="Kekerasan.")
    services.reopen_case(case=stale, by=supervisor, reason="Kembali.")

    case.refresh_from_db()
    assert (case.priority, case.employer, case.narrative) == (
        1,
        "Majikan Wong",
        "Cerita yang diperbarui.",
    )
    assert case.status == CaseStatus.IN_PROGRESS and case.is_restricted


def test_a_closure_request_for_a_case_closed_meanwhile_is_refused(
    make_case, counsellor, supervisor
):
    case = make_case()
    stale = Case.objects.get(pk=case.pk)
    _close(case, counsellor, supervisor)
    with pytest.raises(DomainError) as refused:
        services.request_closure(case=stale, by=counsellor, outcome=Outcome.NOT_RESOLVED)
    assert refused.value.code == "case_closed"
    case.refresh_from_db()
    assert case.outcome == Outcome.RESOLVED


def test_a_referral_for_a_case_closed_meanwhile_is_refused(
    make_case, counsellor, supervisor, partner, office
):
    case = make_case()
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    stale = Case.objects.get(pk=case.pk)
    _close(case, counsellor, supervisor)
    with pytest.raises(DomainError) as refused:
        services.send_referral(
            case=stale, by=counsellor, partner=partner, service="Konseling", due_on=office.today()
        )
    assert refused.value.code == "case_closed"
    assert not Referral.objects.exists()


def _race(n: int, action) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            action(i)
            result = "ok"
        except DomainError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_at_once_close_the_case_once(
    make_case, counsellor, supervisor, make_user
):
    second = make_user(Role.CASE_SUPERVISOR, username="cirebon.supervisor2", gender="F")
    case = make_case()
    services.request_closure(case=case, by=counsellor, outcome=Outcome.RESOLVED)
    deciders = [supervisor, second, supervisor, second]

    outcomes = _race(
        4,
        lambda i: services.decide_closure(
            case=Case.objects.get(pk=case.pk), by=deciders[i], approve=True
        ),
    )

    assert outcomes == ["no_closure_requested"] * 3 + ["ok"]
    assert CaseEvent.objects.filter(case=case, kind="closed").count() == 1


# --- Currencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["XYZ", "DEM", "XTS", "12A"])
def test_a_closure_with_an_unknown_or_withdrawn_currency_is_refused(make_case, counsellor, code):
    case = make_case()
    with pytest.raises(DomainError) as refused:
        services.request_closure(
            case=case,
            by=counsellor,
            outcome=Outcome.RESOLVED,
            money_original_amount=Decimal("10"),
            money_original_currency=code,
        )
    assert refused.value.code == "invalid_currency" and refused.value.status == 422
    assert "money_original_currency" in refused.value.details
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.outcome == ""


def test_a_currency_in_use_is_accepted_in_any_case(make_case, counsellor):
    case = make_case()
    services.request_closure(
        case=case,
        by=counsellor,
        outcome=Outcome.RESOLVED,
        money_original_amount=Decimal("10"),
        money_original_currency="myr",
    )
    case.refresh_from_db()
    assert case.money_original_currency == "MYR"


def test_the_closure_form_offers_currencies_by_name_and_refuses_others():
    with translation.override("en"):
        form = ClosureForm({"outcome": "resolved", "money_original_currency": "XYZ"})
        assert not form.is_valid()
        assert form.errors["money_original_currency"] == [
            "XYZ is not the ISO 4217 code of a currency in use."
        ]
        choices = dict(ClosureForm().fields["money_original_currency"].choices)
        assert choices["HKD"] == "HKD · Hong Kong Dollar" and "DEM" not in choices
    with translation.override("id"):
        choices = dict(ClosureForm().fields["money_original_currency"].choices)
        assert choices["HKD"] == "HKD · Dolar Hong Kong"
        form = ClosureForm({"outcome": "resolved", "money_original_currency": "twd"})
        assert form.is_valid() and form.cleaned_data["money_original_currency"] == "TWD"


def test_the_api_refuses_an_unknown_currency_with_a_translated_error(client, make_case, counsellor):
    case = make_case()
    client.force_login(counsellor)
    url = f"/api/v1/cases/{case.pk}/closure-request"
    body = {"outcome": "resolved", "money_original_amount": "10", "money_original_currency": "XYZ"}
    english = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 422
    assert "XYZ is not the ISO 4217 code of a currency in use." in english.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    good = _json(client, url, {**body, "money_original_currency": "sgd"})
    assert good.status_code == 200
    case.refresh_from_db()
    assert case.money_original_currency == "SGD"


# --- The timeline in the reader's language ----------------------------------------------------


def test_the_timeline_is_put_into_words_in_the_readers_language(
    client, make_case, counsellor, supervisor, english
):
    case = make_case()
    with translation.override("id"):
        services.set_status(case=case, status=CaseStatus.IN_PROGRESS, by=counsellor)
        services.request_closure(case=case, by=counsellor, outcome=Outcome.PARTLY)
        services.decide_closure(case=case, by=supervisor, approve=True)
        services.reopen_case(case=case, by=supervisor, reason="Kembali.")
    stored = list(case.events.filter(kind__in=["status", "closure_requested", "reopened"]))
    assert all(event.detail == "" and event.params for event in stored)

    with translation.override("en"):
        words = {e.kind: (events.label(e), events.detail(e)) for e in case.events.all()}
    assert words["status"] == ("Status changed", "In progress")
    assert words["closure_requested"] == ("Closure requested", "Partly resolved")
    assert words["reopened"] == ("Case reopened", "outcome of the closure: Partly resolved")

    client.force_login(supervisor)
    timeline = client.get(f"/api/v1/cases/{case.pk}/timeline", HTTP_ACCEPT_LANGUAGE="en").json()
    reopened = next(row for row in timeline if row["kind"] == "reopened")
    assert reopened["detail"] == "outcome of the closure: Partly resolved"
    assert reopened["params"] == {"outcome": "partly"}
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert "Partly resolved" in page.content.decode()


def test_events_written_before_parameters_keep_their_words(make_case, counsellor):
    case = make_case()
    old = CaseEvent.objects.create(case=case, kind="status", by=counsellor, detail="Ditangani")
    assert events.detail(old) == "Ditangani"
    assert events.label(old) == str(events.LABELS["status"])
    # Words that only repeated the label are not shown twice.
    opened = CaseEvent.objects.create(case=case, kind="opened", by=counsellor, detail="Dibuka")
    assert events.detail(opened) == ""


def test_every_event_a_service_writes_has_a_label_and_no_stored_words(
    client, referred, counsellor, supervisor, partner_worker, office, english, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = referred.case
    services.add_note(case=case, text="Catatan.", by=counsellor)
    action = services.add_action(
        case=case, description="x", owner=counsellor, due_on=office.today(), by=counsellor
    )
    services.complete_action(action=action, by=counsellor)
    services.record_contact(
        by=counsellor,
        kind="counselling",
        channel="phone",
        topic="rights",
        occurred_on=office.today(),
        case=case,
    )
    services.assign(case=case, worker=supervisor, by=supervisor, replace=True)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    services.upload_attachment(case=case, by=supervisor, title="Surat", file=upload)
    partner_services.add_feedback(
        referral=referred, by=partner_worker, feedback="Lagi.", complete=True
    )
    services.revoke_referral(referral=referred, by=supervisor, reason="Selesai.")

    written = list(case.events.all())
    assert {e.kind for e in written} >= {
        "opened", "assigned", "unassigned", "consent", "referral", "referral_accepted",
        "referral_update", "referral_completed", "note", "action", "action_done", "contact",
        "attachment", "referral_revoked",
    }  # fmt: skip
    for event in written:
        assert event.detail == "", event.kind
        assert event.kind in events.LABELS, event.kind
    with translation.override("en"):
        words = {e.kind: events.detail(e) for e in written}
    assert words["referral"] == referred.partner.name
    assert words["contact"] == "Counselling session"
    assert words["action"].startswith("due ")
    assert words["unassigned"] == str(counsellor)


def test_open_actions_of_a_closed_case_are_not_counted_overdue(
    make_case, counsellor, supervisor, office
):
    case = make_case()
    action = services.add_action(
        case=case, description="x", owner=counsellor, due_on=office.today(), by=counsellor
    )
    _close(case, counsellor, supervisor, open_actions="leave")
    later = office.today() + datetime.timedelta(days=2)
    assert ActionItem.objects.get(pk=action.pk).done_at is None
    assert not selectors.overdue_cases(supervisor, later).filter(pk=case.pk).exists()


def test_the_migration_ends_the_referrals_of_cases_closed_before_it(referred):
    """Cases closed before this change kept their referrals live: the migration ends them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("satuatap.cases.migrations.0006_referral_end_reason")
    closed_at = referred.sent_at + datetime.timedelta(days=3)
    Case.objects.filter(pk=referred.case_id).update(status=CaseStatus.CLOSED, closed_at=closed_at)
    live = Referral.objects.create(
        case=referred.case,
        partner=referred.partner,
        consent=referred.consent,
        service="Lain",
        due_on=referred.due_on,
    )

    migration.end_access(apps, None)

    for referral in Referral.objects.filter(pk__in=[referred.pk, live.pk]):
        assert referral.end_reason == ReferralEnd.CASE_CLOSED
        assert referral.stopped_at == closed_at
