"""The MRC demo data (`satuatap seed_demo`): per pilot office, contacts, cases of every category
and status (some restricted), referrals to every partner in every state; written through the
services (so encrypted at rest), and idempotent.

The demo is seeded once for the package (tests/demo/seeded/conftest.py `demo_data`)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from satuatap.cases import selectors
from satuatap.cases.models import (
    ActionItem,
    Case,
    CaseCategory,
    CaseConsent,
    CaseEvent,
    CaseNote,
    CaseStatus,
    Category,
    Contact,
    GroupCount,
    Referral,
    ReferralEnd,
    ReferralState,
)
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.core.models import Organisation, User
from satuatap.demo import cases as demo

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-seeded")]

PILOT_OFFICES = ["cirebon", "tulungagung", "blitar", "lampung-timur"]


def _user(office: str, role: str) -> User:
    return User.objects.get(username=f"{office}.{role}")


def test_each_pilot_office_has_contacts_and_cases_of_every_category_and_status(demo_data):
    for slug in PILOT_OFFICES:
        office = Organisation.objects.get(slug=slug)
        today = office.today()
        cases = Case.objects.filter(office=office)
        supervisor, counsellor = _user(slug, "supervisor"), _user(slug, "counsellor")

        categories = CaseCategory.objects.filter(case__office=office)
        assert set(categories.values_list("category", flat=True)) == set(Category.values), slug
        assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values), slug

        restricted = cases.filter(is_restricted=True)
        assert restricted.filter(gbv_types__isnull=False).exists(), slug
        assert restricted.filter(categories__category=Category.TRAFFICKING).exists(), slug
        assert any(c.client.age_on(c.received_on) < 18 for c in restricted), slug
        assert cases.filter(is_restricted=False).count() > restricted.count()
        # Restricted cases stay hidden from those not assigned, as in real use.
        assert set(selectors.visible_cases(supervisor)) == set(cases)
        assert restricted.exclude(pk__in=selectors.visible_cases(counsellor)).exists(), slug
        assert not selectors.visible_cases(_user(slug, "head")).filter(is_restricted=True)

        closed = cases.filter(status=CaseStatus.CLOSED)
        assert closed.filter(money_recovered_idr__gt=0, closed_by=supervisor).exists(), slug
        assert all(c.outcome and c.closed_at for c in closed), slug
        waiting = selectors.awaiting_closure(supervisor)
        assert waiting.filter(closure_requested_at__isnull=False, outcome__gt="").exists()
        assert selectors.overdue_actions(supervisor, today).exists(), slug
        assert ActionItem.objects.filter(case__office=office, done_at__isnull=False).exists()
        assert CaseNote.objects.filter(case__office=office).count() >= 10
        for case in cases.filter(wants_woman_worker=True):
            workers = [a.worker for a in case.assignments.filter(ended_at__isnull=True)]
            assert workers and all(w.gender == "F" for w in workers), case.number

        # Timelines run over the weeks the case has been open, in order.
        for case in cases:
            stamps = list(CaseEvent.objects.filter(case=case).values_list("at", flat=True))
            assert stamps == sorted(stamps)
            opened = timezone.localtime(stamps[0], office.zone).date()
            assert opened == case.received_on, case.number
            assert stamps[-1] <= timezone.now()

        contacts = Contact.objects.filter(office=office)
        assert 15 <= contacts.count() <= 40, slug
        assert set(contacts.values_list("kind", flat=True)) == {"information", "counselling"}
        assert all(today - c.occurred_on < datetime.timedelta(days=92) for c in contacts)
        assert all(c.occurred_on <= today for c in contacts)
        counts = GroupCount.objects.filter(contact__office=office)
        assert {"F", "M"} <= set(counts.values_list("sex", flat=True)), slug
        assert len(set(counts.values_list("age_band", flat=True))) >= 3
        assert contacts.filter(is_group=True, participants__isnull=False).exists()
        assert contacts.filter(case__isnull=False).exists()


def test_each_pilot_office_has_referrals_to_every_partner_in_every_state(demo_data):
    for slug in PILOT_OFFICES:
        office = Organisation.objects.get(slug=slug)
        today = office.today()
        referrals = Referral.objects.filter(case__office=office)
        live = referrals.filter(stopped_at__isnull=True)

        assert live.filter(state=ReferralState.SENT, due_on__gte=today).exists(), slug
        overdue = selectors.overdue_referrals(_user(slug, "supervisor"), today)
        assert overdue.exists(), slug
        assert live.filter(state=ReferralState.ACCEPTED).exists(), slug
        declined = live.filter(state=ReferralState.DECLINED)
        assert declined.exists() and all(r.decline_reason for r in declined), slug
        completed = live.filter(state=ReferralState.COMPLETED)
        assert completed.exists() and all(r.feedback and r.completed_at for r in completed)
        stopped = referrals.filter(end_reason=ReferralEnd.CONSENT_WITHDRAWN)
        assert stopped.exists() and all(not r.consent.is_active for r in stopped), slug
        # A closed case shares nothing any more: every referral of it ended with the closure.
        of_closed = referrals.filter(case__status=CaseStatus.CLOSED)
        assert of_closed.exists(), slug
        assert not of_closed.filter(stopped_at__isnull=True).exists(), slug
        assert not of_closed.exclude(
            end_reason__in=[ReferralEnd.CASE_CLOSED, ReferralEnd.CONSENT_WITHDRAWN]
        ).exists(), slug

        partners = set(office.partners.values_list("pk", flat=True))
        assert set(referrals.values_list("partner_id", flat=True)) == partners, slug
        for referral in referrals:
            assert referral.consent.recipient_id == referral.partner_id
            assert referral.consent.case_id == referral.case_id

    # The demo partner login has referrals waiting for an answer, and sees only what was shared.
    caseworker = User.objects.get(username="wcc-mawar-balqis.caseworker")
    mine = partner_selectors.partner_referrals(caseworker)
    assert mine.filter(state=ReferralState.SENT).count() >= 2
    for referral in mine:
        view = partner_selectors.shared_view(referral)
        if referral.has_ended:
            assert view == {"items": []}
            continue
        assert set(referral.consent.items) == set(view["items"])
        if "narrative" not in referral.consent.items:
            assert "narrative" not in view and "message" not in view


def _snapshot():
    return (
        list(Case.objects.order_by("pk").values_list("pk", "number", "status", "updated_at")),
        list(Referral.objects.order_by("pk").values_list("pk", "state", "due_on", "sent_at")),
        Contact.objects.count(),
        CaseEvent.objects.count(),
        CaseConsent.objects.count(),
        CaseNote.objects.count(),
        ActionItem.objects.count(),
        sorted(User.objects.values_list("username", "password")),
    )


def test_demo_text_is_encrypted_at_rest_and_seeding_again_changes_nothing(demo_data):
    columns = {
        "cases_case": ["narrative", "safety_notes", "recruiter"],
        "cases_casenote": ["text"],
        "cases_actionitem": ["description"],
        "cases_referral": ["message", "feedback"],
        "cases_contact": ["notes"],
    }
    with connection.cursor() as cursor:
        for table, names in columns.items():
            for name in names:
                cursor.execute(f"SELECT {name} FROM {table}")  # noqa: S608 - fixed names
                values = [row[0] for row in cursor.fetchall() if row[0]]
                assert values, (table, name)
                assert all(v.startswith("fernet:") for v in values), (table, name)
                assert not any("klien" in v.lower() for v in values), (table, name)
    # …and the application reads them back.
    assert any(c.narrative.startswith("Klien dipukul") for c in Case.objects.all())

    before = _snapshot()
    demo.seed()
    assert _snapshot() == before
