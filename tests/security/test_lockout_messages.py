"""The sign-in lock-out (django-axes; behaviour in tests/core/test_login_lockout.py) explains
itself in the reader's language, on the page and in the API."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = {
    "id": "Terlalu banyak percobaan masuk yang gagal",
    "en": "Too many failed sign-in attempts",
}
API = {
    "id": "Terlalu banyak percobaan yang gagal. Silakan coba lagi nanti.",
    "en": "Too many failed attempts. Try again later.",
}


def _lock_out_page(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "nope"})
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("language", ["id", "en"])
def test_lockout_page_speaks_the_chosen_language(client, counsellor, language):
    if language != settings.LANGUAGE_CODE:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = _lock_out_page(client, counsellor.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert PAGE[language] in page
    assert PAGE["en" if language == "id" else "id"] not in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("language", ["id", "en"])
def test_api_lockout_message_speaks_the_requested_language(client, counsellor, language):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token",
            {"username": counsellor.username, "password": "nope"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": counsellor.username, "password": PASSWORD},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 429
    assert response.json() == {"code": "locked_out", "message": API[language]}
