"""The front-desk API: check-in, queue, call-next, finish — permission-checked."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
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
    client.force_login(frontdesk)
    response = client.post(
        "/api/v1/visits", {"service_ids": [foreign.pk]}, content_type="application/json"
    )
    assert response.status_code == 422


def test_other_office_cannot_see_or_call_this_desk(
    client, make_user, services, desks, other_office
):
    client.force_login(make_user(Role.DESK_OFFICER, organisation=other_office, username="x"))
    desk_id = desks["ketenagakerjaan"].pk
    assert client.get(f"/api/v1/desks/{desk_id}/queue").status_code == 404
    assert client.post(f"/api/v1/desks/{desk_id}/call-next").status_code == 404


def test_front_desk_cannot_call_tickets(client, frontdesk, desks):
    client.force_login(frontdesk)
    response = client.post(f"/api/v1/desks/{desks['ketenagakerjaan'].pk}/call-next")
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.PARTNER_CASEWORKER, Role.NATIONAL_ANALYST])
def test_roles_outside_offices_cannot_check_in(
    client, make_user, partner, ministry, services, role
):
    organisation = partner if role == Role.PARTNER_CASEWORKER else ministry
    client.force_login(make_user(role, organisation=organisation))
    response = client.post(
        "/api/v1/visits",
        {"service_ids": [services["information"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 403


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
    # after the first), per desk: counter upsert and ticket; one insert for all ticket services.
    with django_assert_max_num_queries(15):
        response = client.post("/api/v1/visits", payload, content_type="application/json")
    assert response.status_code == 201
    assert [t["services"] for t in response.json()["tickets"]] == [
        ["Pendaftaran CPMI"],
        ["Permohonan paspor"],
    ]
