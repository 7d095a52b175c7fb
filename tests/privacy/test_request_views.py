"""The register's pages: found from the home page and the person's record, the form that keeps
what was typed on bad input, the list's filters, the head's tile, the answer."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from satuatap.privacy.models import RequestStatus, RequestType, SubjectRequest
from satuatap.privacy.templatetags.privacy_tags import on_clock

pytestmark = pytest.mark.django_db


def _form_data(**extra) -> dict:
    data = {
        "request_type": "restriction",
        "received_at": "2026-01-05T09:30",
        "channel": "in_person",
        "requester_relation": "self",
        "requester_name": "",
        "requester_contact": "0812 1111 2222",
        "description": "Jangan kirim data saya ke agensi.",
    }
    data.update(extra)
    return data


def test_the_front_desk_records_a_request_from_the_persons_page(client, frontdesk, person):
    client.force_login(frontdesk)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    create = reverse("privacy:subject-request-create") + f"?person={person.pk}"
    assert create.replace("&", "&amp;") in page or create in page
    response = client.post(create, _form_data())
    request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:subject-request-detail", args=[request.pk])
    assert request.person == person and request.received_by == frontdesk
    # 09:30 WIB on the office's clock is 02:30 UTC; due 72 hours later.
    assert request.received_at == datetime.datetime(2026, 1, 5, 2, 30, tzinfo=datetime.UTC)
    assert request.due_at == datetime.datetime(2026, 1, 8, 2, 30, tzinfo=datetime.UTC)
    detail = client.get(response["Location"]).content.decode()
    assert "Jangan kirim data saya ke agensi." in detail
    due = on_clock(request.due_at, person.office.time_zone)
    assert due == "08-01-2026 9.30 WIB"  # the Indonesian short format, on the office clock
    assert due in detail
    # The front desk records; the office head answers.
    assert reverse("privacy:subject-request-close", args=[request.pk]) not in detail


def test_bad_input_keeps_everything_typed_and_records_nothing(client, frontdesk):
    client.force_login(frontdesk)
    data = _form_data(
        received_at="2099-01-01T10:00", requester_name="", description="Hapus data saya"
    )
    response = client.post(reverse("privacy:subject-request-create"), data)
    assert response.status_code == 200
    assert SubjectRequest.objects.count() == 0
    html = response.content.decode()
    assert "Hapus data saya" in html and "0812 1111 2222" in html
    assert 'value="2099-01-01T10:00"' in html
    # Both errors at once, on their boxes, in the user's language (Indonesian by default).
    assert "Sebutkan nama orang yang mengajukan permohonan." in html
    assert "Waktunya tidak boleh di masa depan." in html


def test_a_person_the_reader_may_not_see_cannot_be_named(client, frontdesk, other_office):
    from tests.factories import PersonFactory

    client.force_login(frontdesk)
    stranger = PersonFactory(office=other_office)
    url = reverse("privacy:subject-request-create") + f"?person={stranger.pk}"

    page, posted = client.get(url), client.post(url, _form_data())

    assert page.status_code == 404 and posted.status_code == 404
    for response in (page, posted):
        assert stranger.full_name not in response.content.decode()
    assert not SubjectRequest.objects.exists()


def test_the_list_shows_overdue_requests_first_and_filters(client, head, make_request, now):
    late = make_request(RequestType.ACCESS, received_at=now - datetime.timedelta(hours=80))
    make_request(RequestType.ERASURE)
    client.force_login(head)
    html = client.get(reverse("privacy:subject-request-list")).content.decode()
    rows = re.findall(r"PDP-\d{5}", html)
    assert rows[0] == late.reference and len(set(rows)) == 2
    assert "table-danger" in html
    html = client.get(reverse("privacy:subject-request-list") + "?overdue=on").content.decode()
    assert set(re.findall(r"PDP-\d{5}", html)) == {late.reference}


def test_the_list_takes_a_fixed_number_of_queries(
    client, head, make_request, django_assert_max_num_queries
):
    for _ in range(30):
        make_request()
    client.force_login(head)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("privacy:subject-request-list") + "?status=all")
    assert response.content.decode().count("PDP-") >= 30


def test_the_heads_tile_counts_open_and_overdue_requests(
    client, head, frontdesk, make_request, now
):
    make_request(RequestType.ACCESS, received_at=now - datetime.timedelta(hours=80))
    make_request(RequestType.ACCESS)
    client.force_login(head)
    html = client.get(reverse("home")).content.decode()
    status = re.search(r'data-testid="tile-status">([^<]*)<', html)
    assert status and "2" in status.group(1) and "1" in status.group(1)
    client.force_login(frontdesk)
    html = client.get(reverse("home")).content.decode()
    assert reverse("privacy:subject-request-list") in html
    assert 'data-testid="tile-status"' not in html


def test_the_head_records_the_answer_and_bad_input_keeps_it(client, head, make_request, now):
    request = make_request(received_at=now - datetime.timedelta(days=2))
    answered = timezone.localtime(now - datetime.timedelta(hours=1), timezone=head.office.zone)
    client.force_login(head)
    url = reverse("privacy:subject-request-close", args=[request.pk])
    data = {
        "outcome": "refused",
        "answered_at": answered.strftime("%Y-%m-%dT%H:%M"),
        "note": "KTP tidak cocok.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "KTP tidak cocok." in response.content.decode()
    request.refresh_from_db()
    assert request.is_open
    response = client.post(url, {**data, "refusal_reason": "identity"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.answered_at == answered.replace(second=0, microsecond=0)
    assert request.outcome_note == "KTP tidak cocok." and request.answered_by == head


def test_only_the_head_and_the_receiver_open_a_request(client, make_user, make_request):
    from satuatap.core.roles import Role

    request = make_request()
    url = reverse("privacy:subject-request-detail", args=[request.pk])
    client.force_login(make_user(Role.PLACEMENT_OFFICER))
    refused = client.get(url)
    assert refused.status_code == 404
    assert request.reference not in refused.content.decode()
    assert request.person.full_name not in refused.content.decode()
    client.force_login(make_user(Role.OFFICE_HEAD))
    opened = client.get(url)
    assert opened.status_code == 200
    assert request.reference in opened.content.decode()
    assert request.person.full_name in opened.content.decode()
