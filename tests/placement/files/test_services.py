"""Placement files: opening (licence, permit, one open file per person), the stage history,
departure and return with the registry timeline, cancelling, and races on the quota and on
opening."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.people.documents import services as documents
from satuatap.people.models import MigrationStatus, StatusEvent
from satuatap.placement.files import services as files
from satuatap.placement.files.models import PlacementFile, ReturnReason, Stage, StageChange
from satuatap.placement.models import AgencyStatus, Scheme
from tests.factories import DeskFactory
from tests.placement.files.test_checklist import add_document
from tests.placement.files.test_readiness import give_complete_documents

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def hk_job_order(make_job_order, agency):
    return make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI)


def open_on(job_order, person, by) -> PlacementFile:
    return files.open_file(person=person, by=by, values={"job_order": job_order})


@pytest.fixture
def ready_file(make_worker, hk_job_order, officer, today):
    placement_file = open_on(hk_job_order, make_worker(), officer)
    give_complete_documents(placement_file, today)
    files.change_stage(placement_file=placement_file, to_stage=Stage.READY, by=officer)
    return placement_file


def history(placement_file) -> list[tuple[str, str]]:
    return list(
        StageChange.objects.filter(file=placement_file)
        .order_by("pk")
        .values_list("from_stage", "to_stage")
    )


# --- Opening a file ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_file_starts_at_registration_with_a_first_history_step(
    make_worker, hk_job_order, officer, today
):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    assert (placement_file.stage, placement_file.stage_since) == (Stage.REGISTRATION, today)
    assert (placement_file.scheme, placement_file.office) == (Scheme.P3MI, officer.office)
    step = StageChange.objects.get(file=placement_file)
    assert (step.from_stage, step.to_stage, step.changed_by, step.effective_date) == (
        "",
        Stage.REGISTRATION,
        officer,
        today,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"licence_valid_until": "yesterday"},
        {"status": AgencyStatus.SUSPENDED},
        {"status": AgencyStatus.REVOKED},
    ],
    ids=["expired", "suspended", "revoked"],
)
def test_no_file_is_opened_on_a_job_order_of_an_agency_without_a_valid_licence(
    make_worker, hk_job_order, agency, officer, today, change
):
    if "licence_valid_until" in change:
        change = {"licence_valid_until": today - DAY}
    for name, value in change.items():
        setattr(agency, name, value)
    agency.save()
    hk_job_order.refresh_from_db()

    with pytest.raises(DomainError) as error:
        open_on(hk_job_order, make_worker(), officer)

    assert (error.value.code, error.value.status) == ("agency_licence_invalid", 422)
    assert not PlacementFile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["not yet valid", "expired"])
def test_no_file_is_opened_on_a_job_order_whose_permit_is_not_valid_today(
    make_worker, make_job_order, officer, today, when
):
    dates = (
        {"permit_valid_from": today + DAY, "permit_valid_until": today + 100 * DAY}
        if when == "not yet valid"
        else {"permit_valid_from": today - 100 * DAY, "permit_valid_until": today - DAY}
    )
    job_order = make_job_order("SIP2MI/P", **dates)

    with pytest.raises(DomainError) as error:
        open_on(job_order, make_worker(), officer)

    assert error.value.code == "permit_invalid"
    assert not PlacementFile.objects.exists()


@pytest.mark.django_db
def test_no_file_is_opened_on_a_closed_job_order(make_worker, make_job_order, officer, today):
    job_order = make_job_order("SIP2MI/C", closing_date=today - DAY)

    with pytest.raises(DomainError) as error:
        open_on(job_order, make_worker(), officer)

    assert error.value.code == "job_order_closed"
    assert not PlacementFile.objects.exists()


@pytest.mark.django_db
def test_a_job_order_closing_today_still_receives_files(
    make_worker, make_job_order, officer, today
):
    job_order = make_job_order("SIP2MI/C", closing_date=today)

    assert open_on(job_order, make_worker(), officer).job_order == job_order


@pytest.mark.django_db
def test_no_file_is_opened_on_a_job_order_of_another_office(
    make_worker, make_job_order, officer, other_office
):
    job_order = make_job_order("SIP2MI/T", office=other_office)

    with pytest.raises(DomainError) as error:
        open_on(job_order, make_worker(), officer)

    assert error.value.code == "not_found"


@pytest.mark.django_db
def test_a_second_open_file_for_one_person_is_refused(make_worker, hk_job_order, officer):
    person = make_worker()
    open_on(hk_job_order, person, officer)

    with pytest.raises(DomainError) as error:
        open_on(hk_job_order, person, officer)

    assert (error.value.code, error.value.status) == ("file_already_open", 409)
    assert PlacementFile.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_a_new_file_may_be_opened_once_the_previous_one_is_closed(
    make_worker, hk_job_order, officer
):
    person = make_worker()
    first = open_on(hk_job_order, person, officer)
    files.change_stage(placement_file=first, to_stage=Stage.CANCELLED, by=officer, note="Withdrew")

    second = open_on(hk_job_order, person, officer)

    assert second.pk != first.pk
    assert second.is_open


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.COUNSELLOR, Role.DESK_OFFICER])
def test_only_placement_officers_and_heads_open_files(make_user, make_worker, hk_job_order, role):
    with pytest.raises(DomainError) as error:
        open_on(hk_job_order, make_worker(), make_user(role))

    assert error.value.status == 403


@pytest.mark.django_db
def test_a_person_of_another_office_is_not_found(make_worker, hk_job_order, officer, other_office):
    with pytest.raises(DomainError) as error:
        open_on(hk_job_order, make_worker(office=other_office), officer)

    assert error.value.status == 404


# --- Moving through the stages -------------------------------------------------------------


@pytest.mark.django_db
def test_every_stage_change_is_recorded_with_from_to_by_and_date(
    make_worker, hk_job_order, officer, head, today
):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    files.change_stage(placement_file=placement_file, to_stage=Stage.SELECTION, by=officer)
    files.change_stage(
        placement_file=placement_file, to_stage=Stage.MEDICAL, by=head, note="  Sent to  clinic "
    )

    steps = list(StageChange.objects.filter(file=placement_file).order_by("pk"))
    assert [(s.from_stage, s.to_stage, s.changed_by, s.effective_date) for s in steps] == [
        ("", Stage.REGISTRATION, officer, today),
        (Stage.REGISTRATION, Stage.SELECTION, officer, today),
        (Stage.SELECTION, Stage.MEDICAL, head, today),
    ]
    assert steps[-1].note == "Sent to clinic"
    placement_file.refresh_from_db()
    assert (placement_file.stage, placement_file.stage_since) == (Stage.MEDICAL, today)


@pytest.mark.django_db
def test_preparation_stages_may_be_taken_in_any_order(make_worker, hk_job_order, officer):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    for stage in (Stage.PASSPORT, Stage.MEDICAL, Stage.OPP, Stage.TRAINING):
        files.change_stage(placement_file=placement_file, to_stage=stage, by=officer)

    assert placement_file.stage == Stage.TRAINING
    assert len(history(placement_file)) == 5


@pytest.mark.django_db
def test_moving_to_the_stage_the_file_is_at_is_refused(make_worker, hk_job_order, officer):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    with pytest.raises(DomainError) as error:
        files.change_stage(placement_file=placement_file, to_stage=Stage.REGISTRATION, by=officer)

    assert error.value.code == "same_stage"
    assert len(history(placement_file)) == 1


@pytest.mark.django_db
def test_an_unknown_stage_is_refused(make_worker, hk_job_order, officer):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    with pytest.raises(DomainError) as error:
        files.change_stage(placement_file=placement_file, to_stage="abroad", by=officer)

    assert error.value.code == "invalid_stage"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.COUNSELLOR, Role.CASE_SUPERVISOR])
def test_other_office_roles_cannot_move_a_file(make_user, make_worker, hk_job_order, officer, role):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    with pytest.raises(DomainError) as error:
        files.change_stage(
            placement_file=placement_file, to_stage=Stage.SELECTION, by=make_user(role)
        )

    assert error.value.status == 403
    assert len(history(placement_file)) == 1


@pytest.mark.django_db
def test_a_placement_officer_of_another_office_does_not_find_the_file(
    make_user, make_worker, hk_job_order, officer, other_office
):
    placement_file = open_on(hk_job_order, make_worker(), officer)
    stranger = make_user(Role.PLACEMENT_OFFICER, organisation=other_office)

    with pytest.raises(DomainError) as error:
        files.change_stage(placement_file=placement_file, to_stage=Stage.SELECTION, by=stranger)

    assert error.value.status == 404


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["", "   "])
def test_cancelling_needs_a_reason(make_worker, hk_job_order, officer, note):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    with pytest.raises(DomainError) as error:
        files.change_stage(
            placement_file=placement_file, to_stage=Stage.CANCELLED, by=officer, note=note
        )

    assert error.value.code == "reason_required"
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION


@pytest.mark.django_db
def test_cancelling_keeps_the_reason_on_the_file_and_in_the_history(
    make_worker, hk_job_order, officer
):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    change = files.change_stage(
        placement_file=placement_file,
        to_stage=Stage.CANCELLED,
        by=officer,
        note="Family did not consent",
    )

    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.CANCELLED
    assert placement_file.cancel_reason == "Family did not consent"
    assert change.note == "Family did not consent"
    assert not placement_file.is_open


@pytest.mark.django_db
@pytest.mark.parametrize("to_stage", [Stage.SELECTION, Stage.READY, Stage.CANCELLED])
def test_a_closed_file_cannot_move(make_worker, hk_job_order, officer, to_stage):
    placement_file = open_on(hk_job_order, make_worker(), officer)
    files.change_stage(
        placement_file=placement_file, to_stage=Stage.CANCELLED, by=officer, note="x"
    )

    with pytest.raises(DomainError) as error:
        files.change_stage(placement_file=placement_file, to_stage=to_stage, by=officer, note="y")

    assert error.value.code == "file_closed"
    assert len(history(placement_file)) == 2


@pytest.mark.django_db
def test_a_closed_file_cannot_be_changed(make_worker, hk_job_order, officer):
    placement_file = open_on(hk_job_order, make_worker(), officer)
    files.change_stage(
        placement_file=placement_file, to_stage=Stage.CANCELLED, by=officer, note="x"
    )

    with pytest.raises(DomainError) as error:
        files.update_file(
            placement_file=placement_file, by=officer, values={"fee_charged_idr": 1_000_000}
        )

    assert error.value.code == "file_closed"


@pytest.mark.django_db
@pytest.mark.parametrize("to_stage", [Stage.DEPARTED, Stage.RETURNED])
def test_departure_and_return_are_not_plain_stage_changes(
    make_worker, hk_job_order, officer, to_stage
):
    placement_file = open_on(hk_job_order, make_worker(), officer)

    with pytest.raises(DomainError) as error:
        files.change_stage(placement_file=placement_file, to_stage=to_stage, by=officer)

    assert error.value.code == "use_departure_or_return"


@pytest.mark.django_db
def test_a_ready_file_may_go_back_to_preparation(ready_file, officer):
    files.change_stage(placement_file=ready_file, to_stage=Stage.VISA_CONTRACT, by=officer)

    assert history(ready_file)[-1] == (Stage.READY, Stage.VISA_CONTRACT)


# --- Departure and return ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Stage.REGISTRATION, Stage.OPP])
def test_departure_is_recorded_only_from_ready(make_worker, hk_job_order, officer, today, stage):
    placement_file = open_on(hk_job_order, make_worker(), officer)
    if stage != Stage.REGISTRATION:
        files.change_stage(placement_file=placement_file, to_stage=stage, by=officer)

    with pytest.raises(DomainError) as error:
        files.record_departure(placement_file=placement_file, by=officer, departure_date=today)

    assert error.value.code == "not_ready"
    assert not StatusEvent.objects.filter(person=placement_file.person).exists()


@pytest.mark.django_db
def test_departure_moves_the_file_and_puts_the_worker_abroad_in_the_registry(
    ready_file, officer, today
):
    change = files.record_departure(
        placement_file=ready_file, by=officer, departure_date=today, note="Flight GA 860"
    )

    ready_file.refresh_from_db()
    assert (ready_file.stage, ready_file.departure_date) == (Stage.DEPARTED, today)
    assert (change.from_stage, change.to_stage, change.effective_date, change.changed_by) == (
        Stage.READY,
        Stage.DEPARTED,
        today,
        officer,
    )
    event = ready_file.person.status_events.get()
    assert (event.status, event.effective_date, event.country.code, event.employer) == (
        MigrationStatus.ABROAD,
        today,
        "HK",
        "Household employer",
    )
    assert event.sector == "domestic"
    assert event.recorded_by == officer


@pytest.mark.django_db
def test_departure_cannot_be_in_the_future_or_before_the_file_was_ready(ready_file, officer, today):
    for day, code in ((today + DAY, "future_date"), (today - DAY, "before_ready")):
        with pytest.raises(DomainError) as error:
            files.record_departure(placement_file=ready_file, by=officer, departure_date=day)
        assert error.value.code == code

    ready_file.refresh_from_db()
    assert ready_file.stage == Stage.READY
    assert not StatusEvent.objects.exists()


@pytest.mark.django_db
def test_a_departed_file_can_only_be_closed_by_a_return(ready_file, officer, today):
    files.record_departure(placement_file=ready_file, by=officer, departure_date=today)

    with pytest.raises(DomainError) as error:
        files.change_stage(
            placement_file=ready_file, to_stage=Stage.CANCELLED, by=officer, note="x"
        )

    assert error.value.code == "already_departed"


@pytest.mark.django_db
def test_return_is_recorded_only_from_departed(ready_file, officer, today):
    with pytest.raises(DomainError) as error:
        files.record_return(
            placement_file=ready_file,
            by=officer,
            return_date=today,
            reason=ReturnReason.CONTRACT_FINISHED,
        )

    assert error.value.code == "not_departed"
    ready_file.refresh_from_db()
    assert ready_file.stage == Stage.READY


@pytest.fixture
def departed_file(ready_file, officer, today):
    # Departed yesterday: the file was made ready yesterday (a past state set directly).
    PlacementFile.objects.filter(pk=ready_file.pk).update(stage_since=today - 2 * DAY)
    files.record_departure(placement_file=ready_file, by=officer, departure_date=today - DAY)
    return ready_file


@pytest.mark.django_db
def test_return_closes_the_file_and_marks_the_worker_returned_in_the_registry(
    departed_file, officer, today
):
    change = files.record_return(
        placement_file=departed_file,
        by=officer,
        return_date=today,
        reason=ReturnReason.PROBLEM,
        mrc_case_reference=" MRC-2026-0012 ",
    )

    departed_file.refresh_from_db()
    assert departed_file.stage == Stage.RETURNED
    assert not departed_file.is_open
    assert (departed_file.return_date, departed_file.return_reason) == (
        today,
        ReturnReason.PROBLEM,
    )
    assert departed_file.mrc_case_reference == "MRC-2026-0012"
    assert (change.from_stage, change.to_stage, change.effective_date) == (
        Stage.DEPARTED,
        Stage.RETURNED,
        today,
    )
    statuses = list(
        departed_file.person.status_events.order_by("effective_date", "pk").values_list(
            "status", "effective_date"
        )
    )
    assert statuses == [
        (MigrationStatus.ABROAD, today - DAY),
        (MigrationStatus.RETURNED, today),
    ]


@pytest.mark.django_db
def test_return_on_the_day_of_departure_is_accepted(ready_file, officer, today):
    files.record_departure(placement_file=ready_file, by=officer, departure_date=today)

    files.record_return(
        placement_file=ready_file, by=officer, return_date=today, reason=ReturnReason.DEPORTED
    )

    assert ready_file.stage == Stage.RETURNED


@pytest.mark.django_db
def test_return_before_the_departure_is_refused(departed_file, officer, today):
    with pytest.raises(DomainError) as error:
        files.record_return(
            placement_file=departed_file,
            by=officer,
            return_date=today - 2 * DAY,
            reason=ReturnReason.SICK,
        )

    assert error.value.code == "before_departure"
    departed_file.refresh_from_db()
    assert departed_file.stage == Stage.DEPARTED
    assert not StatusEvent.objects.filter(status=MigrationStatus.RETURNED).exists()


@pytest.mark.django_db
def test_return_needs_a_known_reason(departed_file, officer, today):
    with pytest.raises(DomainError) as error:
        files.record_return(placement_file=departed_file, by=officer, return_date=today, reason="")

    assert error.value.code == "reason_required"


@pytest.mark.django_db
def test_a_returned_file_cannot_move_again(departed_file, officer, today):
    files.record_return(
        placement_file=departed_file,
        by=officer,
        return_date=today,
        reason=ReturnReason.CONTRACT_FINISHED,
    )

    with pytest.raises(DomainError) as error:
        files.change_stage(placement_file=departed_file, to_stage=Stage.OPP, by=officer)
    assert error.value.code == "file_closed"
    with pytest.raises(DomainError) as error:
        files.record_return(
            placement_file=departed_file,
            by=officer,
            return_date=today,
            reason=ReturnReason.CONTRACT_FINISHED,
        )
    assert error.value.code == "not_departed"


# --- Documents are verified by their desk -------------------------------------------------------


@pytest.mark.django_db
def test_an_immigration_desk_officer_verifies_the_passport_but_not_the_skck(
    make_user, office, make_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="keimigrasian"))
    immigration = make_user(Role.DESK_OFFICER, desk=desk)
    person = make_worker()
    passport = add_document(person, "paspor", status="pending")
    skck = add_document(person, "skck", status="pending", issued_on=office.today())

    documents.verify_document(document=passport, by=immigration)
    with pytest.raises(DomainError) as error:
        documents.verify_document(document=skck, by=immigration)

    assert error.value.status == 403
    passport.refresh_from_db()
    skck.refresh_from_db()
    assert (passport.verification_status, passport.verified_by) == ("verified", immigration)
    assert skck.verification_status == "pending"


@pytest.mark.django_db
def test_a_placement_officer_verifies_labour_desk_documents_only(officer, make_worker):
    person = make_worker()
    consent = add_document(person, "izin-keluarga", status="pending")
    passport = add_document(person, "paspor", status="pending")

    documents.verify_document(document=consent, by=officer)
    with pytest.raises(DomainError) as error:
        documents.verify_document(document=passport, by=officer)

    assert error.value.status == 403


# --- Races ------------------------------------------------------------------------------------

RACERS = 4


def _race(n: int, action) -> list[str]:
    """Run `action(i)` in n threads started together; each returns "ok" or an error code."""
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
def test_women_approved_at_once_for_the_last_place_only_one_becomes_ready(
    make_worker, make_job_order, officer, head, today
):
    job_order = make_job_order("SIP2MI/ONE", quota_women=1)
    racers = [open_on(job_order, make_worker(), officer) for _ in range(RACERS)]
    for placement_file in racers:
        give_complete_documents(placement_file, today)
    approvers = [officer, head] * RACERS

    outcomes = _race(
        RACERS,
        lambda i: files.change_stage(
            placement_file=PlacementFile.objects.get(pk=racers[i].pk),
            to_stage=Stage.READY,
            by=approvers[i],
        ),
    )

    assert outcomes == ["not_ready"] * (RACERS - 1) + ["ok"]
    assert job_order.placement_files.filter(stage=Stage.READY).count() == 1
    assert StageChange.objects.filter(to_stage=Stage.READY).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_opens_for_one_person_create_exactly_one_open_file(
    make_worker, make_job_order, officer, head
):
    job_order = make_job_order("SIP2MI/ONE")
    person = make_worker()
    openers = [officer, head] * RACERS

    outcomes = _race(RACERS, lambda i: open_on(job_order, person, openers[i]))

    assert outcomes == ["file_already_open"] * (RACERS - 1) + ["ok"]
    assert PlacementFile.objects.filter(person=person).count() == 1


def test_the_persons_data_export_includes_placement_files_and_training(
    officer, make_worker, make_job_order, agency
):
    from satuatap.people.data_rights.selectors import person_data

    person = make_worker()
    job_order = make_job_order("SIP2MI/EXPORT", agency=agency)
    files.open_file(person=person, by=officer, values={"job_order": job_order})
    data = person_data(person, viewer=officer)
    assert data["placement_files"][0]["job_order_permit"] == "SIP2MI/EXPORT"
    assert [step["to"] for step in data["placement_files"][0]["stage_history"]] == [
        str(files.Stage.REGISTRATION.label)
    ]
    assert data["training"] == []


def test_the_printable_copy_of_the_data_shows_the_placement_files_too(
    client, officer, make_worker, make_job_order, agency
):
    """Found by the issue 23 work: the JSON copy held the files, the printable page did not."""
    from django.urls import reverse

    from tests import purpose as purpose_form

    person = make_worker()
    job_order = make_job_order("SIP2MI/EXPORT", agency=agency)
    files.open_file(person=person, by=officer, values={"job_order": job_order})
    client.force_login(officer)
    page = purpose_form.read(
        client, reverse("people:export", args=[person.pk, "html"]), "data_subject"
    ).content.decode()
    section = page[page.index('data-testid="export-placement-files"') :]
    section = section[: section.index("</ul></li>")]
    assert "PT Bina Karya" in section and "Pendaftaran" in section
    assert 'data-testid="export-training"' in page
