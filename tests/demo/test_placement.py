"""The placement demo: agencies and job orders, and files at every stage that make sense."""

from __future__ import annotations

import hashlib

import pytest

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.core.uploads import detect_content_type
from satuatap.demo import people as people_demo
from satuatap.demo import placement as demo
from satuatap.people.models import MigrationStatus, PersonDocument, StatusEvent, VerificationStatus
from satuatap.placement.files.checklist import ItemStatus, checklist
from satuatap.placement.files.fraud import SignalKind, fraud_signals
from satuatap.placement.files.models import (
    PREPARATION_STAGES,
    PlacementFile,
    ReturnReason,
    Stage,
    StageChange,
)
from satuatap.placement.files.readiness import readiness
from satuatap.placement.models import Agency, JobOrder
from tests.factories import DeskFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_flags_bad_licences(office, other_office):
    demo.seed()
    demo.seed()

    assert Agency.objects.count() == len(demo.AGENCIES)
    assert JobOrder.objects.count() == 2 * (len(demo.JOB_ORDERS) + len(demo.PAST_JOB_ORDERS))
    today = office.today()
    assert Agency.objects.get(licence_number=demo.EXPIRED).licence_state(today) == "expired"
    assert Agency.objects.get(licence_number=demo.SUSPENDED).licence_state(today) == "suspended"
    countries = set(JobOrder.objects.values_list("country", flat=True))
    assert {"HK", "TW", "MY", "SG", "JP", "KR", "SA"} <= countries


def test_demo_job_titles_read_in_each_language(office):
    from django.utils import translation

    demo.seed()

    job_order = JobOrder.objects.get(permit_number=f"SIP2MI/{office.slug.upper()}/KR")
    with translation.override("id"):
        assert job_order.title == "Pekerja pabrik (EPS)"
        assert job_order.salary == "KRW 2.060.740"
    with translation.override("en"):
        assert job_order.title == "Factory worker (EPS)"
        assert job_order.salary == "KRW 2,060,740"
    assert all(j.occupation != j.occupation_en for j in JobOrder.objects.all())


def test_demo_without_registry_people_opens_no_file(office):
    demo.seed()

    assert not PlacementFile.objects.exists()


@pytest.fixture
def seeded(office, make_user, settings, tmp_path):
    """The office's demo people, its placement officer and labour-desk officer, then the
    placement demo."""
    settings.MEDIA_ROOT = tmp_path
    make_user(Role.PLACEMENT_OFFICER)
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    make_user(Role.DESK_OFFICER, desk=desk)
    people_demo.seed()
    demo.seed()
    return office


def _files(office):
    return PlacementFile.objects.filter(office=office).select_related("person", "job_order__agency")


def test_demo_has_a_file_at_every_stage(seeded):
    stages = set(_files(seeded).values_list("stage", flat=True))

    assert stages == set(Stage.values)
    assert _files(seeded).count() == len(demo.SCENARIOS)


def test_demo_returns_have_different_reasons_and_one_names_its_mrc_case(seeded):
    returned = _files(seeded).filter(stage=Stage.RETURNED)

    reasons = set(returned.values_list("return_reason", flat=True))
    assert len(reasons) >= 3 and ReturnReason.PROBLEM in reasons
    with_case = returned.exclude(mrc_case_reference="")
    assert with_case.count() == 1
    assert with_case.get().return_reason == ReturnReason.PROBLEM


def test_demo_history_goes_through_the_intermediate_stages_on_past_dates(seeded):
    today = seeded.today()
    for placement_file in _files(seeded):
        steps = list(StageChange.objects.filter(file=placement_file).order_by("pk"))
        stages = [step.to_stage for step in steps]
        assert [step.from_stage for step in steps] == ["", *stages[:-1]]
        dates = [step.effective_date for step in steps]
        assert dates == sorted(dates) and dates[-1] <= today
        assert (stages[-1], dates[-1]) == (placement_file.stage, placement_file.stage_since)
        assert stages[0] == Stage.REGISTRATION
        if placement_file.stage in (Stage.READY, Stage.DEPARTED, Stage.RETURNED):
            assert stages[: len(PREPARATION_STAGES)] == list(PREPARATION_STAGES)
        if placement_file.stage == Stage.CANCELLED:
            assert steps[-1].note == placement_file.cancel_reason != ""


