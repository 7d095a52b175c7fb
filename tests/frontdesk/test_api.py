"""The front-desk API: check-in, queue, call-next, finish — permission-checked."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.frontdesk.models import Visit
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_check_in_queue_call_and_finish_through_the_api(
    client, frontdesk, desk_officer, services, office
):
    person = PersonFactory(office=office)
    client.force_login(frontdesk)
    created = client.post(
        "/api/v1/visits",
        {
            "person_id": person.pk,
            "service_ids": [services["registration"].pk, services["passport"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert sorted(t["code"] for t in body["tickets"]) == ["A-001", "E-001"]
    assert "/survey/" in body["survey_url"]
    desk_id = next(t["desk_id"] for t in body["tickets"] if t["code"] == "A-001")

    client.force_login(desk_officer)
    queue = client.get(f"/api/v1/desks/{desk_id}/queue").json()
    assert [t["code"] for t in queue["waiting"]] == ["A-001"]
    called = client.post(f"/api/v1/desks/{desk_id}/call-next")
    assert called.status_code == 200 and called.json()["status"] == "called"
    assert client.post(f"/api/v1/desks/{desk_id}/call-next").status_code == 204
    finished = client.post(
        f"/api/v1/tickets/{called.json()['id']}/finish",
        {"outcome": "completed"},
        content_type="application/json",
    )
    assert finished.status_code == 200 and finished.json()["status"] == "served"


def test_the_queue_lists_tickets_in_calling_order_whatever_the_issue_times(
    client, frontdesk, desk_officer, services
):
    from tests.frontdesk.test_queue import LINE, issue_with_shuffled_times

    desk = issue_with_shuffled_times(frontdesk, services["registration"])[0].desk
    client.force_login(desk_officer)

    queue = client.get(f"/api/v1/desks/{desk.pk}/queue").json()
    called = [client.post(f"/api/v1/desks/{desk.pk}/call-next").json()["code"] for _ in LINE]

    assert [t["code"] for t in queue["waiting"]] == LINE
    assert called == LINE


def test_anonymous_visit_needs_an_information_service(client, frontdesk, services):
    client.force_login(frontdesk)
    ok = client.post(
        "/api/v1/visits",
        {"service_ids": [services["information"].pk], "sex": "F"},
        content_type="application/json",
    )
    refused = client.post(
        "/api/v1/visits",
        {"service_ids": [services["passport"].pk]},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert refused.status_code == 400 and refused.json()["code"] == "person_required"


def test_an_age_band_the_reports_do_not_know_is_refused_and_nothing_is_recorded(
    client, frontdesk, services
):
    from satuatap.frontdesk.models import Visit

    frontdesk.language = "en"
    frontdesk.save()
    client.force_login(frontdesk)
    refused = client.post(
        "/api/v1/visits",
        {"service_ids": [services["information"].pk], "sex": "F", "age_band": "35-44"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "unknown_sex_or_age_band"
    assert refused.json()["message"] == "Unknown sex or age band."
    assert not Visit.objects.exists()


def test_services_of_another_office_are_refused(client, frontdesk, other_office):
    from satuatap.core.models import DeskType
    from satuatap.frontdesk.models import Service
    from tests.factories import DeskFactory

    desk = DeskFactory(office=other_office, desk_type=DeskType.objects.get(code="kesehatan"))
    foreign = Service.objects.create(
        office=other_office, desk=desk, name_id="X", target_minutes=5, allows_anonymous=True
    )
    from satuatap.frontdesk.models import Visit

    client.force_login(frontdesk)
    response = client.post(
        "/api/v1/visits", {"service_ids": [foreign.pk]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_service"
    assert not Visit.objects.exists()


def test_other_office_cannot_see_or_call_this_desk(
    client, make_user, frontdesk, services, desks, other_office
):
    from satuatap.frontdesk.models import TicketStatus
    from satuatap.frontdesk.services import check_in

    waiting = check_in(
        by=frontdesk, services=[services["registration"]], person=PersonFactory()
    ).tickets.get()
    client.force_login(make_user(Role.DESK_OFFICER, organisation=other_office, username="x"))
    desk_id = desks["ketenagakerjaan"].pk

    queue = client.get(f"/api/v1/desks/{desk_id}/queue")
    called = client.post(f"/api/v1/desks/{desk_id}/call-next")

    assert queue.status_code == 404 and called.status_code == 404
    assert waiting.code not in queue.content.decode() + called.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.WAITING


def test_check_in_stays_within_its_query_budget(
    client, frontdesk, services, office, django_assert_max_num_queries
):
    person = PersonFactory(office=office)
    client.force_login(frontdesk)
    payload = {
        "person_id": person.pk,
        "service_ids": [services["registration"].pk, services["passport"].pk],
    }
    # session, user, roles, person, services; visit + its audit entry (+ content type, cached
    # after the first), per desk: counter upsert and ticket; one insert for all ticket services;
    # the roll-ups' mark of the office-day, one insert per saved visit and ticket (no
    # recomputation on the request path, docs/reports.md).
    with django_assert_max_num_queries(18):
        response = client.post("/api/v1/visits", payload, content_type="application/json")
    assert response.status_code == 201
    assert [t["services"] for t in response.json()["tickets"]] == [
        ["Pendaftaran CPMI"],
        ["Permohonan paspor"],
    ]


# --- GET /api/v1/services --------------------------------------------------------------------


def test_services_lists_the_offices_services_by_desk_with_the_ids_check_in_takes(
    client, frontdesk, services, office
):
    services["registration"].name_en = "CPMI registration"
    services["registration"].save()
    client.force_login(frontdesk)

    listed = client.get("/api/v1/services", {"office_id": office.pk})
    english = client.get(
        "/api/v1/services", {"office_id": office.pk}, headers={"Accept-Language": "en"}
    )

    assert listed.status_code == 200
    body = listed.json()
    assert [s["id"] for s in body] == [s.pk for s in services.values()]  # catalogue order
    registration = body[0]
    assert registration == {
        "id": services["registration"].pk,
        "name": "Pendaftaran CPMI",
        "name_id": "Pendaftaran CPMI",
        "name_en": "CPMI registration",
        "desk_id": services["registration"].desk_id,
        "desk": services["registration"].desk.desk_type.name_id,
        "desk_prefix": "A",
        "target_minutes": 20,
        "allows_anonymous": False,
        "is_active": True,
    }
    assert english.json()[0]["name"] == "CPMI registration"
    assert english.json()[0]["desk"] == services["registration"].desk.desk_type.name_en
    chosen = [s["id"] for s in body if s["desk"] == body[0]["desk"]]
    created = client.post(
        "/api/v1/visits",
        {"service_ids": chosen, "person_id": PersonFactory(office=office).pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["tickets"][0]["services"] == ["Pendaftaran CPMI", "Rekomendasi paspor"]


def test_services_not_offered_now_are_listed_as_inactive(
    client, frontdesk, services, desks, office
):
    services["recommendation"].is_active = False
    services["recommendation"].save()
    desks["keimigrasian"].is_active = False
    desks["keimigrasian"].save()
    client.force_login(frontdesk)

    body = client.get("/api/v1/services", {"office_id": office.pk}).json()

    inactive = {s["id"] for s in body if not s["is_active"]}
    assert inactive == {services["recommendation"].pk, services["passport"].pk}
    visitor = PersonFactory(office=office)
    refused = client.post(
        "/api/v1/visits",
        {"service_ids": [services["passport"].pk], "person_id": visitor.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["code"] and not Visit.objects.filter(person=visitor).exists()


def test_services_of_another_office_are_404_like_its_desks(
    client, make_user, services, office, other_office
):
    client.force_login(make_user(Role.FRONTDESK, organisation=other_office, username="x"))

    response = client.get("/api/v1/services", {"office_id": office.pk})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/services", {"office_id": other_office.pk}).json() == []


def test_services_need_a_signed_in_caller_and_an_office_id(client, frontdesk, office):
    assert client.get("/api/v1/services", {"office_id": office.pk}).status_code == 401
    client.force_login(frontdesk)
    missing = client.get("/api/v1/services")
    assert missing.status_code == 422
    assert missing.json()["code"] == "invalid_input"


def test_services_list_query_count_does_not_grow_with_the_catalogue(
    client, frontdesk, desks, office, django_assert_max_num_queries
):
    from satuatap.frontdesk.models import Service

    for n in range(60):
        desk = list(desks.values())[n % len(desks)]
        Service.objects.create(office=office, desk=desk, name_id=f"Layanan {n}", target_minutes=10)
    client.force_login(frontdesk)

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/services", {"office_id": office.pk})

    assert len(response.json()) == 60
