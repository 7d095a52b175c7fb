"""The readiness gate: each condition on its own, and overrides of one failed condition."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.people.models import Sex
from satuatap.placement.files import services as files
from satuatap.placement.files.checklist import checklist
from satuatap.placement.files.models import (
    GateOverride,
    PlacementFile,
    SchemePolicy,
    Stage,
    StageChange,
)
from satuatap.placement.files.readiness import Gate, readiness
from satuatap.placement.models import AgencyStatus, Scheme
from tests.placement.files.test_checklist import add_document

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def give_complete_documents(placement_file: PlacementFile, today: datetime.date, skip=()) -> None:
    """A verified, valid scan of every document the file's checklist requires."""
    for entry in checklist(placement_file, today):
        code = entry.document_type.code
        if code in skip:
            continue
        expires_on = today + relativedelta(years=10) if code == "paspor" else None
        add_document(placement_file.person, code, issued_on=today, expires_on=expires_on)


@pytest.fixture
def hk_job_order(make_job_order, agency):
    return make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI, quota_women=2)


@pytest.fixture
def make_file(officer, make_worker, hk_job_order, today):
    """An open file of a woman of 25 on the HK job order, with every document verified."""

    def make(*, person=None, complete: bool = True, **values):
        values = {"job_order": hk_job_order} | values
        placement_file = files.open_file(person=person or make_worker(), by=officer, values=values)
        if complete:
            give_complete_documents(placement_file, today)
        return placement_file

    return make


def check(placement_file, today, gate: Gate):
    return next(c for c in readiness(placement_file, today).checks if c.gate == gate)


def failed_gates(placement_file, today) -> set[str]:
    return {c.gate for c in readiness(placement_file, today).failed}


def test_file_with_everything_in_order_is_ready(make_file, today):
    result = readiness(make_file(), today)

    assert result.is_ready
    assert result.failed == []
    assert [c.gate for c in result.checks] == list(Gate)


# --- Documents and passport --------------------------------------------------------------------


def test_a_missing_document_fails_only_the_documents_condition(make_worker, make_file, today):
    placement_file = make_file(complete=False)
    give_complete_documents(placement_file, today, skip={"skck"})

    assert failed_gates(placement_file, today) == {Gate.DOCUMENTS}
    assert check(placement_file, today, Gate.DOCUMENTS).problems == [
        "Police certificate (SKCK): missing."
    ]


def test_each_unverified_rejected_or_expired_document_is_named_with_what_to_do(make_file, today):
    from satuatap.people.models import VerificationStatus

    placement_file = make_file(complete=False)
    give_complete_documents(placement_file, today, skip={"ktp", "ijazah", "surat-kesehatan"})
    person = placement_file.person
    add_document(person, "ktp", status=VerificationStatus.PENDING)
    add_document(person, "ijazah", status=VerificationStatus.REJECTED, reason="Not the original")
    add_document(person, "surat-kesehatan", issued_on=today - 91 * DAY)

    assert check(placement_file, today, Gate.DOCUMENTS).problems == [
        "ID card (KTP): waiting for verification at a Population and civil registration desk, "
        "which this office does not have.",
        "School diploma: rejected (Not the original); a new scan is needed.",
        "Health letter (medical and psychological): expired; a new one is needed.",
    ]
    assert not readiness(placement_file, today).is_ready


def test_a_passport_expiring_before_the_contract_ends_fails_the_passport_condition(
    make_file, today
):
    placement_file = make_file(complete=False)
    give_complete_documents(placement_file, today, skip={"paspor"})
    add_document(placement_file.person, "paspor", expires_on=today + relativedelta(months=24) - DAY)

    assert failed_gates(placement_file, today) == {Gate.PASSPORT_VALIDITY}


def test_a_passport_valid_until_the_contract_ends_passes(make_file, today):
    placement_file = make_file(complete=False)
    give_complete_documents(placement_file, today, skip={"paspor"})
    add_document(placement_file.person, "paspor", expires_on=today + relativedelta(months=24))

    assert readiness(placement_file, today).is_ready


