"""The arithmetic of the IKM satisfaction index (Indeks Kepuasan Masyarakat, PermenPANRB
14/2017), in one place for the front desk's survey results (`frontdesk.ikm`) and the reports'
roll-ups (`reports.selectors`).

Nine elements (unsur), each answered 1–4. Per element the mean of the answers given; IKM =
Σ mean_i × 1/9, on the 1–4 scale; index = IKM × 25, on the 25–100 scale. All arithmetic is
exact (`Fraction`): weighting each element by 0.111 instead of 1/9 shifts the index by 0.1 %
and changes a grade at the boundaries. Only a value converted to the 25–100 scale is rounded,
to 2 decimals half up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

ELEMENT_COUNT = 9
SCALE = 25  # IKM (1–4) × 25 = index (25–100)
ANSWERS = (1, 2, 3, 4)


def round_half_up(value: Fraction) -> Decimal:
    """`value` to 2 decimals, half up, without going through a float or an inexact Decimal.

    Gives what `Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)` would give if the
    exact value could be written as a Decimal (1/9 cannot: converting it first and then
    rounding could round twice). Values here are positive."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def to_index_scale(value: Fraction) -> Decimal:
    """A value on the 1–4 scale (the IKM, or one element's mean) on the 25–100 scale, rounded
    to 2 decimals half up."""
    return round_half_up(value * SCALE)


def ikm_of_means(means: Sequence[Fraction]) -> Fraction:
    """Σ mean_i × 1/9 over the nine element means, exact, on the 1–4 scale."""
    return sum((mean * Fraction(1, ELEMENT_COUNT) for mean in means), Fraction(0))


def index_from_sums(sums: Iterable[tuple[int, int]]) -> Decimal | None:
    """The index from each element's (Σ answers, number of answers); None unless all nine
    elements have an answer (an element left out would reweight the others)."""
    means = [Fraction(total, count) for total, count in sums if count]
    if len(means) < ELEMENT_COUNT:
        return None
    return to_index_scale(ikm_of_means(means))
