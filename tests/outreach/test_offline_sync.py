"""The sync of events recorded offline (`POST /api/v1/outreach/sync`, outreach/offline/): each
record exactly once however often it is sent, the participants matched to the registry with a
report of those entered twice, the online form's rules and refusals, and bad input changing
nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.test import Client
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.core.services import issue_api_token
from satuatap.outreach.models import (
    OfflineSyncConflict,
    OutreachEvent,
    SyncConflictKind,
    SyncResolution,
)
from satuatap.outreach.offline import services as offline
from satuatap.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/outreach/sync"


def _headers(user) -> dict:
    raw, _ = issue_api_token(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _event(village, day, **changes) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "village": village.code,
        "date": day.isoformat(),
        "kind": "socialisation",
        "title": "Sosialisasi di balai desa",
        "topics": ["safe_migration"],
        "counts": [
            {"sex": "F", "age_band": "25-39", "count": 8},
            {"sex": "M", "age_band": "18-24", "count": 3},
        ],
        "participants": [],
        "materials": "Leaflet",
        "notes": "",
    }
    body.update(changes)
    return body


def _post(client, user, events, language=None) -> tuple[int, dict]:
    headers = _headers(user)
    if language:
        headers["Accept-Language"] = language
    response = client.post(
        URL, json.dumps({"events": events}), content_type="application/json", headers=headers
    )
    return response.status_code, response.json()


def _rows() -> dict[str, list[dict]]:
    """Every row the sync could write (outreach, the registry), to tell that nothing changed."""
    rows = {}
    for label in ("outreach", "people"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def test_a_retried_sync_stores_each_event_exactly_once(client, outreach_worker, village, event_day):
    events = [_event(village, event_day), _event(village, event_day, title="Kedua")]

    status, first = _post(client, outreach_worker, events)
    status_again, again = _post(client, outreach_worker, events)

    assert status == status_again == 200
    assert [r["status"] for r in first["events"]] == ["created", "created"]
    assert [r["status"] for r in again["events"]] == ["already_synced", "already_synced"]
    assert [r["event_id"] for r in again["events"]] == [r["event_id"] for r in first["events"]]
    stored = OutreachEvent.objects.order_by("title")
    assert stored.count() == 2
    assert {str(e.offline_id) for e in stored} == {e["id"] for e in events}
    event = stored.get(title="Sosialisasi di balai desa")
    assert event.recorded_by == outreach_worker
    assert {(c.sex, c.age_band, c.count) for c in event.counts.all()} == {
        ("F", "25-39", 8),
        ("M", "18-24", 3),
    }


def test_a_sync_answered_after_a_lost_response_adds_the_new_records_only(
    client, outreach_worker, village, event_day
):
    first = _event(village, event_day)
    _post(client, outreach_worker, [first])
    second = _event(village, event_day, title="Baru")

    _status, answer = _post(client, outreach_worker, [first, second])

    assert [r["status"] for r in answer["events"]] == ["already_synced", "created"]
    assert OutreachEvent.objects.count() == 2


def test_every_synced_event_is_audited_as_the_workers_change(
    client, outreach_worker, village, event_day
):
    _post(client, outreach_worker, [_event(village, event_day)])

    event = OutreachEvent.objects.get()
    entry = LogEntry.objects.get_for_object(event).get(action=LogEntry.Action.CREATE)
    assert entry.actor == outreach_worker


def test_participants_are_matched_and_registered(
    client, outreach_worker, office, village, event_day
):
    known = PersonFactory(
        office=office, full_name="Siti Aminah", birth_date=datetime.date(1990, 5, 1)
    )
    participants = [
        {"full_name": "siti  aminah", "sex": "F", "birth_date": "1990-05-01"},
        {"full_name": "Rina Wati", "sex": "F", "nik": "3209014508950003"},
    ]

    _status, answer = _post(
        client, outreach_worker, [_event(village, event_day, participants=participants)]
    )

    (result,) = answer["events"]
    assert result["status"] == "created" and result["conflicts"] == []
    event = OutreachEvent.objects.get()
    new = Person.objects.get(nik="3209014508950003")
    assert set(event.participants.all()) == {known, new}
    assert (
        new.office == office and new.full_name == "Rina Wati" and new.created_by == outreach_worker
    )


def test_the_same_participant_twice_in_one_event_is_named_once_and_reported(
    client, outreach_worker, office, village, event_day
):
    twice = {"full_name": "Dewi Lestari", "sex": "F", "nik": "3209014508950003"}
    again_by_name = {"full_name": "DEWI LESTARI", "sex": "F", "birth_date": "1995-08-05"}
    first = dict(twice, birth_date="1995-08-05")

    _status, answer = _post(
        client,
        outreach_worker,
        [_event(village, event_day, participants=[first, twice, again_by_name])],
    )

    (result,) = answer["events"]
    event = OutreachEvent.objects.get()
    person = Person.objects.get(nik="3209014508950003")
    assert list(event.participants.all()) == [person]
    assert Person.objects.filter(full_name__iexact="Dewi Lestari").count() == 1
    assert [(c["kind"], c["resolution"], c["entered_name"]) for c in result["conflicts"]] == [
        ("same_in_event", "named_once", "Dewi Lestari"),
        ("same_in_event", "named_once", "DEWI LESTARI"),
    ]
    conflicts = OfflineSyncConflict.objects.filter(event=event)
    assert conflicts.count() == 2 and {c.person for c in conflicts} == {person}


def test_the_same_new_participant_in_two_events_is_one_record_reported(
    client, outreach_worker, village, second_village, event_day
):
    person = {"full_name": "Yuni Astuti", "sex": "F", "birth_date": "1999-01-02"}
    events = [
        _event(village, event_day, participants=[person]),
        _event(second_village, event_day, title="Kedua", participants=[person]),
    ]

    _status, answer = _post(client, outreach_worker, events)

    registered = Person.objects.get(full_name="Yuni Astuti")
    assert all(e.participants.get() == registered for e in OutreachEvent.objects.all())
    assert answer["events"][0]["conflicts"] == []
    (conflict,) = answer["events"][1]["conflicts"]
    assert conflict["kind"] == SyncConflictKind.SAME_ACROSS_EVENTS
    assert conflict["resolution"] == SyncResolution.NAMED_ONCE
    assert conflict["person_id"] == registered.pk


def test_a_retry_answers_with_the_same_report_and_adds_no_person(
    client, outreach_worker, village, event_day
):
    person = {"full_name": "Dewi Lestari", "sex": "F", "nik": "3209014508950003"}
    events = [_event(village, event_day, participants=[person, person])]
    _post(client, outreach_worker, events)

    _status, again = _post(client, outreach_worker, events)

    assert again["events"][0]["status"] == "already_synced"
    assert [c["kind"] for c in again["events"][0]["conflicts"]] == ["same_in_event"]
    assert Person.objects.count() == 1 and OfflineSyncConflict.objects.count() == 1


def test_a_participant_who_matches_a_record_with_another_nik_is_left_for_the_office(
    client, outreach_worker, office, village, event_day
):
    PersonFactory(office=office, full_name="Siti Aminah", birth_date=datetime.date(1990, 5, 1))
    typed = {
        "full_name": "Siti Aminah",
        "sex": "F",
        "nik": "3209014105900009",
        "birth_date": "1990-05-01",
    }

    _status, answer = _post(
        client, outreach_worker, [_event(village, event_day, participants=[typed])]
    )

    (conflict,) = answer["events"][0]["conflicts"]
    assert (conflict["kind"], conflict["resolution"]) == ("other_nik", "not_named")
    event = OutreachEvent.objects.get()
    assert not event.participants.exists() and event.counts.exists()
    assert not Person.objects.filter(nik="3209014105900009").exists()


def test_a_nik_of_another_office_is_not_named_there(
    client, outreach_worker, other_office, village, event_day
):
    elsewhere = PersonFactory(office=other_office, full_name="Ani")
    typed = {"full_name": "Ani", "sex": "F", "nik": elsewhere.nik}

    _status, answer = _post(
        client, outreach_worker, [_event(village, event_day, participants=[typed])]
    )

    (conflict,) = answer["events"][0]["conflicts"]
    assert (conflict["kind"], conflict["person_id"]) == ("nik_registered", None)
    assert not OutreachEvent.objects.get().participants.exists()


def test_the_office_lists_the_report_and_marks_it_checked(
    client, outreach_worker, make_user, village, event_day
):
    twice = {"full_name": "Dewi Lestari", "sex": "F", "nik": "3209014508950003"}
    _post(client, outreach_worker, [_event(village, event_day, participants=[twice, twice])])
    conflict = OfflineSyncConflict.objects.get()

    client.force_login(make_user(Role.OFFICE_HEAD))
    page = client.get(reverse("outreach:sync-conflicts")).content.decode()
    assert "Dewi Lestari" in page and "3209********0003" in page and "3209014508950003" not in page

    response = client.post(reverse("outreach:sync-conflict-review", args=[conflict.pk]))
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.reviewed_at is not None
    assert "Dewi Lestari" not in client.get(reverse("outreach:sync-conflicts")).content.decode()


def test_the_typed_details_are_stored_encrypted():
    field = OfflineSyncConflict._meta.get_field("entered")
    assert type(field).__name__ == "EncryptedTextField"


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.DESK_OFFICER, Role.PLACEMENT_OFFICER])
def test_who_may_not_record_outreach_is_refused_in_their_language(
    client, make_user, village, event_day, role
):
    user = make_user(role)
    before = _rows()

    status, body = _post(client, user, [_event(village, event_day)])
    status_en, body_en = _post(client, user, [_event(village, event_day)], language="en")

    assert status == status_en == 403
    assert body["code"] == "forbidden"
    assert (
        body["message"] == "Anda tidak berwenang mencatat kegiatan penjangkauan untuk kantor ini."
    )
    assert body_en["message"] == "You may not record outreach for this office."
    assert _rows() == before


def test_a_village_of_another_office_is_refused_and_the_rest_stored(
    client, outreach_worker, village, other_village, event_day
):
    good = _event(village, event_day)
    foreign = _event(
        other_village,
        event_day,
        participants=[{"full_name": "Tidak Tersimpan", "sex": "F", "birth_date": "1990-01-01"}],
    )

    _status, answer = _post(client, outreach_worker, [foreign, good], language="en")

    refused, created = answer["events"]
    assert refused["status"] == "refused" and created["status"] == "created"
    assert refused["error"]["code"] == "village_outside_area"
    assert "is not in the area this office serves" in refused["error"]["message"]
    assert OutreachEvent.objects.get().offline_id == uuid.UUID(good["id"])
    assert not Person.objects.filter(full_name="Tidak Tersimpan").exists()


def test_more_named_than_counted_refuses_the_event_and_registers_nobody(
    client, outreach_worker, village, event_day
):
    people = [
        {"full_name": f"Orang {n}", "sex": "F", "birth_date": f"199{n}-01-01"} for n in range(3)
    ]
    record = _event(village, event_day, counts=[{"sex": "F", "age_band": "25-39", "count": 2}])
    record["participants"] = people
    before = _rows()

    _status, answer = _post(client, outreach_worker, [record])

    assert answer["events"][0]["error"]["code"] == "more_named_than_counted"
    assert _rows() == before


def test_someone_elses_record_id_is_refused_without_saying_whose(
    client, outreach_worker, make_user, village, event_day
):
    record = _event(village, event_day)
    _post(client, outreach_worker, [record])
    head = make_user(Role.OFFICE_HEAD)

    _status, answer = _post(client, head, [record], language="en")

    assert answer["events"][0]["status"] == "refused"
    assert answer["events"][0]["error"]["code"] == "offline_id_taken"
    assert "Sosialisasi" not in json.dumps(answer)
    assert OutreachEvent.objects.count() == 1


BAD_BATCHES = [
    {"events": [{"id": "not-a-uuid"}]},
    {"events": "everything"},
    {"events": [{"id": str(uuid.uuid4()), "village": "x", "date": "2026-13-01"}]},
]


@pytest.mark.parametrize("bad", BAD_BATCHES)
def test_a_malformed_batch_is_a_422_that_changes_nothing(client, outreach_worker, bad):
    before = _rows()
    response = client.post(
        URL, json.dumps(bad), content_type="application/json", headers=_headers(outreach_worker)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert _rows() == before


def test_the_same_id_twice_in_one_batch_changes_nothing(
    client, outreach_worker, village, event_day
):
    record = _event(village, event_day)
    before = _rows()

    status, body = _post(client, outreach_worker, [record, record])

    assert status == 422 and body["code"] == "duplicate_offline_id"
    assert _rows() == before


def test_a_participant_without_nik_or_birth_date_refuses_the_event(
    client, outreach_worker, village, event_day
):
    record = _event(village, event_day, participants=[{"full_name": "Siti", "sex": "F"}])

    _status, answer = _post(client, outreach_worker, [record])

    assert answer["events"][0]["error"]["code"] == "participant_nik_or_birth_date"
    assert not OutreachEvent.objects.exists()


def test_the_browser_session_needs_the_csrf_token(outreach_worker, village, event_day):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(outreach_worker)
    before = _rows()

    response = browser.post(
        URL, json.dumps({"events": [_event(village, event_day)]}), content_type="application/json"
    )

    assert response.status_code == 403
    assert _rows() == before


def test_the_service_refuses_a_batch_too_large(outreach_worker, village, event_day):
    records = [
        offline.OfflineEvent(
            offline_id=uuid.uuid4(),
            village=village.code,
            date=event_day,
            kind="socialisation",
            title="x",
            counts=[("F", "25-39", 1)],
        )
        for _ in range(offline.MAX_BATCH + 1)
    ]
    with pytest.raises(Exception) as error:
        offline.sync_events(by=outreach_worker, records=records)
    assert getattr(error.value, "code", "") == "batch_too_large"
    assert not OutreachEvent.objects.exists()