# --- Age ----------------------------------------------------------------------------------------


def test_a_worker_turning_18_today_passes_the_age_condition(make_worker, make_file, today):
    placement_file = make_file(person=make_worker(birth_date=today - relativedelta(years=18)))

    assert check(placement_file, today, Gate.AGE).passed


def test_a_worker_turning_18_tomorrow_fails_the_age_condition(make_worker, make_file, today):
    born = today - relativedelta(years=18) + DAY
    placement_file = make_file(person=make_worker(birth_date=born))

    assert check(placement_file, today, Gate.AGE).problems == [
        "The person is 17; this scheme needs workers aged at least 18."
    ]
    assert check(placement_file, today + DAY, Gate.AGE).passed


def test_a_worker_without_birth_date_fails_the_age_condition(make_worker, make_file, today):
    placement_file = make_file(person=make_worker(birth_date=None))

    assert check(placement_file, today, Gate.AGE).problems == [
        "The person's date of birth is not recorded."
    ]


def test_the_minimum_age_of_the_scheme_policy_applies(make_worker, make_file, today):
    SchemePolicy.objects.filter(scheme=Scheme.P3MI).update(minimum_age=21)
    placement_file = make_file(person=make_worker(birth_date=today - relativedelta(years=20)))

    assert check(placement_file, today, Gate.AGE).problems == [
        "The person is 20; this scheme needs workers aged at least 21."
    ]


# --- Employer or job order ----------------------------------------------------------------------


def test_a_p3mi_file_without_a_job_order_fails_the_employer_condition(make_file, today):
    placement_file = make_file(job_order=None, scheme=Scheme.P3MI, country="HK")

    assert check(placement_file, today, Gate.EMPLOYER).problems == [
        "This scheme needs a job order; none is linked to the file."
    ]


def test_an_individual_placement_needs_the_employer_named_not_a_job_order(make_file, today):
    placement_file = make_file(job_order=None, scheme=Scheme.INDIVIDUAL, country="SA")

    assert check(placement_file, today, Gate.EMPLOYER).problems == [
        "Name the employer on the file."
    ]

    placement_file.employer = "Al-Harbi family"
    assert check(placement_file, today, Gate.EMPLOYER).passed


def test_a_scheme_policy_changed_to_need_a_job_order_applies(make_file, today):
    placement_file = make_file(
        job_order=None, scheme=Scheme.INDIVIDUAL, country="SA", employer="Al-Harbi family"
    )
    SchemePolicy.objects.filter(scheme=Scheme.INDIVIDUAL).update(needs_job_order=True)

    assert not check(placement_file, today, Gate.EMPLOYER).passed


# --- Agency licence and permit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"licence_valid_until": "yesterday"}, "Licence expired"),
        ({"status": AgencyStatus.SUSPENDED}, "Licence suspended"),
        ({"status": AgencyStatus.REVOKED}, "Licence revoked"),
    ],
)
def test_an_agency_whose_licence_is_not_valid_on_the_day_fails_the_licence_condition(
    make_file, agency, today, change, state
):
    placement_file = make_file()
    if change.get("licence_valid_until") == "yesterday":
        change = {"licence_valid_until": today - DAY}
    for name, value in change.items():
        setattr(agency, name, value)
    agency.save()
    placement_file.refresh_from_db()

    assert failed_gates(placement_file, today) == {Gate.AGENCY_LICENCE}
    assert check(placement_file, today, Gate.AGENCY_LICENCE).problems == [
        f"{agency.name}: {state}."
    ]


def test_an_agency_licence_expiring_today_is_still_valid(make_file, agency, today):
    placement_file = make_file()
    agency.licence_valid_until = today
    agency.save()
    placement_file.refresh_from_db()

    assert check(placement_file, today, Gate.AGENCY_LICENCE).passed
    assert not check(placement_file, today + DAY, Gate.AGENCY_LICENCE).passed


