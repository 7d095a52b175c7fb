"""MRC services: intake, restriction, priority, assignment, plan, closure, consent, referrals."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry

from satuatap.cases import selectors, services
from satuatap.cases.models import (
    AgeBand,
    Case,
    CaseStatus,
    Category,
    Channel,
    ContactKind,
    GbvType,
    Outcome,
    ReferralEnd,
    ReferralState,
    SharedItem,
    Topic,
    Urgency,
)
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.partner import services as partner_services
from satuatap.cases.references import is_valid_reference
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _consent(case, by, partner, items=(SharedItem.IDENTITY, SharedItem.SUMMARY), today=None):
    return services.record_consent(
        case=case,
        by=by,
        recipient=partner,
        items=items,
        given_on=today or case.office.today(),
        method="signed",
    )


# --- Intake -----------------------------------------------------------------------------------


def test_a_wage_complaint_is_open_normal_priority_and_assigned_to_its_counsellor(
    make_case, counsellor
):
    case = make_case()
    assert case.number.startswith("MRC-CIREBON-") and is_valid_reference(case.number)
    assert case.status == CaseStatus.OPEN
    assert case.priority == 3
    assert case.is_restricted is False
    assert list(case.assignments.values_list("worker", flat=True)) == [counsellor.pk]


@pytest.mark.parametrize(
    ("categories", "gbv", "restricted"),
    [
        ((Category.WAGES,), (), False),
        ((Category.GBV,), (GbvType.RAPE,), True),
        ((Category.TRAFFICKING,), (), True),
        ((Category.WORKPLACE_VIOLENCE,), (), True),
        ((Category.FEES,), (GbvType.PSYCHOLOGICAL,), True),
    ],
)
def test_violence_and_trafficking_restrict_the_case(make_case, categories, gbv, restricted):
    assert make_case(categories=categories, gbv=gbv).is_restricted is restricted


def test_a_child_client_restricts_the_case(make_case, office):
    child = PersonFactory(office=office, birth_date=office.today().replace(year=2012))
    assert make_case(client=child).is_restricted is True


def test_children_at_risk_restricts_the_case(make_case):
    assert make_case(safety=["children_at_risk"]).is_restricted is True


@pytest.mark.parametrize(
    ("urgency", "safety", "priority"),
    [
        (Urgency.LOW, [], 4),
        (Urgency.NORMAL, [], 3),
        (Urgency.LOW, ["needs_shelter"], 2),
        (Urgency.HIGH, [], 2),
        (Urgency.NORMAL, ["immediate_danger"], 1),
        (Urgency.CRITICAL, [], 1),
    ],
)
def test_the_safety_assessment_raises_the_priority(make_case, urgency, safety, priority):
    assert make_case(urgency=urgency, safety=safety).priority == priority


def test_first_steps_follow_the_safety_answers(make_case):
    with_danger = make_case(safety=["immediate_danger", "needs_shelter"])
    assert len(services.first_steps(with_danger)) == 2
    assert services.first_steps(make_case()) == []


def test_intake_without_category_is_refused_and_saves_nothing(counsellor, client_person):
    with pytest.raises(DomainError) as error:
        services.open_case(
            by=counsellor, client=client_person, channel=Channel.PHONE, categories=[]
        )
    assert "categories" in error.value.details
    assert not Case.objects.exists()


def test_a_client_of_another_office_is_refused(counsellor, other_office):
    stranger = PersonFactory(office=other_office)
    with pytest.raises(DomainError) as error:
        services.open_case(
            by=counsellor, client=stranger, channel=Channel.PHONE, categories=[Category.WAGES]
        )
    assert error.value.code == "person_not_found"


def test_a_mother_may_complain_for_her_daughter(make_case, office):
    mother = PersonFactory(office=office, sex="F")
    case = make_case(complainant=mother, complainant_relation="ibu")
    assert case.complainant == mother and case.client != mother


def test_front_desk_cannot_open_a_case(make_user, client_person):
    with pytest.raises(DomainError) as error:
        services.open_case(
            by=make_user(Role.FRONTDESK),
            client=client_person,
            channel=Channel.WALK_IN,
            categories=[Category.WAGES],
        )
    assert error.value.status == 403


# --- Who sees a restricted case ---------------------------------------------------------------


def test_a_restricted_case_is_seen_only_by_its_worker_and_the_supervisors(
    gbv_case, counsellor, supervisor, head, make_user, other_office, analyst
):
    other_counsellor = make_user(Role.COUNSELLOR, username="cirebon.counsellor9")
    elsewhere = make_user(Role.CASE_SUPERVISOR, organisation=other_office)
    for user in (counsellor, supervisor):
        assert gbv_case in selectors.visible_cases(user)
        assert user.has_perm("cases.view_case", gbv_case)
    for user in (other_counsellor, head, elsewhere, analyst):
        assert gbv_case not in selectors.visible_cases(user)
        assert not user.has_perm("cases.view_case", gbv_case)


def test_an_ordinary_case_is_seen_by_every_counsellor_and_the_head(make_case, make_user, head):
    case = make_case()
    other_counsellor = make_user(Role.COUNSELLOR, username="cirebon.counsellor9")
    assert case in selectors.visible_cases(other_counsellor)
    assert case in selectors.visible_cases(head)
    assert not other_counsellor.has_perm("cases.work_on_case", case)


def test_a_reassigned_worker_loses_a_restricted_case(gbv_case, counsellor, supervisor):
    colleague = PersonFactory  # noqa: F841 - readability: the new worker is made below
    woman = supervisor  # the supervisor takes the case over herself
    services.assign(case=gbv_case, worker=woman, by=supervisor, replace=True)
    assert gbv_case not in selectors.visible_cases(counsellor)


def test_contacts_of_a_hidden_case_are_hidden_too(gbv_case, counsellor, make_user, today):
    services.record_contact(
        by=counsellor,
        kind=ContactKind.COUNSELLING,
        channel=Channel.PHONE,
        topic=Topic.GBV,
        occurred_on=today,
        case=gbv_case,
        notes="Follow-up call.",
    )
    other_counsellor = make_user(Role.COUNSELLOR, username="cirebon.counsellor9")
    assert selectors.visible_contacts(counsellor).count() == 1
    assert selectors.visible_contacts(other_counsellor).count() == 0


# --- Woman case worker ------------------------------------------------------------------------


def test_a_request_for_a_woman_case_worker_is_respected(
    make_case, counsellor, woman_counsellor, supervisor
):
    case = make_case(wants_woman_worker=True)  # the recording counsellor is not a woman
    assert not case.assignments.exists()
    with pytest.raises(DomainError) as error:
        services.assign(case=case, worker=counsellor, by=supervisor)
    assert error.value.code == "woman_worker_requested"
    services.assign(case=case, worker=woman_counsellor, by=supervisor)
    assert list(case.assignments.values_list("worker", flat=True)) == [woman_counsellor.pk]


def test_only_a_supervisor_assigns(make_case, counsellor, woman_counsellor):
    case = make_case()
    with pytest.raises(DomainError) as error:
        services.assign(case=case, worker=woman_counsellor, by=counsellor)
    assert error.value.status == 403


# --- Contacts ---------------------------------------------------------------------------------


def test_a_group_session_keeps_counts_by_sex_and_age_band(counsellor, today):
    contact = services.record_contact(
        by=counsellor,
        kind=ContactKind.INFORMATION,
        channel=Channel.OUTREACH,
        topic=Topic.SAFE_MIGRATION,
        occurred_on=today,
        is_group=True,
        counts=[("F", AgeBand.YOUNG, 12), ("M", AgeBand.YOUNG, 5), ("F", AgeBand.YOUNG, 3)],
    )
    counts = {(c.sex, c.age_band): c.count for c in contact.counts.all()}
    assert counts == {("F", AgeBand.YOUNG): 15, ("M", AgeBand.YOUNG): 5}


def test_a_group_session_without_participants_is_refused(counsellor, today):
    with pytest.raises(DomainError) as error:
        services.record_contact(
            by=counsellor,
            kind=ContactKind.INFORMATION,
            channel=Channel.OUTREACH,
            topic=Topic.SAFE_MIGRATION,
            occurred_on=today,
            is_group=True,
        )
    assert "counts" in error.value.details


def test_a_contact_in_the_future_is_refused(counsellor, today):
    with pytest.raises(DomainError):
        services.record_contact(
            by=counsellor,
            kind=ContactKind.INFORMATION,
            channel=Channel.PHONE,
            topic=Topic.JOBS,
            occurred_on=today + datetime.timedelta(days=1),
        )


# --- Plan, status and closure -----------------------------------------------------------------


def test_overdue_actions_and_cases(make_case, counsellor, today):
    case = make_case()
    late = services.add_action(
        case=case,
        description="Hubungi agensi",
        owner=counsellor,
        due_on=today - datetime.timedelta(days=1),
        by=counsellor,
    )
    services.add_action(
        case=case, description="Kunjungan rumah", owner=counsellor, due_on=today, by=counsellor
    )
    assert list(selectors.overdue_actions(counsellor, today)) == [late]
    assert list(selectors.overdue_cases(counsellor, today)) == [case]
    services.complete_action(action=late, by=counsellor)
    assert not selectors.overdue_cases(counsellor, today).exists()


def test_closure_needs_a_supervisor(make_case, counsellor, supervisor):
    case = make_case()
    services.request_closure(
        case=case,
        by=counsellor,
        outcome=Outcome.RESOLVED,
        money_recovered_idr=15_000_000,
        money_original_amount=7500,
        money_original_currency="twd",
        return_assisted=True,
    )
    assert case.status == CaseStatus.RESOLVED
    with pytest.raises(DomainError) as error:
        services.decide_closure(case=case, by=counsellor, approve=True)
    assert error.value.status == 403
    services.decide_closure(case=case, by=supervisor, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == supervisor
    assert case.money_original_currency == "TWD"
    with pytest.raises(DomainError):
        services.add_note(case=case, text="late note", by=counsellor)


def test_a_supervisor_sends_closure_back_with_a_reason(make_case, counsellor, supervisor):
    case = make_case()
    services.request_closure(case=case, by=counsellor, outcome=Outcome.PARTLY)
    with pytest.raises(DomainError):
        services.decide_closure(case=case, by=supervisor, approve=False, reason=" ")
    services.decide_closure(case=case, by=supervisor, approve=False, reason="Gaji belum diterima")
    assert case.status == CaseStatus.IN_PROGRESS


def test_the_timeline_records_every_step_without_the_story(make_case, counsellor):
    case = make_case(narrative="Rahasia sekali")
    services.add_note(case=case, text="Catatan rahasia", by=counsellor)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "assigned", "note"]
    assert not case.events.filter(detail__icontains="rahasia").exists()


# --- Consent and referrals --------------------------------------------------------------------


def test_no_referral_without_consent(make_case, counsellor, partner, today):
    case = make_case()
    with pytest.raises(DomainError) as error:
        services.send_referral(
            case=case, by=counsellor, partner=partner, service="Shelter", due_on=today
        )
    assert error.value.code == "consent_required"
    assert not case.referrals.exists()


def test_consent_for_another_partner_does_not_count(make_case, counsellor, partner, today):
    from tests.factories import PartnerFactory

    legal_aid = PartnerFactory(slug="lbh", name="LBH", partner_type="legal_aid")
    case = make_case()
    legal_aid.partner_offices.add(case.office)
    _consent(case, counsellor, legal_aid)
    with pytest.raises(DomainError):
        services.send_referral(
            case=case, by=counsellor, partner=partner, service="Shelter", due_on=today
        )


def test_verbal_consent_needs_a_witness(make_case, counsellor, partner, today):
    with pytest.raises(DomainError) as error:
        services.record_consent(
            case=make_case(),
            by=counsellor,
            recipient=partner,
            items=[SharedItem.IDENTITY],
            given_on=today,
            method="verbal",
        )
    assert "witness" in error.value.details


def test_a_message_is_refused_when_the_story_was_not_consented(
    make_case, counsellor, partner, today
):
    case = make_case()
    _consent(case, counsellor, partner)
    with pytest.raises(DomainError) as error:
        services.send_referral(
            case=case,
            by=counsellor,
            partner=partner,
            service="Pendampingan",
            due_on=today,
            message="Dia dipukul",
        )
    assert error.value.code == "message_not_consented"


def test_referral_lifecycle_and_what_the_partner_sees(
    gbv_case, counsellor, partner, partner_worker, today
):
    _consent(gbv_case, counsellor, partner)
    referral = services.send_referral(
        case=gbv_case, by=counsellor, partner=partner, service="Shelter", due_on=today
    )
    gbv_case.refresh_from_db()
    assert gbv_case.status == CaseStatus.PENDING_PARTNER
    assert list(partner_selectors.partner_referrals(partner_worker)) == [referral]
    view = partner_selectors.shared_view(referral)
    assert view["client_name"] == "Siti Rahayu"
    assert "narrative" not in view and "safety_notes" not in view
    partner_services.answer_referral(referral=referral, by=partner_worker, accept=True)
    partner_services.add_feedback(
        referral=referral, by=partner_worker, feedback="Diterima di rumah aman"
    )
    partner_services.add_feedback(
        referral=referral, by=partner_worker, feedback="Selesai", complete=True
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    assert "Diterima di rumah aman" in referral.feedback and "Selesai" in referral.feedback


def test_a_partner_cannot_answer_another_partners_referral(
    make_case, counsellor, partner, make_user, today
):
    from tests.factories import PartnerFactory

    other = PartnerFactory(slug="lbh", name="LBH", partner_type="legal_aid")
    other_worker = make_user(Role.PARTNER_CASEWORKER, organisation=other)
    case = make_case()
    _consent(case, counsellor, partner)
    referral = services.send_referral(
        case=case, by=counsellor, partner=partner, service="Konseling", due_on=today
    )
    with pytest.raises(DomainError) as error:
        partner_services.answer_referral(referral=referral, by=other_worker, accept=True)
    assert error.value.status == 404
    assert not partner_selectors.partner_referrals(other_worker).exists()


def test_declining_needs_a_reason(make_case, counsellor, partner, partner_worker, today):
    case = make_case()
    _consent(case, counsellor, partner)
    referral = services.send_referral(
        case=case, by=counsellor, partner=partner, service="Konseling", due_on=today
    )
    with pytest.raises(DomainError):
        partner_services.answer_referral(referral=referral, by=partner_worker, accept=False)
    partner_services.answer_referral(
        referral=referral, by=partner_worker, accept=False, reason="Di luar wilayah"
    )
    assert referral.state == ReferralState.DECLINED


def test_withdrawn_consent_stops_sharing_and_new_referrals(
    make_case, counsellor, partner, partner_worker, today
):
    case = make_case()
    consent = _consent(case, counsellor, partner)
    referral = services.send_referral(
        case=case, by=counsellor, partner=partner, service="Konseling", due_on=today
    )
    services.withdraw_consent(consent=consent, by=counsellor)
    referral.refresh_from_db()
    assert referral.stopped_at is not None
    assert referral.end_reason == ReferralEnd.CONSENT_WITHDRAWN
    # The partner still finds the referral, as ended, with nothing of the client.
    assert list(partner_selectors.partner_referrals(partner_worker)) == [referral]
    assert not partner_worker.has_perm("cases.view_referral", referral)
    assert partner_selectors.shared_view(referral) == {"items": []}
    with pytest.raises(DomainError) as ended:
        partner_services.answer_referral(referral=referral, by=partner_worker, accept=True)
    assert ended.value.code == "referral_ended" and ended.value.status == 409
    with pytest.raises(DomainError) as error:
        services.send_referral(
            case=case, by=counsellor, partner=partner, service="Konseling", due_on=today
        )
    assert error.value.code == "consent_required"


def test_unanswered_referrals_past_due_are_overdue(make_case, counsellor, partner, today):
    case = make_case()
    _consent(case, counsellor, partner)
    referral = services.send_referral(
        case=case, by=counsellor, partner=partner, service="Konseling", due_on=today
    )
    assert not selectors.overdue_referrals(counsellor, today).exists()
    tomorrow = today + datetime.timedelta(days=1)
    assert list(selectors.overdue_referrals(counsellor, tomorrow)) == [referral]


# --- Audit ------------------------------------------------------------------------------------


def test_the_audit_trail_never_holds_the_encrypted_text(gbv_case, counsellor):
    services.add_note(case=gbv_case, text="Catatan sangat rahasia", by=counsellor)
    for entry in LogEntry.objects.all():
        text = str(entry.changes) + str(entry.additional_data)
        assert "Dipukul" not in text
        assert "rahasia" not in text
        assert "rumah kakak" not in text


def test_a_partner_that_does_not_work_with_the_office_cannot_receive_consent(
    make_case, counsellor, today
):
    from tests.factories import PartnerFactory

    unlinked = PartnerFactory(slug="lbh-jauh", name="LBH Jauh", partner_type="legal_aid")
    with pytest.raises(DomainError) as error:
        _consent(make_case(), counsellor, unlinked)
    assert error.value.code == "invalid_partner"


def test_intake_refuses_to_assign_a_man_when_a_woman_was_asked_for(
    counsellor, client_person, make_user
):
    man = make_user(Role.COUNSELLOR, username="cirebon.counsellor3", gender="M")
    with pytest.raises(DomainError) as error:
        services.open_case(
            by=counsellor,
            client=client_person,
            channel=Channel.WALK_IN,
            categories=[Category.WAGES],
            wants_woman_worker=True,
            assign_to=man,
        )
    assert error.value.code == "woman_worker_requested"
    assert not Case.objects.exists()


def test_negative_group_counts_are_refused(counsellor, today):
    with pytest.raises(DomainError) as error:
        services.record_contact(
            by=counsellor,
            kind=ContactKind.INFORMATION,
            channel=Channel.OUTREACH,
            topic=Topic.SAFE_MIGRATION,
            occurred_on=today,
            is_group=True,
            counts=[("F", AgeBand.YOUNG, 4), ("M", AgeBand.YOUNG, -2)],
        )
    assert "counts" in error.value.details
