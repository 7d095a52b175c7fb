"""Waiting for a condition in the page under its Content-Security-Policy."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def wait_until(
    page: Page, expression: str, arg: Any = None, *, timeout: float = 10_000, interval: float = 100
) -> Any:
    """`page.evaluate(expression, arg)` until it is truthy; its value. Playwright's
    `wait_for_function` re-reads its predicate with `eval()` on every later animation frame,
    which the policy (no 'unsafe-eval') refuses as soon as the first try was false."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() >= deadline:
            raise PlaywrightTimeoutError(f"still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(interval)