@pytest.mark.parametrize("when", ["not yet valid", "expired"])
def test_a_job_order_permit_not_valid_today_fails_the_permit_condition(
    make_file, hk_job_order, today, when
):
    placement_file = make_file()
    if when == "expired":
        hk_job_order.permit_valid_until = today - DAY
    else:
        hk_job_order.permit_valid_from = today + DAY
        hk_job_order.permit_valid_until = today + 100 * DAY
    hk_job_order.save()
    placement_file.refresh_from_db()

    assert failed_gates(placement_file, today) == {Gate.JOB_ORDER_PERMIT}


def test_a_permit_valid_through_today_passes(make_file, hk_job_order, today):
    placement_file = make_file()
    hk_job_order.permit_valid_until = today
    hk_job_order.save()
    placement_file.refresh_from_db()

    assert check(placement_file, today, Gate.JOB_ORDER_PERMIT).passed


# --- Quota by sex -------------------------------------------------------------------------------


def _occupy(job_order, person, stage=Stage.READY):
    """A file holding a place in the job order (written directly: another worker's file)."""
    return PlacementFile.objects.create(
        office=job_order.office,
        person=person,
        scheme=job_order.scheme,
        job_order=job_order,
        stage=stage,
        stage_since=job_order.permit_valid_from,
    )


def test_quota_for_women_full_fails_the_quota_condition(
    make_worker, make_file, hk_job_order, today
):
    _occupy(hk_job_order, make_worker())
    _occupy(hk_job_order, make_worker(), stage=Stage.DEPARTED)
    placement_file = make_file()

    assert failed_gates(placement_file, today) == {Gate.QUOTA}
    assert check(placement_file, today, Gate.QUOTA).problems == [
        "The job order's quota for women is 2 and 2 are taken."
    ]


def test_files_being_prepared_or_cancelled_take_no_place(
    make_worker, make_file, hk_job_order, today
):
    _occupy(hk_job_order, make_worker(), stage=Stage.OPP)
    _occupy(hk_job_order, make_worker(), stage=Stage.CANCELLED)
    _occupy(hk_job_order, make_worker(), stage=Stage.RETURNED)

    assert check(make_file(), today, Gate.QUOTA).passed


def test_places_taken_by_men_do_not_count_against_the_quota_for_women(
    make_worker, make_file, hk_job_order, today
):
    hk_job_order.quota_women, hk_job_order.quota_men = 1, 5
    hk_job_order.save()
    _occupy(hk_job_order, make_worker(sex=Sex.MALE))

    assert check(make_file(), today, Gate.QUOTA).passed


def test_a_man_on_a_job_order_with_no_quota_for_men_fails_the_quota_condition(
    make_worker, make_file, today
):
    placement_file = make_file(person=make_worker(sex=Sex.MALE))

    assert check(placement_file, today, Gate.QUOTA).problems == [
        "The job order's quota for men is 0 and 0 are taken."
    ]


def test_a_worker_whose_sex_is_not_recorded_fails_the_quota_condition(
    make_worker, make_file, today
):
    placement_file = make_file(person=make_worker(sex=Sex.NOT_RECORDED))

    assert check(placement_file, today, Gate.QUOTA).problems == [
        "The person's sex is not recorded, so the quota cannot be checked."
    ]


def test_a_file_without_job_order_has_no_quota_to_check(make_file, today):
    placement_file = make_file(
        job_order=None, scheme=Scheme.INDIVIDUAL, country="SA", employer="Al-Harbi family"
    )

    assert check(placement_file, today, Gate.QUOTA).passed


# --- Overrides ----------------------------------------------------------------------------------


@pytest.fixture
def under_age_file(make_worker, make_file, today):
    """A complete file failing only the age condition."""
    return make_file(person=make_worker(birth_date=today - relativedelta(years=17)))


