"""Stored XSS is inert in a real browser: a person whose name and address hold a script and an
`onerror` image shows them as text, and no dialog opens (every field and page is checked
without a browser in tests/security/test_crawled_pages.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from satuatap.core.roles import Role
from tests.browser.session import sign_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"


def test_a_person_page_holding_a_script_shows_it_as_text(live_server, page, make_user, office):
    make_user(Role.FRONTDESK, username="cirebon.frontdesk")
    person = PersonFactory(office=office, full_name=f"Siti {PAYLOAD}", address=PAYLOAD)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    sign_in(page, live_server.url, "cirebon.frontdesk")
    response = page.goto(f"{live_server.url}/people/{person.pk}/")

    assert response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name=f"Siti {PAYLOAD}")).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_text(f"Siti {PAYLOAD}").first).to_be_visible()
    assert dialogs == []
