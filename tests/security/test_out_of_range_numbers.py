"""Out-of-range ids and numbers: 404 for a record named in the path, 422 for a number in the
input, never a server error (issue 16, "Errors and logs").

Generated from the routes themselves, on the access matrix's records: every URL pattern and API
operation with an integer path parameter is asked for with that parameter beyond 64 bits (and
just beyond a bigint), and every integer the OpenAPI document lists in a query or a body (inside
lists and nested objects too) is sent beyond 64 bits in an otherwise valid request, by a role
allowed to use the route.
"""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings

from satuatap.api import api as ninja_api
from tests.security.access_matrix import ANONYMOUS, ENTRIES, PARAMS, Entry
from tests.security.test_access_matrix import (
    ROUTES,
    _fill,
    _param_names,
    url_of,
    world,  # noqa: F401 - the matrix's records and sessions, made once for the module
)

pytestmark = pytest.mark.django_db

TOO_BIG = (str(2**64 * 5), str(2**63))
HUGE = 2**64 * 5
# Beyond 64 bits, and just beyond PostgreSQL's integer and smallint columns (on SQLite these two
# fit any column, so a missing bound shows on PostgreSQL only).
TOO_LARGE = (HUGE, 2**31, 2**15)
UNKNOWN = 2**62 + 12345  # in range, and no record has it
SCHEMA = ninja_api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]


def _first_entries() -> dict[str, Entry]:
    """The first entry of each route, with a role (not anonymous) allowed to use it."""
    entries: dict[str, Entry] = {}
    for entry in ENTRIES:
        if entry.route not in entries and entry.allow - {ANONYMOUS} and not entry.refusal:
            entries[entry.route] = entry
    return entries


FIRST = _first_entries()


def _role(entry: Entry) -> str:
    return sorted(entry.allow - {ANONYMOUS})[0]


def _send(client, entry: Entry, url: str, body: dict | None):
    if entry.is_api and entry.method != "get":
        return client.generic(entry.method.upper(), url, json.dumps(body or {}), "application/json")
    if entry.method == "get":
        return client.get(url)
    return client.post(url, {})


def _sign_in(client, world_records, entry: Entry):
    _records, sessions = world_records
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[_role(entry)]


# --- Ids in the path --------------------------------------------------------------------------


def _integer_path_params(entry: Entry) -> list[str]:
    route = ROUTES[entry.route]
    if entry.is_api:
        method, path = entry.route.split(" ", 1)
        operation = SCHEMA["paths"][path][method.lower()]
        return [
            p["name"]
            for p in operation.get("parameters", [])
            if p["in"] == "path" and p["schema"].get("type") == "integer"
        ]
    return [name for name in _param_names(entry) if f"<int:{name}>" in route]


def _path_cases():
    for entry in FIRST.values():
        if _integer_path_params(entry):
            for value in TOO_BIG:
                yield pytest.param(entry, value, id=f"{entry.key}-{value}")


@pytest.mark.parametrize(("entry", "value"), list(_path_cases()))
def test_an_out_of_range_id_in_the_path_is_not_found(world, client, entry, value):  # noqa: F811
    records, _sessions = world
    _sign_in(client, world, entry)
    ids = dict(records.ids["own"])
    for name in _integer_path_params(entry):
        ids[entry.params.get(name) or PARAMS[name]] = value
    body = _fill(entry.body or {}, records.ids["own"])

    response = _send(client, entry, url_of(entry, ids), body)

    assert response.status_code == 404, f"{entry.key}: {response.status_code}"