def test_an_override_lets_exactly_its_condition_pass(
    make_worker, make_file, head, hk_job_order, today
):
    placement_file = make_file(person=make_worker(birth_date=today - relativedelta(years=17)))
    hk_job_order.permit_valid_until = today - DAY
    hk_job_order.save()
    placement_file.refresh_from_db()

    override = files.grant_override(
        placement_file=placement_file,
        gate=Gate.AGE,
        reason="Birth date in the KTP is wrong; Dukcapil correction pending",
        by=head,
    )

    result = readiness(placement_file, today)
    assert not result.is_ready
    assert [c.gate for c in result.blocking()] == [Gate.JOB_ORDER_PERMIT]
    age = check(placement_file, today, Gate.AGE)
    assert (age.passed, age.passes_with_override, age.override) == (False, True, override)


def test_moving_to_ready_uses_the_override_and_links_it_on_the_stage_change(
    under_age_file, head, officer, today
):
    override = files.grant_override(
        placement_file=under_age_file, gate=Gate.AGE, reason="Birth year misrecorded", by=head
    )

    change = files.change_stage(placement_file=under_age_file, to_stage=Stage.READY, by=officer)

    override.refresh_from_db()
    assert override.used_at is not None
    assert list(change.overrides.all()) == [override]
    under_age_file.refresh_from_db()
    assert under_age_file.stage == Stage.READY


def test_a_used_override_does_not_let_the_file_pass_again(under_age_file, head, officer, today):
    files.grant_override(
        placement_file=under_age_file, gate=Gate.AGE, reason="Birth year misrecorded", by=head
    )
    files.change_stage(placement_file=under_age_file, to_stage=Stage.READY, by=officer)
    files.change_stage(placement_file=under_age_file, to_stage=Stage.OPP, by=officer)

    with pytest.raises(files.NotReadyError):
        files.change_stage(placement_file=under_age_file, to_stage=Stage.READY, by=officer)
    assert check(under_age_file, today, Gate.AGE).override is None


def test_an_unused_override_is_not_used_by_a_move_between_preparation_stages(
    under_age_file, head, officer
):
    override = files.grant_override(
        placement_file=under_age_file, gate=Gate.AGE, reason="Birth year misrecorded", by=head
    )

    change = files.change_stage(placement_file=under_age_file, to_stage=Stage.OPP, by=officer)

    override.refresh_from_db()
    assert override.used_at is None
    assert list(change.overrides.all()) == []


def test_a_placement_officer_cannot_grant_an_override(under_age_file, officer):
    with pytest.raises(DomainError) as error:
        files.grant_override(
            placement_file=under_age_file, gate=Gate.AGE, reason="Please", by=officer
        )

    assert error.value.status == 403
    assert not GateOverride.objects.exists()


def test_a_head_of_another_office_cannot_see_the_file_to_override(
    under_age_file, make_user, other_office
):
    from satuatap.core.roles import Role

    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)

    with pytest.raises(DomainError) as error:
        files.grant_override(
            placement_file=under_age_file, gate=Gate.AGE, reason="Please", by=other_head
        )

    assert error.value.status == 404
    assert not GateOverride.objects.exists()


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_an_override_needs_a_written_reason(under_age_file, head, reason):
    with pytest.raises(DomainError) as error:
        files.grant_override(placement_file=under_age_file, gate=Gate.AGE, reason=reason, by=head)

    assert error.value.code == "reason_required"
    assert not GateOverride.objects.exists()


def test_an_override_cannot_be_granted_for_a_condition_the_file_meets(under_age_file, head):
    with pytest.raises(DomainError) as error:
        files.grant_override(
            placement_file=under_age_file, gate=Gate.DOCUMENTS, reason="Just in case", by=head
        )

    assert error.value.code == "gate_passed"
    assert not GateOverride.objects.exists()


def test_an_unknown_condition_cannot_be_overridden(under_age_file, head):
    with pytest.raises(DomainError) as error:
        files.grant_override(placement_file=under_age_file, gate="mood", reason="x", by=head)

    assert error.value.code == "invalid_gate"


def test_a_condition_is_overridden_only_once_until_used(under_age_file, head):
    files.grant_override(placement_file=under_age_file, gate=Gate.AGE, reason="First", by=head)

    with pytest.raises(DomainError) as error:
        files.grant_override(placement_file=under_age_file, gate=Gate.AGE, reason="Again", by=head)

    assert error.value.code == "already_overridden"
    assert GateOverride.objects.count() == 1


