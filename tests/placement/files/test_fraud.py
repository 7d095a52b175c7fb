"""Fraud signals: each kind of warning, where it stops, its office scope, its query budget and
the page that lists them."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import translation

from satuatap.core.roles import Role
from satuatap.placement.files.fraud import SignalKind, fraud_signals
from satuatap.placement.files.models import PlacementFile, SchemePolicy, Stage
from satuatap.placement.models import AgencyStatus, Scheme
from tests.placement.files.test_checklist import add_document

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def hk_job_order(make_job_order, agency):
    return make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI, worker_fee_idr=0)


@pytest.fixture
def make_file(office, make_worker, hk_job_order, today):
    """A file written straight to the database: signals are about states the services refuse
    to create, or that came about with time."""

    def make(*, person=None, stage=Stage.SELECTION, stage_since=None, **extra):
        values = {"job_order": hk_job_order, "scheme": Scheme.P3MI} | extra
        return PlacementFile.objects.create(
            office=(person.office if person else office),
            person=person or make_worker(),
            stage=stage,
            stage_since=stage_since or today,
            **values,
        )

    return make


def signals_of(office, today, kind):
    return [s for s in fraud_signals(office, today) if s.kind == kind]


def test_a_clean_office_has_no_signal(make_file, office, today):
    make_file()
    make_file(stage=Stage.READY)

    assert fraud_signals(office, today) == []


# --- Agency without a valid licence ----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"licence_valid_until": "yesterday"}, "licence expired"),
        ({"status": AgencyStatus.SUSPENDED}, "licence suspended"),
        ({"status": AgencyStatus.REVOKED}, "licence revoked"),
    ],
)
def test_agency_without_a_valid_licence_with_files_in_progress_is_one_signal_with_the_count(
    make_file, agency, office, today, change, state
):
    make_file(stage=Stage.REGISTRATION)
    make_file(stage=Stage.OPP)
    make_file(stage=Stage.READY)
    make_file(stage=Stage.DEPARTED)
    make_file(stage=Stage.CANCELLED)
    make_file(stage=Stage.RETURNED)
    if "licence_valid_until" in change:
        change = {"licence_valid_until": today - DAY}
    for name, value in change.items():
        setattr(agency, name, value)
    agency.save()

    [signal] = signals_of(office, today, SignalKind.AGENCY_LICENCE)

    assert signal.agency == agency and signal.file is None
    assert signal.message == (
        f"{agency.name} ({agency.licence_number}): {state}, yet 3 files are still being "
        "prepared or ready to depart."
    )
    assert signal.since == (today if "licence_valid_until" in change else None)


def test_agency_licence_expiring_today_gives_no_signal_until_tomorrow(
    make_file, agency, office, today
):
    make_file()
    agency.licence_valid_until = today
    agency.save()

    assert signals_of(office, today, SignalKind.AGENCY_LICENCE) == []
    [signal] = signals_of(office, today + DAY, SignalKind.AGENCY_LICENCE)
    assert "1 file is still being prepared" in signal.message


def test_agency_without_valid_licence_but_only_departed_or_closed_files_gives_no_signal(
    make_file, agency, office, today
):
    make_file(stage=Stage.DEPARTED)
    make_file(stage=Stage.CANCELLED)
    agency.status = AgencyStatus.REVOKED
    agency.save()

    assert signals_of(office, today, SignalKind.AGENCY_LICENCE) == []


def test_each_agency_is_one_signal_counting_files_across_its_job_orders(
    make_file, make_job_order, make_agency, office, today
):
    old = make_agency("SIP3MI/OLD", licence_valid_until=today - 10 * DAY)
    first = make_job_order("SIP2MI/A", agency=old, scheme=Scheme.P3MI)
    second = make_job_order("SIP2MI/B", agency=old, scheme=Scheme.P3MI)
    make_file(job_order=first)
    make_file(job_order=second)
    make_file()  # on the valid agency's job order

    [signal] = signals_of(office, today, SignalKind.AGENCY_LICENCE)

    assert signal.agency == old
    assert "2 files" in signal.message
    assert signal.since == today - 9 * DAY


# --- Fees -----------------------------------------------------------------------------------


def test_fee_above_the_job_orders_stated_fee_is_a_signal(make_file, hk_job_order, office, today):
    hk_job_order.worker_fee_idr = 5_000_000
    hk_job_order.save()
    placement_file = make_file(fee_charged_idr=15_000_000)

    [signal] = signals_of(office, today, SignalKind.FEE_ABOVE_JOB_ORDER)

    assert signal.file == placement_file
    assert signal.message == (
        "The worker says IDR 15,000,000 was charged; job order SIP2MI/HK states IDR 5,000,000."
    )


def test_fee_equal_to_the_stated_fee_or_not_given_is_no_signal(
    make_file, hk_job_order, office, today
):
    hk_job_order.worker_fee_idr = 5_000_000
    hk_job_order.save()
    make_file(fee_charged_idr=5_000_000)
    make_file(fee_charged_idr=None)
    make_file(fee_charged_idr=1_000_000)

    assert signals_of(office, today, SignalKind.FEE_ABOVE_JOB_ORDER) == []


def test_any_fee_on_a_zero_fee_job_order_is_a_signal_while_the_file_is_open(
    make_file, office, today
):
    make_file(fee_charged_idr=1)
    make_file(fee_charged_idr=9_000_000, stage=Stage.DEPARTED)
    make_file(fee_charged_idr=9_000_000, stage=Stage.RETURNED)
    make_file(fee_charged_idr=9_000_000, stage=Stage.CANCELLED)

    assert len(signals_of(office, today, SignalKind.FEE_ABOVE_JOB_ORDER)) == 2


# --- Age ------------------------------------------------------------------------------------


def test_applicant_under_the_minimum_age_is_a_signal(make_worker, make_file, office, today):
    placement_file = make_file(person=make_worker(birth_date=today - relativedelta(years=17)))

    [signal] = signals_of(office, today, SignalKind.UNDER_AGE)

    assert signal.file == placement_file
    assert signal.message == "The person is 17; the scheme needs workers aged at least 18."


def test_applicant_turning_18_today_is_no_signal_but_tomorrow_is(
    make_worker, make_file, office, today
):
    make_file(person=make_worker(birth_date=today - relativedelta(years=18)))
    make_file(person=make_worker(birth_date=today - relativedelta(years=18) + DAY))

    [signal] = signals_of(office, today, SignalKind.UNDER_AGE)

    assert signal.file.person.age_on(today) == 17


def test_applicant_without_birth_date_is_a_signal(make_worker, make_file, office, today):
    make_file(person=make_worker(birth_date=None))

    [signal] = signals_of(office, today, SignalKind.UNDER_AGE)

    assert signal.message == "The person's date of birth is not recorded, so the age is unknown."


def test_minimum_age_follows_each_schemes_policy(make_worker, make_file, office, today):
    SchemePolicy.objects.filter(scheme=Scheme.INDIVIDUAL).update(minimum_age=21)
    twenty = today - relativedelta(years=20)
    make_file(person=make_worker(birth_date=twenty))
    individual = make_file(
        person=make_worker(birth_date=twenty),
        job_order=None,
        scheme=Scheme.INDIVIDUAL,
        employer="Al-Harbi family",
    )

    [signal] = signals_of(office, today, SignalKind.UNDER_AGE)

    assert signal.file == individual
    assert "at least 21" in signal.message


def test_closed_file_of_an_under_age_person_is_no_signal(make_worker, make_file, office, today):
    make_file(person=make_worker(birth_date=None), stage=Stage.CANCELLED)

    assert signals_of(office, today, SignalKind.UNDER_AGE) == []


# --- Stuck files ----------------------------------------------------------------------------


def test_file_in_one_preparation_stage_longer_than_the_setting_is_stuck(
    make_file, office, today, settings
):
    assert settings.PLACEMENT_STUCK_AFTER_DAYS == 30
    stuck = make_file(stage=Stage.MEDICAL, stage_since=today - 31 * DAY)
    make_file(stage=Stage.MEDICAL, stage_since=today - 30 * DAY)

    [signal] = signals_of(office, today, SignalKind.STUCK)

    assert signal.file == stuck
    assert signal.since == today - 31 * DAY
    assert signal.message == (
        "At the stage “Medical and psychological check” for 31 days (more than 30)."
    )


def test_the_stuck_limit_is_a_setting(make_file, office, today, settings):
    settings.PLACEMENT_STUCK_AFTER_DAYS = 5
    make_file(stage=Stage.PASSPORT, stage_since=today - 6 * DAY)

    assert len(signals_of(office, today, SignalKind.STUCK)) == 1


@pytest.mark.parametrize("stage", [Stage.READY, Stage.DEPARTED, Stage.RETURNED, Stage.CANCELLED])
def test_files_past_preparation_are_never_stuck(make_file, office, today, stage):
    make_file(stage=stage, stage_since=today - 400 * DAY)

    assert signals_of(office, today, SignalKind.STUCK) == []


def test_stuck_files_are_listed_longest_waiting_first(make_file, office, today):
    recent = make_file(stage_since=today - 40 * DAY)
    oldest = make_file(stage_since=today - 90 * DAY)

    assert [s.file for s in signals_of(office, today, SignalKind.STUCK)] == [oldest, recent]


# --- Passport without a job order -------------------------------------------------------------


def test_passport_without_job_order_under_a_scheme_that_needs_one_is_a_signal(
    make_file, office, today
):
    placement_file = make_file(job_order=None, scheme=Scheme.P3MI, country="MY")
    add_document(placement_file.person, "paspor", status="pending")

    [signal] = signals_of(office, today, SignalKind.PASSPORT_WITHOUT_JOB_ORDER)

    assert signal.file == placement_file
    assert "as a tourist" in signal.message


def test_passport_with_a_job_order_or_under_a_scheme_without_one_is_no_signal(
    make_file, office, today
):
    with_job_order = make_file()
    government = make_file(job_order=None, scheme=Scheme.GOVERNMENT, country="JP")
    add_document(with_job_order.person, "paspor")
    add_document(government.person, "paspor")
    make_file(job_order=None, scheme=Scheme.P3MI, country="MY")  # no passport yet

    assert signals_of(office, today, SignalKind.PASSPORT_WITHOUT_JOB_ORDER) == []


def test_a_scheme_policy_that_needs_a_job_order_is_followed(make_file, office, today):
    SchemePolicy.objects.filter(scheme=Scheme.INDIVIDUAL).update(needs_job_order=True)
    placement_file = make_file(job_order=None, scheme=Scheme.INDIVIDUAL, employer="Al-Harbi")
    add_document(placement_file.person, "paspor")

    assert len(signals_of(office, today, SignalKind.PASSPORT_WITHOUT_JOB_ORDER)) == 1


# --- Scope and cost -------------------------------------------------------------------------


def test_signals_are_those_of_the_office_only(
    make_worker, make_file, make_job_order, other_office, office, today
):
    theirs = make_job_order("SIP2MI/TA", office=other_office)
    make_file(
        person=make_worker(office=other_office, birth_date=None),
        job_order=theirs,
        stage_since=today - 100 * DAY,
        fee_charged_idr=10,
    )

    assert fraud_signals(office, today) == []
    assert {s.kind for s in fraud_signals(other_office, today)} == {
        SignalKind.UNDER_AGE,
        SignalKind.STUCK,
        SignalKind.FEE_ABOVE_JOB_ORDER,
    }


def test_signals_cost_the_same_number_of_queries_for_many_files(
    make_worker, make_file, agency, office, today, django_assert_max_num_queries
):
    for n in range(60):
        placement_file = make_file(
            person=make_worker(birth_date=None if n % 3 else today - relativedelta(years=17)),
            stage_since=today - 60 * DAY,
            fee_charged_idr=1_000 + n,
        )
        if n % 2:
            placement_file.job_order = None
            placement_file.save()
            add_document(placement_file.person, "paspor")
    agency.status = AgencyStatus.REVOKED
    agency.save()

    with django_assert_max_num_queries(16):
        signals = fraud_signals(office, today)
        [s.file.person.full_name for s in signals if s.file]

    assert len(signals) == 1 + 30 + 60 + 60 + 30


# --- The page -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD])
def test_placement_officer_and_head_see_the_signals_grouped_with_links(
    client, make_user, make_worker, make_file, agency, office, today, role
):
    person = make_worker(full_name="Sulastri Rahayu", birth_date=None)
    placement_file = make_file(person=person)
    agency.status = AgencyStatus.REVOKED
    agency.save()
    client.force_login(make_user(role, language="en"))

    response = client.get(reverse("placement:fraud-signals"))

    assert response.status_code == 200
    page = response.content.decode()
    assert [g["kind"] for g in response.context["groups"]] == list(SignalKind)
    assert 'data-signal-kind="under_age"' in page
    assert "Sulastri Rahayu" in page
    assert reverse("placement:file-detail", kwargs={"file_id": placement_file.pk}) in page
    assert reverse("placement:agency-detail", kwargs={"agency_id": agency.pk}) in page
    assert "date of birth is not recorded" in page


def test_page_shows_only_the_users_office(client, make_user, make_worker, make_file, other_office):
    make_file(person=make_worker(office=other_office, full_name="Dewi Lestari", birth_date=None))
    client.force_login(make_user(Role.OFFICE_HEAD))

    response = client.get(reverse("placement:fraud-signals"))

    assert response.context["total"] == 0
    assert "Dewi Lestari" not in response.content.decode()


def test_page_query_count_stays_flat_with_many_signals(
    client, make_user, make_worker, make_file, office, today, django_assert_max_num_queries
):
    for _ in range(40):
        make_file(person=make_worker(birth_date=None), stage_since=today - 60 * DAY)
    client.force_login(make_user(Role.OFFICE_HEAD))

    with django_assert_max_num_queries(30):
        response = client.get(reverse("placement:fraud-signals"))

    assert response.context["total"] == 80


def test_signals_tile_is_on_the_home_page_of_placement_officers_only(client, make_user):
    url = reverse("placement:fraud-signals")
    client.force_login(make_user(Role.PLACEMENT_OFFICER))
    assert url in {a["url"] for a in client.get(reverse("home")).context["actions"]}
    client.force_login(make_user(Role.COUNSELLOR))
    assert url not in {a["url"] for a in client.get(reverse("home")).context["actions"]}
