"""Properties of the IKM computation for any set of answers (tests/frontdesk/test_ikm.py has the
hand-worked examples and the boundaries).

The reference below is written from PermenPANRB 14/2017 and not from `ikm.py`: per element,
the mean of the answers given; IKM = the elements' means weighted 1/9 each; index = IKM × 25,
rounded to two decimals half up (with `decimal`, at a precision where no double rounding can
happen), graded A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from satuatap.frontdesk.ikm import compute_ikm, grade_for

answer = st.integers(1, 4)
survey = st.lists(st.none() | answer, min_size=9, max_size=9)
complete_survey = st.lists(answer, min_size=9, max_size=9)
# At least one complete survey, so every element has an answer and there is an index.
surveys = st.tuples(complete_survey, st.lists(survey, max_size=40)).map(
    lambda drawn: [drawn[0], *drawn[1]]
)


def reference_index(rows: list[list[int | None]]) -> Decimal:
    context = decimal.Context(prec=60)
    means = []
    for element in range(9):
        given_answers = [row[element] for row in rows if row[element] is not None]
        means.append(context.divide(Decimal(sum(given_answers)), Decimal(len(given_answers))))
    ikm = context.divide(sum(means, Decimal(0)), Decimal(9))
    return context.multiply(ikm, Decimal(25)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def reference_grade(index: Decimal) -> str:
    if Decimal("88.31") <= index <= Decimal("100.00"):
        return "A"
    if Decimal("76.61") <= index <= Decimal("88.30"):
        return "B"
    if Decimal("65.00") <= index <= Decimal("76.60"):
        return "C"
    assert Decimal("25.00") <= index <= Decimal("64.99")
    return "D"


@given(rows=surveys)
def test_index_matches_the_regulations_formula_and_grade(rows):
    result = compute_ikm(rows)

    assert result.respondents == len(rows)
    assert result.index == reference_index(rows)
    assert result.grade_letter == reference_grade(result.index)


@given(rows=surveys)
def test_index_and_every_element_lie_on_the_25_to_100_scale(rows):
    result = compute_ikm(rows)

    assert Decimal("25.00") <= result.index <= Decimal("100.00")
    assert 1 <= result.ikm <= 4
    for element in result.elements:
        assert 1 <= element.mean <= 4
        assert Decimal("25.00") <= element.converted <= Decimal("100.00")
        assert element.respondents == sum(
            row[int(element.code[1:]) - 1] is not None for row in rows
        )


@given(data=st.data(), rows=surveys)
def test_the_order_of_the_surveys_does_not_matter(data, rows):
    shuffled = data.draw(st.permutations(rows))
    assert compute_ikm(shuffled) == compute_ikm(rows)


@given(rows=surveys, copies=st.integers(2, 5))
def test_the_same_answers_given_by_more_people_give_the_same_index(rows, copies):
    assert compute_ikm(rows * copies).index == compute_ikm(rows).index


@given(rows=surveys, better=st.integers(0, 8))
def test_a_better_answer_never_lowers_the_index(rows, better):
    improved = [list(row) for row in rows]
    first = improved[0]
    first[better] = min(4, first[better] + 1)
    assert compute_ikm(improved).index >= compute_ikm(rows).index


@given(rows=st.lists(survey, max_size=20), blank=st.integers(0, 8))
def test_an_element_nobody_answered_leaves_no_index_and_is_named(rows, blank):
    rows = [[None if i == blank else a for i, a in enumerate(row)] for row in rows]
    result = compute_ikm(rows)

    assert result.index is None and result.grade is None and result.reason
    assert f"u{blank + 1}" in result.unanswered


@given(hundredths=st.integers(2500, 10000))
def test_grade_letters_change_exactly_at_the_published_boundaries(hundredths):
    index = Decimal(hundredths).scaleb(-2)
    assert grade_for(index).letter == reference_grade(index)
