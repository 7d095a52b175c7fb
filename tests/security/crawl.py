"""A crawler for the security checks: it signs in as a user, follows every link and htmx GET it
is shown (GET only, so it changes nothing), and keeps each answer with what the checks need.

URLs of one shape (digits replaced, query ignored) are fetched at most `per_shape` times per
user, so 300 person records cost one or two fetches, not 300."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client

SKIPPED_PATHS = ("/logout/", "/static/", "/language/")
# Scripts that are data, not code: the browser never runs them, so the CSP does not apply.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    has_csrf_token: bool


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


@dataclass
class ParsedPage:
    links: list[str] = field(default_factory=list)
    htmx_gets: list[str] = field(default_factory=list)
    htmx_posts: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    style_elements: int = 0
    handler_attributes: list[Element] = field(default_factory=list)
    style_attributes: list[Element] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._script: list[str] | None = None
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values)
        self.page.elements.append(element)
        if any(name.startswith("on") for name in values):
            self.page.handler_attributes.append(element)
        if "style" in values:
            self.page.style_attributes.append(element)
        if tag == "a" and values.get("href"):
            self.page.links.append(values["href"])
        if values.get("hx-get"):
            self.page.htmx_gets.append(values["hx-get"])
        if values.get("hx-post"):
            self.page.htmx_posts.append(values["hx-post"])
        if tag == "script" and not values.get("src"):
            script_type = values.get("type", "").lower()
            if script_type not in DATA_SCRIPT_TYPES:
                self._script = []
        if tag == "style":
            self.page.style_elements += 1
        if tag == "form":
            self._form = Form(
                action=values.get("action", ""),
                method=values.get("method", "get").lower(),
                fields={},
                has_csrf_token=False,
            )
            self.page.forms.append(self._form)
        if self._form is not None and tag in ("input", "select", "textarea", "button"):
            name = values.get("name")
            if name == "csrfmiddlewaretoken" and values.get("value"):
                self._form.has_csrf_token = True
            elif name and values.get("type") not in ("submit", "button", "checkbox", "radio"):
                self._form.fields[name] = values.get("value", "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            body = "".join(self._script).strip()
            if body:
                self.page.inline_scripts.append(body)
            self._script = None
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)


def parse(html: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


@dataclass
class Fetched:
    who: str
    url: str
    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes
    is_htmx: bool
    parsed: ParsedPage | None

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def _local(base: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED_PATHS):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(
    client: Client, who: str, start: list[str], *, per_shape: int = 2, limit: int = 400
) -> list[Fetched]:
    """Every page reachable from `start` for this signed-in (or anonymous) client."""
    queue: list[tuple[str, bool]] = [(url, False) for url in start]
    seen: set[tuple[str, bool]] = set()
    shapes: Counter[tuple[str, bool]] = Counter()
    fetched: list[Fetched] = []
    while queue and len(fetched) < limit:
        url, is_htmx = queue.pop(0)
        key = (shape(url), is_htmx)
        if (url, is_htmx) in seen or shapes[key] >= per_shape:
            continue
        seen.add((url, is_htmx))
        shapes[key] += 1
        extra = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": url} if is_htmx else {}
        response = client.get(url, **extra)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        page = Fetched(
            who=who,
            url=url,
            status=response.status_code,
            content_type=content_type,
            headers={name.lower(): value for name, value in response.items()},
            body=body,
            is_htmx=is_htmx,
            parsed=None,
        )
        fetched.append(page)
        if response.status_code in (301, 302, 303) and response.get("Location"):
            target = _local(url, response["Location"])
            if target:
                queue.append((target, is_htmx))
            continue
        if response.status_code != 200 or not page.is_html:
            continue
        page.parsed = parse(page.text)
        for href in page.parsed.links:
            target = _local(url, href)
            if target:
                queue.append((target, False))
        for href in page.parsed.htmx_gets:
            target = _local(url, href)
            if target:
                queue.append((target, True))
    return fetched
