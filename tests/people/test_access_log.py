"""The person's access log (`people:access-log`, `GET /api/v1/people/{id}/access-log`): the
page and the API list every read from the same selector, in a bounded number of queries. Who
may see which reads: tests/cases/test_who_touched_my_records.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.core.sensitive import record_read
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def person(office):
    return PersonFactory(office=office)


@pytest.fixture
def many_reads(make_user, person):
    readers = [make_user(role) for role in (Role.FRONTDESK, Role.PLACEMENT_OFFICER)]
    readers += [make_user(Role.DESK_OFFICER, username=f"desk{n}") for n in range(5)]
    for n in range(80):
        record_read(user=readers[n % len(readers)], record=person, purpose="service")
    return readers


def test_the_page_and_its_fragment_list_the_reads(client, head, person, many_reads):
    client.force_login(head)
    url = reverse("people:access-log", args=[person.pk])
    page = client.get(url)
    assert "people/access_log.html" in [t.name for t in page.templates]
    assert page.content.decode().count('data-testid="access-row"') == 50
    fragment = client.get(url, {"page": 2}, headers={"HX-Request": "true"})
    assert [t.name for t in fragment.templates] == ["core/_access_log_rows.html"]
    assert fragment.content.decode().count('data-testid="access-row"') == 32  # 80 + 2 reads
    assert page["Cache-Control"] == "private, no-store"


def test_the_page_reads_a_bounded_number_of_queries(
    client, head, person, many_reads, django_assert_max_num_queries
):
    client.force_login(head)
    with django_assert_max_num_queries(20):
        client.get(reverse("people:access-log", args=[person.pk]))


def test_the_api_pages_the_log_in_a_bounded_number_of_queries(
    client, head, person, many_reads, django_assert_max_num_queries
):
    client.force_login(head)
    url = f"/api/v1/people/{person.pk}/access-log"
    with django_assert_max_num_queries(20):
        first = client.get(url, {"limit": 60})
    assert len(first.json()) == 60
    rest = client.get(url, {"limit": 60, "offset": 60}).json()
    assert len(rest) == 22  # 80 reads and the head's two reads of the log
    assert client.get(url, {"limit": 501}).status_code == 422
