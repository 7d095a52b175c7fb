"""Input the fuzzer found: values a column cannot hold, or codes no form offers, are a 422
that changes nothing (on PostgreSQL they were a 500; on SQLite they were stored)."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.core.services import issue_api_token
from satuatap.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BAD_FIELDS = [
    {"disability": "villages/<str:code>/"},
    {"marital_status": "\u008b"},
    {"education": "university"},
    {"birth_place": "x" * 121},
    {"address": "x" * 256},
    {"nik_missing_reason": "x" * 201},
]


@pytest.fixture
def headers(make_user):
    raw, _ = issue_api_token(user=make_user(Role.FRONTDESK))
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("bad", BAD_FIELDS)
def test_registering_with_a_value_the_column_cannot_hold_is_a_422(client, headers, bad):
    body = {"full_name": "Siti Aminah", "sex": "F", "nik_missing_reason": "lost"} | bad

    response = client.post("/api/v1/people", body, content_type="application/json", headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert not Person.objects.exists()


@pytest.mark.parametrize("bad", BAD_FIELDS)
def test_correcting_with_a_value_the_column_cannot_hold_is_a_422(client, headers, office, bad):
    person = PersonFactory(office=office)

    response = client.patch(
        f"/api/v1/people/{person.pk}?purpose=service",
        bad,
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 422
    person.refresh_from_db()
    assert (person.disability, person.marital_status, person.address) == ("none", "", "")


def test_a_listed_code_is_still_accepted(client, headers):
    body = {
        "full_name": "Siti Aminah",
        "sex": "F",
        "nik_missing_reason": "lost",
        "marital_status": "married",
        "education": "smp",
        "disability": "sensory",
    }

    response = client.post("/api/v1/people", body, content_type="application/json", headers=headers)

    assert response.status_code == 201, response.json()
    person = Person.objects.get()
    assert (person.marital_status, person.education, person.disability) == (
        "married",
        "smp",
        "sensory",
    )
