"""An erasure request about someone in an MRC case: the register links the registry's own
erasure request (reviewed by a case supervisor) and says nothing about cases. The office head
sees the same pages and messages whoever the request is about."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from satuatap.cases import services as cases
from satuatap.cases.models import Category, Channel, GbvType
from satuatap.cases.retention import selectors as case_retention
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people.models import ErasureRequestStatus, Person
from satuatap.privacy import services
from satuatap.privacy.models import RequestStatus, RequestType
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_restricted_case(office, make_user):
    survivor = PersonFactory(office=office, full_name="Rina Marlina", nik=None)
    cases.open_case(
        by=make_user(Role.COUNSELLOR, gender="F"),
        client=survivor,
        channel=Channel.WALK_IN,
        categories=[Category.GBV],
        gbv_types=[GbvType.PHYSICAL_ASSAULT],
        narrative="Dipukul majikan.",
    )
    return survivor


@pytest.fixture
def in_no_case(office):
    return PersonFactory(office=office, full_name="Dewi Anggraini", nik=None)


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _normalised(html: str, person: Person, reference: str) -> str:
    html = html.replace(person.full_name, "NAME").replace(f"/{person.pk}/", "/ID/")
    html = html.replace(reference, "REF")
    html = re.sub(r"/subject-requests/\d+/", "/subject-requests/N/", html)
    html = re.sub(r"\d{2}-\d{2}-\d{4} \d{1,2}\.\d{2}", "TIME", html)
    return re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)


def test_erasing_through_a_request_erases_someone_in_no_case(
    client, head, make_request, in_no_case
):
    request = make_request(RequestType.ERASURE, person=in_no_case)
    client.force_login(head)
    response = client.post(
        reverse("privacy:subject-request-erase", args=[request.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    in_no_case.refresh_from_db()
    assert in_no_case.anonymised_at is not None
    assert request.erasure_request.status == ErasureRequestStatus.DONE
    assert request.status == RequestStatus.IN_PROGRESS


def test_someone_in_a_restricted_case_waits_for_the_supervisor_and_the_head_learns_no_more(
    client, head, make_request, in_restricted_case, in_no_case, make_user
):
    supervisor = make_user(Role.CASE_SUPERVISOR, gender="F")
    waiting = make_request(RequestType.ERASURE, person=in_restricted_case)
    done = make_request(RequestType.ERASURE, person=in_no_case)
    client.force_login(head)
    before = {
        key: _normalised(
            client.get(reverse("privacy:subject-request-detail", args=[r.pk])).content.decode(),
            r.person,
            r.reference,
        )
        for key, r in (("waiting", waiting), ("done", done))
    }
    # Before the erasure is asked for, the request pages are the same.
    assert before["waiting"] == before["done"]
    response = client.post(
        reverse("privacy:subject-request-erase", args=[waiting.pk]),
        {"confirm": "on"},
        follow=True,
    )
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    html = _main(response.content.decode())
    for word in ("MRC", "kasus", "case", "Kasus", "supervisor", "penyelia"):
        assert word not in text
    for word in ("MRC", "/mrc/", "kasus", "Kasus"):
        assert word not in html
    waiting.refresh_from_db()
    in_restricted_case.refresh_from_db()
    assert in_restricted_case.anonymised_at is None
    assert waiting.erasure_request.status == ErasureRequestStatus.PENDING
    # The case supervisor finds it where every erasure review waits, and decides.
    assert list(case_retention.pending_erasure_requests(supervisor)) == [waiting.erasure_request]


def test_the_service_refuses_an_erasure_without_a_record_or_of_another_kind(
    head, make_request, person
):
    access = make_request(RequestType.ACCESS)
    no_record = make_request(RequestType.ERASURE, person=None, requester_name="Ani")
    for request in (access, no_record):
        with pytest.raises(DomainError) as error:
            services.erase_for_request(subject_request=request, by=head)
        assert error.value.code == "not_an_erasure"
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_erasing_needs_the_confirmation_box(client, head, make_request, in_no_case):
    request = make_request(RequestType.ERASURE, person=in_no_case)
    client.force_login(head)
    client.post(reverse("privacy:subject-request-erase", args=[request.pk]), {})
    in_no_case.refresh_from_db()
    assert in_no_case.anonymised_at is None
