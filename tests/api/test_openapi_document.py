"""The OpenAPI document describes every operation well enough to be fuzzed and used: a summary,
a tag, and the error responses it can give, each with the `{code, message}` body."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.core.services import issue_api_token

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def operations(client):
    document = client.get("/api/v1/openapi.json").json()
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_has_a_summary_and_a_tag(operations):
    assert len(operations) > 50
    assert [name for name, op in operations if not op.get("summary") or not op.get("tags")] == []


def test_every_operation_declares_the_errors_the_framework_can_give(operations):
    missing = []
    for name, operation in operations:
        responses = {str(status) for status in operation["responses"]}
        if operation.get("security") and "401" not in responses:
            missing.append((name, 401))
        takes_input = operation.get("parameters") or "requestBody" in operation
        if takes_input and "422" not in responses:
            missing.append((name, 422))
        if "requestBody" in operation and "400" not in responses:
            missing.append((name, 400))
    assert missing == []


def test_every_declared_error_has_the_error_body(operations):
    wrong = [
        (name, status)
        for name, operation in operations
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        != ERROR_REF
    ]
    assert wrong == []


def test_only_the_token_exchange_and_the_survey_are_open_without_credentials(operations):
    # The survey carries its visit's secret survey token in the body instead.
    open_operations = [name for name, operation in operations if not operation.get("security")]
    assert open_operations == ["POST /api/v1/auth/token", "POST /api/v1/surveys"]


def test_a_body_that_is_not_json_is_a_json_400_in_the_callers_language(client, make_user):
    raw, _ = issue_api_token(user=make_user(Role.FRONTDESK))

    response = client.post(
        "/api/v1/people",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
    }
