"""The client's address for the audit trail and the sign-in lock-out (`core.client_ip`): the
socket's address when served directly, the reverse proxy's word behind it (BEHIND_TLS_PROXY)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse

from satuatap.core import services
from satuatap.core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Terlalu banyak percobaan masuk yang gagal"  # the lock-out page, in Indonesian


def register_someone(client, make_user, **headers) -> LogEntry:
    raw, _token = services.issue_api_token(user=make_user(Role.FRONTDESK))
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(
        "/api/v1/people",
        {"full_name": "Ratna", "sex": "F"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", **headers},
    )
    assert response.status_code == 201
    return LogEntry.objects.filter(pk__gt=last).get()


def sign_in(client, username: str, password: str, address: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )


def test_served_directly_the_audit_trail_ignores_forwarded_headers(client, make_user):
    entry = register_someone(
        client, make_user, **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Port": "4444"}
    )

    assert entry.remote_addr == "127.0.0.1"
    assert entry.remote_port != 4444


def test_behind_the_proxy_the_audit_trail_records_the_address_the_proxy_added(
    client, make_user, settings
):
    settings.BEHIND_TLS_PROXY = True

    entry = register_someone(
        client,
        make_user,
        **{"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Port": "51234"},
    )

    assert (entry.remote_addr, entry.remote_port) == ("198.51.100.7", 51234)


def test_behind_the_proxy_a_forwarded_value_that_is_no_address_falls_back_to_the_socket(
    client, make_user, settings
):
    settings.BEHIND_TLS_PROXY = True

    entry = register_someone(client, make_user, **{"X-Forwarded-For": "unknown"})

    assert entry.remote_addr == "127.0.0.1"


def test_behind_the_proxy_failures_from_one_client_do_not_lock_out_another(
    client, counsellor, settings
):
    settings.BEHIND_TLS_PROXY = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, counsellor.username, "nope", "198.51.100.7")

    locked = sign_in(client, counsellor.username, PASSWORD, "198.51.100.7")
    assert locked.status_code == 429
    assert LOCKED_OUT in locked.content.decode()
    assert "_auth_user_id" not in client.session

    elsewhere = sign_in(client, counsellor.username, PASSWORD, "203.0.113.9")

    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(counsellor.pk)


def test_served_directly_made_up_forwarded_addresses_do_not_escape_the_lockout(client, counsellor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, counsellor.username, "nope", f"203.0.113.{attempt}")

    response = sign_in(client, counsellor.username, PASSWORD, "198.51.100.7")

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session
