"""The register of data-subject requests in the retention schedule: five years after a request
was closed, who asked and what was said go; the request (type, dates, status, what was done)
stays. Open requests, and those about someone held by the MRC, stay whole."""

from __future__ import annotations

import datetime

import pytest

from satuatap.cases import services as cases
from satuatap.cases.models import Category, Channel
from satuatap.core.retention import services as retention_services
from satuatap.core.roles import Role
from satuatap.privacy import services
from satuatap.privacy.models import RequestAction, RequestStatus, RequestType, SubjectRequest
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

YEARS_AGO = datetime.timedelta(days=7 * 365)


def _result(run, key: str) -> dict[str, int]:
    found = next(r for r in run.results if r["key"] == key)
    return {name: sum(row[name] for row in found["offices"]) for name in ("due", "held", "done")}


def _closed(make_request, head, now, **extra):
    request = make_request(
        RequestType.ACCESS,
        received_at=now - YEARS_AGO,
        description="Minta salinan; alamat Jl. Melati 3",
        requester_contact="0812 9999 0000",
        **extra,
    )
    services.close_subject_request(
        subject_request=request,
        by=head,
        outcome=RequestStatus.ANSWERED,
        answered_at=now - YEARS_AGO + datetime.timedelta(hours=5),
        action=RequestAction.COPY_GIVEN,
        note="Salinan diserahkan di loket.",
    )
    return request


def test_a_request_closed_five_years_ago_loses_who_asked_and_what_was_said(
    make_request, head, now, office
):
    old = _closed(make_request, head, now)
    stranger = _closed(make_request, head, now, person=None, requester_name="Ani Suryani")
    still_open = make_request(
        RequestType.ERASURE, received_at=now - YEARS_AGO, description="Hapus data saya"
    )

    run = retention_services.run(today=office.today())

    for request in (old, stranger):
        request.refresh_from_db()
        assert request.anonymised_at is not None
        assert (request.requester_name, request.requester_contact) == ("", "")
        assert (request.description, request.outcome_note) == ("", "")
        assert request.status == RequestStatus.ANSWERED
        assert request.action == RequestAction.COPY_GIVEN and request.answered_at
    still_open.refresh_from_db()
    assert still_open.anonymised_at is None and still_open.description
    assert _result(run, "subject_requests") == {"due": 2, "held": 0, "done": 2}
    assert _result(retention_services.run(today=office.today()), "subject_requests")["due"] == 0


def test_a_request_about_someone_in_an_open_case_is_held(
    make_request, head, now, office, make_user
):
    client = PersonFactory(office=office, nik=None)
    cases.open_case(
        by=make_user(Role.COUNSELLOR),
        client=client,
        channel=Channel.WALK_IN,
        categories=[Category.WAGES],
        narrative="Gaji tidak dibayar.",
    )
    request = _closed(make_request, head, now, person=client)

    run = retention_services.run(today=office.today())

    request.refresh_from_db()
    assert request.anonymised_at is None and request.description
    assert _result(run, "subject_requests") == {"due": 1, "held": 1, "done": 0}
    assert SubjectRequest.objects.filter(anonymised_at__isnull=False).count() == 0
