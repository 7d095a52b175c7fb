"""Offline outreach in Chromium (issue 21, point 3): the outreach worker opens the field capture
once online and chooses a PIN; the phone loses its signal; she records two events (one naming a
participant), closes the page and opens it again without a signal, opens her records with the
PIN; back online, the page sends them: the first answer is lost on the way, the page sends again,
and the office has both events exactly once. While offline no request reaches the server, and
the browser's IndexedDB holds no participant's name in clear."""

from __future__ import annotations

import os
import threading

import pytest
from django.core.signals import request_started
from playwright.sync_api import expect

from satuatap.cases.models import Contact
from satuatap.core.roles import Role
from satuatap.outreach.models import OfflineSyncConflict, OutreachEvent
from satuatap.people.models import Person
from satuatap.regions.models import Region, RegionLevel
from tests.browser.conftest import SCREENSHOTS
from tests.browser.session import sign_in
from tests.browser.waiting import wait_until

# Lets the tests route the service worker's own requests (Playwright: "Service Worker network
# events"), so that offline means offline for it too (microsoft/playwright#2311). Read when the
# browser is launched, after collection.
os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"

pytestmark = pytest.mark.django_db(transaction=True)

PIN = "482615"
WORKER_SCRIPT = "/outreach/offline/sw.js"
NAME = "Sekar Ayu Wulandari"
NIK = "3209014508950003"

# Everything the page keeps in IndexedDB, as text: bytes of buffers decoded as UTF-8 and
# Latin-1, so that a name stored in clear anywhere would show.
DUMP_INDEXED_DB = """
async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('satuatap-offline');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const texts = [];
  const walk = (value) => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer ? value.buffer : value);
      texts.push(new TextDecoder('utf-8').decode(bytes));
      texts.push(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(walk);
    } else {
      texts.push(String(value));
    }
  };
  for (const store of Array.from(db.objectStoreNames)) {
    const rows = await new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    rows.forEach(walk);
    texts.push(JSON.stringify(Object.keys(rows[0] || {})));
  }
  db.close();
  return texts.join('\\n');
}
"""


COUNT_RECORDS = """
async () => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open('satuatap-offline');
    request.onsuccess = () => resolve(request.result);
  });
  return await new Promise((resolve) => {
    const request = db.transaction('records').objectStore('records').count();
    request.onsuccess = () => resolve(request.result);
  });
}
"""


