"""Giving a read purpose the way a user does: the one purpose form of `core.sensitive`."""

from __future__ import annotations

import html
import re

from django.urls import reverse

FORM_MARK = 'data-testid="read-purpose-form"'


def is_purpose_page(response) -> bool:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return FORM_MARK in response.content.decode()


def answer(client, page, purpose: str):
    """Post `purpose` through the form on `page` (the purpose page); returns the answer."""
    text = page.content.decode()
    subject = re.search(r'name="subject" value="([^"]+)"', text).group(1)
    next_url = html.unescape(re.search(r'name="next" value="([^"]*)"', text).group(1))
    return client.post(
        reverse("core:read-purpose"), {"subject": subject, "next": next_url, "purpose": purpose}
    )


def read(client, url: str, purpose: str, data=None):
    """Open `url`; when it asks why, give `purpose` and open it again (as a browser does)."""
    page = client.get(url, data or {})
    if not is_purpose_page(page):
        return page
    given = answer(client, page, purpose)
    assert given.status_code == 302, given.status_code
    return client.get(url, data or {})


def is_purpose_page_with_errors(response) -> bool:
    return FORM_MARK in response.content.decode() and "is-invalid" in response.content.decode()
