"""A calling screen from pairing to the call (issue 19): the TV opens /display/ and shows a
code; the office head pairs it from "Pair a device"; a desk officer calls from the console at
1366×768 (every "Panggil" button in view); the TV shows the call in its desk's tile and first in
the strip of the last calls. The screen fits from a 360 px phone to a 1920×1080 TV: no code
leaves its tile, nothing scrolls sideways, the sound button covers no tile."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Device, Priority, Service
from satuatap.frontdesk.services import call_next, check_in
from tests.browser.conftest import SCREENSHOTS
from tests.browser.session import sign_in
from tests.factories import DeskFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Pictures for docs/ go to SCREENSHOTS (`make screenshots`); the console's only to scratch.
SCREENSHOTS_SCRATCH = Path(tempfile.gettempdir()) / "satuatap-screenshots"
TV = {"width": 1920, "height": 1080}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}

# Geometry of the calling screen, measured in the page: every box that must stay inside
# another, the page's width, and the sound button against the tiles.
MEASURE = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const inside = [];
  for (const tile of document.querySelectorAll('.tile')) {
    for (const part of tile.querySelectorAll('.tile-code-text, .tile-none, .tile-desk')) {
      inside.push({what: part.className + ' ' + part.textContent.trim(),
                   inner: box(part), outer: box(tile)});
    }
  }
  for (const call of document.querySelectorAll('.recent-call')) {
    for (const part of call.querySelectorAll('.recent-code, .recent-desk')) {
      inside.push({what: part.className + ' ' + part.textContent.trim(),
                   inner: box(part), outer: box(call)});
    }
  }
  const sound = document.getElementById('sound-on');
  return {
    inside,
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    height: window.innerHeight,
    tiles: [...document.querySelectorAll('.tile')].map(box),
    strip: box(document.querySelector('.recent')),
    sound: sound && !sound.hidden ? box(sound) : null,
  };
}"""


def _overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def assert_screen_fits(page: Page, *, fits_height: bool) -> None:
    page.wait_for_load_state("load")
    geometry = page.evaluate(MEASURE)
    assert geometry["scrollWidth"] <= geometry["width"] + 1, "the screen scrolls sideways"
    escaped = [
        item["what"]
        for item in geometry["inside"]
        if item["inner"]["left"] < item["outer"]["left"] - 0.5
        or item["inner"]["right"] > item["outer"]["right"] + 0.5
        or item["inner"]["top"] < item["outer"]["top"] - 0.5
        or item["inner"]["bottom"] > item["outer"]["bottom"] + 0.5
    ]
    assert escaped == [], f"out of their box at {geometry['width']} px: {escaped}"
    assert len(geometry["tiles"]) == 9
    for tile in geometry["tiles"]:
        assert tile["right"] <= geometry["width"] + 0.5
        if geometry["sound"]:
            assert not _overlaps(geometry["sound"], tile), "the sound button covers a tile"
    if fits_height:  # a TV: everything in view, nothing to scroll
        assert max(t["bottom"] for t in geometry["tiles"]) <= geometry["strip"]["top"]
        assert geometry["strip"]["bottom"] <= geometry["height"] + 0.5


@pytest.fixture
def office_day(office, make_user):
    """Every desk of the demo offices with a service, tickets waiting at the labour desk (long
    service names, priorities), and calls already made at three other desks."""
    frontdesk = make_user(Role.FRONTDESK)
    desks = {t.code: DeskFactory(office=office, desk_type=t) for t in DeskType.objects.all()}
    services = {
        code: Service.objects.create(
            office=office, desk=desk, name_id=f"Layanan {desk.desk_type.name_id}", target_minutes=15
        )
        for code, desk in desks.items()
    }
    labour = desks["ketenagakerjaan"]
    long_names = [
        Service.objects.create(
            office=office, desk=labour, name_id=name, target_minutes=20, name_en=name
        )
        for name in (
            "Pendaftaran calon pekerja migran Indonesia (CPMI) dan verifikasi berkas",
            "Rekomendasi paspor untuk bekerja ke luar negeri",
            "Penerbitan surat keterangan sehat dan psikologi",
        )
    ]
    for n in range(8):
        check_in(
            by=frontdesk,
            services=long_names,
            person=PersonFactory(office=office),
            priority=Priority.PREGNANT if n % 3 == 0 else "",
        )
    for code in ("keimigrasian", "kepolisian", "kesehatan"):
        officer = make_user(Role.DESK_OFFICER, desk=desks[code], username=f"officer-{code}")
        for _ in range(2):
            check_in(by=frontdesk, services=[services[code]], person=PersonFactory(office=office))
            call_next(desk=desks[code], by=officer)
    make_user(Role.DESK_OFFICER, desk=labour, username="cirebon.deskofficer")
    make_user(Role.OFFICE_HEAD, username="cirebon.head")
    return desks


