"""The tables add up their rows' columns in the database (`_read_row_sums`); the same tables
built from the full row × sex × age-band grid (`_read_grid`, what the DuckDB comparison of the
benchmark checks) must be identical, for every indicator, scope and filter."""

from __future__ import annotations

import pytest

from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.indicators import INDICATORS
from tests.reports.core_fixture import MARCH, build, d

pytestmark = pytest.mark.django_db


def from_the_grid(indicator, viewer, date_from, date_to, filters):
    scope = selectors._Scope(viewer, None)
    grid = selectors._read_grid(indicator, scope, date_from, date_to, filters)
    return selectors._build_result(
        indicator,
        grid,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        sex=filters["sex"],
        cache=selectors._Labels(),
    )


@pytest.mark.parametrize(
    "filters",
    [
        {"sex": None, "scheme": None, "destination": None},
        {"sex": "F", "scheme": None, "destination": None},
        {"sex": "U", "scheme": "individual", "destination": "HK"},
    ],
)
@pytest.mark.parametrize("period", [MARCH, (d(2, 20), d(4, 5))])
def test_row_sums_give_the_tables_the_grid_gives(office, make_user, filters, period):
    build(office)
    head = make_user(Role.OFFICE_HEAD)
    compared = 0
    for indicator in INDICATORS:
        if indicator.aggregate == "ikm":
            continue
        (result,) = selectors.indicator_results(
            codes=[indicator.code], viewer=head, date_from=period[0], date_to=period[1], **filters
        )
        expected = from_the_grid(indicator, head, *period, filters)
        assert result == expected, indicator.code
        compared += 1
    assert compared >= 20
