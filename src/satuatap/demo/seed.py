"""Load the whole demo dataset in order: each step needs the ones before it (people need the
offices, placement files the people, cases the agencies and partners, roll-ups everything)."""

from __future__ import annotations

from satuatap.demo import (
    cases,
    core,
    frontdesk,
    outreach,
    people,
    placement,
    privacy,
    reports,
)

# `core` comes first and on its own (it returns the demo usernames); `placement` seeds the
# training courses after its files; `reports` rebuilds the roll-ups from everything.
STEPS = (people, frontdesk, placement, cases, outreach, privacy, reports)


def seed_all(stdout) -> list[str]:
    """Create (or complete) the demo dataset; return the demo usernames. Idempotent."""
    usernames = core.seed(stdout)
    for step in STEPS:
        step.seed(stdout)
    return usernames