def test_the_head_pairs_a_screen_and_a_call_at_the_desk_shows_on_it(
    live_server, browser, office_day, audit
):
    # The TV, never signed in, opens the short address and shows a code.
    tv_context = browser.new_context(viewport=TV)
    tv = tv_context.new_page()
    tv.goto(f"{live_server.url}/display/")
    code = tv.get_by_test_id("pairing-code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    tv.screenshot(path=str(SCREENSHOTS / "calling-screen-pairing.png"))

    # The head pairs it, choosing what it is and where.
    head_context = browser.new_context(viewport=LAPTOP)
    head = head_context.new_page()
    sign_in(head, live_server.url, "cirebon.head")
    head.goto(f"{live_server.url}/frontdesk/devices/")
    head.get_by_test_id("pair-device").click()
    head.locator("input[name=code]").fill(code.lower())
    expect(head.locator("input[name=kind][value=screen]")).to_be_checked()
    head.locator("input[name=name]").fill("TV ruang tunggu")
    audit(head)
    SCREENSHOTS_SCRATCH.mkdir(parents=True, exist_ok=True)
    head.screenshot(path=str(SCREENSHOTS_SCRATCH / "device-pair-id.png"), full_page=True)
    head.get_by_test_id("pair-form").locator("button[type=submit]").click()
    expect(head.get_by_test_id("devices")).to_contain_text("TV ruang tunggu")
    audit(head)

    # The TV opens the calling screen by itself, and keeps its credential.
    expect(tv.locator("#calling-screen")).to_be_visible(timeout=8000)
    head.reload()
    expect(head.get_by_test_id("devices")).not_to_contain_text("Belum tersambung")
    head.screenshot(path=str(SCREENSHOTS_SCRATCH / "devices-id.png"), full_page=True)
    cookies = {c["name"]: c for c in tv_context.cookies()}
    assert cookies["satuatap_device"]["httpOnly"]
    device = Device.objects.get()
    assert device.created_by.username == "cirebon.head" and device.last_seen_at is not None
    expect(tv.get_by_test_id("desk-E-code")).to_contain_text("E-002")
    expect(tv.get_by_test_id("recent-calls").locator(".recent-code")).to_have_count(5)
    # Until someone turns the sound on, its button sits in the header, over no tile.
    assert_screen_fits(tv, fits_height=True)
    audit(tv)
    tv.set_viewport_size(PHONE)
    assert_screen_fits(tv, fits_height=False)
    tv.set_viewport_size(TV)
    tv.locator("#sound-on").click()  # whoever sets the TV up turns the sound on once
    expect(tv.locator("#sound-on")).to_be_hidden()

    # The desk officer on a 1366×768 laptop: every "Panggil" button is in view.
    desk_context = browser.new_context(viewport=LAPTOP)
    console = desk_context.new_page()
    sign_in(console, live_server.url, "cirebon.deskofficer")
    console.goto(f"{live_server.url}/frontdesk/desks/")
    line = console.get_by_test_id("waiting-line")
    expect(line).to_be_visible()
    buttons = line.get_by_role("button", name=re.compile(r"^Panggil A-"))
    expect(buttons).to_have_count(8)
    SCREENSHOTS_SCRATCH.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS_SCRATCH / "desk-console-1366.png"))
    for n in range(buttons.count()):
        button = buttons.nth(n).bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= LAPTOP["width"]
        box = console.evaluate(
            """(el) => { const r = el.getBoundingClientRect();
                let p = el.parentElement;
                while (p && getComputedStyle(p).overflowX === 'visible') p = p.parentElement;
                const c = p ? p.getBoundingClientRect() : {left: 0, right: innerWidth};
                return {left: r.left, right: r.right, clipLeft: c.left, clipRight: c.right}; }""",
            buttons.nth(n).element_handle(),
        )
        assert box["clipLeft"] <= box["left"] and box["right"] <= box["clipRight"] + 0.5, (
            f"Panggil button {n} is clipped: {box}"
        )
    waiting = line.locator("tbody th").nth(3).inner_text().split()[0]
    buttons.nth(3).click()

    # The call is on the TV within two seconds: in the labour desk's tile and first in the strip.
    expect(tv.get_by_test_id("desk-A-code")).to_contain_text(waiting, timeout=2500)
    strip = tv.get_by_test_id("recent-calls")
    expect(strip.locator(".recent-code").first).to_have_text(waiting)
    expect(strip.locator(".recent-desk").first).to_contain_text("Loket A")
    expect(tv.locator(".tile.is-new")).to_have_count(1)
    assert_screen_fits(tv, fits_height=True)
    tv.screenshot(path=str(SCREENSHOTS / "calling-screen.png"))

    # The same screen on a phone: it scrolls down, never sideways, and no code overflows.
    tv.set_viewport_size(PHONE)
    assert_screen_fits(tv, fits_height=False)
    tv.screenshot(path=str(SCREENSHOTS / "calling-screen-phone.png"), full_page=True)
    tv.set_viewport_size({"width": 1280, "height": 720})
    assert_screen_fits(tv, fits_height=True)

    # The head revokes it: the TV says so, then shows a new pairing code.
    head.get_by_role("button", name="Cabut TV ruang tunggu").click()
    expect(tv.locator("#revoked")).to_be_visible(timeout=3000)
    expect(tv.get_by_test_id("pairing-code")).to_be_visible(timeout=12000)
    assert tv.get_by_test_id("pairing-code").inner_text() != code
    for context in (tv_context, head_context, desk_context):
        context.close()


def test_the_pairing_page_fits_a_phone_and_passes_axe(live_server, page, audit):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kiosk/")
    expect(page.get_by_test_id("pairing-code")).to_be_visible()
    geometry = page.evaluate(
        """() => { const r = document.querySelector('[data-testid=pairing-code]')
                     .getBoundingClientRect();
                   return {right: r.right, width: innerWidth,
                           scroll: document.documentElement.scrollWidth}; }"""
    )
    assert geometry["right"] <= geometry["width"] and geometry["scroll"] <= geometry["width"]
    audit(page)
