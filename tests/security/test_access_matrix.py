"""Every page and API operation × every role × own office / another office → allowed or refused,
as tests/security/access_matrix.py says (read its docstring to add a route).

The records of both offices and a signed-in session per role are made once for the module, in
a transaction rolled back at its end; every test runs in its own savepoint, so what one request
changes is gone before the next. A test's id names the route, the role and the office.
"""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from satuatap.api import api as ninja_api
from satuatap.core.two_factor import requires_two_factor
from satuatap.core.two_factor.services import mark_session_verified
from satuatap.frontdesk.devices import DEVICE_COOKIE
from tests.otp import authenticator_of
from tests.security.access_matrix import (
    ANONYMOUS,
    DEVICES,
    ENTRIES,
    OFFICE,
    OUTSIDE,
    PARAMS,
    ROLES,
    SIGNED_IN,
    Entry,
)
from tests.security.access_matrix_records import build
from tests.transactions import fire_deferred_checks

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/v1"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\{(\w+)\}")


# --- Routes: what the project answers ---------------------------------------------------------


def _leaf_patterns(resolver=None, prefix="", namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _leaf_patterns(pattern, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


def _ninja_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def api_operations() -> set[str]:
    schema = ninja_api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def project_routes() -> dict[str, str]:
    """Route key → its pattern: URL names (the admin site as one `admin:*`), and every API
    operation as `METHOD /api/v1/path`."""
    operation_paths = {key.split(" ", 1)[1] for key in api_operations()}
    routes = {}
    for name, route in _leaf_patterns():
        if name.split(":")[0] == "admin":
            routes["admin:*"] = "admin/"
        elif name.startswith("api:") and _ninja_path(route) in operation_paths:
            continue
        else:
            routes[name] = route
    for key in api_operations():
        routes[key] = key.split(" ", 1)[1]
    return routes


ROUTES = project_routes()


def test_every_route_has_an_entry_and_every_entry_a_route():
    entries = {entry.route for entry in ENTRIES}
    missing = sorted(set(ROUTES) - entries)
    stale = sorted(entries - set(ROUTES))
    assert missing == [], "routes without an entry in access_matrix.py:\n" + "\n".join(missing)
    assert stale == [], "entries that match no route:\n" + "\n".join(stale)


def test_entries_are_not_repeated():
    keys = [entry.key for entry in ENTRIES]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


# --- Requests ---------------------------------------------------------------------------------


def _param_names(entry: Entry) -> list[str]:
    route = ROUTES.get(entry.route, "")
    return [a or b or c for a, b, c in PARAM.findall(route)]


def _asks_for_office_records(entry: Entry) -> bool:
    return bool(_param_names(entry)) or "@" in entry.query or "@" in json.dumps(entry.body)


def _value(entry: Entry, name: str, ids: dict) -> str:
    key = entry.params.get(name) or PARAMS[name]
    return key[1:] if key.startswith("=") else str(ids[key])


def _fill(value, ids: dict):
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def url_of(entry: Entry, ids: dict) -> str:
    values = {name: _value(entry, name, ids) for name in _param_names(entry)}
    if entry.route == "admin:*":
        url = reverse("admin:index")
    elif entry.is_api:
        url = ROUTES[entry.route].format(**values)
    else:
        url = reverse(entry.route, kwargs=values)
    query = re.sub(r"@(\w+)", lambda m: str(ids[m.group(1)]), entry.query)
    return f"{url}?{query}" if query else url


def send(client: Client, entry: Entry, ids: dict):
    url = url_of(entry, ids)
    if entry.is_api and entry.method != "get":
        payload = json.dumps(_fill(entry.body or {}, ids))
        return client.generic(entry.method.upper(), url, payload, "application/json")
    if entry.method == "get":
        return client.get(url)
    return client.post(url, {})


def database_changes() -> int:
    """Rows written so far by this connection (SQLite) or this transaction (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables WHERE relname <> 'django_session'"
            )
        return int(cursor.fetchone()[0])


# --- Expectations -----------------------------------------------------------------------------

ALLOWED_WRITE_ANSWERS = {400, 409, 422, 428}


def _is_sign_in_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse(settings.LOGIN_URL)) or location.startswith("/admin/login/")
    )


def is_allowed(entry: Entry, role: str, office: str) -> bool:
    """Whether the table lets `role` through; a device may what an anonymous visitor may, and
    what its entry names it for."""
    allow = entry.allow if office == "own" else entry.other
    if role in DEVICES:
        return role in entry.devices or ANONYMOUS in allow
    return role in allow


API_ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}


def _exact_answer(entry: Entry, role: str, response) -> str | None:
    """What is wrong with an allowed role's answer where the entry pins it (own office)."""
    status = response.status_code
    target = entry.redirect_of(role)
    if target:
        location = response.get("Location", "")
        if status == 302 and location.startswith(reverse(target)):
            return None
        return f"allowed but answered {status} {location}, not a redirect to {target}"
    if entry.status and status != entry.status:
        return f"allowed but answered {status}, not {entry.status}"
    return None


def verdict(entry: Entry, role: str, office: str, response) -> str | None:
    """None when the answer is what the table says, else what is wrong with it."""
    status = response.status_code
    allowed = is_allowed(entry, role, office)
    if status >= 500:
        return f"server error {status}"
    if entry.is_api and not allowed and status in API_ERROR_CODES:
        code = response.json().get("code")
        if code != API_ERROR_CODES[status]:
            return f"answered {status} with code {code!r}, not {API_ERROR_CODES[status]!r}"
    if entry.refusal and not allowed:
        return None if status in entry.refusal else f"answered {status}"
    if allowed and office == "own" and (entry.status or entry.redirects):
        return _exact_answer(entry, role, response)
    if allowed and status in entry.answers:
        return None
    if allowed:
        if status in (401, 403, 404, 405):
            return f"allowed but answered {status}"
        signed_in = role != ANONYMOUS and role not in DEVICES
        if signed_in and _is_sign_in_redirect(response) and not entry.signs_out:
            return "allowed but sent to sign in"
        if status >= 400 and status not in ALLOWED_WRITE_ANSWERS:
            return f"allowed but answered {status}"
        if status in ALLOWED_WRITE_ANSWERS and entry.method == "get" and status != 428:
            return f"allowed but answered {status}"
        return None
    if role == ANONYMOUS or role in DEVICES:
        if entry.is_api or entry.machine:
            return None if status == 401 else f"anonymous API call answered {status}, not 401"
        return None if _is_sign_in_redirect(response) else f"anonymous answered {status}"
    if entry.route == "admin:*":
        return None if _is_sign_in_redirect(response) else f"refused but answered {status}"
    if office == "other" and role in entry.allow:
        # Another office's record named in the path does not exist for the caller; named in a
        # write's body, it is an invalid choice (422), as an unknown id would be.
        expected = {404} if _param_names(entry) else {404, 422}
        if status in expected:
            return None
        return f"another office's record answered {status}, not {sorted(expected)}"
    exact = entry.refusal_of(role, office)
    if exact:
        return None if status == exact else f"refused with {status}, not {exact}"
    return None if status in (403, 404) else f"refused but answered {status}"


# --- The matrix -------------------------------------------------------------------------------


def _session_of(user) -> str:
    """A signed-in session, past the second factor for those who need one (as in conftest)."""
    client = Client()
    client.force_login(user)
    if requires_two_factor(user):
        session = client.session
        mark_session_verified(session, authenticator_of(user))
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both offices' records and one session per role, in a transaction rolled back at the end."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        records = build()
        sessions = {role: _session_of(user) for role, user in records.users.items()}
        fire_deferred_checks()
    yield records, sessions
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


def _cases():
    for entry in ENTRIES:
        offices = ("own", "other") if _asks_for_office_records(entry) else ("own",)
        for role in ROLES:
            for office in offices:
                yield pytest.param(entry, role, office, id=f"{entry.key}-{role}-{office}")


@pytest.mark.parametrize(("entry", "role", "office"), list(_cases()))
def test_access(world, client, entry, role, office):
    records, sessions = world
    if role in DEVICES:
        client.cookies[DEVICE_COOKIE] = records.device_cookies[role]
    elif role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    before = database_changes()
    response = send(client, entry, records.ids[office])
    changed = database_changes() - before
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # through the client's wrapper, which closes it
    problem = verdict(entry, role, office, response)
    assert problem is None, f"{entry.key} as {role} with {office} office's ids: {problem}"
    if not is_allowed(entry, role, office):
        assert changed == 0, f"{entry.key} as {role}: refused, yet {changed} rows were written"


POST_ONLY_PAGES = [e for e in ENTRIES if not e.is_api and e.method == "post" and not e.variant]


@pytest.mark.parametrize("entry", POST_ONLY_PAGES, ids=[e.key for e in POST_ONLY_PAGES])
def test_post_only_page_answers_a_get_with_405(world, client, entry):
    """A POST-only view names its method: a GET (a link followed, a prefetch) changes nothing."""
    records, sessions = world
    role = min(entry.allow - {ANONYMOUS} or {"admin"})
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    before = database_changes()
    response = client.get(url_of(entry, records.ids["own"]))
    assert response.status_code == 405, (
        f"{entry.key} as {role}: GET answered {response.status_code}"
    )
    assert database_changes() == before


def _refused_probes(entry: Entry) -> list[tuple[str, str]]:
    """(role, office) pairs refused a page: an office role and an outsider without the right
    on their own office's records, and a role with it on another office's."""
    probes = []
    for group in (OFFICE, OUTSIDE):
        if refused := sorted(group - entry.allow):
            probes.append((refused[0], "own"))
    if _asks_for_office_records(entry) and (
        elsewhere := sorted(entry.allow & SIGNED_IN - entry.other)
    ):
        probes.append((elsewhere[0], "other"))
    return probes


GET_PAGES = [
    e
    for e in ENTRIES
    if not e.is_api and e.method == "get" and e.route != "admin:*" and _refused_probes(e)
]


@pytest.mark.parametrize("entry", GET_PAGES, ids=[e.key for e in GET_PAGES])
def test_a_page_refused_to_a_caller_refuses_their_post_too(world, client, entry):
    """A form page checks who asks before it reads the form: a refused caller's POST is refused
    too (or the page takes no POST), and nothing is written."""
    records, sessions = world
    for role, office in _refused_probes(entry):
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        before = database_changes()
        response = client.post(url_of(entry, records.ids[office]), {})
        where = f"{entry.key} as {role} with {office} office's ids"
        assert response.status_code in (403, 404, 405), (
            f"{where}: POST answered {response.status_code}"
        )
        assert database_changes() == before, f"{where}: a refused POST wrote rows"
