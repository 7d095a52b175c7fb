"""The attacker of the monthly releases: someone outside the office who downloads every
case-related table they may read — every month, every office, the national table, sums of
months and of offices, one sex at a time — and solves a linear programme for each hidden cell.

What they know (`constraints`): the shown numbers; that "<5" holds 1–4, "×" at least 1, a
withheld cell at least 0; every line's total = Σ sex = Σ age band; the national total row =
Σ offices (and = Σ rows when rows do not overlap; a row ≤ the total row when they do);
pending(m) = pending(m − 1) + received(m) − resolved(m) in every cell; referrals' results up to a
month ≤ referrals sent up to it (total row and offices' lines); a shown sum of months or offices
= the sum of its parts (hidden: within its symbol's range).

`narrowed` minimises and maximises every hidden cell with HiGHS (scipy.optimize.linprog) and
returns those whose interval is narrower than one value.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

from satuatap.reports import selectors
from satuatap.reports.indicators import AGE_BANDS, INDICATORS, SEXES, get_indicator

COLUMNS = ["total", *[("sex", s) for s in SEXES], *[("age", a) for a in AGE_BANDS]]
CASE_RELATED = [i.code for i in INDICATORS if i.case_related]
TRIO = ("complaints_received", "complaints_resolved", "complaints_pending")


def _cells(row):
    yield "total", row.total
    for sex, cell in row.by_sex.items():
        yield ("sex", sex), cell
    for band, cell in row.by_age_band.items():
        yield ("age", band), cell


class Seen:
    """Everything one viewer outside the office reads: cell key → (value, reason)."""

    def __init__(self) -> None:
        self.cells: dict[tuple, tuple[int | None, str]] = {}
        self.rows: dict[tuple, list[str]] = {}
        self.offices: list[int] = []
        self.sums: list[tuple[list[tuple], int | None, str]] = []  # (parts, value, reason)

    def read(self, viewer, months, office_ids) -> None:
        self.offices = list(office_ids)
        for month_first, month_last in months:
            for code in CASE_RELATED:
                national = selectors.indicator_result(
                    code=code, viewer=viewer, date_from=month_first, date_to=month_last
                )
                rows = [r.dimension for r in national.rows]
                self.rows[(code, month_first)] = rows
                for row in [*national.rows, national.total]:
                    line = row.dimension or None
                    for column, cell in _cells(row):
                        self._put((code, month_first, "national", line, column), cell)
                for office in office_ids:
                    one = selectors.indicator_result(
                        code=code,
                        viewer=viewer,
                        date_from=month_first,
                        date_to=month_last,
                        office_ids=[office],
                    )
                    for column, cell in _cells(one.total):
                        self._put((code, month_first, "office", office, column), cell)
                # One sex at a time, and the office comparison: the same cells.
                women = selectors.indicator_result(
                    code=code, viewer=viewer, date_from=month_first, date_to=month_last, sex="F"
                )
                assert women.total.total.display() == national.total.by_sex["F"].display()
        # Sums: the whole span, every office together, and pairs of offices.
        first, last = months[0][0], months[-1][1]
        month_keys = [m for m, _ in months]
        for code in CASE_RELATED:
            if get_indicator(code).aggregate == "stock":
                continue
            whole = selectors.indicator_result(
                code=code, viewer=viewer, date_from=first, date_to=last
            )
            for row in [*whole.rows, whole.total]:
                line = row.dimension or None
                for column, cell in _cells(row):
                    parts = [(code, m, "national", line, column) for m in month_keys]
                    self.sums.append((parts, cell.value, cell.reason if cell.suppressed else ""))
            pairs = [office_ids[i : i + 2] for i in range(0, len(office_ids) - 1, 2)]
            for pair in pairs:
                for month_first, month_last in months[:2]:
                    two = selectors.indicator_result(
                        code=code,
                        viewer=viewer,
                        date_from=month_first,
                        date_to=month_last,
                        office_ids=pair,
                    )
                    for column, cell in _cells(two.total):
                        parts = [(code, month_first, "office", o, column) for o in pair]
                        reason = cell.reason if cell.suppressed else ""
                        self.sums.append((parts, cell.value, reason))

    def _put(self, key, cell) -> None:
        assert cell.reason != "unreleased", key
        self.cells[key] = (cell.value, cell.reason if cell.suppressed else "")

    # --- the programme -----------------------------------------------------------------------

    def constraints(self):
        """(coefficients, low, high) over cell keys."""
        out = []
        months_of = defaultdict(list)
        for code, month in self.rows:
            months_of[code].append(month)
        for (code, month), rows in self.rows.items():
            overlap = get_indicator(code).rows_overlap or not get_indicator(code).dimension
            lines = [("national", r) for r in rows] + [("national", None)]
            lines += [("office", o) for o in self.offices]
            for kind, line in lines:
                total = (code, month, kind, line, "total")
                for prefix in ("sex", "age"):
                    parts = [(code, month, kind, line, c) for c in COLUMNS if c[0] == prefix]
                    out.append(({total: 1, **dict.fromkeys(parts, -1)}, 0, 0))
            for column in COLUMNS:
                national = (code, month, "national", None, column)
                offices = [(code, month, "office", o, column) for o in self.offices]
                out.append(({national: 1, **dict.fromkeys(offices, -1)}, 0, 0))
                rows_keys = [(code, month, "national", r, column) for r in rows]
                if overlap:
                    for key in rows_keys:
                        out.append(({key: 1, national: -1}, -np.inf, 0))
                elif rows_keys:
                    out.append(({national: 1, **dict.fromkeys(rows_keys, -1)}, 0, 0))
        # pending(m) = pending(m − 1) + received(m) − resolved(m)
        months = sorted(months_of["complaints_pending"])
        for previous, month in zip([None, *months], months, strict=False):
            lines = {("national", None)} | {("office", o) for o in self.offices}
            for code in TRIO:
                lines |= {("national", r) for r in self.rows.get((code, month), [])}
                if previous is not None:
                    lines |= {("national", r) for r in self.rows.get((code, previous), [])}
            for kind, line in lines:
                for column in COLUMNS:
                    coefficients = defaultdict(int)
                    coefficients[("complaints_pending", month, kind, line, column)] += 1
                    coefficients[("complaints_received", month, kind, line, column)] -= 1
                    coefficients[("complaints_resolved", month, kind, line, column)] += 1
                    if previous is not None:
                        coefficients[("complaints_pending", previous, kind, line, column)] -= 1
                    out.append((dict(coefficients), 0, 0))
        # results up to a month ≤ referrals sent up to it
        months = sorted(months_of["referrals_by_result"])
        for i in range(len(months)):
            for line in [("national", None), *(("office", o) for o in self.offices)]:
                for column in COLUMNS:
                    coefficients = defaultdict(int)
                    for month in months[: i + 1]:
                        coefficients[("referrals_by_result", month, *line, column)] += 1
                        coefficients[("referrals_by_partner", month, *line, column)] -= 1
                    out.append((dict(coefficients), -np.inf, 0))
        for parts, value, reason in self.sums:
            coefficients = dict.fromkeys(parts, 1)
            if not reason:
                out.append((coefficients, value, value))
            elif reason == "small":
                money = get_indicator(parts[0][0]).unit == "rupiah"
                out.append((coefficients, 1, np.inf if money else 4))
            elif reason == "complementary":
                out.append((coefficients, 1, np.inf))
        return out


def _box(key: tuple, reason: str) -> tuple[float, float]:
    """What a hidden cell's symbol says about its value: "<5" is 1–4 of a count, but of money
    it says 1–4 cases, hence at least one rupiah."""
    if reason == "small" and get_indicator(key[0]).unit == "rupiah":
        return (1, None)
    return {"small": (1, 4), "complementary": (1, None), "withheld": (0, None)}[reason]


def narrowed(seen: Seen, *, truth: dict | None = None, seed: int = 1) -> list:
    """Hidden cells whose feasible interval is narrower than one value: (key, low, high)."""
    hidden = [key for key, (_value, reason) in seen.cells.items() if reason]
    index = {key: i for i, key in enumerate(hidden)}
    rows = []
    parent = list(range(len(hidden)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for coefficients, low, high in seen.constraints():
        variables: dict[int, float] = {}
        constant = 0.0
        for key, a in coefficients.items():
            if not a:
                continue
            if key in index:
                variables[index[key]] = variables.get(index[key], 0) + a
            else:
                value, _reason = seen.cells.get(key, (0, ""))
                constant += a * (value or 0)
        variables = {i: a for i, a in variables.items() if a}
        if not variables:
            assert low - 1e-9 <= constant <= high + 1e-9, (coefficients, constant)
            continue
        rows.append((variables, low - constant, high - constant))
        first, *others = list(variables)
        for other in others:
            a, b = find(first), find(other)
            if a != b:
                parent[b] = a
    components = defaultdict(list)
    for i in range(len(hidden)):
        components[find(i)].append(i)
    rows_of = defaultdict(list)
    for row in rows:
        rows_of[find(next(iter(row[0])))].append(row)
    rng = random.Random(seed)
    found = []
    for root, members in components.items():
        local = {g: j for j, g in enumerate(members)}
        n = len(members)
        r, k, v, lo, hi = [], [], [], [], []
        for variables, low, high in rows_of.get(root, []):
            for g, a in variables.items():
                r.append(len(lo))
                k.append(local[g])
                v.append(a)
            lo.append(low)
            hi.append(high)
        # linprog takes A_ub x ≤ b_ub and A_eq x = b_eq: split the two-sided rows.
        eq_rows = [i for i in range(len(lo)) if lo[i] == hi[i]]
        ub_rows = [i for i in range(len(lo)) if lo[i] != hi[i]]
        matrix = coo_array((v, (r, k)), shape=(len(lo), n)).tocsr()
        a_eq = matrix[eq_rows] if eq_rows else None
        b_eq = [lo[i] for i in eq_rows] if eq_rows else None
        upper = [(i, 1) for i in ub_rows if hi[i] != np.inf]
        upper += [(i, -1) for i in ub_rows if lo[i] != -np.inf]
        a_ub = None
        b_ub = None
        if upper:
            from scipy.sparse import vstack

            a_ub = vstack([matrix[[i]] * sign for i, sign in upper]).tocsr()
            b_ub = [hi[i] if sign == 1 else -lo[i] for i, sign in upper]
        bounds = [_box(hidden[g], seen.cells[hidden[g]][1]) for g in members]

        def solve(c, a_ub=a_ub, b_ub=b_ub, a_eq=a_eq, b_eq=b_eq, bounds=bounds):
            result = linprog(
                c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
            )
            assert result.status in (0, 3), result.message  # 3: unbounded
            return result

        # Points of the feasible set: any two that differ by ≥ 1 in a cell widen it.
        low_seen = np.full(n, np.inf)
        high_seen = np.full(n, -np.inf)
        for _ in range(4):
            c = np.array([rng.choice((-1.0, 1.0)) for _ in range(n)])
            result = solve(c)
            if result.status == 0:
                low_seen = np.minimum(low_seen, result.x)
                high_seen = np.maximum(high_seen, result.x)
        for j in range(n):
            if high_seen[j] - low_seen[j] >= 1 - 1e-7:
                continue
            c = np.zeros(n)
            c[j] = 1
            low = solve(c)
            c[j] = -1
            high = solve(c)
            if high.status == 3:
                continue
            # Pinned at 0: only a withheld cell can be, and only when it is 0 (the real table is
            # always feasible), which gives nothing away.
            if -high.fun - low.fun < 1 - 1e-7 and -high.fun > 1e-7:
                found.append((hidden[members[j]], low.fun, -high.fun))
    return found
