"""Small-cell suppression: counts 1–4 of case-related tables hidden outside the office, with the
complementary cells that would give them away — checked algebraically: no hidden cell can be
recovered from what is shown, by any combination of the table's totals."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satuatap.cases.models import Contact, GroupCount
from satuatap.core.roles import Role
from satuatap.regions.models import Region
from satuatap.reports import selectors
from satuatap.reports.indicators import AGE_BANDS, SEXES
from satuatap.reports.suppression import (
    COMPLEMENTARY,
    SMALL,
    suppress,
    table_equations,
)
from tests.reports.core_fixture import MARCH, build, d

# --- An independent check ---------------------------------------------------------------------


def rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows if any(r)]
    count = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(count, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[count], rows[pivot] = rows[pivot], rows[count]
        for i in range(count + 1, len(rows)):
            factor = rows[i][column] / rows[count][column]
            rows[i] = [a - factor * b for a, b in zip(rows[i], rows[count], strict=True)]
        count += 1
    return count


def recoverable(hidden: set, equations) -> set:
    """Hidden cells a linear combination of the equations determines: e_j is in the row space
    iff adding it as a row does not raise the rank."""
    unknowns = sorted(hidden, key=repr)
    index = {c: i for i, c in enumerate(unknowns)}
    matrix = []
    for total, parts in equations:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cell in index:
                row[index[cell]] += sign
        matrix.append(row)
    base = rank(matrix)
    found = set()
    for cell, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if rank([*matrix, unit]) == base:
            found.add(cell)
    return found


def check_protected(values: dict, hidden: dict, equations) -> None:
    # Every count 1–4 is hidden; zero is shown.
    for cell, value in values.items():
        if 1 <= value <= 4:
            assert hidden.get(cell) == SMALL, cell
        if value == 0:
            assert cell not in hidden, cell
    # No equation has exactly one hidden member.
    for total, parts in equations:
        members = [total, *parts]
        assert sum(1 for m in members if m in hidden) != 1, (total, parts)
    # No hidden cell is a linear function of what is shown.
    assert recoverable(set(hidden), equations) == set()


# --- The rule on small tables -----------------------------------------------------------------


def test_counts_one_to_four_are_hidden_and_zero_and_five_are_not():
    values = {"a": 0, "b": 1, "c": 4, "d": 5}
    assert suppress(values) == {"b": SMALL, "c": SMALL}


def test_a_lone_small_cell_in_a_row_hides_the_next_smallest_non_zero_cell():
    values = {"T": 17, "F": 9, "M": 3, "U": 0, "X": 5}
    equations = [("T", ("F", "M", "U", "X"))]
    hidden = suppress(values, equations=equations)
    assert hidden == {"M": SMALL, "X": COMPLEMENTARY}  # 5 < 9; the zero stays
    check_protected(values, hidden, equations)


def test_two_small_cells_whose_sum_gives_them_away_are_protected_further():
    # 7 = 5 + M + U with M and U both "<5": M + U = 2, so both are 1. Hiding F (≥ 5) is not
    # enough either (M ≤ 7 − 5 − 1 = 1): the row total goes too.
    values = {"T": 7, "F": 5, "M": 1, "U": 1}
    hidden = suppress(values, equations=[("T", ("F", "M", "U"))])
    assert hidden == {"M": SMALL, "U": SMALL, "F": COMPLEMENTARY, "T": COMPLEMENTARY}


def test_a_hidden_total_is_not_given_away_by_its_parts():
    values = {"T": 3, "F": 3, "M": 0, "U": 0}
    hidden = suppress(values, equations=[("T", ("F", "M", "U"))])
    assert hidden == {"T": SMALL, "F": SMALL}


def test_money_is_hidden_by_the_number_of_cases_behind_it():
    values = {"T": 9_000_000, "F": 5_000_000, "M": 4_000_000}
    weights = {"T": 6, "F": 2, "M": 4}
    hidden = suppress(values, weights, [("T", ("F", "M"))], counts=False)
    assert hidden == {"F": SMALL, "M": SMALL}


def test_a_table_with_rows_and_columns_is_protected_in_both_directions():
    # Rows: categories; columns: total, F, M, U.
    grid = {"wages": (12, 9, 3, 0), "fees": (6, 6, 0, 0), "gbv": (8, 8, 0, 0)}
    values = {}
    for row, (total, f, m, u) in grid.items():
        values[(row, "total")] = total
        for sex, value in zip(SEXES, (f, m, u), strict=True):
            values[(row, ("sex", sex))] = value
    values[(None, "total")] = 26
    for sex, value in zip(SEXES, (23, 3, 0), strict=True):
        values[(None, ("sex", sex))] = value
    equations = table_equations(list(grid), None, SEXES)
    hidden = suppress(values, equations=equations)
    assert hidden[("wages", ("sex", "M"))] == SMALL
    # The men's column total (3) is small too; the wages row needs a complementary cell.
    assert hidden[(None, ("sex", "M"))] == SMALL
    assert hidden[("wages", ("sex", "F"))] == COMPLEMENTARY
    check_protected(values, hidden, equations)


@st.composite
def tables(draw):
    """A random table of counts: rows × sex × age band, many zeros and small numbers."""
    n_rows = draw(st.integers(min_value=0, max_value=4))
    cell = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 30))
    joint = {
        (r, s, a): draw(cell) if draw(st.booleans()) else 0
        for r in range(n_rows)
        for s in SEXES
        for a in AGE_BANDS
    }
    return n_rows, joint


def _table_values(n_rows, joint):
    values = {}
    rows = list(range(n_rows))
    for row in [*rows, None]:

        def total(pred, row=row):
            return sum(
                v for (r, s, a), v in joint.items() if (row is None or r == row) and pred(s, a)
            )

        values[(row, "total")] = total(lambda s, a: True)
        for sex in SEXES:
            values[(row, ("sex", sex))] = total(lambda s, a, sex=sex: s == sex)
        for band in AGE_BANDS:
            values[(row, ("age", band))] = total(lambda s, a, band=band: a == band)
    if not rows:  # a table without a dimension: the total row alone
        values = {k: v for k, v in values.items() if k[0] is None}
    return rows, values


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_of_any_table_can_be_recovered_from_what_is_shown(table):
    n_rows, joint = table
    rows, values = _table_values(n_rows, joint)
    equations = table_equations(rows, None, SEXES, AGE_BANDS)
    hidden = suppress(values, equations=equations)
    check_protected(values, hidden, equations)
    # Nothing is hidden without need: a table with no small cell shows everything.
    if not any(1 <= v <= 4 for v in values.values()):
        assert hidden == {}


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([-1, 0, 0, 1]), min_size=6, max_size=6), min_size=0, max_size=6
    )
)
def test_the_linear_audit_agrees_with_a_rank_test(matrix):
    from satuatap.reports.suppression import determined_unknowns

    rows = [[Fraction(x) for x in row] for row in matrix]
    base = rank(rows)
    expected = set()
    for j in range(6):
        unit = [Fraction(int(i == j)) for i in range(6)]
        if rank([*rows, unit]) == base:
            expected.add(j)
    sparse = [{j: x for j, x in enumerate(row) if x} for row in matrix]
    assert determined_unknowns(sparse) == expected


# --- Through the selectors --------------------------------------------------------------------


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


def _group(office, user, day, kind, channel, counts):
    contact = Contact.objects.create(
        office=office,
        kind=kind,
        channel=channel,
        topic="rights",
        occurred_on=day,
        is_group=True,
        recorded_by=user,
    )
    for sex, band, count in counts:
        GroupCount.objects.create(contact=contact, sex=sex, age_band=band, count=count)
    return contact


def _grid(result):
    values, hidden = {}, {}
    for key, row in [*((r.dimension, r) for r in result.rows), (None, result.total)]:
        cells = {"total": row.total}
        cells.update({("sex", s): c for s, c in row.by_sex.items()})
        cells.update({("age", a): c for a, c in row.by_age_band.items()})
        for column, cell in cells.items():
            values[(key, column)] = cell.value
            if cell.suppressed:
                hidden[(key, column)] = cell.reason
    return values, hidden


@pytest.mark.django_db
def test_the_analyst_sees_case_related_tables_suppressed_and_unrecoverable(
    world, head, analyst, make_user
):
    # Counselling in March: Cirebon 3 from the world (Hana walk-in, Ani and Citra online) and a
    # walk-in group of 7 women and 2 men, all 25-39; Tulungagung 1 (Siti, by phone).
    _group(
        world.office,
        head,
        d(3, 12),
        "counselling",
        "walk_in",
        [("F", "25-39", 7), ("M", "25-39", 2)],
    )
    other_head = make_user(
        Role.OFFICE_HEAD, organisation=world.other_office, username="tulungagung.head"
    )
    truth: dict = defaultdict(int)
    for viewer in (head, other_head):
        inside = selectors.indicator_result(
            code="counselling_contacts", viewer=viewer, date_from=MARCH[0], date_to=MARCH[1]
        )
        assert inside.suppressed_cells == 0
        for key, value in _grid(inside)[0].items():
            truth[key] += value
    assert truth[(None, "total")] == 13

    national = selectors.indicator_result(
        code="counselling_contacts", viewer=analyst, date_from=MARCH[0], date_to=MARCH[1]
    )
    assert national.suppressed_cells > 0
    assert national.total.total.value in (13, None)
    walk_in = next(r for r in national.rows if r.dimension == "walk_in")
    assert walk_in.by_sex["M"].suppressed and walk_in.by_sex["M"].value is None
    assert walk_in.by_sex["M"].display() in ("<5", "×")
    # Algebra: the national table's equations, with every hidden cell an unknown.
    shown, hidden = _grid(national)
    equations = table_equations([r.dimension for r in national.rows], None, SEXES, AGE_BANDS)
    check_protected({key: truth.get(key, 0) for key in shown}, hidden, equations)
    for key, value in shown.items():
        if key not in hidden:
            assert value == truth.get(key, 0)

    # One office: its totals line only. Tulungagung's 1 is small, and Cirebon's 12 goes with
    # it, or the national 13 would give it away.
    one = selectors.indicator_result(
        code="counselling_contacts",
        viewer=analyst,
        date_from=MARCH[0],
        date_to=MARCH[1],
        office_ids=[world.office.pk],
    )
    assert one.rows == []
    assert one.total.by_sex["M"].suppressed
    assert one.total.total.suppressed


@pytest.mark.django_db
def test_tables_that_are_not_case_related_are_never_suppressed(world, analyst):
    result = selectors.indicator_result(
        code="visitors",
        viewer=analyst,
        date_from=MARCH[0],
        date_to=MARCH[1],
        office_ids=[world.office.pk],
    )
    assert result.suppressed_cells == 0
    assert result.total.by_sex["M"].value == 1


@pytest.mark.django_db
def test_the_national_sum_is_suppressed_and_office_staff_read_only_their_office(
    world, head, analyst, make_user
):
    national = selectors.indicator_result(
        code="complaints_received", viewer=analyst, date_from=MARCH[0], date_to=MARCH[1]
    )
    # Cirebon 3 + Tulungagung 1: 4 cases nationally, hidden.
    assert national.total.total.suppressed
    assert sorted(national.office_ids) == sorted([world.office.pk, world.other_office.pk])
    assert selectors.suppression_applies(analyst) is True
    assert selectors.suppression_applies(head) is False
    with pytest.raises(PermissionDenied):
        selectors.indicator_result(
            code="complaints_received",
            viewer=head,
            date_from=MARCH[0],
            date_to=MARCH[1],
            office_ids=[world.other_office.pk],
        )
    partner_worker = make_user(Role.PARTNER_CASEWORKER, organisation=world.wcc)
    with pytest.raises(PermissionDenied):
        selectors.indicator_result(
            code="visitors", viewer=partner_worker, date_from=MARCH[0], date_to=MARCH[1]
        )


@pytest.mark.django_db
def test_money_recovered_of_one_case_is_hidden_outside_the_office(world, analyst, head):
    outside = selectors.indicator_result(
        code="money_recovered",
        viewer=analyst,
        date_from=MARCH[0],
        date_to=MARCH[1],
        office_ids=[world.office.pk],
    )
    assert outside.total.total.suppressed and outside.total.total.reason == "small"
    inside = selectors.indicator_result(
        code="money_recovered", viewer=head, date_from=MARCH[0], date_to=MARCH[1]
    )
    assert inside.total.total.value == 5_000_000


@pytest.mark.django_db
def test_office_comparison_hides_a_small_office_and_its_complement(world, analyst, make_user):
    from tests.factories import OfficeFactory

    # Counselling in March: Cirebon 3 (small), Tulungagung 1 + 6 = 7, Blitar 9: total 19.
    blitar = OfficeFactory(slug="blitar", region=Region.objects.get(code="35.05"))
    user = make_user(Role.COUNSELLOR, organisation=blitar, username="blitar.counsellor")
    _group(world.other_office, user, d(3, 5), "counselling", "phone", [("F", "25-39", 6)])
    _group(blitar, user, d(3, 6), "counselling", "phone", [("F", "25-39", 9)])
    cells = dict(
        (office.slug, cell)
        for office, cell in selectors.office_comparison(
            code="counselling_contacts", viewer=analyst, date_from=MARCH[0], date_to=MARCH[1]
        )
    )
    # Cirebon's 3 is hidden, and with it another office's total, or the national 19 would
    # give it away.
    assert cells["cirebon"].suppressed
    assert sum(1 for cell in cells.values() if cell.suppressed) >= 2
    series = selectors.monthly_series(
        code="counselling_contacts",
        viewer=analyst,
        months=2,
        end=d(4, 30),
        office_ids=[world.office.pk],
    )
    assert series[0][1].suppressed  # March: 3
    assert series[1][1].suppressed  # April: 1 (the contact of 1 April)


@pytest.mark.django_db
def test_office_staff_see_their_comparison_unsuppressed(world, head):
    cells = selectors.office_comparison(
        code="counselling_contacts", viewer=head, date_from=MARCH[0], date_to=MARCH[1]
    )
    assert [(office.slug, cell.value) for office, cell in cells] == [("cirebon", 3)]


def test_complementary_rule_terminates_when_everything_must_go():
    values = {"T": 2, "F": 1, "M": 1}
    assert suppress(values, equations=[("T", ("F", "M"))]) == {
        "T": SMALL,
        "F": SMALL,
        "M": SMALL,
    }
