"""Error pages speak the visitor's language (they were Django's English "Not Found" and "Server
Error (500)") and hold nothing of the request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from satuatap.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [("id", "Halaman tidak ditemukan"), ("en", "Page not found")],
)
def test_a_missing_page_answers_in_the_visitors_language(client, language, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_refusal_answers_in_the_users_language(client, make_user):
    client.force_login(make_user(Role.FRONTDESK))  # Indonesian by default
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "Tidak diizinkan" in response.content.decode()


def test_a_server_error_answers_in_the_users_language_and_quotes_nothing(make_user, monkeypatch):
    user = make_user(Role.FRONTDESK, language="en")

    def search_people(user, query, **kwargs):
        raise RuntimeError(f"searching for {query}")

    monkeypatch.setattr("satuatap.people.views.persons.search_people", search_people)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.post("/people/", {"q": "Kartika Sulistyowati"})

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on the server" in page
    assert "Kartika" not in page and "searching for" not in page
