"""The IKM arithmetic the front desk and the reports share (`core.ikm`): from the answers
(`frontdesk.ikm.compute_ikm`) and from the roll-ups' per-element sums (`index_from_sums`), one
index, the regulation's (tests/frontdesk/test_ikm_properties.py has the reference)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given

from satuatap.core.ikm import index_from_sums, to_index_scale
from satuatap.frontdesk.ikm import compute_ikm
from tests.frontdesk.test_ikm_properties import reference_index, surveys


def element_sums(rows: list[list[int | None]]) -> list[tuple[int, int]]:
    """What a roll-up keeps per element: (Σ answers, number of answers)."""
    return [
        (
            sum(row[element] for row in rows if row[element] is not None),
            sum(1 for row in rows if row[element] is not None),
        )
        for element in range(9)
    ]


@given(surveys)
def test_the_index_from_the_sums_is_the_index_from_the_answers(rows):
    index = index_from_sums(element_sums(rows))

    assert index == compute_ikm(rows).index == reference_index(rows)


def test_no_index_from_the_sums_while_an_element_has_no_answer():
    sums = [(35, 10)] * 8 + [(0, 0)]

    assert index_from_sums(sums) is None
    assert index_from_sums(sums[:8]) is None
    assert index_from_sums([(35, 10)] * 9) == Decimal("87.50")


def test_a_mean_goes_to_the_25_to_100_scale_rounded_half_up():
    assert to_index_scale(Fraction(32, 9)) == Decimal("88.89")
    assert to_index_scale(Fraction(7, 2)) == Decimal("87.50")
    assert to_index_scale(Fraction(2599, 1000)) == Decimal("64.98")  # 64.975 → 64.98
