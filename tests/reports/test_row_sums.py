"""The tables add up their rows' columns in the database (`_read_row_sums`). Added up here in
Python from the row × sex × age-band grid of roll-up cells (`_read_grid`, what the benchmark
compares with DuckDB), they must be the same, for every indicator, filter and period."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.indicators import AGE_BANDS, INDICATORS, SEXES
from tests.reports.core_fixture import MARCH, build, d

pytestmark = pytest.mark.django_db


def added_up_from_the_grid(indicator, scope, date_from, date_to, filters) -> dict:
    """Each row's columns from the grid: a split table counts the shown sexes only."""
    split = indicator.by_sex_and_age
    sexes = [filters["sex"]] if split and filters["sex"] in SEXES else list(SEXES)
    columns = ["total"]
    if split:
        columns += [("sex", s) for s in sexes] + [("age", a) for a in AGE_BANDS]
    sums: dict = {}
    grid = selectors._read_grid(indicator, scope, date_from, date_to, filters)
    for (row, sex, band), (value, weight) in grid.items():
        line = sums.setdefault(row, {column: [0, 0] for column in columns})
        if split and sex not in sexes:
            continue
        wanted = ["total"]
        if split:
            wanted += [("sex", sex)] + ([("age", band)] if band in AGE_BANDS else [])
        for column in wanted:
            line[column][0] += value
            line[column][1] += weight
    return sums


@pytest.mark.parametrize(
    "filters",
    [
        {"sex": None, "scheme": None, "destination": None},
        {"sex": "F", "scheme": None, "destination": None},
        {"sex": "U", "scheme": "individual", "destination": "HK"},
    ],
)
@pytest.mark.parametrize("period", [MARCH, (d(2, 20), d(4, 5))])
def test_row_sums_are_the_grid_added_up(office, make_user, filters, period):
    build(office)
    scope = selectors._Scope(make_user(Role.OFFICE_HEAD), None)
    selectors.flush_pending()
    for indicator in INDICATORS:
        sexes = selectors._table_sexes(indicator, filters["sex"])
        read = selectors._read_row_sums(indicator, scope, *period, filters, sexes)
        expected = added_up_from_the_grid(indicator, scope, *period, filters)
        assert read == expected, indicator.code
    assert any(selectors._read_grid(i, scope, *period, filters) for i in INDICATORS)
