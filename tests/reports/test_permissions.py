"""Who may read reports, and that the national analyst reaches aggregates only.

The sweep requests every URL pattern of the project (pages and API, read from the URL
resolver, so a new route is covered without anyone adding it here) as the national analyst,
with the ids of real people, cases, files, visits… of an office. Only the home page, the
analyst's account, the API's description and reference data, and report pages answer 200, and
no answer holds a name, NIK or case number of the office's records.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from satuatap.cases.models import Case, CaseConsent
from satuatap.core.models import DeskType
from satuatap.core.roles import NATIONAL_ROLES, OFFICE_ROLES, Role
from satuatap.frontdesk.models import Service, Ticket
from satuatap.placement.models import Agency, JobOrder
from tests.factories import DeskFactory
from tests.reports.core_fixture import build

pytestmark = pytest.mark.django_db


# --- The permission matrix --------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(OFFICE_ROLES))
def test_office_staff_see_their_own_office_reports_only(make_user, office, other_office, role):
    user = make_user(role)
    assert user.has_perm("reports.view_office_reports")
    assert user.has_perm("reports.view_office_reports", office)
    assert not user.has_perm("reports.view_office_reports", other_office)
    assert not user.has_perm("reports.view_national_reports")


@pytest.mark.parametrize("role", sorted(NATIONAL_ROLES))
def test_national_roles_see_national_reports_not_office_ones(make_user, ministry, office, role):
    user = make_user(role, organisation=ministry, username=f"national.{role}")
    assert user.has_perm("reports.view_national_reports")
    assert not user.has_perm("reports.view_office_reports")
    assert not user.has_perm("reports.view_office_reports", office)


def test_a_partner_case_worker_sees_no_reports(make_user, partner, office):
    user = make_user(Role.PARTNER_CASEWORKER, organisation=partner)
    assert not user.has_perm("reports.view_office_reports")
    assert not user.has_perm("reports.view_office_reports", office)
    assert not user.has_perm("reports.view_national_reports")


def test_an_inactive_user_sees_no_reports(make_user):
    user = make_user(Role.OFFICE_HEAD)
    user.is_active = False
    user.save()
    assert not user.has_perm("reports.view_office_reports")


# --- The analyst's sweep ----------------------------------------------------------------------

# Reachable by anyone (sign-in, language, about, health and readiness checks, public job board,
# the paired waiting-room screen and kiosk, the survey behind its token): not part of the sweep.
# The set-password page is public: the one-time link is its credential (core.staff).
PUBLIC = {
    "login",
    "logout",
    "set-language",
    "healthz",
    "readyz",
    "core:about",
    "core:set-password",
    "admin:login",
    "admin:logout",
    # The offline page's service worker and manifest: the same code for everyone, no data.
    "outreach:offline-worker",
    "outreach:offline-manifest",
}
# The workers' self-service portal is public: a worker reaches a file only with a one-time code.
PUBLIC_NAMESPACES = {"public", "public_jobs", "portal"}
# What the analyst may open: home, own account, the API's description and reference data, the
# list of offices, and reports (every page of the `reports` namespace: aggregates only).
ANALYST_PAGES = {
    "home",
    "core:api-tokens",
    # the analyst's own two-factor pages (the analyst is not asked for a code: they redirect)
    "core:two-factor",
    "core:two-factor-setup",
    "core:two-factor-verify",
    "api:me",
    "api:openapi-json",
    "api:openapi-view",
    "api:regions_list",
    "api:regions_detail",
    "api:list_offices",
    "api:get_office",
    "api:list_office_partners",
    "api:list_indicators",
    "api:report_indicators",
    "api:office-ikm",  # an office's satisfaction index: an aggregate of anonymous answers
}
# The API's description answers whatever the method.
DOC_PAGES = {"api:openapi-json", "api:openapi-view"}
REPORT_NAMESPACES = {"reports"}

DISTINCTIVE_NAMES = {
    "ani": "Anindita Prameswari",
    "budi": "Budiono Sastrowardoyo",
    "citra": "Citraningrum Wulandari",
    "dewi": "Dewi Kartikasari Hadiningrat",
    "eko": "Ekoputro Wicaksono",
    "fajar": "Fajarudin Mangkusasmito",
    "hana": "Hanafiah Ratnaningsih",
}


def _leaf_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _leaf_patterns(
                pattern,
                prefix + str(pattern.pattern),
                f"{namespace}:{inner}" if namespace and inner else inner or namespace,
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern), pattern.callback


def _urls(route: str, candidates: dict) -> list[str]:
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>([^)]*)\)", route)
    values = []
    for plain, named, regex in params:
        name = plain or named
        if name in candidates:
            values.append([str(v) for v in candidates[name]])
        elif "|" in regex:
            values.append([regex.split("|")[0]])
        else:
            values.append(["1"])
    urls = []
    for combination in itertools.islice(itertools.product(*values), 12):
        chosen = iter(combination)
        url = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", lambda _m, c=chosen: next(c), route)
        urls.append("/" + url)
    return urls


@pytest.fixture
def records(office, make_user):
    w = build(office)
    for attribute, name in DISTINCTIVE_NAMES.items():
        person = getattr(w, attribute)
        person.full_name = name
        person.save()
    w.ani.nik = "3209015005000001"
    w.ani.save()
    for case in Case.objects.filter(office=office):
        case.number = f"MRC/CRB/2026/{case.pk:04d}"
        case.save()
    service = Service.objects.create(
        office=office, desk=w.labour, name_id="Pendaftaran", target_minutes=15
    )
    DeskFactory(office=office, desk_type=DeskType.objects.get(code="keimigrasian"))
    from satuatap.reports.export_models import ExportJob

    export = ExportJob.objects.create(requested_by=w.user, office=office, kind="csv")
    w.secrets = {
        *DISTINCTIVE_NAMES.values(),
        "3209015005000001",
        *Case.objects.filter(office=office).values_list("number", flat=True),
    }
    w.candidates = {
        "person_id": [w.ani.pk, w.citra.pk],
        "case_id": [w.cs1.pk, w.cs3.pk],
        "file_id": [w.pf1.pk],
        "visit_id": [w.v1.pk],
        "ticket_id": [Ticket.objects.filter(visit=w.v1).first().pk],
        "desk_id": [w.labour.pk],
        "service_id": [service.pk],
        "contact_id": [w.k1.pk, w.k5.pk],
        "referral_id": [w.r1.pk],
        "consent_id": [CaseConsent.objects.first().pk],
        "course_id": [w.c1.pk],
        "enrolment_id": [w.e_ani.pk],
        "event_id": [w.o1.pk],
        "agency_id": [Agency.objects.first().pk],
        "job_order_id": [JobOrder.objects.first().pk],
        "job_id": [export.pk],
        "office_id": [office.pk],
        "office_slug": [office.slug],
        "code": [w.village_a.code, "32.09"],
        "content_type_id": [ContentType.objects.get_for_model(Case).pk],
        "object_id": [w.cs1.pk],
        "id": [w.ani.pk],
        "fmt": ["json"],
    }
    return w


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="ignore")


def _reaches_nothing(response) -> bool:
    status = response.status_code
    if status in (400, 401, 403, 404, 405, 409, 422, 428):
        return True
    if status == 302:  # the admin site sends non-staff to its own sign-in page
        return response.get("Location", "").startswith("/admin/login/")
    return (
        status == 200
        and response.get("Content-Type", "").startswith("application/json")
        and response.json() == []
    )


def test_the_analyst_reaches_only_aggregates(client, analyst, records):
    seen, reached, leaked, missed = set(), [], [], []
    for name, route, view in _leaf_patterns():
        namespace = name.split(":")[0] if ":" in name else ""
        if name in PUBLIC or namespace in PUBLIC_NAMESPACES:
            continue
        seen.add(name)
        allowed = name in ANALYST_PAGES or namespace in REPORT_NAMESPACES
        client.force_login(analyst)
        for url in _urls(route, records.candidates):
            match = resolve(url)
            if match.func is not view and match.route != route:
                missed.append((name, url, match.route))
            methods = ("get", "post", "patch", "delete") if url.startswith("/api/") else ("get",)
            for method in methods:
                if url.startswith("/api/"):
                    response = client.generic(method.upper(), url, "{}", "application/json")
                else:
                    response = client.get(url)
                if response.status_code == 200 or method == "get":
                    body = _body(response)
                    found = [s for s in records.secrets if s in body]
                    if found:
                        leaked.append((name, method, url, found))
                if (allowed and method == "get") or name in DOC_PAGES or _reaches_nothing(response):
                    continue
                reached.append((name, method, url, response.status_code))
    assert leaked == [], "\n".join(map(str, leaked))
    assert reached == [], "\n".join(map(str, reached))
    assert missed == [], "\n".join(map(str, missed))
    assert {"people:detail", "cases:case-detail", "api:report_indicators"} <= seen


def test_the_analysts_report_api_answers_with_aggregates(client, analyst, records):
    client.force_login(analyst)
    response = client.get("/api/v1/reports/indicators", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    body = _body(response)
    assert not [s for s in records.secrets if s in body]
    assert response.json()["suppression"] is True
