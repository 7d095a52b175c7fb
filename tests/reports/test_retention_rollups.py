"""Retention and erasure change the records under the published numbers, never the numbers:
the roll-ups (day and month), a recomputation of any day and `rebuild_rollups` give what was
published before, and a record added later to a purged day adds to it as usual."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from satuatap.core import retention
from satuatap.core.retention import services as retention_services
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Visit
from satuatap.outreach.models import OutreachCount, OutreachEvent
from satuatap.people import services as people_services
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import Person
from satuatap.reports.models import RollupAdjustment, RollupMonth, RollupValue
from satuatap.reports.services import rollups
from tests.reports.core_fixture import build, d
from tests.reports.test_rollups import snapshot

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime.date(2040, 1, 1)


def months() -> set[tuple]:
    return set(
        RollupMonth.objects.values_list(
            "office_id", "month", "indicator", "dimension", "sex", "age_band", "value", "weight"
        )
    )


@pytest.fixture
def world(office):
    world = build(office)
    rollups.flush_pending()
    return world


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


def test_a_retention_run_leaves_every_published_number_as_it_was(world, head):
    # Ani turns 25 on 1 March 2001 + 25: her erasure (birthday → 1 July) moves her visit of
    # 9 March, her case and her course from 25–39 to 18–24 unless the numbers are kept.
    people_services.update_person(person=world.ani, by=head, birth_date=d(3, 1, 2001))
    rollups.flush_pending()
    days, by_month = snapshot(), months()

    run = retention_services.run(today=FAR_FUTURE)
    rollups.flush_pending()

    # The records did change: visits no longer name people (except Hana's: her case is open),
    # people are anonymised…
    assert run.total("done") > 10
    named = Visit.objects.filter(office=world.office, person__isnull=False)
    assert set(named.values_list("person_id", flat=True)) == {world.hana.pk}
    assert Person.objects.get(pk=world.ani.pk).anonymised_at is not None
    assert RollupAdjustment.objects.exists()
    # …and the numbers did not.
    assert snapshot() == days
    assert months() == by_month
    rollups.rebuild()
    assert snapshot() == days
    assert months() == by_month


def test_an_erasure_that_moves_a_birth_date_across_an_age_band_moves_no_number(world, head):
    # Hana turns 25 on 10 March 2026, the day of her visit: erasure makes her birthday 1 July,
    # which would count that visit in 18–24 instead of 25–39.
    before = snapshot()
    data_rights.erase_people([world.hana], by=head, reason="person")
    rollups.flush_pending()

    hana = Person.objects.get(pk=world.hana.pk)
    assert hana.birth_date == datetime.date(2001, 7, 1)
    assert snapshot() == before
    rollups.rebuild()
    assert snapshot() == before


def test_a_record_added_later_to_a_purged_day_adds_to_what_was_published(world):
    retention_services.run(today=FAR_FUTURE)
    rollups.flush_pending()

    def reached() -> int:
        return sum(
            RollupValue.objects.filter(
                office=world.office,
                day=d(3, 7),
                indicator="outreach_people_reached",
                sex="F",
                age_band="18-24",
            ).values_list("value", flat=True)
        )

    assert reached() == 10
    event = OutreachEvent.objects.create(
        office=world.office, village=world.village_a, date=d(3, 7), kind="socialisation", title="X"
    )
    OutreachCount.objects.create(event=event, sex="F", age_band="18-24", count=4)
    rollups.flush_pending()
    assert reached() == 14
    rollups.rebuild()
    assert reached() == 14


def test_rebuild_rollups_keeps_a_day_whose_records_are_all_gone(world):
    """A day with nothing left in the raw records still publishes what it held: the rebuild's
    span includes the adjustments' days (docs/reports.md)."""
    days = snapshot()
    feb_28 = {row for row in days if row[0] == world.office.pk and row[1] == d(2, 28)}
    assert feb_28
    with retention.keep_aggregates(records=[(Visit, [world.v6.pk])]):
        world.v6.delete()
    rollups.flush_pending()

    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert {row for row in snapshot() if row[0] == world.office.pk and row[1] == d(2, 28)} == (
        feb_28
    )