# --- Numbers in the API's input ---------------------------------------------------------------


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].split("/")[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _resolve(options[0])
    return schema


def _example(schema: dict):
    """A small valid value of a schema (for list items and nested objects)."""
    schema = _resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _example(sub)
            for name, sub in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "string":
        return date.today().isoformat() if schema.get("format") == "date" else "x"
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def _integer_paths(schema: dict, path: tuple = (), seen: frozenset = frozenset()):
    """Where integers sit in a schema: tuples of property names, with "[]" for list items."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        if name not in seen:
            yield from _integer_paths(COMPONENTS[name], path, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _integer_paths(option, path, seen)
    if schema.get("type") == "integer":
        yield path
    if "items" in schema:
        yield from _integer_paths(schema["items"], (*path, "[]"), seen)
    for name, sub in schema.get("properties", {}).items():
        yield from _integer_paths(sub, (*path, name), seen)


def _with_value(current, path: tuple, schema: dict, number: int):
    """`current` with the integer at `path` replaced by `number` (made where it is missing)."""
    schema = _resolve(schema)
    if not path:
        return number
    head, rest = path[0], path[1:]
    if head == "[]":
        items = schema.get("items", {})
        first = current[0] if current else _example(items)
        return [_with_value(first, rest, items, number)]
    value = dict(current or {})
    value[head] = _with_value(value.get(head), rest, schema["properties"][head], number)
    return value


def _input_cases():
    for route, entry in FIRST.items():
        if not entry.is_api:
            continue
        method, path = route.split(" ", 1)
        operation = SCHEMA["paths"][path][method.lower()]
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                for where in _integer_paths(parameter["schema"]):
                    name = ".".join((parameter["name"], *where))
                    yield pytest.param(entry, "query", parameter["name"], id=f"{route}?{name}")
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            for where in _integer_paths(body["schema"]):
                yield pytest.param(entry, "body", where, id=f"{route} body.{'.'.join(where)}")


def _request_with(client, entry: Entry, ids: dict, place: str, where, value: int):
    url = url_of(entry, ids)
    body = _fill(entry.body or {}, ids)
    if place == "query":
        url += ("&" if "?" in url else "?") + f"{where}={value}"
    else:
        method, path = entry.route.split(" ", 1)
        operation = SCHEMA["paths"][path][method.lower()]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = _with_value(body, where, schema, value)
    return _send(client, entry, url, body)


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize(("entry", "place", "where"), list(_input_cases()))
def test_an_out_of_range_number_in_the_input_is_refused(world, client, entry, place, where, value):  # noqa: F811,E501
    """Never a server error. Beyond 64 bits: 422, or what the route answers for a number in
    range that names nothing (a filter that finds nothing, a 404 or 409 for an unknown record
    in a write). 2**31 and 2**15 may be accepted where the column holds them."""
    records, _sessions = world
    _sign_in(client, world, entry)

    response = _request_with(client, entry, records.ids["own"], place, where, value)

    assert response.status_code < 500, f"{entry.key} {place} {where}={value}"
    if value == HUGE:
        unknown = _request_with(client, entry, records.ids["own"], place, where, UNKNOWN)
        assert response.status_code in (422, unknown.status_code), response.content
    if response.status_code >= 400:
        assert response.json()["code"]


# --- Numbers in the pages' forms and links ----------------------------------------------------


class _Forms(HTMLParser):
    """Forms (action, method, the values a browser would send, which fields take numbers, which
    are drop-downs) and links with a query, of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        for link in (values.get("href"), values.get("hx-get")):
            if link and "?" in link:
                self.links.append(link)
        if tag == "form":
            self._form = {
                "action": values.get("action", ""),
                "method": values.get("method", "get").lower(),
                "fields": {},
                "numeric": set(),
                "selects": set(),
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name, value, kind = values.get("name"), values.get("value", ""), values.get("type", "")
        fields = self._form["fields"]
        if tag == "input" and name and kind not in ("submit", "button", "file"):
            if kind in ("checkbox", "radio") and "checked" not in values and name in fields:
                return
            if kind == "date" and not value:
                value = date.today().isoformat()
            fields.setdefault(name, value)
            if kind == "number" or value.isdigit():
                self._form["numeric"].add(name)
        elif tag == "textarea" and name:
            fields.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
            self._form["selects"].add(name)
        elif tag == "option" and self._select:
            if value and (not fields[self._select] or "selected" in values):
                fields[self._select] = value
            if value.isdigit():
                self._form["numeric"].add(self._select)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _page_cases():
    for entry in FIRST.values():
        if not entry.is_api and entry.method == "get" and entry.route != "admin:*":
            yield pytest.param(entry, id=entry.key)


def _too_big_query(url: str) -> str | None:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(value.isdigit() for _name, value in query):
        return None
    query = [(name, str(HUGE) if value.isdigit() else value) for name, value in query]
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.mark.parametrize("entry", list(_page_cases()))
def test_out_of_range_numbers_in_a_pages_forms_and_links_are_no_server_error(
    world,  # noqa: F811
    client,
    entry,
):
    records, _sessions = world
    _sign_in(client, world, entry)
    url = url_of(entry, records.ids["own"])
    page = client.get(url)
    if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
        return
    parser = _Forms()
    parser.feed(page.content.decode())
    tried = []
    for form in parser.forms:
        if not form["numeric"] or form["action"].startswith(("http", "//")):
            continue
        target = urljoin(url, form["action"]) if form["action"] else url
        # Each number of the form beyond 64 bits, the others as the page gave them (so the
        # form may get as far as saving).
        for number in sorted(form["numeric"]):
            for value in TOO_LARGE:
                data = {**form["fields"], number: str(value)}
                send = client.post if form["method"] == "post" else client.get
                status = send(target, data).status_code
                tried.append((form["method"], target, f"{number}={value}", status))
    for link in parser.links:
        target = _too_big_query(urljoin(url, link))
        if target and urlsplit(target).netloc in ("", "testserver"):
            tried.append(("get", target, None, client.get(target).status_code))
    server_errors = [attempt for attempt in tried if attempt[3] >= 500]
    assert server_errors == []
