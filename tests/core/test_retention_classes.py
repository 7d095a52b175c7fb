"""Each record class of the retention schedule: what goes once its period has run out, what
stays (what the reports count), and the holds that keep a record (an open case, a complaint a
partner is still working on, a case supervisor's legal hold)."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from satuatap.cases import services as case_services
from satuatap.cases.models import Case, CaseNote, CaseStatus, Category, Channel, Referral
from satuatap.core.retention import services as retention_services
from satuatap.core.roles import Role
from satuatap.frontdesk.models import ServiceRecord, Survey, Ticket, Visit
from satuatap.outreach.models import OutreachEvent, OutreachFollowUp
from satuatap.people import services as people_services
from satuatap.people.models import ImportJob, ImportStatus, Person, Sex
from satuatap.placement.files.models import PlacementFile, StageChange
from satuatap.regions.models import Region, RegionLevel
from satuatap.reports.export_models import ExportJob, ExportStatus
from tests.factories import DeskFactory

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime.date(2040, 1, 1)
LONG_AGO = datetime.date(2020, 1, 6)


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.CASE_SUPERVISOR)


def _person(officer, name, **extra):
    return people_services.register_person(
        by=officer, full_name=name, sex=Sex.FEMALE, birth_date=datetime.date(1990, 2, 1), **extra
    )


def _open_case(counsellor, person):
    return case_services.open_case(
        by=counsellor,
        client=person,
        channel=Channel.WALK_IN,
        categories=[Category.WAGES],
        narrative="Gaji tidak dibayar.",
    )


def _result(run, key: str) -> dict[str, int]:
    found = next(r for r in run.results if r["key"] == key)
    return {name: sum(row[name] for row in found["offices"]) for name in ("due", "held", "done")}


# --- Visits and survey answers ---------------------------------------------------------------


def _served_visit(office, officer, person, day, notes=""):
    visit = Visit.objects.create(office=office, person=person, day=day, checked_in_by=officer)
    desk = DeskFactory(office=office)
    ticket = Ticket.objects.create(
        visit=visit, office=office, desk=desk, day=day, number=visit.pk, prefix="A",
        status="served", issued_at=timezone.now(),
    )  # fmt: skip
    ServiceRecord.objects.create(
        ticket=ticket, person=person, outcome="completed", notes=notes, recorded_by=officer
    )
    return visit


def test_an_old_visit_keeps_its_counts_but_no_longer_names_the_person(office, officer):
    person = _person(officer, "Sulastri")
    visit = _served_visit(office, officer, person, LONG_AGO, notes="Paspor Sulastri hilang")
    survey = Survey.objects.create(
        visit=visit, channel="qr", u1=4, comment="Petugas ramah, Sulastri"
    )

    run = retention_services.run(
        today=datetime.date(2021, 3, 1)
    )  # surveys due (1 y), visits not (3 y)

    survey.refresh_from_db()
    visit.refresh_from_db()
    assert survey.comment == "" and survey.u1 == 4
    assert visit.person_id is None and (visit.sex, visit.age_band) == ("F", "25-39")
    record = ServiceRecord.objects.get(ticket__visit=visit)
    assert record.person_id is None and record.notes == ""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceRecord), object_pk=str(record.pk)
    )
    assert "Paspor" not in " ".join(str(e.changes) for e in entries)
    assert _result(run, "survey_answers") == {"due": 1, "held": 0, "done": 1}
    assert _result(run, "visits") == {"due": 0, "held": 0, "done": 0}


def test_the_visit_of_someone_in_an_open_case_is_held(office, officer, counsellor):
    person = _person(officer, "Sulastri")
    visit = _served_visit(office, officer, person, LONG_AGO)
    _open_case(counsellor, person)

    run = retention_services.run(today=FAR_FUTURE)

    visit.refresh_from_db()
    assert visit.person_id == person.pk
    assert _result(run, "visits") == {"due": 1, "held": 1, "done": 0}
    assert Person.objects.get(pk=person.pk).anonymised_at is None


# --- Registry records without activity -------------------------------------------------------


def test_a_record_without_activity_is_erased_with_its_duplicates(office, officer, settings):
    settings.SATUATAP_RETENTION = {"audit_entries": "never"}  # 2040: the trail would go too
    quiet = _person(officer, "Rina Wati", nik="3209014102900001")
    duplicate = _person(officer, "Rina W.")
    people_services.merge_people(survivor=quiet, merged=duplicate, by=officer, reason="duplikat")
    busy = _person(officer, "Ani Lestari")
    Visit.objects.create(
        office=office, person=busy, day=datetime.date(2039, 6, 1), checked_in_by=officer
    )

    run = retention_services.run(today=FAR_FUTURE)

    for record in (quiet, duplicate):
        record.refresh_from_db()
        assert record.anonymised_at is not None and "Rina" not in record.full_name
    assert Person.objects.get(pk=busy.pk).anonymised_at is None
    assert _result(run, "inactive_people")["done"] == 1  # one person, with her duplicate
    erased = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person),
        object_pk=str(quiet.pk),
        action=LogEntry.Action.DELETE,
    )
    assert erased.actor is None
    assert erased.additional_data["reason"] == "retention"
    assert erased.additional_data["on_behalf_of"] == "system:core.retention"


def test_someone_whose_duplicate_is_in_a_case_is_not_erased(office, officer, counsellor):
    survivor = _person(officer, "Rina Wati")
    duplicate = _person(officer, "Rina W.")
    case = _open_case(counsellor, duplicate)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    people_services.merge_people(survivor=survivor, merged=duplicate, by=officer, reason="duplikat")
    # The case moved to the survivor; put it back on the absorbed record, as when a move fails.
    Case.objects.filter(pk=case.pk).update(client=duplicate)

    retention_services.run(today=datetime.date(2033, 1, 1))  # the case (10 y) is still kept

    assert Person.objects.get(pk=survivor.pk).anonymised_at is None


# --- Placement files -------------------------------------------------------------------------


def test_a_closed_placement_file_loses_names_and_notes_and_keeps_what_is_counted(
    office, officer, make_user
):
    person = _person(officer, "Sulastri")
    placement_file = PlacementFile.objects.create(
        office=office, person=person, scheme="individual", country="HK", sector="domestic",
        stage="returned", stage_since=LONG_AGO, departure_date=datetime.date(2017, 1, 5),
        return_date=LONG_AGO, employer="Chan Tai Man", employer_phone="+85291234567",
        contacts_abroad="KJRI Hong Kong, Ibu Sri", mrc_case_reference="MRC-2019-0004",
    )  # fmt: skip
    StageChange.objects.create(
        file=placement_file, to_stage="returned", effective_date=LONG_AGO, note="Pulang, sakit"
    )
    open_file = PlacementFile.objects.create(
        office=office, person=_person(officer, "Ani"), scheme="individual", stage="selection",
        stage_since=LONG_AGO, employer="Keluarga Lin",
    )  # fmt: skip

    run = retention_services.run(today=datetime.date(2026, 1, 7))  # 5 years and a day

    placement_file.refresh_from_db()
    assert placement_file.anonymised_at is not None
    assert (placement_file.employer, placement_file.employer_phone) == ("", "")
    assert placement_file.contacts_abroad == "" and placement_file.mrc_case_reference == ""
    assert (placement_file.country.code, placement_file.sector) == ("HK", "domestic")
    assert placement_file.return_date == LONG_AGO
    assert placement_file.history.get().note == ""
    trail = " ".join(
        str(e.changes)
        for e in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(PlacementFile)
        )
    )
    assert "Chan Tai Man" not in trail and "KJRI" not in trail
    open_file.refresh_from_db()
    assert open_file.employer == "Keluarga Lin" and open_file.anonymised_at is None
    assert _result(run, "placement_files") == {"due": 1, "held": 0, "done": 1}


# --- Closed cases ----------------------------------------------------------------------------


def test_a_closed_case_loses_its_story_and_keeps_what_is_counted(
    counsellor, officer, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    person = _person(officer, "Sulastri")
    case = _open_case(counsellor, person)
    case_services.add_note(case=case, text="Majikan bernama Tuan Lee", by=counsellor)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=30),
        employer="Tuan Lee",
        money_recovered_idr=5_000_000,
    )

    run = retention_services.run(today=FAR_FUTURE)

    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert (case.narrative, case.employer) == ("", "")
    assert case.money_recovered_idr == 5_000_000
    assert list(case.categories.values_list("category", flat=True)) == [Category.WAGES]
    assert not CaseNote.objects.filter(case=case).exists()
    assert case.client_id == person.pk
    assert _result(run, "closed_cases") == {"due": 1, "held": 0, "done": 1}
    # Its client, in no other case, is erased by her own period in the same run.
    assert Person.objects.get(pk=person.pk).anonymised_at is not None


def test_a_closed_case_with_a_referral_still_pending_is_held(counsellor, officer, partner):
    case = _open_case(counsellor, _person(officer, "Sulastri"))
    consent = case_services.record_consent(
        case=case, by=counsellor, recipient=partner, items=["identity"],
        given_on=timezone.localdate(), method="signed",
    )  # fmt: skip
    assert consent.pk
    case_services.send_referral(
        case=case, by=counsellor, partner=partner, service="Pendampingan",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())

    run = retention_services.run(today=FAR_FUTURE)

    case.refresh_from_db()
    assert case.anonymised_at is None and case.narrative
    assert _result(run, "closed_cases") == {"due": 1, "held": 1, "done": 0}
    Referral.objects.filter(case=case).update(state="completed")
    retention_services.run(today=FAR_FUTURE)
    case.refresh_from_db()
    assert case.anonymised_at is not None


# --- Outreach participants -------------------------------------------------------------------


def test_an_old_event_no_longer_names_who_came_but_keeps_its_counts(office, officer, counsellor):
    village = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="32.09.").first()
    event = OutreachEvent.objects.create(
        office=office, village=village, date=LONG_AGO, kind="socialisation", title="Sosialisasi"
    )
    event.counts.create(sex="F", age_band="25-39", count=12)
    named, held = _person(officer, "Ani"), _person(officer, "Sulastri")
    event.participants.set([named, held])
    OutreachFollowUp.objects.create(event=event, person=named, came_on=LONG_AGO, note="Tanya")
    _open_case(counsellor, held)

    run = retention_services.run(today=datetime.date(2023, 1, 1))

    assert list(event.participants.all()) == [held]
    assert not OutreachFollowUp.objects.exists()
    assert event.counts.get().count == 12
    assert _result(run, "outreach_participants") == {"due": 1, "held": 0, "done": 1}
    run = retention_services.run(today=datetime.date(2023, 1, 1))
    assert _result(run, "outreach_participants") == {"due": 1, "held": 1, "done": 0}


# --- Exports, uploaded registers, the audit trail --------------------------------------------


def test_old_exports_and_uploaded_registers_go(office, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    head = make_user(Role.OFFICE_HEAD)
    export = ExportJob.objects.create(
        requested_by=head,
        office=office,
        kind="csv",
        status=ExportStatus.DONE,
        finished_at=timezone.now(),
    )
    export.file.save("x.csv", ContentFile(b"a,b\n"), save=True)
    job = ImportJob.objects.create(
        office=office, uploaded_by=head, original_name="register.csv", sha256="0" * 64,
        status=ImportStatus.DONE, finished_at=timezone.now(), columns=["NIK", "Nama"],
        error_rows=[{"row": 3, "errors": ["NIK 3209… sudah terdaftar"]}],
    )  # fmt: skip
    job.file.save("register.csv", ContentFile(b"NIK,Nama\n"), save=True)
    path = job.file.path

    retention_services.run(today=timezone.localdate() + datetime.timedelta(days=91))

    assert not ExportJob.objects.exists()
    job.refresh_from_db()
    assert not job.file and job.error_rows == [] and job.columns == []
    assert job.created_count == 0 and job.status == ImportStatus.DONE
    import os

    assert not os.path.exists(path)


def test_old_audit_entries_go_except_those_of_a_held_person(office, officer, counsellor):
    held = _person(officer, "Sulastri")
    other = _person(officer, "Ani")
    _open_case(counsellor, held)
    person_type = ContentType.objects.get_for_model(Person)
    LogEntry.objects.update(timestamp=timezone.now() - datetime.timedelta(days=11 * 366))

    run = retention_services.run(today=timezone.localdate())

    kept = LogEntry.objects.filter(content_type=person_type)
    assert kept.filter(object_pk=str(held.pk)).exists()
    assert not kept.filter(object_pk=str(other.pk), action=LogEntry.Action.CREATE).exists()
    assert _result(run, "audit_entries")["done"] > 0
