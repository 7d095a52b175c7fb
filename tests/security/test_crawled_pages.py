"""Every page a user can reach, checked for the web-security rules (issue 8, point 3).

The demo dataset is seeded once for this module, an XSS payload is written into every free-text
column of our models, and then every demo role (and an anonymous visitor on the public links)
crawls what it is shown: links and htmx fragments, GET only. Each answer is checked for

- a Content-Security-Policy without 'unsafe-inline' / 'unsafe-eval';
- no inline script, no inline event handler, no `style` attribute or `<style>` element;
- every `<form method="post">` carrying the CSRF token, and refused (403, nothing written)
  when posted without it;
- the payload shown only as text: never a script element or an `onerror` attribute.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client, override_settings

from satuatap.core.models import User
from tests.conftest import ensure_reference_data
from tests.security.crawl import Fetched, crawl, parse, shape

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
SHORT_PAYLOAD = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

CSRF_REFUSED = "tests.security.csrf_failure.refused"
TWO_FACTOR = "cirebon.counsellor before two-factor"
SIGNED_IN = [
    "cirebon.frontdesk",
    "cirebon.deskofficer",
    "cirebon.placement",
    "cirebon.counsellor",
    "cirebon.supervisor",
    "cirebon.outreach",
    "cirebon.head",
    "wcc-mawar-balqis.caseworker",
    "national.analyst",
    "national.placement",
    "admin",
]
# Columns a user cannot type free text into: codes, hashes, tokens, validated numbers, and
# values the system parses (currencies, weekdays, time zones, roll-up keys).
NOT_FREE_TEXT = {
    "password",
    "username",
    "nik",
    "name_key",
    "key_hash",
    "prefix",
    "default_prefix",
    "desk_type_code",
    "sha256",
    "content_type",
    "extension",
    "token",
    "survey_token",
    "weekdays",
    "salary_currency",
    "money_original_currency",
    "kind",
    "gate",
    "indicator",
    "dimension",
    "scheme",
    "destination",
    "sex",
    "age_band",
    "filename",
    "number",
    "phone",
    "employer_phone",
    "time_zone",
}
FREE_TEXT_APPS = {
    "core",
    "people",
    "frontdesk",
    "placement",
    "cases",
    "outreach",
    "privacy",
    "reports",
}
# Columns the payload must be seen in (escaped) somewhere, so a crawl that silently stopped
# reaching the pages holding them fails instead of passing on nothing.
MUST_BE_SHOWN = {
    "core.Organisation.name",
    "people.Person.full_name",
    "people.Person.address",
    "people.StatusEvent.employer",
    "placement.Agency.name",
    "placement.JobOrder.employer",
    "placement.PlacementFile.employer",
    "placement.Course.title",
    "placement.AgencyConcern.text",
    "cases.Case.narrative",
    "cases.CaseNote.text",
    "outreach.OutreachEvent.title",
    "outreach.VillageRegulation.title",
    "privacy.SubjectRequest.description",
    "privacy.Breach.title",
    "privacy.Breach.how",
}


@dataclass
class World:
    pages: list[Fetched]
    injected: dict[str, str]  # "app.Model.field" -> the payload written there
    device_cookies: dict[str, str]  # "screen"/"kiosk" -> the paired device's credential


def free_text_columns() -> list[tuple[type[models.Model], models.Field]]:
    columns = []
    for model in apps.get_models():
        if model._meta.app_label not in FREE_TEXT_APPS or model._meta.proxy:
            continue
        if not model.__module__.startswith("satuatap."):
            continue
        for column in model._meta.concrete_fields:
            if not isinstance(column, models.CharField | models.TextField):
                continue
            if isinstance(column, models.SlugField | models.EmailField):
                continue
            if column.choices or column.unique or column.name in NOT_FREE_TEXT:
                continue
            columns.append((model, column))
    return columns


def _unique_together(model: type[models.Model]) -> set[str]:
    names = {name for group in model._meta.unique_together for name in group}
    for constraint in model._meta.constraints:
        names |= set(getattr(constraint, "fields", ()))
    return names


def inject_payload() -> dict[str, str]:
    """Write the payload into every free-text column of every row (the shorter one where the
    column is too narrow), as a user who typed it into every form would have."""
    injected = {}
    for number, (model, column) in enumerate(free_text_columns()):
        # A marker per column tells which columns a page showed.
        payload = f"{PAYLOAD}~{number}~"
        if column.max_length and column.max_length < len(payload):
            payload = f"{SHORT_PAYLOAD}~{number}~"
        if column.max_length and column.max_length < len(payload):
            continue
        if column.name in _unique_together(model):
            for pk in model._base_manager.values_list("pk", flat=True):
                model._base_manager.filter(pk=pk).update(**{column.name: f"{payload}{pk}"})
        else:
            model._base_manager.update(**{column.name: payload})
        injected[f"{model._meta.label}.{column.name}"] = payload
    return injected


def _anonymous_start() -> list[str]:
    from satuatap.frontdesk.models import Visit

    visit = Visit.objects.filter(office__slug="cirebon").order_by("pk").first()
    return [
        "/login/",
        "/about/",
        "/jobs/cirebon/",
        "/display/",  # an unpaired device: the pairing code
        "/kiosk/",
        f"/survey/{visit.survey_token}/",
    ]


# The paired devices' crawls: who → where it starts.
DEVICE_START = {"screen": ["/display/", "/display/now/"], "kiosk": ["/kiosk/"]}


def _paired_devices() -> dict[str, str]:
    """Cirebon's calling screen and exit kiosk, paired by its head: who → credential."""
    from satuatap.core.models import Organisation
    from tests.factories import pair_device

    office = Organisation.objects.get(slug="cirebon")
    head = User.objects.get(username="cirebon.head")
    _screen, screen = pair_device(office=office, kind="screen", by=head, name="TV")
    _kiosk, kiosk = pair_device(office=office, kind="kiosk", by=head, name="Kiosk")
    return {"screen": screen, "kiosk": kiosk}


