"""axe-core in the journeys: installed from the npm registry into var/npm once, injected into a
page with `page.evaluate` (which the Content-Security-Policy does not govern), and run there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
NPM_PREFIX = Path(__file__).resolve().parents[2] / "var" / "npm"
AXE_FILE = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


class AxeMissingError(RuntimeError):
    pass


def installed_version() -> str | None:
    package = AXE_FILE.parent / "package.json"
    if not package.exists():
        return None
    import json

    return json.loads(package.read_text())["version"]


def axe_source() -> str:
    """The axe-core script, installed with npm (`--no-save` into var/npm) when missing."""
    if installed_version() != AXE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            raise AxeMissingError(
                "npm is missing: install Node.js and npm (apt-get install npm) so the browser "
                f"tests can fetch axe-core {AXE_VERSION} from the npm registry"
            )
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        completed = subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NPM_PREFIX),
                f"axe-core@{AXE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if completed.returncode != 0 or installed_version() != AXE_VERSION:
            raise AxeMissingError(
                f"`npm install axe-core@{AXE_VERSION}` failed:\n{completed.stderr[-2000:]}"
            )
    return AXE_FILE.read_text(encoding="utf-8")


NAVIGATING = ("documentElement", "Execution context was destroyed", "navigation")
# No CSS transition or animation running on the page.
SETTLED = "document.getAnimations().every((a) => a.playState !== 'running')"


def _wait_until_settled(page: Page) -> None:
    """`page.evaluate` in a loop: `wait_for_function` evaluates a string in the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses."""
    for _ in range(50):
        if page.evaluate(SETTLED):
            return
        page.wait_for_timeout(100)


def violations(page: Page, source: str) -> list[dict]:
    """Every axe violation of the page as it is now. A click just before may have started a
    navigation: axe then runs on a document being replaced, so wait for the new page to load
    and run it again rather than fail on a page that is not there yet. A click also starts CSS
    transitions (a button's colours on hover and focus): axe measures colour contrast, so wait
    for them to end rather than measure a colour half-way."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            _wait_until_settled(page)
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(source)
            return page.evaluate(RUN_AXE)
        except PlaywrightError as error:
            if attempt == 2 or not any(sign in str(error) for sign in NAVIGATING):
                raise
    raise AssertionError("unreachable")


def describe(found: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}" for v in found
    )


def assert_accessible(page: Page, source: str) -> None:
    """Fail on any axe violation, whatever its impact (the issue asks for no serious or
    critical one; the pages have none of any impact, and a new one should be seen), naming
    rule, elements and help."""
    failing = violations(page, source)
    assert not failing, f"axe-core found on {page.url}:\n{describe(failing)}"
