"""A user of one office never reads another office's personal records, in the UI or the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.roles import OFFICE_ROLES, Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_of_other_office(other_office):
    return PersonFactory(office=other_office, full_name="Sri Wahyuni")


def shows_nothing_of(response, person) -> bool:
    """Neither the name nor the NIK (whole or masked) of `person` is in the response."""
    body = response.content.decode()
    return all(value not in body for value in (person.full_name, person.nik, person.masked_nik))


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_office_user_gets_404_for_other_offices_person_in_ui(
    client, make_user, person_of_other_office, role
):
    client.force_login(make_user(role))
    response = client.get(reverse("people:detail", args=[person_of_other_office.pk]))
    assert response.status_code == 404
    assert shows_nothing_of(response, person_of_other_office)


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_office_user_gets_404_for_other_offices_person_in_api(
    client, make_user, person_of_other_office, role
):
    client.force_login(make_user(role))
    response = client.get(f"/api/v1/people/{person_of_other_office.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_office_list_shows_only_own_people(client, make_user, office, person_of_other_office):
    own = PersonFactory(office=office, full_name="Dewi Lestari")
    client.force_login(make_user(Role.FRONTDESK))

    page = client.get(reverse("people:list")).content.decode()
    api = client.get("/api/v1/people").json()

    assert "Dewi Lestari" in page and "Sri Wahyuni" not in page
    assert [p["id"] for p in api] == [own.pk]


def test_nik_lookup_does_not_reveal_other_offices_person(client, make_user, person_of_other_office):
    client.force_login(make_user(Role.FRONTDESK))
    response = client.get("/api/v1/people", {"nik": person_of_other_office.nik})
    assert response.json() == []


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.ADMINISTRATOR])
def test_national_roles_read_no_personal_record(client, make_user, ministry, office, role):
    person = PersonFactory(office=office)
    client.force_login(make_user(role, organisation=ministry))

    answers = {
        reverse("people:list"): 403,
        reverse("people:detail", args=[person.pk]): 404,
        "/api/v1/people": 403,
        f"/api/v1/people/{person.pk}": 404,
    }
    for url, status in answers.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert shows_nothing_of(response, person), url


def test_partner_caseworker_reads_no_registry_record(client, make_user, partner, office):
    person = PersonFactory(office=office)
    client.force_login(make_user(Role.PARTNER_CASEWORKER, organisation=partner))

    listing = client.get(reverse("people:list"))
    record = client.get(f"/api/v1/people/{person.pk}")

    assert listing.status_code == 403 and shows_nothing_of(listing, person)
    assert record.status_code == 404 and shows_nothing_of(record, person)
    assert record.json()["code"] == "not_found"


def test_office_head_cannot_configure_another_offices_desks(make_user, other_office):
    head = make_user(Role.OFFICE_HEAD)
    assert head.has_perm("core.configure_office", head.office)
    assert not head.has_perm("core.configure_office", other_office)


def test_offices_api_shows_only_own_office(client, make_user, office, other_office):
    client.force_login(make_user(Role.FRONTDESK))
    assert [o["id"] for o in client.get("/api/v1/offices").json()] == [office.pk]
    response = client.get(f"/api/v1/offices/{other_office.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert other_office.name not in response.content.decode()