def test_a_file_already_ready_gets_no_override(under_age_file, head, officer, today):
    files.grant_override(placement_file=under_age_file, gate=Gate.AGE, reason="First", by=head)
    files.change_stage(placement_file=under_age_file, to_stage=Stage.READY, by=officer)

    with pytest.raises(DomainError) as error:
        files.grant_override(placement_file=under_age_file, gate=Gate.AGE, reason="More", by=head)

    assert error.value.code == "not_preparing"


def test_an_override_is_in_the_audit_trail_with_who_and_why(under_age_file, head):
    override = files.grant_override(
        placement_file=under_age_file, gate=Gate.AGE, reason="Birth year misrecorded", by=head
    )

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(GateOverride),
        object_pk=str(override.pk),
        action=LogEntry.Action.CREATE,
    )
    changes = entry.changes_dict
    assert changes["gate"][1] == Gate.AGE
    assert changes["reason"][1] == "Birth year misrecorded"
    assert changes["granted_by"][1] == str(head.pk)


def test_the_move_to_ready_refused_names_every_blocking_problem_and_changes_nothing(
    make_worker, make_file, officer, today
):
    placement_file = make_file(person=make_worker(birth_date=None, sex=Sex.NOT_RECORDED))

    with pytest.raises(files.NotReadyError) as error:
        files.change_stage(placement_file=placement_file, to_stage=Stage.READY, by=officer)

    assert error.value.status == 409
    assert error.value.details == [
        "The person's date of birth is not recorded.",
        "The person's sex is not recorded, so the quota cannot be checked.",
    ]
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION
    assert not StageChange.objects.filter(to_stage=Stage.READY).exists()


# --- What the gate says of a ready file, and which desk verifies what (issue 19 point 5) -------


def test_a_ready_file_keeps_the_overrides_its_move_to_ready_used(
    under_age_file, head, officer, today
):
    override = files.grant_override(
        placement_file=under_age_file, gate=Gate.AGE, reason="Birth year misrecorded", by=head
    )
    files.change_stage(placement_file=under_age_file, to_stage=Stage.READY, by=officer)
    under_age_file.refresh_from_db()

    result = readiness(under_age_file, today)

    assert result.file_is_ready and result.is_ready
    age = check(under_age_file, today, Gate.AGE)
    assert (age.passed, age.override) == (False, override)
    assert [c.gate for c in result.overridden] == [Gate.AGE]


def test_a_ready_file_whose_condition_lapsed_since_is_ready_but_says_so(
    make_file, officer, hk_job_order, today
):
    placement_file = make_file()
    files.change_stage(placement_file=placement_file, to_stage=Stage.READY, by=officer)
    hk_job_order.permit_valid_until = today - DAY
    hk_job_order.save()
    placement_file.refresh_from_db()

    result = readiness(placement_file, today)

    assert result.file_is_ready and not result.is_ready
    assert [c.gate for c in result.blocking()] == [Gate.JOB_ORDER_PERMIT]


def test_a_document_waiting_for_verification_names_the_office_desk_that_verifies_it(
    make_file, office, today
):
    from satuatap.core.models import DeskType
    from satuatap.people.models import VerificationStatus
    from tests.factories import DeskFactory

    DeskFactory(office=office, desk_type=DeskType.objects.get(code="bp3mi"), prefix="J")
    placement_file = make_file(complete=False)
    give_complete_documents(placement_file, today, skip={"sertifikat-opp", "skck"})
    add_document(placement_file.person, "sertifikat-opp", status=VerificationStatus.PENDING)
    add_document(placement_file.person, "skck", status=VerificationStatus.PENDING)

    problems = check(placement_file, today, Gate.DOCUMENTS).problems

    assert problems == [
        "Police certificate (SKCK): waiting for verification at a Police (police certificate) "
        "desk, which this office does not have.",
        "Pre-departure orientation (OPP) certificate: waiting for verification at desk J, "
        "Migrant worker protection (BP3MI).",
    ]
