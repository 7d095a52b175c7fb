"""The OpenAPI document and browsable docs, served without any CDN."""

from __future__ import annotations

import re

import pytest

from satuatap.core.roles import Role

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token",
        "/api/v1/auth/token/revoke",
        "/api/v1/auth/me",
        "/api/v1/offices",
        "/api/v1/regions",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
    } <= paths
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_browsable_docs_load_every_asset_locally(client, make_user):
    client.force_login(make_user(Role.FRONTDESK))
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger" in page.lower()
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', page)
    assert external == []


def test_unknown_api_route_is_json_404(client, make_user):
    client.force_login(make_user(Role.FRONTDESK))
    response = client.get("/api/v1/people/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_invalid_input_is_a_json_422_with_details(client):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["details"]
