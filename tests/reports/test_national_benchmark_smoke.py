"""The national benchmark at a tiny scale: the generator writes a dataset into the test database,
the roll-ups are rebuilt from it, and every table the benchmark compares equals what DuckDB
computes from the raw records, for every filter set (including partial months, women only, a
scheme and a destination)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_national  # noqa: E402
import generate_national  # noqa: E402
from national_duckdb import COMPARED, Filters, RawDatabase, differences, rollup_grid  # noqa: E402

pytestmark = pytest.mark.django_db

END = datetime.date(2026, 6, 30)


def test_generated_dataset_rolls_up_to_what_duckdb_computes_from_the_raw_records():
    from satuatap.frontdesk.models import Ticket
    from satuatap.reports.services import rollups

    start, end = generate_national.span_of(END, 1)
    offices = generate_national.ensure_offices(2)
    counts = generate_national.generate(
        tickets=3000, offices=offices, seed=7, start=start, end=end, stdout=lambda _line: None
    )
    rollups.rebuild(offices=offices)

    # Every kind of record, in proportion.
    assert len(offices) == 2
    assert Ticket.objects.filter(office__in=offices).count() == counts["ticket"] == 3000
    for table in ("visit", "person", "file", "contact", "case", "referral", "event", "survey"):
        assert counts[table] > 0, table
    assert counts["visit"] < counts["ticket"]  # some visitors went to two desks

    # Every compared table of every filter set equals DuckDB's, and not vacuously.
    viewer = generate_national.ensure_analyst()
    raw = RawDatabase(threads=1)
    raw.load()
    sets = bench_national.filter_sets(END)
    compared, problems = bench_national.check_equal(raw, viewer, sets)
    assert compared == len(sets) * len(COMPARED)
    assert problems == []
    year = next(s for s in sets if s[0] == "year")
    assert sum(v for v, _w in raw.grid("visitors", year[2], year[3], Filters()).values()) > 0
    assert raw.grid("departures_by_destination", year[2], year[3], Filters())

    # A raw record changed behind the roll-ups' back is a difference.
    ticket = Ticket.objects.filter(status="served").order_by("pk").first()
    Ticket.objects.filter(pk=ticket.pk).update(status="no_show")  # no signal: roll-ups stale
    raw = RawDatabase(threads=1)
    raw.load()
    expected = raw.grid("services_served", ticket.day, ticket.day, Filters())
    actual = rollup_grid("services_served", viewer, ticket.day, ticket.day, Filters())
    assert differences(expected, actual)
