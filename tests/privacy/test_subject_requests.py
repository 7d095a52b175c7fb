"""The register of data-subject requests: who records, who sees and answers, the due date of
each, the answer's rules, and bad input that changes nothing."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from satuatap.core.attribution import acting_as
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people import services as people_services
from satuatap.privacy import selectors, services
from satuatap.privacy.models import (
    RefusalReason,
    RequestAction,
    RequesterRelation,
    RequestStatus,
    RequestType,
    SubjectRequest,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_restriction_request_is_due_3_x_24_hours_after_it_was_received(make_request, now):
    received = now - datetime.timedelta(hours=5, minutes=7)
    request = make_request(RequestType.RESTRICTION, received_at=received)
    request.refresh_from_db()
    assert request.due_at == received + datetime.timedelta(hours=72)
    assert request.status == RequestStatus.RECEIVED
    assert request.office_id == request.person.office_id
    assert request.reference == f"PDP-{request.pk:05d}"


def test_an_erasure_request_is_due_on_the_default_of_the_table(make_request, now):
    request = make_request(RequestType.ERASURE, received_at=now)
    assert request.due_at == now + datetime.timedelta(days=14)


@pytest.mark.parametrize(
    "role",
    [
        Role.FRONTDESK,
        Role.DESK_OFFICER,
        Role.PLACEMENT_OFFICER,
        Role.COUNSELLOR,
        Role.OUTREACH_WORKER,
    ],
)
def test_any_registry_role_records_a_request_and_sees_only_its_own(make_user, make_request, role):
    user = make_user(role)
    own = make_request(by=user)
    someone_elses = make_request(by=make_user(Role.OFFICE_HEAD))
    visible = set(selectors.visible_subject_requests(user))
    assert own in visible and someone_elses not in visible


def test_the_office_head_sees_every_request_of_the_office_and_no_other(
    head, other_head, make_request
):
    request = make_request()
    assert list(selectors.visible_subject_requests(head)) == [request]
    assert list(selectors.visible_subject_requests(other_head)) == []
    assert selectors.get_visible_subject_request(other_head, request.pk) is None


def test_national_roles_and_partners_record_no_request(administrator, analyst, partner_worker):
    for user in (administrator, analyst, partner_worker):
        assert not user.has_perm("privacy.register_subject_request")
        assert selectors.visible_subject_requests(user).count() == 0


@pytest.fixture
def partner_worker(make_user, partner):
    return make_user(Role.PARTNER_CASEWORKER, organisation=partner)


def test_a_request_from_someone_not_in_the_registry_needs_their_name(frontdesk, now):
    with pytest.raises(DomainError) as error:
        services.register_subject_request(
            by=frontdesk, request_type="access", received_at=now, channel="letter"
        )
    assert error.value.code == "requester_name_required"
    request = services.register_subject_request(
        by=frontdesk,
        request_type="access",
        received_at=now,
        channel="letter",
        requester_name="Ani Suryani",
        requester_contact="0812 3456 7890",
    )
    assert request.person is None and request.requester_name == "Ani Suryani"


def test_a_guardian_is_named_even_for_a_person_in_the_registry(make_request):
    with pytest.raises(DomainError) as error:
        make_request(requester_relation=RequesterRelation.GUARDIAN)
    assert error.value.code == "requester_name_required"
    assert SubjectRequest.objects.count() == 0


def test_a_request_received_in_the_future_is_refused(make_request, now):
    with pytest.raises(DomainError) as error:
        make_request(received_at=now + datetime.timedelta(hours=2))
    assert error.value.code == "invalid_received_at"
    assert SubjectRequest.objects.count() == 0


def test_a_person_of_another_office_cannot_be_named(frontdesk, other_office, now):
    stranger = PersonFactory(office=other_office)
    with pytest.raises(DomainError) as error:
        services.register_subject_request(
            by=frontdesk, request_type="access", received_at=now, channel="letter", person=stranger
        )
    assert error.value.status == 404
    assert SubjectRequest.objects.count() == 0


def test_only_the_office_head_handles_a_request(make_request, frontdesk, head):
    request = make_request()
    with pytest.raises(DomainError) as error:
        services.start_subject_request(subject_request=request, by=frontdesk)
    assert error.value.status == 403
    services.start_subject_request(subject_request=request, by=head)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_correcting_a_request_computes_its_due_date_again(make_request, head, now):
    request = make_request(RequestType.ERASURE, received_at=now - datetime.timedelta(days=1))
    received = now - datetime.timedelta(hours=3)
    services.correct_subject_request(
        subject_request=request,
        by=head,
        request_type=RequestType.RESTRICTION,
        received_at=received,
        channel="letter",
        requester_relation="self",
    )
    request.refresh_from_db()
    assert request.request_type == RequestType.RESTRICTION
    assert request.due_at == received + datetime.timedelta(hours=72)


def test_answering_needs_what_was_done_and_what_the_requester_was_told(make_request, head, now):
    request = make_request()
    for kwargs, code in (
        ({"action": ""}, "action_required"),
        ({"action": RequestAction.COPY_GIVEN, "note": " "}, "note_required"),
        (
            {
                "action": RequestAction.COPY_GIVEN,
                "note": "x",
                "answered_at": now - datetime.timedelta(days=3),
            },
            "invalid_answered_at",
        ),
    ):
        kwargs = {"note": "", "answered_at": now, **kwargs}
        with pytest.raises(DomainError) as error:
            services.close_subject_request(
                subject_request=request, by=head, outcome=RequestStatus.ANSWERED, **kwargs
            )
        assert error.value.code == code
    request.refresh_from_db()
    assert request.is_open and request.answered_at is None
    services.close_subject_request(
        subject_request=request,
        by=head,
        outcome=RequestStatus.ANSWERED,
        answered_at=now,
        action=RequestAction.COPY_GIVEN,
        note="Salinan data dicetak dan diserahkan langsung.",
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.answered_by == head
    assert not request.was_answered_late


def test_a_refusal_needs_its_reason(make_request, head, now):
    request = make_request()
    with pytest.raises(DomainError) as error:
        services.close_subject_request(
            subject_request=request,
            by=head,
            outcome=RequestStatus.REFUSED,
            answered_at=now,
            note="Identitas tidak cocok.",
        )
    assert error.value.code == "refusal_reason_required"
    services.close_subject_request(
        subject_request=request,
        by=head,
        outcome=RequestStatus.REFUSED,
        answered_at=now,
        refusal_reason=RefusalReason.IDENTITY,
        note="Identitas tidak cocok.",
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.refusal_reason == RefusalReason.IDENTITY and request.action == ""


def test_a_closed_request_can_no_longer_change(make_request, head, now):
    request = make_request()
    services.close_subject_request(
        subject_request=request, by=head, outcome=RequestStatus.WITHDRAWN, answered_at=now
    )
    for call in (
        lambda: services.start_subject_request(subject_request=request, by=head),
        lambda: services.close_subject_request(
            subject_request=request, by=head, outcome=RequestStatus.WITHDRAWN, answered_at=now
        ),
    ):
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.code == "request_closed"


def test_an_answer_after_the_deadline_is_marked_late(make_request, head, now):
    request = make_request(RequestType.RESTRICTION, received_at=now - datetime.timedelta(hours=80))
    assert request.is_overdue()
    services.close_subject_request(
        subject_request=request,
        by=head,
        outcome=RequestStatus.ANSWERED,
        answered_at=now,
        action=RequestAction.PROCESSING_RESTRICTED,
        note="Pemrosesan dihentikan.",
    )
    request.refresh_from_db()
    assert request.was_answered_late and not request.is_overdue()


def test_overdue_requests_are_counted_and_filtered(make_request, head, now):
    late = make_request(RequestType.ACCESS, received_at=now - datetime.timedelta(hours=73))
    soon = make_request(RequestType.ACCESS, received_at=now - datetime.timedelta(hours=71))
    erasure = make_request(RequestType.ERASURE, received_at=now - datetime.timedelta(hours=73))
    counts = selectors.open_request_counts(head, now)
    assert (counts.open, counts.overdue) == (3, 1)
    requests = selectors.visible_subject_requests(head)
    assert list(selectors.filter_subject_requests(requests, overdue=True, now=now)) == [late]
    assert list(selectors.filter_subject_requests(requests, now=now)) == [late, soon, erasure]
    assert list(selectors.filter_subject_requests(requests, request_type="erasure", now=now)) == [
        erasure
    ]


def test_the_audit_trail_records_a_request_without_its_text(make_request, frontdesk, head, now):
    with acting_as(frontdesk):
        request = make_request(description="Minta hapus alamat lama di Jl. Kenanga 7")
    with acting_as(head):
        services.close_subject_request(
            subject_request=request,
            by=head,
            outcome=RequestStatus.ANSWERED,
            answered_at=now,
            action=RequestAction.CORRECTED,
            note="Alamat di Jl. Kenanga 7 dihapus.",
        )
    entries = LogEntry.objects.get_for_object(request)
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {frontdesk, head}
    for entry in entries:
        assert "Kenanga" not in str(entry.changes) and "Kenanga" not in entry.object_repr
        assert "description" not in entry.changes_dict
        assert "outcome_note" not in entry.changes_dict


def test_a_merge_moves_the_requests_to_the_surviving_record(make_request, person, office, head):
    duplicate = PersonFactory(office=office, full_name="Sulastri W.", nik=None)
    request = make_request(person=duplicate)
    people_services.merge_people(survivor=person, merged=duplicate, by=head, reason="duplikat")
    request.refresh_from_db()
    assert request.person == person


def test_received_and_due_times_are_stored_as_moments(make_request):
    request = make_request()
    assert timezone.is_aware(request.received_at) and timezone.is_aware(request.due_at)
