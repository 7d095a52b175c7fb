"""The outreach demo: events with counts, focal points and Perdes per pilot office; idempotent."""

from __future__ import annotations

import pytest

from satuatap.core.uploads import detect_content_type
from satuatap.demo import core as core_demo
from satuatap.demo import outreach as demo
from satuatap.demo import people as people_demo
from satuatap.outreach import selectors
from satuatap.outreach.models import (
    OutreachCount,
    OutreachEvent,
    OutreachFollowUp,
    VillageFocalPoint,
    VillageRegulation,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def pilot(settings, tmp_path, office, other_office):
    settings.MEDIA_ROOT = tmp_path
    core_demo.seed()
    people_demo.seed()
    return office


def _snapshot():
    return (
        OutreachEvent.objects.count(),
        OutreachCount.objects.count(),
        OutreachFollowUp.objects.count(),
        VillageFocalPoint.objects.count(),
        VillageRegulation.objects.count(),
    )


def test_demo_is_idempotent_and_plausible(pilot):
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot() == first

    office = pilot
    today = office.today()
    events = OutreachEvent.objects.filter(office=office)
    assert events.count() == demo.EVENTS_PER_OFFICE
    assert events.values("village").distinct().count() >= 5
    assert all(0 <= (today - event.date).days <= 365 for event in events)
    totals = selectors.counts_by_sex(events)
    assert totals["total"] > 0 and totals["F"] > totals["M"]
    assert all(
        event.participants.count() <= sum(c.count for c in event.counts.all()) for event in events
    )
    assert any(event.partners.exists() for event in events)
    assert OutreachFollowUp.objects.filter(event__office=office).exists()
    assert VillageFocalPoint.objects.filter(office=office).values("village").distinct().count() == 5
    regulations = VillageRegulation.objects.filter(office=office)
    assert regulations.count() == 2
    for regulation in regulations:
        with regulation.file.open("rb") as handle:
            assert detect_content_type(handle.read()) == ("application/pdf", ".pdf")
    # Every office of the demo gets its own.
    assert OutreachEvent.objects.exclude(office=office).count() >= demo.EVENTS_PER_OFFICE
