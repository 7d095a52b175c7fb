"""Playwright journeys in Debian's chromium (`make test` installs it, never Playwright)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# `make screenshots` refreshes the pictures in docs/; other runs write them to a scratch folder
# so that a test run leaves the work tree clean.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS = (
    DOCS_SCREENSHOTS
    if os.environ.get("SATUATAP_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "satuatap-screenshots"
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the npm registry into var/npm once when missing."""
    from tests.browser.accessibility import AxeMissingError, axe_source

    try:
        return axe_source()
    except AxeMissingError as error:
        pytest.fail(str(error))


@pytest.fixture
def audit(axe_source):
    """`audit(page)`: fail on any axe-core violation of the page, of any impact."""
    from tests.browser.accessibility import assert_accessible

    def run(page) -> None:
        assert_accessible(page, axe_source)

    return run


@pytest.fixture(autouse=True)
def _no_content_security_policy_violation(request):
    """Fail a browser test when the page broke the Content-Security-Policy: chromium reports
    every blocked inline script, handler, style or foreign source as a console error."""
    if "context" not in request.fixturenames:
        yield
        return
    context = request.getfixturevalue("context")
    violations: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", on_console)
    yield
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