def _device_client(raw: str, **options) -> Client:
    from satuatap.frontdesk.devices import DEVICE_COOKIE

    client = Client(**options)
    client.cookies[DEVICE_COOKIE] = raw
    return client


def _signed_in_start() -> list[str]:
    """Home, plus pages a crawl limited to two records of a kind might miss: a case with notes."""
    from satuatap.cases.models import CaseNote

    note = (
        CaseNote.objects.filter(case__office__slug="cirebon", case__is_restricted=False)
        .order_by("pk")
        .first()
    )
    return ["/", "/account/api-tokens/", f"/mrc/cases/{note.case_id}/"]


# A month of front-desk history instead of the demo's thirteen: every page and record kind is
# there, and the world is built faster.
DEMO_FRONTDESK_MONTHS = 1


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from satuatap.demo import frontdesk as frontdesk_demo

    with (
        django_db_blocker.unblock(),
        override_settings(SATUATAP_REQUIRE_2FA=False),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(frontdesk_demo, "MONTHS", DEMO_FRONTDESK_MONTHS)
        try:
            with redirect_stdout(io.StringIO()):
                call_command("seed_demo", "--quiet-logins")
            anonymous_start = _anonymous_start()
            device_cookies = _paired_devices()
            signed_in_start = _signed_in_start()
            injected = inject_payload()
            pages: list[Fetched] = []
            for username in SIGNED_IN:
                client = Client(raise_request_exception=False)
                client.force_login(User.objects.get(username=username))
                pages += crawl(client, username, signed_in_start, per_shape=1)
            anonymous = Client(raise_request_exception=False)
            pages += crawl(anonymous, "anonymous", anonymous_start, per_shape=1)
            for who, raw in device_cookies.items():
                device = _device_client(raw, raise_request_exception=False)
                pages += crawl(device, who, DEVICE_START[who], per_shape=1)
            # A counsellor signed in with the password only meets the two-factor pages.
            unverified = Client(raise_request_exception=False)
            unverified.force_login(User.objects.get(username="cirebon.counsellor"))
            with override_settings(SATUATAP_REQUIRE_2FA=True):
                pages += crawl(unverified, TWO_FACTOR, ["/", "/account/two-factor/setup/"])
            yield World(pages=pages, injected=injected, device_cookies=device_cookies)
        finally:  # the next test modules expect an empty database
            call_command("flush", interactive=False, verbosity=0)
            ensure_reference_data()


# One worker crawls (the world takes minutes to build): `make test` distributes by xdist group.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("crawl")]


def _html_pages(world: World) -> list[Fetched]:
    return [page for page in world.pages if page.parsed is not None]


def _where(page: Fetched) -> str:
    return f"{page.who} {page.url}{' (htmx)' if page.is_htmx else ''}"


def test_crawl_reaches_the_pages_of_every_role(world):
    reached = {page.who for page in _html_pages(world)}
    assert reached == {*SIGNED_IN, "anonymous", TWO_FACTOR, *DEVICE_START}
    two_factor = {shape(page.url) for page in _html_pages(world) if page.who == TWO_FACTOR}
    assert "/account/two-factor/verify/" in two_factor
    shapes = {shape(page.url) for page in _html_pages(world)}
    for expected in ("/people/N/", "/mrc/cases/N/", "/placement/agencies/N/", "/admin/"):
        assert expected in shapes, sorted(shapes)
    errors = [_where(page) for page in world.pages if page.status >= 500]
    assert errors == []


def _directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_every_page_sends_a_strict_content_security_policy(world):
    problems = []
    for page in world.pages:
        directives = _directives(page.headers.get("content-security-policy", ""))
        if page.is_html:
            expected = {"script-src": "'self'", "style-src": "'self'", "object-src": "'none'"}
            expected |= {"frame-ancestors": "'none'", "base-uri": "'self'", "form-action": "'self'"}
        else:  # downloads: nothing runs at all (or our page policy, for API answers)
            expected = (
                {"default-src": "'none'", "sandbox": ""}
                if "sandbox" in directives
                else {"script-src": "'self'", "style-src": "'self'"}
            )
        wrong = {
            name: directives.get(name)
            for name in expected
            if directives.get(name) != expected[name]
        }
        if wrong or any("unsafe-" in value for value in directives.values()):
            problems.append(f"{_where(page)}: {directives}")
    assert problems == []


def test_no_page_has_inline_scripts_event_handlers_or_style_attributes(world):
    problems = []
    for page in _html_pages(world):
        parsed = page.parsed
        problems += [
            f"{_where(page)}: inline script {body[:60]!r}" for body in parsed.inline_scripts
        ]
        problems += [
            f"{_where(page)}: <{el.tag}> handler {[a for a in el.attrs if a.startswith('on')]}"
            for el in parsed.handler_attributes
        ]
        problems += [
            f"{_where(page)}: <{el.tag} style={el.attrs['style']!r}>"
            for el in parsed.style_attributes
        ]
        if parsed.style_elements:
            problems.append(f"{_where(page)}: <style> element")
    assert problems == []


def test_every_post_form_carries_the_csrf_token(world):
    posting = [
        (page, form)
        for page in _html_pages(world)
        for form in page.parsed.forms
        if form.method == "post"
    ]
    assert len({shape(page.url) for page, _ in posting}) >= 20  # the crawl did reach the forms
    missing = [
        f"{_where(page)} → {form.action or '(itself)'}"
        for page, form in posting
        if not form.has_csrf_token
    ]
    assert missing == []


def _post_targets(world: World) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """One target per (user, URL shape): every form's action and every hx-post a user is shown."""
    targets: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
    for page in _html_pages(world):
        for form in page.parsed.forms:
            if form.method != "post":
                continue
            action = form.action or page.url.split("?")[0]
            if action.startswith("/"):
                targets.setdefault((page.who, shape(action)), (action, form.fields))
        for action in page.parsed.htmx_posts:
            if action.startswith("/"):
                targets.setdefault((page.who, shape(action)), (action, {}))
    return targets


def _fingerprint() -> tuple[int, ...]:
    counted = [m for m in apps.get_models() if m._meta.app_label in FREE_TEXT_APPS]
    return (LogEntry.objects.count(), *(m._base_manager.count() for m in counted))


def test_posting_any_form_without_the_csrf_token_is_refused_and_changes_nothing(world):
    targets = _post_targets(world)
    assert len({url_shape for _, url_shape in targets}) >= 20
    clients = {"anonymous": Client(enforce_csrf_checks=True)}
    for who, raw in world.device_cookies.items():
        clients[who] = _device_client(raw, enforce_csrf_checks=True)
    for who in SIGNED_IN:
        clients[who] = Client(enforce_csrf_checks=True)
        clients[who].force_login(User.objects.get(username=who))
    before = _fingerprint()
    accepted = []
    for (who, _), (action, fields) in sorted(targets.items()):
        if who == TWO_FACTOR:  # its forms are the sign-in's; their token is checked above
            continue
        with override_settings(SATUATAP_REQUIRE_2FA=False, CSRF_FAILURE_VIEW=CSRF_REFUSED):
            response = clients[who].post(action, fields)
        if response.status_code != 403 or response.get("X-Refused-By") != "csrf":
            accepted.append(f"{who} POST {action}: {response.status_code}")
    assert accepted == []
    assert _fingerprint() == before


def _payload_problems(page: Fetched) -> list[str]:
    problems = []
    for body in page.parsed.inline_scripts:
        if "alert(1)" in body:
            problems.append(f"{_where(page)}: script element runs the payload")
    for element in page.parsed.elements:
        if "onerror" in element.attrs or (element.tag == "img" and element.attrs.get("src") == "x"):
            problems.append(f"{_where(page)}: <{element.tag} {element.attrs}> from the payload")
    return problems


def test_stored_xss_payload_is_shown_only_as_text(world):
    problems = []
    for page in _html_pages(world):
        problems += _payload_problems(page)
    assert problems == []


def test_pdf_html_shows_the_payload_only_as_text(world):
    """The case summary and referral letter are HTML before WeasyPrint makes them a PDF."""
    from satuatap.cases.models import Case, Referral
    from satuatap.cases.printing import pdf

    supervisor = User.objects.get(username="cirebon.supervisor")
    cases = Case.objects.filter(office__slug="cirebon").order_by("pk")[:5]
    referrals = Referral.objects.filter(case__office__slug="cirebon").order_by("pk")[:5]
    documents = [pdf.case_summary_html(case, reader=supervisor) for case in cases]
    documents += [pdf.referral_letter_html(referral) for referral in referrals]
    problems = []
    for number, html in enumerate(documents):
        assert ESCAPED in html
        page = Fetched("pdf", f"pdf-{number}", 200, "text/html", {}, b"", False, parse(html))
        problems += _payload_problems(page)
    assert problems == []


def _escaped_marker(payload: str) -> str:
    return "onerror=alert(1)&gt;" + payload.rsplit("&gt;", 1)[-1].rsplit(">", 1)[-1]


def test_payload_reached_the_pages_that_show_each_free_text_column(world):
    html = "\n".join(page.text for page in _html_pages(world))
    shown = {
        column for column, payload in world.injected.items() if _escaped_marker(payload) in html
    }
    assert MUST_BE_SHOWN <= shown, sorted(MUST_BE_SHOWN - shown)


def test_no_download_is_served_as_a_page(world):
    """Every answer that is not one of our HTML pages is a file the browser must not render as
    ours: a safe type, nosniff, and an attachment (PDFs may open inline)."""
    problems = []
    for page in world.pages:
        if page.status != 200 or page.is_html:
            continue
        if page.headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{_where(page)}: no nosniff")
        disposition = page.headers.get("content-disposition", "")
        inline_ok = page.content_type.startswith(("application/pdf", "image/"))
        is_api = page.url.startswith("/api/") or page.content_type.startswith("application/json")
        if not disposition.startswith("attachment") and not inline_ok and not is_api:
            problems.append(f"{_where(page)}: {page.content_type} {disposition!r}")
    assert problems == []


def test_html_parser_sees_an_unescaped_payload():
    """The checks above would see the payload if a template forgot to escape it."""
    parsed = parse(f"<p>{PAYLOAD}</p><p>{ESCAPED}</p>")
    page = Fetched("x", "/x", 200, "text/html", {}, b"", False, parsed)
    assert len(_payload_problems(page)) == 2


# --- Indonesian pages without English left in them (issue 19, point 7) ------------------------

# Words that are English and never Indonesian, each a leak when an Indonesian page shows it: an
# untranslated string, a label Django or a library wrote, a text stored already translated.
ENGLISH_LEAKS = re.compile(
    r"\b(the|and|of|your|you|with|from|this|that|which|has|have|been|will|should|must|"
    r"Save|Cancel|Search|Submit|Delete|Previous|Next|Back|Download|Upload|Choose|Select|"
    r"None|Yes|Name|Date|Waiting|Closed|Today|Yesterday|Show|Hide|Unknown|Other|Men|Women|"
    r"Male|Female|hours|minutes|days|ago|January|February|March|June|July|August|"
    r"October|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# Pages whose words are not ours: the OpenAPI document's viewer (English by design, for
# developers) and the national administrator's back office (/admin/), whose texts come from
# Django's catalogue (its Indonesian lacks some 5.x strings, and the admin's search icon has an
# untranslated alt), django-otp's (no Indonesian at all) and the permission names Django stores
# in English. The payload the crawl wrote into every free-text column is removed from the text.
NOT_OURS = ("/api/", "/admin/")


class _VisibleText(HTMLParser):
    """The words a reader sees or hears: text outside script and style, and the attributes a
    browser shows or a screen reader reads."""

    SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def test_indonesian_pages_hold_no_english_words(world):
    indonesian = set(
        User.objects.filter(username__in=SIGNED_IN, language="id").values_list(
            "username", flat=True
        )
    ) | {"anonymous", TWO_FACTOR, *DEVICE_START}
    checked, leaks = 0, {}
    for page in _html_pages(world):
        if page.who not in indonesian or page.url.startswith(NOT_OURS) or page.status >= 400:
            continue
        checked += 1
        text = visible_text(page.text).replace(PAYLOAD, " ").replace(SHORT_PAYLOAD, " ")
        for match in ENGLISH_LEAKS.finditer(text):
            context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
            leaks.setdefault(f"{shape(page.url)}: {match.group()}", context)
    assert checked > 100
    assert leaks == {}, "\n".join(f"{where} … {context}" for where, context in leaks.items())


def test_the_leak_check_sees_an_english_word_in_a_page():
    text = visible_text(
        '<p>Daftar orang</p><input type="submit" value="Save"><script>var the = 1</script>'
    )
    assert [match.group() for match in ENGLISH_LEAKS.finditer(text)] == ["Save"]
