"""Every change made through the API has an author: generated over the OpenAPI document.

Each write operation (POST, PUT, PATCH, DELETE) of `/api/v1/openapi.json` is called once with a
bearer token and once with a signed-in session, as a user allowed to call it and with a valid
body, and must succeed; every audit entry the call wrote must name the caller as its actor and,
for the token, the token's id (`additional_data["api_token"]`). The records are those of the
access matrix (tests/security/access_matrix_records.py), each call in its own savepoint.

Adding a write route? Give it a recipe in `RECIPES` below: who calls it, and, when the access
matrix's body does not succeed, the body and the state it needs. A route without a recipe fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from satuatap.api import api as ninja_api
from satuatap.cases import services as cases
from satuatap.cases.models import Case, Referral
from satuatap.cases.partner import services as partner_services
from satuatap.core import services as core_services
from satuatap.core.models import Desk
from satuatap.frontdesk import services as frontdesk
from satuatap.frontdesk.models import Ticket, TicketStatus
from satuatap.placement.files import services as files
from satuatap.placement.files.models import PlacementFile, Stage
from tests.factories import PASSWORD
from tests.otp import authenticator_of, code_for
from tests.placement.files.test_readiness import give_complete_documents
from tests.security import access_matrix as matrix
from tests.security.access_matrix_records import build
from tests.security.test_access_matrix import _fill, _session_of, url_of
from tests.transactions import fire_deferred_checks

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch", "delete"}


def write_operations() -> list[str]:
    schema = ninja_api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    )


@dataclass(frozen=True)
class Recipe:
    role: str  # the access-matrix persona who calls it
    body: dict | None = None  # None: the access matrix's body for the route
    # (the records' users, their ids) → the state the call needs; may return more "@" values
    prepare: Callable[[dict, dict], dict | None] | None = None
    auth: str = "caller"  # "caller": bearer token and session; "password"; "public" (no sign-in)
    audited: bool = True  # the call writes at least one audit entry
    note: str = ""


def _spare_token(users, ids) -> dict:
    raw, _token = core_services.issue_api_token(user=users["counsellor"], name="spare")
    return {"spare_token": raw}


def _closure_requested(users, ids) -> None:
    case = Case.objects.get(pk=ids["case"])
    cases.request_closure(case=case, by=users["counsellor"], outcome="resolved")


def _referral_accepted(users, ids) -> None:
    referral = Referral.objects.get(pk=ids["referral"])
    partner_services.answer_referral(referral=referral, by=users["caseworker"], accept=True)


def _ticket_called(users, ids) -> None:
    desk = Desk.objects.get(pk=ids["desk"])
    frontdesk.call_next(desk=desk, by=users["deskofficer"])


def _file_ready(users, ids) -> None:
    placement_file = PlacementFile.objects.get(pk=ids["placement_file"])
    give_complete_documents(placement_file, placement_file.office.today())
    files.change_stage(placement_file=placement_file, to_stage=Stage.READY, by=users["placement"])


def _file_departed(users, ids) -> None:
    _file_ready(users, ids)
    placement_file = PlacementFile.objects.get(pk=ids["placement_file"])
    files.record_departure(
        placement_file=placement_file,
        by=users["placement"],
        departure_date=placement_file.office.today(),
    )


def _visit_served(users, ids) -> None:
    _ticket_called(users, ids)
    ticket = Ticket.objects.get(visit__survey_token=ids["survey_token"], status=TicketStatus.CALLED)
    frontdesk.finish_ticket(ticket=ticket, by=users["deskofficer"])


def _case_closed(users, ids) -> None:
    _closure_requested(users, ids)
    case = Case.objects.get(pk=ids["case"])
    cases.decide_closure(
        case=case, by=users["supervisor"], approve=True, open_actions="leave", end_referrals=True
    )


def _case_restricted(users, ids) -> None:
    case = Case.objects.get(pk=ids["case"])
    cases.restrict_case(case=case, by=users["counsellor"], reason="Pengungkapan kekerasan")


RECIPES: dict[str, Recipe] = {
    "POST /api/v1/auth/token": Recipe(
        "counsellor", auth="password", note="the caller is who the password and code name"
    ),
    "POST /api/v1/auth/token/revoke": Recipe(
        "counsellor", body={"token": "@spare_token"}, prepare=_spare_token
    ),
    "POST /api/v1/people": Recipe("frontdesk"),
    "PATCH /api/v1/people/{person_id}": Recipe("frontdesk"),
    "POST /api/v1/visits": Recipe("frontdesk"),
    "POST /api/v1/desks/{desk_id}/call-next": Recipe(
        "deskofficer", audited=False, note="queue tickets are not in the audit trail"
    ),
    "POST /api/v1/tickets/{ticket_id}/finish": Recipe("deskofficer", prepare=_ticket_called),
    "POST /api/v1/surveys": Recipe(
        "anonymous",
        auth="public",
        audited=False,
        prepare=_visit_served,
        note="anonymous satisfaction answers",
    ),
    "POST /api/v1/agencies": Recipe("placementadmin"),
    "PATCH /api/v1/agencies/{agency_id}": Recipe("placementadmin"),
    "POST /api/v1/agencies/{agency_id}/concerns": Recipe("placement"),
    "POST /api/v1/agencies/concerns/{concern_id}/status": Recipe("placementadmin"),
    "POST /api/v1/job-orders": Recipe("placement"),
    "PATCH /api/v1/job-orders/{job_order_id}": Recipe("placement"),
    "POST /api/v1/placement-files": Recipe("placement"),
    "PATCH /api/v1/placement-files/{file_id}": Recipe("placement"),
    "POST /api/v1/placement-files/{file_id}/stage": Recipe("placement"),
    "POST /api/v1/placement-files/{file_id}/overrides": Recipe("head"),
    "POST /api/v1/placement-files/{file_id}/departure": Recipe("placement", prepare=_file_ready),
    "POST /api/v1/placement-files/{file_id}/return": Recipe("placement", prepare=_file_departed),
    "POST /api/v1/contacts": Recipe("counsellor"),
    "POST /api/v1/contacts/sync": Recipe(
        "counsellor",
        body={
            "contacts": [
                {
                    "id": "5d0c8a3e-7b8f-4f7e-9a43-0d6f3b1f2c11",
                    "kind": "information",
                    "topic": "documents",
                    "occurred_on": "@today",
                    "sex": "F",
                    "age_band": "25-39",
                }
            ]
        },
        note="a contact recorded offline",
    ),
    "POST /api/v1/outreach/sync": Recipe(
        "outreach",
        body={
            "events": [
                {
                    "id": "0f5b6a61-8f0e-4c1e-a7a6-3f6c2b9d4e21",
                    "village": "@village",
                    "date": "@today",
                    "kind": "socialisation",
                    "title": "Sosialisasi",
                    "counts": [{"sex": "F", "age_band": "25-39", "count": 3}],
                    "participants": [
                        {"full_name": "Sekar Ayu", "sex": "F", "birth_date": "1994-02-03"}
                    ],
                }
            ]
        },
        note="an event recorded offline, naming a new participant (registered by the sync)",
    ),
    "POST /api/v1/cases": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/notes": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/actions": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/actions/{action_id}/done": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/assignments": Recipe("supervisor"),
    "POST /api/v1/cases/{case_id}/status": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/closure-request": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/closure-decision": Recipe(
        "supervisor",
        body={"approve": True, "open_actions": "leave", "end_referrals": True},
        prepare=_closure_requested,
    ),
    "POST /api/v1/cases/{case_id}/reopen": Recipe("supervisor", prepare=_case_closed),
    "POST /api/v1/cases/{case_id}/restrict": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/unrestrict": Recipe("supervisor", prepare=_case_restricted),
    "POST /api/v1/cases/{case_id}/referrals/{referral_id}/revoke": Recipe(
        "counsellor", body={"reason": "Klien meminta berhenti"}
    ),
    "POST /api/v1/cases/{case_id}/consents": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/consents/{consent_id}/withdraw": Recipe("counsellor"),
    "POST /api/v1/cases/{case_id}/referrals": Recipe("counsellor"),
    "POST /api/v1/partner/referrals/{referral_id}/accept": Recipe("caseworker"),
    "POST /api/v1/partner/referrals/{referral_id}/decline": Recipe("caseworker"),
    "POST /api/v1/partner/referrals/{referral_id}/feedback": Recipe(
        "caseworker",
        body={"feedback": "Sudah didampingi", "complete": True},
        prepare=_referral_accepted,
        note="feedback alone changes only an encrypted column, which the trail leaves out",
    ),
}


# --- The world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("attribution-media"))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        records = build()
        tokens = {
            role: core_services.issue_api_token(user=user, name="attribution test")
            for role, user in records.users.items()
        }
        sessions = {role: _session_of(user) for role, user in records.users.items()}
        fire_deferred_checks()
    yield records, tokens, sessions
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


def _matrix_entry(operation: str) -> matrix.Entry:
    return next(e for e in matrix.ENTRIES if e.route == operation and not e.variant)


def _call(client: Client, operation: str, body: dict | None, ids: dict, headers: dict):
    entry = _matrix_entry(operation)
    payload = json.dumps(_fill(body if body is not None else entry.body or {}, ids))
    return client.generic(
        entry.method.upper(), url_of(entry, ids), payload, "application/json", headers=headers
    )


def _cases():
    for operation in write_operations():
        recipe = RECIPES.get(operation)
        kinds = (
            ("bearer", "session") if recipe is None or recipe.auth == "caller" else (recipe.auth,)
        )
        for auth in kinds:
            yield pytest.param(operation, auth, id=f"{operation}-{auth}")


def test_every_recipe_is_a_write_operation():
    assert sorted(set(RECIPES) - set(write_operations())) == []


@pytest.mark.parametrize(("operation", "auth"), list(_cases()))
def test_every_api_change_names_its_author(world, operation, auth):
    records, tokens, sessions = world
    recipe = RECIPES.get(operation)
    assert recipe is not None, f"{operation} has no recipe in RECIPES (see the docstring)"
    ids = dict(records.ids["own"])
    ids.update((recipe.prepare and recipe.prepare(records.users, ids)) or {})
    user = records.users.get(recipe.role)
    client, body, headers = Client(), recipe.body, {}
    raw, token = tokens.get(recipe.role, (None, None))
    if auth == "bearer":
        headers = {"Authorization": f"Bearer {raw}"}
    elif auth == "session":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[recipe.role]
    elif auth == "password":
        code = code_for(authenticator_of(user))
        body = {"username": user.username, "password": PASSWORD, "otp": code}
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = _call(client, operation, body, ids, headers)

    assert 200 <= response.status_code < 300, (operation, response.status_code, response.content)
    entries = list(LogEntry.objects.filter(pk__gt=last).select_related("content_type"))
    if recipe.audited:
        assert entries, f"{operation} changed nothing the audit trail records"
    for entry in entries:
        what = f"{operation}: {entry.content_type.model} #{entry.object_pk}"
        data = entry.additional_data or {}
        if auth == "public":
            assert entry.actor_id is None, what
            assert data.get("on_behalf_of", "").startswith("public:"), what
            continue
        assert entry.actor_id == user.pk, f"{what} is recorded as {entry.actor_id}"
        if auth == "bearer":
            assert data.get("api_token") == token.pk, f"{what} does not name the token"
        else:
            assert "api_token" not in data, f"{what} names a token it was not made with"