def test_demo_files_are_plausible_for_their_people_and_job_orders(seeded):
    for placement_file in _files(seeded):
        opened = StageChange.objects.filter(file=placement_file).order_by("pk").first()
        person = placement_file.person
        assert 21 <= person.age_on(opened.effective_date) <= 40
        assert person.current_status is not None
        first_status = person.status_events.order_by("effective_date", "pk").first()
        assert first_status.status == MigrationStatus.PROSPECTIVE
        assert first_status.effective_date <= opened.effective_date
        job_order = placement_file.job_order
        if job_order is not None:
            assert job_order.permit_valid_from <= opened.effective_date
            assert placement_file.scheme == job_order.scheme
    assert _files(seeded).values("person").distinct().count() == len(demo.SCENARIOS)


def test_demo_departures_and_returns_are_on_the_registry_timeline(seeded):
    for placement_file in _files(seeded).filter(stage__in=[Stage.DEPARTED, Stage.RETURNED]):
        person = placement_file.person
        abroad = person.status_events.get(status=MigrationStatus.ABROAD)
        assert abroad.effective_date == placement_file.departure_date
        assert abroad.country == placement_file.destination()
        assert abroad.employer == placement_file.employer_name()
        if placement_file.stage == Stage.DEPARTED:
            assert person.current_status == abroad
        else:
            returned = person.current_status
            assert returned.status == MigrationStatus.RETURNED
            assert returned.effective_date == placement_file.return_date
            assert placement_file.return_date > placement_file.departure_date
    for placement_file in _files(seeded).exclude(stage__in=[Stage.DEPARTED, Stage.RETURNED]):
        assert placement_file.person.current_status.status == MigrationStatus.PROSPECTIVE


def test_demo_departed_workers_have_employer_contacts_abroad(seeded):
    for placement_file in _files(seeded).filter(stage=Stage.DEPARTED):
        assert placement_file.contacts_abroad
        assert placement_file.employer_phone.startswith("+")
        assert placement_file.employer_address


def test_demo_files_ready_or_departed_have_complete_checklists(seeded):
    today = seeded.today()
    for placement_file in _files(seeded).filter(stage__in=[Stage.READY, Stage.DEPARTED]):
        items = checklist(placement_file, today)
        assert items and all(item.status == ItemStatus.VERIFIED for item in items)
        assert not any(item.warnings for item in items)
    for placement_file in _files(seeded).filter(stage=Stage.READY):
        assert readiness(placement_file, today).is_ready


def test_demo_shows_what_the_checklist_catches(seeded):
    today = seeded.today()
    statuses = {
        (item.document_type.code, item.status)
        for placement_file in _files(seeded).exclude(stage__in=[Stage.RETURNED, Stage.CANCELLED])
        for item in checklist(placement_file, today)
    }
    warnings = [
        item
        for placement_file in _files(seeded)
        for item in checklist(placement_file, today)
        if item.warnings
    ]

    assert ("ijazah", ItemStatus.REJECTED) in statuses
    assert ("surat-kesehatan", ItemStatus.EXPIRED) in statuses
    assert any(status == ItemStatus.SUBMITTED for _code, status in statuses)
    assert any(status == ItemStatus.MISSING for _code, status in statuses)
    assert [item.document_type.code for item in warnings] == ["paspor"]
    rejected = PersonDocument.objects.get(verification_status=VerificationStatus.REJECTED)
    assert rejected.rejection_reason


def test_demo_shows_every_kind_of_fraud_signal_but_the_under_age_one(seeded):
    signals = fraud_signals(seeded, seeded.today())

    kinds = {signal.kind for signal in signals}
    assert kinds == set(SignalKind) - {SignalKind.UNDER_AGE}
    [agency_signal] = [s for s in signals if s.kind == SignalKind.AGENCY_LICENCE]
    assert agency_signal.agency.licence_number == demo.EXPIRED


def test_demo_scans_are_real_pdfs_in_the_private_storage(seeded):
    documents = PersonDocument.objects.filter(person__office=seeded)
    assert documents.count() > 100
    for document in documents:
        with document.file.open("rb") as scan:
            data = scan.read()
        assert detect_content_type(data) == ("application/pdf", ".pdf")
        assert (len(data), hashlib.sha256(data).hexdigest()) == (document.size, document.sha256)
        assert document.file.name.startswith(f"documents/{document.person_id}/")


def test_demo_files_are_seeded_once(seeded):
    counts = (
        PlacementFile.objects.count(),
        StageChange.objects.count(),
        PersonDocument.objects.count(),
        StatusEvent.objects.count(),
    )

    demo.seed()

    assert (
        PlacementFile.objects.count(),
        StageChange.objects.count(),
        PersonDocument.objects.count(),
        StatusEvent.objects.count(),
    ) == counts
