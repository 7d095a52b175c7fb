"""Which cells of a monthly release are hidden, proven by a *shadow*: a second table, kept inside
the server, that agrees with everything the release shows and differs from the real numbers in
every hidden cell.

A reader outside the office knows the shown cells, that a "<5" cell holds 1–4 and a "×" cell at
least 5 (money: at least one rupiah), and every identity the tables obey: each line's total is
the sum of its sex cells and of its age-band cells; the national total row is the sum of the
offices' lines (and, when rows do not overlap, of the national rows); a category row never
exceeds the total row; complaints pending at the end of a month are those of the month before
plus those received minus those resolved; referrals reach their current state no earlier than
they were sent. Whatever combination of these a reader works out — over every month, office,
indicator and filter — the real table and its shadow both satisfy it. So every hidden value lies
in an interval that holds at least two values: no combination pins it down. That is the whole
argument; `tests/reports/test_linear_attack.py` checks it by solving the reader's linear
programme on generated and demo data.

How the shadow is made: as a small integer programme (HiGHS, through SciPy). Its unknowns are
the shadow's differences from the real cells; its constraints are the identities above (so the
differences of a line add up, the offices' add up to the national line…), what the symbols say
(zeros do not change, being shown; a "<5" cell stays within 1–4, a "×" cell at 5 or more) and
that every count of 1–4 differs (a 1 or a 2 upwards, a 3 or a 4 downwards, or either way when
that has no solution). It minimises how far the other cells move, weighted so that a national
total is the last to go; the cells that move are the ones hidden: the small ones ("<5") and the
others ("×", complementary).

Linked tables are solved together, month after month, each month from the shadow of the month
before: complaints received, resolved and pending (pending = pending before + received −
resolved holds in the shadow, whose pending carries over to the next month), referrals by
partner and by result (the shadow's referrals never reach a state before they are sent: its
surplus of sent over results carries over). When there is no solution the group's month is
*withheld* outside the office: every cell is hidden (no symbol says anything about its value),
and the shadow goes back to the real numbers (a month withheld cuts the chain).

Only the hidden cells and their reasons leave this module; the shadow is stored with the release
(`StoredRelease`) for the next month and never shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from satuatap.reports.indicators import AGE_BANDS, SEXES
from satuatap.reports.suppression import COMPLEMENTARY, SMALL, SMALL_MAX

NATIONAL = "national"
OFFICE = "office"
TOTAL_ROW = None
WITHHELD = "withheld"
SEX_COLUMNS = [("sex", s) for s in SEXES]
AGE_COLUMNS = [("age", a) for a in AGE_BANDS]
COLUMNS: list = ["total", *SEX_COLUMNS, *AGE_COLUMNS]

Key = tuple  # (NATIONAL, row, column) or (OFFICE, office id, column)

# How much moving a shown cell costs, by where it is: the national totals matter most.
COST_TOTAL_ROW = 8
COST_LINE_TOTAL = 2
COST_CELL = 1
COST_SHOWN_AS_OTHER = 6  # a small cell shown "×" instead of "<5"
COST_SMALL_MOVE = 0.1  # a small cell moving further than it must
COST_CARRIED = 3  # pending's differences carry over to the next month: keep them few
# No cell of a shadow moves further than this: a shadow that needs more is not worth finding,
# and a tight bound keeps the programme's relaxation close (a loose one made it slow).
MAX_MOVE = 100
BIG = MAX_MOVE + 1  # larger than any move a shadow makes
TIME_LIMIT = 10.0  # seconds for one month's programme; beyond it the month is withheld


@dataclass
class Table:
    """One indicator's cells for one month, with the shadow's differences (`delta`)."""

    values: dict[Key, int]
    weights: dict[Key, int]
    rows: list
    offices: list[int]
    overlap: bool  # rows overlap: the total row is not their sum, and each row ≤ the total row
    counts: bool = True  # False for money (hidden cells only known to be ≥ 1 rupiah)
    delta: dict[Key, int] = field(default_factory=dict)
    # Small cells shown "×" (at least 1) rather than "<5" (1–4): no shadow could otherwise keep
    # them within 1–4 (a line of four cells of 1 and a total of 4 would give all five away).
    shown_as_other: set = field(default_factory=set)
    withheld: bool = False

    def value(self, key: Key) -> int:
        return self.values.get(key, 0)

    def is_small(self, key: Key) -> bool:
        return 1 <= self.weights.get(key, 0) <= SMALL_MAX

    def is_zero(self, key: Key) -> bool:
        return not self.weights.get(key, 0) and not self.values.get(key, 0)

    def box(self, key: Key) -> tuple[float, float]:
        """The range of the shadow's difference here, from what the cell will show."""
        if self.is_zero(key):
            return 0, 0
        value = self.value(key)
        if self.counts and self.is_small(key):
            return 1 - value, SMALL_MAX - value
        return 1 - value, MAX_MOVE

    def keys(self) -> list[Key]:
        lines = [
            *((NATIONAL, row) for row in self.rows),
            (NATIONAL, TOTAL_ROW),
            *((OFFICE, office) for office in self.offices),
        ]
        return [(*line, column) for line in lines for column in COLUMNS]

    def equations(self) -> list[dict[Key, int]]:
        """Every identity of the table, as coefficients that sum to zero."""
        out = []
        lines = [*((NATIONAL, r) for r in self.rows), (NATIONAL, TOTAL_ROW)]
        lines += [(OFFICE, o) for o in self.offices]
        for line in lines:
            total = (*line, "total")
            for group in (SEX_COLUMNS, AGE_COLUMNS):
                equation: dict[Key, int] = {total: 1}
                equation.update({(*line, c): -1 for c in group})
                out.append(equation)
        for column in COLUMNS:
            national = (NATIONAL, TOTAL_ROW, column)
            equation = {national: 1}
            equation.update({(OFFICE, o, column): -1 for o in self.offices})
            out.append(equation)
            if self.rows and not self.overlap:
                equation = {national: 1}
                equation.update({(NATIONAL, r, column): -1 for r in self.rows})
                out.append(equation)
        return out

    def hidden(self) -> dict[Key, str]:
        if self.withheld:
            return dict.fromkeys(self.values, WITHHELD)
        out = {}
        for key in self.values:
            if self.is_small(key) and key not in self.shown_as_other:
                out[key] = SMALL
            elif self.is_small(key) or self.delta.get(key, 0):
                out[key] = COMPLEMENTARY
        return out


