"""Repeated failed sign-ins lock the account out (django-axes)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_repeated_failures_lock_out_even_the_right_password(client, counsellor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": counsellor.username, "password": "nope"})

    response = client.post(
        reverse("login"), {"username": counsellor.username, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_locked_out_user_cannot_get_an_api_token_either(client, counsellor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token",
            {"username": counsellor.username, "password": "nope"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": counsellor.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_a_few_failures_then_success_still_signs_in(client, counsellor):
    failed = client.post(reverse("login"), {"username": counsellor.username, "password": "nope"})
    assert "_auth_user_id" not in client.session
    assert failed.context["form"].errors  # the page says the sign-in failed

    response = client.post(
        reverse("login"), {"username": counsellor.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(counsellor.pk)
