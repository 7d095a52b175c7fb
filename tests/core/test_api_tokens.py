"""Token login, expiry and revocation; tokens are stored hashed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from satuatap.core import services
from satuatap.core.models import ApiToken
from tests.factories import PASSWORD
from tests.otp import authenticator_of, code_for

pytestmark = pytest.mark.django_db


def _token(client, username, password=PASSWORD, otp=""):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "otp": otp},
        content_type="application/json",
    )


def test_token_login_returns_a_bearer_token_that_authenticates(client, counsellor):
    response = _token(client, counsellor.username, otp=code_for(authenticator_of(counsellor)))

    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == counsellor.username
    assert me.json()["roles"] == ["counsellor"]


def test_token_is_stored_only_as_a_hash(client, counsellor):
    token = _token(client, counsellor.username, otp=code_for(authenticator_of(counsellor))).json()[
        "token"
    ]
    stored = ApiToken.objects.get(user=counsellor)
    assert token not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64


def test_wrong_password_gets_a_translated_json_error(client, counsellor):
    response = _token(client, counsellor.username, "wrong-password")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"

    response = client.post(
        "/api/v1/auth/token",
        {"username": counsellor.username, "password": "wrong"},
        content_type="application/json",
        headers={"Accept-Language": "id"},
    )
    assert response.json()["message"] == "Nama pengguna atau kata sandi salah."


def test_expired_token_is_refused(client, counsellor):
    raw, token = services.issue_api_token(user=counsellor)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_token_is_refused(client, counsellor):
    raw = _token(client, counsellor.username, otp=code_for(authenticator_of(counsellor))).json()[
        "token"
    ]
    headers = {"Authorization": f"Bearer {raw}"}

    revoke = client.post(
        "/api/v1/auth/token/revoke",
        {"token": raw},
        content_type="application/json",
        headers=headers,
    )

    assert revoke.status_code == 204
    assert ApiToken.objects.get(user=counsellor).revoked_at is not None
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 401
    assert me.json()["code"] == "not_authenticated"
    assert counsellor.username not in me.content.decode()


def test_user_cannot_revoke_someone_elses_token(client, counsellor, make_user):
    other = make_user("frontdesk")
    raw, _ = services.issue_api_token(user=other)
    mine, _ = services.issue_api_token(user=counsellor)

    response = client.post(
        "/api/v1/auth/token/revoke",
        {"token": raw},
        content_type="application/json",
        headers={"Authorization": f"Bearer {mine}"},
    )

    assert response.status_code == 404
    assert response.json()["code"] == "token_not_found"
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.json()["username"] == other.username


def test_disabled_users_token_stops_working(client, counsellor):
    raw, _ = services.issue_api_token(user=counsellor)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/auth/me", headers=headers).json()["username"] == counsellor.username
    counsellor.is_active = False
    counsellor.save()

    me = client.get("/api/v1/auth/me", headers=headers)

    assert me.status_code == 401
    assert me.json()["code"] == "not_authenticated"
    assert counsellor.username not in me.content.decode()


def test_api_without_credentials_is_refused(client):
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}


def test_session_api_write_needs_csrf(counsellor):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(counsellor)
    raw, _ = services.issue_api_token(user=counsellor)
    response = csrf_client.post(
        "/api/v1/auth/token/revoke", {"token": raw}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert ApiToken.objects.get(user=counsellor).revoked_at is None


def test_tokens_page_lists_and_revokes_own_tokens(client, counsellor):
    raw, token = services.issue_api_token(user=counsellor, name="laptop")
    client.force_login(counsellor)

    page = client.get("/account/api-tokens/")
    assert token.prefix in page.content.decode()
    client.post("/account/api-tokens/", {"token": token.pk})

    token.refresh_from_db()
    assert token.revoked_at is not None
