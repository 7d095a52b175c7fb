"""The erasure page is no oracle (issue 16): an office head walking it over the office's people
learns nothing about who is in an MRC case, restricted or not. A request for someone in a case
waits for a case supervisor, who sees the cases and decides; merging behaves the same whoever is
in a case."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from satuatap.cases.models import Case, CaseStatus
from satuatap.cases.retention import services as case_retention
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import ErasureRequest, ErasureRequestStatus, Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(office, make_case, gbv_case):
    """Someone in a restricted case (hidden from the head), someone in an ordinary open case,
    someone in a closed case, and someone in no case."""
    ordinary = PersonFactory(office=office, full_name="Dewi Lestari")
    make_case(client=ordinary)
    closed = PersonFactory(office=office, full_name="Ratna Sari")
    case = make_case(client=closed)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    return {
        "restricted": gbv_case.client,
        "ordinary": ordinary,
        "closed": closed,
        "none": PersonFactory(office=office, full_name="Wulan Sari"),
    }


def _normalised(html: str, person: Person) -> str:
    html = html.replace(person.full_name, "NAME").replace(f"/{person.pk}/", "/ID/")
    return re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)  # the tokens of the form and of htmx


def test_the_erasure_page_is_the_same_whoever_is_in_a_case(client, head, people):
    client.force_login(head)
    pages = {}
    for key, person in people.items():
        response = client.get(reverse("people:erase", args=[person.pk]))
        assert response.status_code == 200
        pages[key] = _normalised(response.content.decode(), person)
    assert pages["restricted"] == pages["none"]
    assert pages["ordinary"] == pages["none"]
    assert pages["closed"] == pages["none"]
    assert "MRC" not in pages["none"] and 'data-testid="erasure-blockers"' not in pages["none"]


def test_asking_to_erase_someone_in_a_case_waits_for_review_without_saying_why(
    client, head, people
):
    client.force_login(head)
    url = reverse("people:erase", args=[people["restricted"].pk])
    response = client.post(url, {"reason": "person", "confirm": "on"})

    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "MRC" not in shown and "case" not in shown.lower()
    person = Person.objects.get(pk=people["restricted"].pk)
    assert person.anonymised_at is None
    pending = ErasureRequest.objects.get(person=person)
    assert pending.status == ErasureRequestStatus.PENDING and pending.requested_by == head
    # Someone in no case is erased at once.
    client.post(
        reverse("people:erase", args=[people["none"].pk]), {"reason": "person", "confirm": "on"}
    )
    assert Person.objects.get(pk=people["none"].pk).anonymised_at is not None
    assert ErasureRequest.objects.get(person=people["none"]).status == ErasureRequestStatus.DONE


def test_the_erasure_service_refuses_a_case_client_without_the_reason(head, people):
    with pytest.raises(DomainError) as error:
        data_rights.anonymise_person(person=people["restricted"], by=head, reason="person")
    assert error.value.code == "erasure_needs_review"
    assert "case" not in error.value.message.lower() and "MRC" not in error.value.message


def test_the_case_supervisor_sees_the_cases_and_cannot_erase_while_one_is_open(
    client, head, supervisor, people, gbv_case
):
    request = data_rights.request_erasure(person=people["restricted"], by=head, reason="person")
    client.force_login(supervisor)
    page = client.get(reverse("cases:erasure-requests")).content.decode()
    assert gbv_case.number in page and people["restricted"].full_name in page

    response = client.post(
        reverse("cases:erasure-decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.is_pending
    assert Person.objects.get(pk=people["restricted"].pk).anonymised_at is None


def test_the_case_supervisor_erases_once_the_case_is_closed(head, supervisor, people):
    person = people["closed"]
    request = data_rights.request_erasure(person=person, by=head, reason="person")
    assert request.is_pending

    case_retention.approve_erasure(erasure_request=request, by=supervisor)

    request.refresh_from_db()
    assert request.status == ErasureRequestStatus.DONE and request.decided_by == supervisor
    person.refresh_from_db()
    assert person.anonymised_at is not None
    # The closed case stays, with its client's record anonymised.
    assert Case.objects.get(client=person).status == CaseStatus.CLOSED


def test_the_case_supervisor_keeps_the_record(client, head, supervisor, people):
    request = data_rights.request_erasure(person=people["closed"], by=head, reason="person")
    client.force_login(supervisor)
    client.post(reverse("cases:erasure-decide", args=[request.pk]), {"decision": "decline"})

    request.refresh_from_db()
    assert request.status == ErasureRequestStatus.DECLINED
    assert Person.objects.get(pk=people["closed"].pk).anonymised_at is None


def test_only_the_offices_case_supervisors_review(
    client, head, counsellor, make_user, other_office, people
):
    request = data_rights.request_erasure(person=people["closed"], by=head, reason="person")
    url = reverse("cases:erasure-decide", args=[request.pk])
    for user, status in (
        (counsellor, 403),
        (head, 403),
        (make_user(Role.CASE_SUPERVISOR, organisation=other_office), 404),
    ):
        client.force_login(user)
        assert client.post(url, {"decision": "approve"}).status_code == status
    request.refresh_from_db()
    assert request.is_pending
    with pytest.raises(DomainError):
        case_retention.approve_erasure(erasure_request=request, by=counsellor)


def test_merging_looks_the_same_whoever_is_in_a_case(head, office, people):
    answers = []
    for key in ("restricted", "none"):
        client = Client()
        client.force_login(head)
        survivor = PersonFactory(office=office, nik=None, full_name=f"Survivor {key}")
        response = client.post(
            reverse("people:merge", args=[survivor.pk]),
            {"other": people[key].pk, "reason": "Orang yang sama"},
        )
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        answers.append(
            (response.status_code, response["Location"].replace(str(survivor.pk), "ID"), messages)
        )
        assert Person.objects.get(pk=people[key].pk).merged_into_id == survivor.pk
    assert answers[0] == answers[1]


def test_a_waiting_request_is_shown_only_to_its_requester(client, head, make_user, people):
    data_rights.request_erasure(person=people["restricted"], by=head, reason="person")
    url = reverse("people:erase", args=[people["restricted"].pk])
    client.force_login(head)
    assert 'data-testid="erasure-pending"' in client.get(url).content.decode()

    other_head = make_user(Role.OFFICE_HEAD, username="cirebon.head2")
    client.force_login(other_head)
    theirs = _normalised(client.get(url).content.decode(), people["restricted"])
    nobody = client.get(reverse("people:erase", args=[people["none"].pk])).content.decode()
    assert theirs == _normalised(nobody, people["none"])