class ServerRequests:
    """The paths of the requests the live server received (its own thread)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, sender, environ=None, **kwargs) -> None:
        with self.lock:
            self.paths.append((environ or {}).get("PATH_INFO", ""))

    def since(self, mark: int) -> list[str]:
        """Paths received since `mark`, but the browser's own update check of the service
        worker's script: Chromium makes it outside the page and the worker, where Playwright's
        offline emulation does not reach (a phone without signal does not make it at all); it
        sends nothing of the records."""
        with self.lock:
            return [path for path in self.paths[mark:] if path != WORKER_SCRIPT]

    def mark(self) -> int:
        with self.lock:
            return len(self.paths)


@pytest.fixture
def server_requests():
    seen = ServerRequests()
    request_started.connect(seen, weak=False, dispatch_uid="offline-journey")
    yield seen
    request_started.disconnect(dispatch_uid="offline-journey")


def _abort_service_worker(route) -> None:
    if route.request.service_worker is not None:
        route.abort("internetdisconnected")
    else:
        route.continue_()


def go_offline(context) -> None:
    context.set_offline(True)
    context.route("**/*", _abort_service_worker)


def go_online(context) -> None:
    context.unroute("**/*", _abort_service_worker)
    context.set_offline(False)


def unlock(page) -> None:
    expect(page.get_by_test_id("offline-unlock")).to_be_visible()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_test_id("offline-event-form")).to_be_visible()


def record_event(page, *, title: str, village: str, women: int, men: int, named: bool) -> None:
    form = page.get_by_test_id("offline-event-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Village").select_option(village)
    form.get_by_label("Safe migration and procedures").check()
    form.get_by_label("Women, 25–39", exact=True).fill(str(women))
    form.get_by_label("Men, 18–24", exact=True).fill(str(men))
    if named:
        form.get_by_role("button", name="Add a participant").click()
        row = form.locator(".participant").last
        row.get_by_label("Full name").fill(NAME)
        row.get_by_label("Sex").select_option("F")
        row.get_by_label("NIK (16 digits)").fill(NIK)
    form.get_by_role("button", name="Save on this phone").click()
    expect(page.get_by_test_id("offline-notice")).to_contain_text("Saved on this phone")


def test_two_events_recorded_offline_reach_the_office_exactly_once(
    live_server, context, page, make_user, office, server_requests, screenshot
):
    make_user(Role.OUTREACH_WORKER, username="cirebon.outreach", language="en")
    village = (
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=office.region_id + ".")
        .order_by("code")
        .first()
    )
    app = f"{live_server.url}/outreach/offline/"

    # Online: sign in once, open the field capture, choose the PIN.
    sign_in(page, live_server.url, "cirebon.outreach")
    page.goto(app)
    expect(page.get_by_test_id("offline-setup")).to_be_visible()
    page.get_by_label("PIN (at least 6 characters)").fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.get_by_role("button", name="Use this PIN").click()
    expect(page.get_by_test_id("offline-event-form")).to_be_visible()
    wait_until(
        page,
        "document.body.dataset.offlineReady === 'true' && !!navigator.serviceWorker.controller",
    )

    # No signal: the page opens from the phone and keeps two events.
    go_offline(context)
    offline_since = server_requests.mark()
    page.reload()
    unlock(page)
    expect(page.get_by_test_id("network-status")).to_contain_text("Offline")
    record_event(
        page, title="Sosialisasi migrasi aman", village=village.code, women=9, men=4, named=True
    )
    record_event(
        page,
        title="Pertemuan kelompok purna PMI",
        village=village.code,
        women=5,
        men=2,
        named=False,
    )
    expect(page.get_by_test_id("pending-count")).to_have_text("2")
    screenshot("offline-outreach-recorded-en")

    # What the phone holds: no name in clear.
    stored = page.evaluate(DUMP_INDEXED_DB)
    assert "Sosialisasi" not in stored and "Sekar" not in stored and NIK not in stored
    assert "wrapped" in stored  # the dump did read the stores

    # The page is closed and opened again, still without a signal.
    page.close()
    page = context.new_page()
    page.goto(app)
    unlock(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("2")
    assert server_requests.since(offline_since) == []
    assert not OutreachEvent.objects.exists()

    # Back online: the first answer is lost on the way (the office stored the events), so the
    # page keeps the records; sent again, the office recognises them.
    answers = []

    def lose_first_answer(route) -> None:
        response = route.fetch()
        answers.append(response.status)
        if len(answers) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/outreach/sync", lose_first_answer)
    go_online(context)
    expect(page.get_by_test_id("offline-notice")).to_contain_text("Could not reach the office")
    assert OutreachEvent.objects.count() == 2
    expect(page.get_by_test_id("pending-count")).to_have_text("2")

    page.get_by_role("button", name="Waiting to be sent").click()
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    expect(page.get_by_test_id("sync-report")).to_contain_text(
        "Already at the office (sent before): 2 record(s)."
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "offline-outreach-synced-en.png"), full_page=True)
    assert answers == [200, 200]

    events = OutreachEvent.objects.order_by("title")
    assert [e.title for e in events] == ["Pertemuan kelompok purna PMI", "Sosialisasi migrasi aman"]
    assert len({e.offline_id for e in events}) == 2
    named = events.get(title="Sosialisasi migrasi aman")
    assert [p.full_name for p in named.participants.all()] == [NAME]
    assert Person.objects.filter(nik=NIK).count() == 1
    assert sum(c.count for c in named.counts.all()) == 13
    assert not OfflineSyncConflict.objects.exists()

    # Sent, the records have left the phone.
    assert "Sekar" not in page.evaluate(DUMP_INDEXED_DB)
    remaining = page.evaluate(COUNT_RECORDS)
    assert remaining == 0


def test_a_contact_recorded_offline_by_a_counsellor_reaches_the_mrc_once(
    live_server, context, page, make_user, office, server_requests
):
    make_user(Role.COUNSELLOR, username="cirebon.counsellor", language="en", gender="F")
    app = f"{live_server.url}/outreach/offline/"
    notes = "Bertanya tentang paspor yang ditahan majikan"

    sign_in(page, live_server.url, "cirebon.counsellor")
    page.goto(app)
    page.get_by_label("PIN (at least 6 characters)").fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.get_by_role("button", name="Use this PIN").click()
    expect(page.get_by_test_id("offline-event-form")).to_be_visible()
    wait_until(
        page,
        "document.body.dataset.offlineReady === 'true' && !!navigator.serviceWorker.controller",
    )

    go_offline(context)
    offline_since = server_requests.mark()
    page.reload()
    unlock(page)
    page.get_by_role("button", name="MRC contact").click()
    form = page.get_by_test_id("offline-contact-form")
    form.get_by_label("Topic", exact=True).select_option("documents")
    form.get_by_label("Sex", exact=True).select_option("F")
    form.get_by_label("Age band", exact=True).select_option("25-39")
    form.get_by_label("Notes", exact=True).fill(notes)
    form.get_by_role("button", name="Save on this phone").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    assert "paspor" not in page.evaluate(DUMP_INDEXED_DB)
    assert server_requests.since(offline_since) == []

    go_online(context)
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    expect(page.get_by_test_id("sync-report")).to_contain_text("Sent to the office: 1 record(s).")
    contact = Contact.objects.get()
    assert (contact.kind, contact.channel, contact.topic, contact.sex, contact.age_band) == (
        "information",
        "outreach",
        "documents",
        "F",
        "25-39",
    )
    assert contact.notes == notes and contact.offline_id is not None