def _cost(key: Key) -> int:
    if key[0] == NATIONAL and key[1] is TOTAL_ROW:
        return COST_TOTAL_ROW
    return COST_LINE_TOTAL if key[2] == "total" else COST_CELL


class _Programme:
    """The integer programme of one group's month: a variable per cell that may move."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, Key], int] = {}
        self.low: list[float] = []
        self.high: list[float] = []
        self.cost: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, name: str, table: Table, key: Key) -> int | None:
        if (name, key) in self.index:
            return self.index[(name, key)]
        low, high = table.box(key)
        if low == high == 0:
            return None
        i = len(self.low)
        self.index[(name, key)] = i
        self.low.append(low)
        self.high.append(high)
        self.cost.append(0)
        return i

    def binary(self, cost: float) -> int:
        i = len(self.low)
        self.low.append(0)
        self.high.append(1)
        self.cost.append(cost)
        return i

    def add_row(self, coefficients: dict[int, float], low: float, high: float) -> None:
        if coefficients:
            self.rows.append((coefficients, low, high))

    def solve(self, *, objective_of: dict[int, float]) -> np.ndarray | None:
        n = len(self.low)
        if n == 0:
            return np.zeros(0)
        # |d| through an extra variable per costed cell: t ≥ d, t ≥ −d.
        extra = {i: n + j for j, i in enumerate(objective_of)}
        size = n + len(extra)
        c = np.zeros(size)
        c[:n] = self.cost
        for i, weight in objective_of.items():
            c[extra[i]] = weight
        r: list[int] = []
        k: list[int] = []
        v: list[float] = []
        lo: list[float] = []
        hi: list[float] = []

        def put(coefficients, low, high):
            row = len(lo)
            for col, a in coefficients.items():
                r.append(row)
                k.append(col)
                v.append(a)
            lo.append(low)
            hi.append(high)

        for coefficients, low, high in self.rows:
            put(coefficients, low, high)
        for i, t in extra.items():
            put({t: 1, i: -1}, 0, np.inf)
            put({t: 1, i: 1}, 0, np.inf)
        matrix = coo_array((v, (r, k)), shape=(len(lo), size)).tocsr()
        lower = np.array([*self.low, *([0] * len(extra))], dtype=float)
        upper = np.array([*self.high, *([np.inf] * len(extra))], dtype=float)
        result = milp(
            c,
            integrality=np.ones(size),
            bounds=Bounds(lower, upper),
            constraints=[LinearConstraint(matrix, lo, hi)] if lo else None,
            options={"time_limit": TIME_LIMIT, "presolve": True},
        )
        if result.x is None:  # no shadow, or none found in time (a best one found is taken)
            return None
        x = np.round(result.x)
        if not _satisfied(matrix, lo, hi, lower, upper, x):
            return None
        return x[:n]


def _satisfied(matrix, lo, hi, low, high, x) -> bool:
    """The rounded solution meets every bound and constraint exactly (integers throughout)."""
    if np.any(x < low) or np.any(x > high):
        return False
    if not len(lo):
        return True
    ax = matrix @ x
    return bool(np.all(ax >= np.array(lo) - 1e-9) and np.all(ax <= np.array(hi) + 1e-9))


class Group:
    """The tables of one month solved together (an indicator alone, or linked indicators)."""

    def __init__(self, tables: dict[str, Table]):
        self.tables = tables

    def link(self, programme: _Programme) -> None:
        """Constraints between the tables (none for a table alone)."""

    def cost_factor(self, name: str) -> float:
        return 1

    def build(self) -> bool:
        """Find the shadow; False (and the group withheld) when there is none."""
        programme = _Programme()
        objective: dict[int, float] = {}
        others: dict[int, tuple[str, Key]] = {}
        for name, table in self.tables.items():
            for key in table.keys():
                i = programme.var(name, table, key)
                if i is None:
                    continue
                if not table.is_small(key):
                    objective[i] = _cost(key) * self.cost_factor(name)
                    continue
                objective[i] = COST_SMALL_MOVE * self.cost_factor(name)
                if not table.counts:
                    # Money: the amount moves by at least one rupiah (down unless it is 1).
                    if table.value(key) > 1:
                        programme.high[i] = -1
                    else:
                        programme.low[i] = 1
                else:
                    # A 1 or a 2 moves up, a 3 or a 4 down — or, shown "×" (u = 1), up and
                    # beyond 4.
                    value = table.value(key)
                    u = programme.binary(COST_SHOWN_AS_OTHER)
                    others[u] = (name, key)
                    programme.high[i] = MAX_MOVE
                    programme.add_row({i: 1, u: -BIG}, -np.inf, SMALL_MAX - value)
                    if value <= 2:
                        programme.low[i] = 1
                    else:
                        programme.add_row({i: 1, u: -BIG}, -np.inf, -1)
                        programme.add_row({i: 1, u: -BIG}, 1 - BIG, np.inf)
            for equation in table.equations():
                coefficients: dict[int, float] = defaultdict(float)
                for key, a in equation.items():
                    j = programme.var(name, table, key)
                    if j is not None:
                        coefficients[j] += a
                programme.add_row(dict(coefficients), 0, 0)
            if table.overlap:
                for column in COLUMNS:
                    total_key = (NATIONAL, TOTAL_ROW, column)
                    t = programme.var(name, table, total_key)
                    for row in table.rows:
                        key = (NATIONAL, row, column)
                        i = programme.var(name, table, key)
                        coefficients = defaultdict(float)
                        if i is not None:
                            coefficients[i] += 1
                        if t is not None:
                            coefficients[t] -= 1
                        room = table.value(total_key) - table.value(key)
                        programme.add_row(dict(coefficients), -np.inf, room)
        self.link(programme)
        solution = programme.solve(objective_of=objective)
        if solution is None:
            self.withhold()
            return False
        for name, table in self.tables.items():
            table.delta = {
                key: int(solution[i])
                for (n, key), i in programme.index.items()
                if n == name and solution[i]
            }
            table.shown_as_other = {
                key for u, (n, key) in others.items() if n == name and solution[u] > 0.5
            }
        return True

    def withhold(self) -> None:
        for table in self.tables.values():
            table.withheld = True
            table.delta = {}
            table.shown_as_other = set()


class ComplaintsGroup(Group):
    """Received, resolved and pending of one month: pending = pending before + received −
    resolved in every cell, in the shadow too, whose pending starts from last month's (`carry`:
    its differences from the real pending). `carry` None: last month was withheld, so what the
    shadow's pending was then is free (any table of the same shape, never below zero: the
    month before `before`, the real pending of last month)."""

    def __init__(
        self,
        tables: dict[str, Table],
        carry: dict[Key, int] | None,
        before: Table | None = None,
    ):
        super().__init__(tables)
        self.carry = carry
        self.before = before

    def cost_factor(self, name: str) -> float:
        return COST_CARRIED if name == "pending" else 1

    def link(self, programme: _Programme) -> None:
        keys = set()
        for table in self.tables.values():
            keys.update(table.keys())
        free: dict[Key, int] = {}
        if self.carry is None and self.before is not None:
            # Last month's pending, withheld: its shadow is any table of its shape ≥ 0.
            before = Table(
                values=self.before.values,
                weights=self.before.weights,
                rows=self.before.rows,
                offices=self.before.offices,
                overlap=self.before.overlap,
            )
            for key in before.keys():
                if before.value(key):
                    j = len(programme.low)
                    programme.low.append(-before.value(key))
                    programme.high.append(MAX_MOVE)
                    programme.cost.append(0)
                    free[key] = j
            for equation in before.equations():
                programme.add_row({free[k]: a for k, a in equation.items() if k in free}, 0, 0)
            keys.update(free)
        carry = self.carry or {}
        keys.update(carry)
        for key in keys:
            coefficients: dict[int, float] = defaultdict(float)
            for name, sign in (("pending", 1), ("received", -1), ("resolved", 1)):
                i = programme.var(name, self.tables[name], key)
                if i is not None:
                    coefficients[i] += sign
            if key in free:
                coefficients[free[key]] -= 1
            carried = carry.get(key, 0)
            if coefficients:
                programme.add_row(dict(coefficients), carried, carried)
            elif carried:
                programme.rows.append(({}, carried, carried))  # no solution

    def carry_after(self) -> dict[Key, int] | None:
        """What the next month starts from (None: this month was withheld)."""
        if self.tables["pending"].withheld:
            return None
        return dict(self.tables["pending"].delta)


class ReferralsGroup(Group):
    """Referrals by partner and by result: a referral reaches its state no earlier than it is
    sent, so up to every month, in every cell of the total row and the offices' lines, the
    results never exceed the referrals sent — in the shadow too. `credit`: the real surplus of
    sent over results up to this month, plus the shadow's differences of the months before;
    None after a month withheld (sums up to a month then say nothing)."""

    def __init__(self, tables: dict[str, Table], credit: dict[Key, int] | None):
        super().__init__(tables)
        self.credit = credit

    def link(self, programme: _Programme) -> None:
        if self.credit is None:
            return
        partner, result = self.tables["partner"], self.tables["result"]
        keys = [k for k in partner.keys() if k[0] == OFFICE or k[1] is TOTAL_ROW]
        for key in keys:
            coefficients: dict[int, float] = defaultdict(float)
            i = programme.var("partner", partner, key)
            j = programme.var("result", result, key)
            if i is not None:
                coefficients[i] += 1
            if j is not None:
                coefficients[j] -= 1
            surplus = self.credit.get(key, 0) + partner.value(key) - result.value(key)
            if coefficients:
                programme.add_row(dict(coefficients), -surplus, np.inf)

    def credit_after(self) -> dict[Key, int] | None:
        if self.credit is None or any(t.withheld for t in self.tables.values()):
            return None
        partner, result = self.tables["partner"], self.tables["result"]
        out = dict(self.credit)
        for key in partner.keys():
            if key[0] == OFFICE or key[1] is TOTAL_ROW:
                change = (
                    partner.value(key)
                    + partner.delta.get(key, 0)
                    - result.value(key)
                    - result.delta.get(key, 0)
                )
                if change:
                    out[key] = out.get(key, 0) + change
        return out
