"""CSRF: no page is exempt from Django's check; the API asks for the token when the caller is the
browser session, and not when it is a bearer token (a browser never sends that by itself).
The forms of every page are covered in test_crawled_pages.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from satuatap.core import services
from satuatap.core.models import ApiToken
from satuatap.core.roles import Role
from satuatap.notifications.models import OptOut
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REVOKE = "/api/v1/auth/token/revoke"
# Writes the API takes without any sign-in, each with its own credential in the body: the
# password for a token, the visit's secret survey token for a survey. No cookie is involved,
# so a forged cross-site request gains nothing.
CREDENTIAL_IN_BODY = {("post", "/api/v1/auth/token"), ("post", "/api/v1/surveys")}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


# The messaging providers' delivery receipts and replies: posted by the provider's server, which
# has no session and no CSRF token; each request is accepted only with an HMAC signature of its
# body under a secret the provider shares with us (notifications/views.py), so a forged
# cross-site request, which cannot sign, changes nothing (below).
SIGNED_WEBHOOKS = {"notifications/webhooks/whatsapp/", "notifications/webhooks/sms/"}


def test_no_page_is_exempt_from_the_csrf_check():
    """Only django-ninja's views are exempt: ninja runs the check itself (SessionAuth csrf=True);
    and the providers' signed webhooks."""
    exempt = [
        route
        for route, view in _patterns(get_resolver())
        if getattr(view, "csrf_exempt", False) and not route.startswith("api/v1/")
    ]
    assert sorted(exempt) == sorted(SIGNED_WEBHOOKS)


@pytest.mark.parametrize("route", sorted(SIGNED_WEBHOOKS))
def test_a_webhook_refuses_an_unsigned_post_from_a_signed_in_browser(route, make_user, settings):
    settings.WHATSAPP_APP_SECRET = "app-secret"
    settings.SMS_GATEWAY_WEBHOOK_SECRET = "sms-secret"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user(Role.OFFICE_HEAD))
    response = browser.post(
        f"/{route}",
        data=b'{"entry": [], "statuses": []}',
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not OptOut.objects.exists()


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


def test_an_api_write_with_the_session_and_no_csrf_token_is_refused(frontdesk):
    raw, token = services.issue_api_token(user=frontdesk, name="laptop")
    client = Client(enforce_csrf_checks=True)
    client.force_login(frontdesk)

    response = client.post(REVOKE, {"token": raw}, content_type="application/json")

    assert response.status_code == 403
    assert not OptOut.objects.exists()
    assert "CSRF" in response.json()["message"]
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_api_write_with_the_session_and_the_csrf_token_is_accepted(frontdesk):
    raw, token = services.issue_api_token(user=frontdesk, name="laptop")
    client = Client(enforce_csrf_checks=True)
    client.force_login(frontdesk)
    client.get("/")  # the page sets the CSRF cookie, as a browser gets it
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        REVOKE, {"token": raw}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_api_write_with_a_bearer_token_needs_no_csrf_token(frontdesk):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/auth/token",
        {"username": frontdesk.username, "password": PASSWORD, "name": "laptop"},
        content_type="application/json",
    )
    assert response.status_code == 200
    bearer = response.json()["token"]

    response = client.post(
        REVOKE,
        {"token": bearer},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )

    assert response.status_code == 204
    assert ApiToken.objects.get(user=frontdesk).revoked_at is not None


def test_only_writes_with_their_own_credential_in_the_body_skip_authentication(client):
    schema = client.get("/api/v1/openapi.json").json()
    unauthenticated = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete") and not operation.get("security")
    }
    assert unauthenticated == CREDENTIAL_IN_BODY
