"""The API's operations stay where clients find them: every (method, path, operationId) of
`/api/v1/openapi.json` is listed in `openapi_operations.txt`, so moving a route to another
module (django-ninja derives an operation's id from its module) or renaming one fails here
instead of breaking a client generated from the document. A new or changed operation is added
to the list in the same change, on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

LISTED = Path(__file__).with_name("openapi_operations.txt")


def listed_operations() -> set[tuple[str, ...]]:
    lines = LISTED.read_text().splitlines()
    return {tuple(line.split()) for line in lines if line.strip()}


def test_the_document_has_exactly_the_listed_operations(client):
    document = client.get("/api/v1/openapi.json").json()
    served = {
        (method.upper(), path, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }

    assert sorted(served - listed_operations()) == []  # new or changed: list them
    assert sorted(listed_operations() - served) == []  # gone or changed: a client breaks


def test_the_partner_portal_keeps_its_operation_ids(client):
    document = client.get("/api/v1/openapi.json").json()
    ids = {
        operation["operationId"]
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/partner/referrals")
        for operation in item.values()
    }

    assert ids == {
        "satuatap_cases_api_list_partner_referrals",
        "satuatap_cases_api_get_partner_referral",
        "satuatap_cases_api_accept_referral",
        "satuatap_cases_api_decline_referral",
        "satuatap_cases_api_add_referral_feedback",
    }
