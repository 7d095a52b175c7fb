"""Fuzzing the API from its own OpenAPI document (schemathesis), as four kinds of callers.

Every operation of `/api/v1/openapi.json` gets generated requests, valid and invalid, sent with
a bearer token of an office's staff (office head who also works the front desk, a desk and
placement), an MRC counsellor, a case supervisor and a partner case worker. Each response must
not be a server error and must match the document: a declared status code, the declared content
type and the declared body schema.

The demo data set (smaller: a few people per office and a month of front-desk history instead
of thirteen: the fuzz needs records of every kind, not a year of them) is loaded once for the
module, on one xdist worker, inside a transaction rolled back at the end; each operation's
examples run in a savepoint on top of it, so writes made while fuzzing stay in that operation.
Path parameters are drawn half from the ids of real records, so detail and write endpoints are
fuzzed on records that exist.

`SATUATAP_FUZZ_EXAMPLES` sets the generated examples per operation and caller on top of the
boundary cases schemathesis always sends (default 3: the CI smoke run, about 2 minutes of CPU
on SQLite; `make bench` runs 100). By default generation is derandomized, so a failure in CI
fails again on any machine; `SATUATAP_FUZZ_SEED=<int>` explores with another seed.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from satuatap.wsgi import application
from tests.transactions import fire_deferred_checks

EXAMPLES = int(os.environ.get("SATUATAP_FUZZ_EXAMPLES", "3"))
SEED = os.environ.get("SATUATAP_FUZZ_SEED")
DEMO_PEOPLE_PER_OFFICE = 12
DEMO_FRONTDESK_MONTHS = 1
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CALLERS = ["office_staff", "counsellor", "supervisor", "partner"]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Filled by `seeded` before any example is drawn: path parameters → real id combinations.
KNOWN_PATH_PARAMETERS: dict[tuple[str, ...], list[dict]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    known = KNOWN_PATH_PARAMETERS.get(tuple(sorted(path_parameters or {})))
    if not known:
        return st.just(path_parameters)
    return st.one_of(st.sampled_from(known), st.just(path_parameters))


def _known_path_parameters() -> dict[tuple[str, ...], list[dict]]:
    from satuatap.cases.models import ActionItem, Case, CaseConsent, Referral
    from satuatap.core.models import Desk, Organisation
    from satuatap.frontdesk.models import Ticket
    from satuatap.people.models import Person
    from satuatap.placement.files.models import PlacementFile
    from satuatap.placement.models import Agency, JobOrder

    def ids(model, name, **filters):
        rows = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[:20]
        return [{name: pk} for pk in rows]

    return {
        ("office_id",): ids(Organisation, "office_id", slug__in=["cirebon", "tulungagung"]),
        ("code",): [{"code": code} for code in ("32", "32.09", "32.09.01", "35.04")],
        ("person_id",): ids(Person, "person_id"),
        ("desk_id",): ids(Desk, "desk_id"),
        ("ticket_id",): ids(Ticket, "ticket_id", status__in=["called", "serving", "waiting"]),
        ("agency_id",): ids(Agency, "agency_id"),
        ("job_order_id",): ids(JobOrder, "job_order_id"),
        ("file_id",): ids(PlacementFile, "file_id"),
        ("case_id",): ids(Case, "case_id"),
        ("referral_id",): ids(Referral, "referral_id"),
        ("action_id", "case_id"): [
            {"case_id": case_id, "action_id": pk}
            for pk, case_id in ActionItem.objects.order_by("pk").values_list("pk", "case_id")[:20]
        ],
        ("case_id", "consent_id"): [
            {"case_id": case_id, "consent_id": pk}
            for pk, case_id in CaseConsent.objects.order_by("pk").values_list("pk", "case_id")[:20]
        ],
    }


def _caller_tokens() -> dict[str, str]:
    from satuatap.core.models import RoleAssignment, User
    from satuatap.core.roles import Role
    from satuatap.core.services import issue_api_token

    staff = User.objects.get(username="cirebon.head")
    staff.desk = User.objects.get(username="cirebon.deskofficer").desk
    staff.save(update_fields=["desk"])
    for role in (Role.FRONTDESK, Role.DESK_OFFICER, Role.PLACEMENT_OFFICER):
        RoleAssignment.objects.get_or_create(user=staff, role=role)
    usernames = {
        "office_staff": "cirebon.head",
        "counsellor": "cirebon.counsellor",
        "supervisor": "cirebon.supervisor",
        "partner": "wcc-mawar-balqis.caseworker",
    }
    return {
        caller: issue_api_token(user=User.objects.get(username=username), name="fuzz")[0]
        for caller, username in usernames.items()
    }


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The smaller demo data set and a token per caller, rolled back after the module.

    Requests go through the real WSGI handler, which closes the database connection after
    each request unless, as Django's test client does, that handler is disconnected."""
    from satuatap.demo import frontdesk as frontdesk_demo
    from satuatap.demo import people as people_demo

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(people_demo, "PEOPLE_PER_OFFICE", DEMO_PEOPLE_PER_OFFICE)
        patch.setattr(frontdesk_demo, "MONTHS", DEMO_FRONTDESK_MONTHS)
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with open(os.devnull, "w") as quiet:
                call_command("seed_demo", "--quiet-logins", stdout=quiet)
            fire_deferred_checks()
            KNOWN_PATH_PARAMETERS.update(_known_path_parameters())
            yield _caller_tokens()
        finally:
            KNOWN_PATH_PARAMETERS.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=SEED is None,
    suppress_health_check=list(HealthCheck),
)


def _with_seed(test):
    return test if SEED is None else seed(int(SEED))(test)


# One worker fuzzes, so the demo is seeded once (`make test` distributes by xdist group).
pytestmark = pytest.mark.xdist_group("fuzz")


@pytest.mark.slow
@pytest.mark.parametrize("caller", CALLERS)
@schema.parametrize()
@FUZZ_SETTINGS
@_with_seed
def test_api_answers_every_caller_within_its_documented_contract(case, caller, tokens, db):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[caller]}"},
        checks=CHECKS,
    )
