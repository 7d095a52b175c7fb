"""Demo roll-ups: the other apps' demo records are loaded first (reports is the last app), some
of them in bulk without signals, so the report roll-ups are rebuilt from them once here."""

from __future__ import annotations

from satuatap.reports.release import publish_closed_months
from satuatap.reports.rollups import discard_pending, rebuild


def seed(stdout) -> None:
    discard_pending()  # the rebuild below covers every office-day
    rows = rebuild()
    stdout.write(f"Report roll-ups: {rows} rows.")
    stdout.write(f"Monthly releases: {publish_closed_months()}.")
