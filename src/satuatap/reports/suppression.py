"""Small-cell suppression of case-related tables that leave the office.

The rule (docs/reports.md explains it for readers of the reports):

1. *Small*: a cell made of 1 to 4 records (people, cases, referrals; for money recovered, the
   cases the money comes from) is hidden, shown "<5". Zero stays visible.
2. *Complementary*: a table holds equations — each row's total is the sum of its sex cells and
   the sum of its age-band cells, and each column's total (the table's total row) is the sum of
   the rows. If exactly one member of an equation is hidden, it could be recovered by
   subtraction: the smallest non-zero visible member of that equation is hidden as well
   (shown "×"). Repeated until no equation has exactly one hidden member.
3. Two audits then look for what the simple rule misses, and hide one more cell each time
   until nothing is found:
   - *linear*: a hidden cell that some combination of the equations determines exactly (its
     unit vector lies in the row space of the equations restricted to the hidden cells);
   - *bounds*: in one equation with a visible total, the hidden members' sum is known, and each
     is known to lie in a range (a small count in 1–4, a complementary count at least 5, any
     hidden value at least 1): a hidden cell whose range collapses to one value (7 = 5 + ? + ?
     with both "<5" means both are 1) is recoverable.

Only `reason` per hidden cell comes out of here; the numbers never leave `selectors.py`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

CellId = Hashable
Equation = tuple[CellId, tuple[CellId, ...]]  # (total, parts): total = Σ parts

SMALL = "small"
COMPLEMENTARY = "complementary"
SMALL_MAX = 4
INFINITE = float("inf")


def is_small(weight: int) -> bool:
    return 1 <= weight <= SMALL_MAX


def table_equations(
    row_keys: Sequence[Hashable],
    total_key: Hashable,
    sexes: Sequence[str] = (),
    age_bands: Sequence[str] = (),
) -> list[Equation]:
    """The equations of a table whose cells are `(row, column)`: columns "total",
    ("sex", s) and ("age", a); rows `row_keys` and the total row `total_key`."""
    equations: list[Equation] = []
    sex_columns = [("sex", s) for s in sexes]
    age_columns = [("age", a) for a in age_bands]
    for row in [*row_keys, total_key]:
        if sex_columns:
            equations.append(((row, "total"), tuple((row, c) for c in sex_columns)))
        if age_columns:
            equations.append(((row, "total"), tuple((row, c) for c in age_columns)))
    if row_keys:
        for column in ["total", *sex_columns, *age_columns]:
            equations.append(((total_key, column), tuple((row, column) for row in row_keys)))
    return equations


class Suppressor:
    def __init__(
        self,
        values: dict[CellId, int],
        weights: dict[CellId, int] | None = None,
        equations: Iterable[Equation] = (),
        *,
        counts: bool = True,
    ):
        self.values = values
        self.weights = weights if weights is not None else values
        self.equations = [(t, tuple(p)) for t, p in equations if p]
        # Counts: the value is the number of records, so a small cell lies in 1–4 and a cell
        # hidden as complementary was visible, hence at least 5. Sums (rupiah): only ≥ 1.
        self.counts = counts
        self.hidden: dict[CellId, str] = {}
        self._order = {cell: i for i, cell in enumerate(values)}

    # --- helpers ----------------------------------------------------------------------------

    def _members(self, equation: Equation) -> tuple[CellId, ...]:
        total, parts = equation
        return (*parts, total)

    def _hide_smallest(self, members: Iterable[CellId]) -> bool:
        candidates = [m for m in members if m not in self.hidden and self.values.get(m, 0) != 0]
        if not candidates:
            return False
        choice = min(candidates, key=lambda m: (self.values.get(m, 0), self._order.get(m, 0)))
        self.hidden[choice] = COMPLEMENTARY
        return True

    def _bounds(self, cell: CellId) -> tuple[float, float]:
        if not self.counts:
            return 1, INFINITE
        if self.hidden.get(cell) == SMALL:
            return 1, SMALL_MAX
        return SMALL_MAX + 1, INFINITE

    # --- the rule ---------------------------------------------------------------------------

    def run(self) -> dict[CellId, str]:
        for cell, weight in self.weights.items():
            if is_small(weight):
                self.hidden[cell] = SMALL
        if not self.hidden:
            return self.hidden
        while True:
            self._complementary()
            if self._fix_linear() or self._fix_bounds():
                continue
            return self.hidden

    def _complementary(self) -> None:
        changed = True
        while changed:
            changed = False
            for equation in self.equations:
                members = self._members(equation)
                if sum(1 for m in members if m in self.hidden) == 1 and self._hide_smallest(
                    members
                ):
                    changed = True

    def _fix_linear(self) -> bool:
        unknowns = list(self.hidden)
        index = {c: i for i, c in enumerate(unknowns)}
        matrix = []
        for equation in self.equations:
            total, parts = equation
            row: dict[int, int] = {}
            if total in index:
                row[index[total]] = 1
            for part in parts:
                if part in index:
                    row[index[part]] = row.get(index[part], 0) - 1
            if row:
                matrix.append(row)
        determined = [unknowns[cell] for cell in sorted(determined_unknowns(matrix))]
        for target in determined:
            for equation in self.equations:
                members = self._members(equation)
                if target in members and self._hide_smallest(members):
                    return True
        if determined:
            # Every equation of the cell is hidden or zero, yet a combination of others gives
            # it: hide the smallest visible cell of any equation that holds a hidden one.
            involved = [
                m
                for equation in self.equations
                if any(m in self.hidden for m in self._members(equation))
                for m in self._members(equation)
            ]
            return self._hide_smallest(involved)
        return False

    def _fix_bounds(self) -> bool:
        for equation in self.equations:
            total, parts = equation
            if total in self.hidden:
                continue
            hidden_parts = [p for p in parts if p in self.hidden]
            if not hidden_parts:
                continue
            known = self.values.get(total, 0) - sum(
                self.values.get(p, 0) for p in parts if p not in self.hidden
            )
            bounds = [self._bounds(p) for p in hidden_parts]
            low_sum = sum(b[0] for b in bounds)
            high_sum = sum(b[1] for b in bounds)
            for low, high in bounds:
                least = max(low, known - (high_sum - high))
                most = min(high, known - (low_sum - low))
                if least == most:
                    if self._hide_smallest(self._members(equation)):
                        return True
                    break
        return False


# Two primes near 2^61: the elimination runs in integers modulo each (no fractions to grow), and a
# column counts as determined when it is under either, so a prime that happens to divide some
# minor can only make the audit hide more, never less.
PRIMES = (2**61 - 1, 2**62 - 57)


def determined_unknowns(matrix: Iterable[Mapping[int, int]]) -> set[int]:
    """The unknowns a linear system fixes whatever its right-hand side: column j such that the
    unit vector e_j lies in the row space of `matrix` (sparse rows: column → coefficient)."""
    rows = list(matrix)
    found: set[int] = set()
    for prime in PRIMES:
        found |= _determined_modulo(rows, prime)
    return found


def _determined_modulo(rows: list[Mapping[int, int]], prime: int) -> set[int]:
    """Gauss–Jordan elimination modulo `prime` on sparse rows, kept fully reduced: every pivot
    row is zero in every other pivot column, so e_j is in the row space exactly when the pivot
    row of column j holds nothing else."""
    pivots: dict[int, dict[int, int]] = {}
    for source in rows:
        row = {c: v % prime for c, v in source.items() if v % prime}
        for column in [c for c in row if c in pivots]:
            factor = row[column]
            for c, v in pivots[column].items():
                x = (row.get(c, 0) - factor * v) % prime
                if x:
                    row[c] = x
                else:
                    row.pop(c, None)
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], -1, prime)
        row = {c: v * inverse % prime for c, v in row.items()}
        for other in pivots.values():
            other_factor = other.get(column)
            if not other_factor:
                continue
            for c, v in row.items():
                x = (other.get(c, 0) - other_factor * v) % prime
                if x:
                    other[c] = x
                else:
                    other.pop(c, None)
        pivots[column] = row
    return {column for column, row in pivots.items() if len(row) == 1}


def suppress(
    values: dict[CellId, int],
    weights: dict[CellId, int] | None = None,
    equations: Iterable[Equation] = (),
    *,
    counts: bool = True,
) -> dict[CellId, str]:
    """Which cells to hide, and why ("small" or "complementary")."""
    return Suppressor(values, weights, equations, counts=counts).run()
