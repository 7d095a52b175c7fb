"""Outreach services and selectors: validation, counts by sex, follow-ups, focal points, Perdes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from satuatap.cases.models import AgeBand as CaseAgeBand
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.outreach import selectors, services
from satuatap.outreach.models import (
    AgeBand,
    EventKind,
    OutreachCount,
    OutreachEvent,
    VillageFocalPoint,
    VillageRegulation,
)
from satuatap.people import services as people_services
from satuatap.people.documents.services import upload_document
from satuatap.people.models import DocumentType, Sex
from tests.factories import PersonFactory
from tests.outreach.conftest import COUNTS

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _create(by, village, day, **overrides):
    values = {
        "by": by,
        "village": village,
        "date": day,
        "kind": EventKind.TRAINING,
        "title": "Pelatihan",
        "counts": [(Sex.FEMALE, AgeBand.ADULT, 3)],
    }
    values.update(overrides)
    return services.create_event(**values)


def test_age_bands_are_the_same_as_the_mrc_contacts():
    assert AgeBand.choices == CaseAgeBand.choices


# --- Events: validation ----------------------------------------------------------------------


def test_event_records_counts_and_totals_by_sex(event):
    assert event.office.slug == "cirebon"
    assert OutreachCount.objects.filter(event=event).count() == len(COUNTS)
    listed = selectors.office_events(event.recorded_by).get(pk=event.pk)
    assert (listed.total, listed.women, listed.men, listed.sex_not_recorded) == (27, 19, 7, 1)
    assert selectors.counts_by_sex([event]) == {"F": 19, "M": 7, "U": 1, "total": 27}
    grid = selectors.event_grid(event)
    assert grid["by_sex"] == [19, 7, 1]
    assert grid["total"] == 27
    adult = next(row for row in grid["rows"] if row["band"] == AgeBand.ADULT)
    assert adult["values"] == [12, 5, 0]


def test_counts_by_sex_add_up_over_several_events(outreach_worker, village, second_village, event):
    day = event.date
    _create(outreach_worker, second_village, day, counts=[(Sex.MALE, AgeBand.YOUNG, 4)])
    assert selectors.counts_by_sex(selectors.office_events(outreach_worker)) == {
        "F": 19,
        "M": 11,
        "U": 1,
        "total": 31,
    }
    only_second = selectors.office_events(outreach_worker, village=second_village)
    assert [e.total for e in only_second] == [4]


@pytest.mark.parametrize(
    "counts",
    [
        [(Sex.FEMALE, AgeBand.ADULT, -1)],
        [(Sex.FEMALE, AgeBand.ADULT, 2.5)],
        [(Sex.FEMALE, AgeBand.ADULT, "three")],
        [(Sex.FEMALE, AgeBand.ADULT, True)],
        [("X", AgeBand.ADULT, 3)],
        [(Sex.FEMALE, "elderly", 3)],
    ],
)
def test_counts_must_be_whole_numbers_of_known_cells(outreach_worker, village, event_day, counts):
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, counts=counts)
    assert error.value.code == "invalid_count"
    assert not OutreachEvent.objects.exists()


def test_the_same_cell_twice_is_refused(outreach_worker, village, event_day):
    counts = [(Sex.FEMALE, AgeBand.ADULT, 3), (Sex.FEMALE, AgeBand.ADULT, 2)]
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, counts=counts)
    assert error.value.code == "duplicate_count"


@pytest.mark.parametrize("counts", [[], [(Sex.FEMALE, AgeBand.ADULT, 0)]])
def test_an_event_needs_at_least_one_participant(outreach_worker, village, event_day, counts):
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, counts=counts)
    assert error.value.code == "no_participants"


def test_zero_cells_are_not_stored(outreach_worker, village, event_day):
    event = _create(
        outreach_worker,
        village,
        event_day,
        counts=[(Sex.FEMALE, AgeBand.ADULT, 3), (Sex.MALE, AgeBand.ADULT, 0)],
    )
    assert list(event.counts.values_list("sex", "count")) == [(Sex.FEMALE, 3)]


def test_date_cannot_be_in_the_future(outreach_worker, village, office):
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, office.today() + datetime.timedelta(days=1))
    assert error.value.code == "date_in_future"


def test_village_must_be_a_village(outreach_worker, village, event_day):
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village.parent, event_day)
    assert error.value.code == "not_a_village"
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, "32.09.99.9999", event_day)
    assert error.value.code == "village_unknown"


def test_village_must_be_in_the_office_area(outreach_worker, other_village, event_day):
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, other_village, event_day)
    assert error.value.code == "village_outside_area"


def test_unknown_topic_and_kind_are_refused(outreach_worker, village, event_day):
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, topics=["astrology"])
    assert error.value.code == "invalid_topic"
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, kind="party")
    assert error.value.code == "invalid_kind"


def test_partners_must_work_with_the_office(outreach_worker, village, event_day, partner):
    event = _create(outreach_worker, village, event_day, partners=[partner])
    assert list(event.partners.all()) == [partner]
    partner.partner_offices.clear()
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, partners=[partner])
    assert error.value.code == "partner_not_of_office"


def test_named_participants_are_of_the_office_and_counted(
    outreach_worker, village, event_day, office, other_office
):
    mine = PersonFactory(office=office)
    theirs = PersonFactory(office=other_office)
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, participants=[theirs])
    assert error.value.code == "not_found"
    people = [PersonFactory(office=office) for _ in range(3)]
    with pytest.raises(DomainError) as error:
        _create(outreach_worker, village, event_day, participants=[mine, *people])
    assert error.value.code == "more_named_than_counted"
    event = _create(outreach_worker, village, event_day, participants=people)
    assert set(event.participants.all()) == set(people)
    with pytest.raises(DomainError) as error:
        services.add_participant(event=event, person=mine, by=outreach_worker)
    assert error.value.code == "more_named_than_counted"


@pytest.mark.parametrize("role", [Role.OUTREACH_WORKER, Role.OFFICE_HEAD, Role.COUNSELLOR])
def test_outreach_roles_record_events(make_user, village, event_day, role):
    assert _create(make_user(role), village, event_day).pk


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.PLACEMENT_OFFICER, Role.DESK_OFFICER])
def test_other_office_roles_cannot_record_events(make_user, village, event_day, role):
    with pytest.raises(DomainError) as error:
        _create(make_user(role), village, event_day)
    assert error.value.status == 403


def test_update_replaces_the_counts(event, outreach_worker, second_village):
    services.update_event(
        event=event,
        by=outreach_worker,
        village=second_village,
        date=event.date,
        kind=EventKind.COMMUNITY_MEETING,
        title="Pertemuan",
        counts=[(Sex.MALE, AgeBand.OLDER, 9)],
    )
    event.refresh_from_db()
    assert event.village == second_village
    assert selectors.counts_by_sex([event]) == {"F": 0, "M": 9, "U": 0, "total": 9}


def test_another_office_cannot_change_an_event(event, make_user, other_office):
    stranger = make_user(Role.OUTREACH_WORKER, organisation=other_office)
    with pytest.raises(DomainError) as error:
        services.update_event(
            event=event,
            by=stranger,
            village=event.village,
            date=event.date,
            kind=event.kind,
            title="x",
            counts=COUNTS,
        )
    assert error.value.status == 403
    assert selectors.get_visible_event(stranger, event.pk) is None
    assert not selectors.office_events(stranger).exists()


# --- Follow-ups ------------------------------------------------------------------------------


def test_follow_ups_recorded_and_suggested_from_the_registry(event, outreach_worker, office):
    officer = outreach_worker
    came = PersonFactory(office=office)
    registered_later = people_services.register_person(
        by=officer, full_name="Wartini", sex=Sex.FEMALE
    )
    nothing_since = PersonFactory(office=office)
    # Registered before the event: PersonFactory records are created "now", so move them back.
    before = event.date - datetime.timedelta(days=30)
    type(came).objects.filter(pk__in=[came.pk, nothing_since.pk]).update(
        created_at=datetime.datetime.combine(before, datetime.time(9), tzinfo=office.zone)
    )
    for person in (came, registered_later, nothing_since):
        services.add_participant(event=event, person=person, by=officer)

    services.record_follow_up(
        event=event, person=came, came_on=event.date + datetime.timedelta(days=3), by=officer
    )
    rows = selectors.follow_ups(event)

    assert [(row.person, row.is_recorded) for row in rows] == [
        (came, True),
        (registered_later, False),
    ]
    assert rows[1].came_on == office.today()


def test_a_document_uploaded_after_the_event_suggests_a_follow_up(event, outreach_worker, office):
    person = PersonFactory(office=office)
    type(person).objects.filter(pk=person.pk).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=office.zone)
    )
    services.add_participant(event=event, person=person, by=outreach_worker)
    assert selectors.follow_ups(event) == []
    upload_document(
        person=person,
        document_type=DocumentType.objects.get(code="ktp"),
        file=SimpleUploadedFile("ktp.pdf", PDF),
        by=outreach_worker,
    )
    [row] = selectors.follow_ups(event)
    assert row.person == person and not row.is_recorded


def test_follow_up_rules(event, outreach_worker, office):
    person = PersonFactory(office=office)
    with pytest.raises(DomainError) as error:
        services.record_follow_up(
            event=event, person=person, came_on=event.date, by=outreach_worker
        )
    assert error.value.code == "not_a_participant"
    services.add_participant(event=event, person=person, by=outreach_worker)
    with pytest.raises(DomainError) as error:
        services.record_follow_up(
            event=event,
            person=person,
            came_on=event.date - datetime.timedelta(days=1),
            by=outreach_worker,
        )
    assert error.value.code == "came_on_before_event"
    services.record_follow_up(event=event, person=person, came_on=event.date, by=outreach_worker)
    with pytest.raises(DomainError) as error:
        services.record_follow_up(
            event=event, person=person, came_on=event.date, by=outreach_worker
        )
    assert error.value.code == "duplicate_follow_up"


# --- Focal points ----------------------------------------------------------------------------


def test_focal_point_phone_is_stored_in_e164_and_ended(outreach_worker, village, office):
    point = services.add_focal_point(
        by=outreach_worker,
        village=village,
        name="  Sumarni ",
        phone="0812-3456-7890",
        since=office.today() - datetime.timedelta(days=100),
    )
    assert (point.name, point.phone, point.is_active) == ("Sumarni", "+6281234567890", True)
    assert list(selectors.focal_points_of(village, active_only=True)) == [point]
    with pytest.raises(DomainError) as error:
        services.end_focal_point(
            focal_point=point, until=point.since - datetime.timedelta(days=1), by=outreach_worker
        )
    assert error.value.code == "until_before_since"
    services.end_focal_point(focal_point=point, until=office.today(), by=outreach_worker)
    assert not selectors.focal_points_of(village, active_only=True).exists()
    assert VillageFocalPoint.objects.get().until == office.today()


def test_focal_point_refuses_bad_phone_and_other_area(
    outreach_worker, village, other_village, office
):
    with pytest.raises(DomainError) as error:
        services.add_focal_point(
            by=outreach_worker, village=village, name="X", phone="12", since=office.today()
        )
    assert error.value.code == "invalid_phone"
    with pytest.raises(DomainError) as error:
        services.add_focal_point(
            by=outreach_worker, village=other_village, name="X", since=office.today()
        )
    assert error.value.code == "village_outside_area"


# --- Village regulations ---------------------------------------------------------------------


def _upload(by, village, data, name="perdes.pdf", number="3 Tahun 2021"):
    return services.upload_regulation(
        by=by,
        village=village,
        number=number,
        date=datetime.date(2021, 6, 1),
        title="Perlindungan PMI",
        file=SimpleUploadedFile(name, data),
    )


def test_regulation_scan_is_stored_by_its_content(outreach_worker, village):
    regulation = _upload(outreach_worker, village, PDF, name="anything.html")
    assert (regulation.content_type, regulation.extension) == ("application/pdf", ".pdf")
    assert regulation.file.name.startswith(f"perdes/{village.code}/")
    assert list(selectors.regulations_of(village)) == [regulation]


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"%PDX not really",
        b"",
    ],
)
def test_regulation_upload_refuses_what_is_not_a_scan(outreach_worker, village, data):
    with pytest.raises(DomainError) as error:
        _upload(outreach_worker, village, data, name="perdes.pdf")
    assert error.value.code in {"unsupported_file_type", "empty_file"}
    assert not VillageRegulation.objects.exists()


def test_regulation_upload_refuses_a_file_over_the_limit(outreach_worker, village, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    with pytest.raises(DomainError) as error:
        _upload(outreach_worker, village, PDF + b"0" * 200)
    assert error.value.code == "file_too_large"


def test_regulation_number_is_unique_per_village(outreach_worker, village):
    _upload(outreach_worker, village, PDF)
    with pytest.raises(DomainError) as error:
        _upload(outreach_worker, village, PDF)
    assert error.value.code == "duplicate_regulation"
    assert VillageRegulation.objects.count() == 1


def test_frontdesk_cannot_upload_a_regulation(make_user, village):
    with pytest.raises(DomainError) as error:
        _upload(make_user(Role.FRONTDESK), village, PDF)
    assert error.value.status == 403


# --- Selectors for the reports app -----------------------------------------------------------


def test_village_selectors_limit_to_given_offices(event, village, office, other_office):
    assert list(selectors.events_in_village(village)) == [event]
    assert list(selectors.events_in_village(village, office_ids=[office.pk])) == [event]
    assert not selectors.events_in_village(village, office_ids=[other_office.pk]).exists()
    rows = list(selectors.participant_count_rows(office_ids=[office.pk]))
    assert sum(row["count"] for row in rows) == 27
    assert {row["event__village_id"] for row in rows} == {village.code}
    assert not selectors.participant_count_rows(
        date_from=event.date + datetime.timedelta(days=1)
    ).exists()


def test_office_villages_count_records(event, outreach_worker, village, second_village, office):
    services.add_focal_point(by=outreach_worker, village=second_village, name="A", since=event.date)
    villages = {v.code: v for v in selectors.office_villages(outreach_worker)}
    assert set(villages) == {village.code, second_village.code}
    assert (villages[village.code].event_count, villages[village.code].last_event) == (
        1,
        event.date,
    )
    assert villages[second_village.code].focal_point_count == 1
    everything = selectors.office_villages(outreach_worker, only_with_records=False)
    assert everything.count() > 2


def test_removing_a_participant_removes_their_follow_up(event, outreach_worker, office):
    person = PersonFactory(office=office)
    services.add_participant(event=event, person=person, by=outreach_worker)
    services.record_follow_up(event=event, person=person, came_on=event.date, by=outreach_worker)
    services.remove_participant(event=event, person=person, by=outreach_worker)
    assert not event.participants.exists()
    assert not event.follow_ups.exists()
