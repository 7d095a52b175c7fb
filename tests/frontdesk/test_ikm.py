"""The IKM computation (PermenPANRB 14/2017) and the office's IKM selector."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from satuatap.core.models import DeskType
from satuatap.frontdesk.ikm import (
    ELEMENT_CODES,
    compute_ikm,
    grade_for,
    office_ikm,
    office_ikm_by_desk,
    round_half_up,
)
from satuatap.frontdesk.models import Service, Survey
from satuatap.frontdesk.services import check_in
from tests.factories import DeskFactory


def respondents_with_total(count: int, total: int) -> list[list[int]]:
    """`count` respondents answering all nine elements, whose answers add up to `total`.

    Every element mean is then total_i/count and Σ means = total/count, so the
    index = 25 × (total/count) / 9 = 25·total / (9·count), exactly."""
    assert 9 * count <= total <= 36 * count
    rows = [[1] * 9 for _ in range(count)]
    extra = total - 9 * count
    for row in rows:
        for i in range(9):
            step = min(3, extra)
            row[i] += step
            extra -= step
    assert sum(map(sum, rows)) == total
    return rows


# The computation ---------------------------------------------------------------------------

# Four respondents; R2 left U8 blank and R4 left U4 blank.
HAND_WORKED = [
    # u1 u2 u3  u4   u5 u6 u7  u8  u9
    [4, 4, 3, 3, 4, 3, 4, 3, 3],
    [3, 3, 3, 2, 3, 4, 4, None, 3],
    [4, 3, 2, 3, 3, 3, 4, 3, 4],
    [3, 4, 3, None, 3, 3, 4, 2, 3],
]


def test_index_of_a_hand_worked_example():
    # Means: u1 14/4 = 3.5, u2 14/4 = 3.5, u3 11/4 = 2.75, u4 8/3 (3 answers), u5 13/4 = 3.25,
    # u6 13/4 = 3.25, u7 16/4 = 4, u8 8/3 (3 answers), u9 13/4 = 3.25.
    # Σ means = 23.5 + 16/3 = 173/6; IKM = 173/6 × 1/9 = 173/54 = 3.2037…;
    # index = 173/54 × 25 = 4325/54 = 80.0925… → 80.09 → B (76.61–88.30).
    result = compute_ikm(HAND_WORKED)

    assert result.respondents == 4
    assert [e.mean for e in result.elements] == [
        Fraction(7, 2),
        Fraction(7, 2),
        Fraction(11, 4),
        Fraction(8, 3),
        Fraction(13, 4),
        Fraction(13, 4),
        Fraction(4),
        Fraction(8, 3),
        Fraction(13, 4),
    ]
    assert result.ikm == Fraction(173, 54)
    assert result.index == Decimal("80.09")
    assert result.grade_letter == "B"
    with translation.override("en"):
        assert str(result.grade_label) == "Good"
    with translation.override("id"):
        assert str(result.grade_label) == "Baik"


def test_element_converted_value_is_mean_times_25_rounded_half_up():
    result = compute_ikm(HAND_WORKED)

    converted = {e.code: e.converted for e in result.elements}
    # u3 2.75 × 25 = 68.75; u4 8/3 × 25 = 66.666… → 66.67; u7 4 × 25 = 100.
    assert converted["u3"] == Decimal("68.75")
    assert converted["u4"] == Decimal("66.67")
    assert converted["u7"] == Decimal("100.00")
    assert result.elements[3].mean_rounded == Decimal("2.67")


def test_blank_answers_are_left_out_of_the_element_mean():
    result = compute_ikm(HAND_WORKED)

    u4 = result.elements[3]
    assert u4.respondents == 3
    assert u4.mean == Fraction(3 + 2 + 3, 3)
    # Counting the blanks as zeros over 4 respondents would give u4 = u8 = 2, Σ = 27.5 and an
    # index of 76.39 (C): a different grade.
    wrong = (Fraction(173, 6) - 2 * Fraction(8, 3) + 2 * 2) / 9 * 25
    assert grade_for(round_half_up(wrong)).letter == "C"


@pytest.mark.parametrize(
    ("count", "total", "index", "grade"),
    [
        # 25 × 889 / (9 × 38) = 22225/342 = 64.985… → 64.99: the highest D.
        (38, 889, "64.99", "D"),
        # 25 × 117 / (9 × 5) = 65 exactly: the lowest C.
        (5, 117, "65.00", "C"),
        # 25 × 717 / (9 × 26) = 17925/234 = 76.602… → 76.60: the highest C.
        (26, 717, "76.60", "C"),
        # 25 × 524 / (9 × 19) = 13100/171 = 76.608… → 76.61: the lowest B.
        (19, 524, "76.61", "B"),
        # 25 × 604 / (9 × 19) = 15100/171 = 88.304… → 88.30: the highest B.
        (19, 604, "88.30", "B"),
        # 25 × 763 / (9 × 24) = 19075/216 = 88.310… → 88.31: the lowest A.
        (24, 763, "88.31", "A"),
    ],
)
def test_grade_boundaries(count, total, index, grade):
    result = compute_ikm(respondents_with_total(count, total))

    assert result.respondents == count
    assert result.ikm * 25 == Fraction(25 * total, 9 * count)
    assert result.index == Decimal(index)
    assert result.grade_letter == grade


def test_weight_0_111_instead_of_one_ninth_changes_a_grade_at_a_boundary():
    result = compute_ikm(respondents_with_total(24, 763))  # 88.31, A
    sum_of_means = sum(e.mean for e in result.elements)

    # 0.111 × 25 × 763/24 = 88.2217… → 88.22: B instead of A.
    with_0_111 = round_half_up(sum_of_means * Fraction("0.111") * 25)

    assert result.grade_letter == "A"
    assert with_0_111 == Decimal("88.22")
    assert grade_for(with_0_111).letter == "B"


def test_an_exact_half_is_rounded_up_into_the_higher_grade():
    # Eight respondents answer u1..u8 (their answers add up to 237); 625 answer u9 (adding up
    # to 1353; they leave u1..u8 blank). Σ means = 237/8 + 1353/625 = 29.625 + 2.1648 =
    # 31.7898; index = 25 × 31.7898 / 9 = 88.305 exactly → half up 88.31 (A); rounding half
    # to even, or a float just below, would give 88.30 (B).
    eight = respondents_with_total_u1_u8(8, 237)
    u9_answers = [2] * 625
    for i in range(1353 - 2 * 625):
        u9_answers[i] += 1
    rows = eight + [[None] * 8 + [answer] for answer in u9_answers]

    result = compute_ikm(rows)

    exact = Fraction(25, 9) * (Fraction(237, 8) + Fraction(1353, 625))
    assert exact == Fraction(88305, 1000)
    assert Decimal("88.305").quantize(Decimal("0.01"), ROUND_HALF_EVEN) == Decimal("88.30")
    assert result.ikm * 25 == exact
    assert result.index == Decimal("88.31")
    assert result.grade_letter == "A"


def respondents_with_total_u1_u8(count: int, total: int) -> list[list[int | None]]:
    """`count` respondents answering u1..u8 (u9 blank), answers adding up to `total`."""
    rows: list[list[int | None]] = [[1] * 8 + [None] for _ in range(count)]
    extra = total - 8 * count
    for row in rows:
        for i in range(8):
            step = min(3, extra)
            row[i] += step
            extra -= step
    assert extra == 0
    return rows


def test_round_half_up_matches_decimal_quantize_for_values_a_decimal_can_hold():
    for thousandths in range(25000, 100001, 7):
        value = Fraction(thousandths, 1000)
        expected = Decimal(thousandths).scaleb(-3).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert round_half_up(value) == expected


def test_no_surveys_give_no_index_and_say_why():
    result = compute_ikm([])

    assert result.respondents == 0
    assert result.index is None
    assert result.grade is None
    assert result.reason
    assert all(e.mean is None and e.respondents == 0 for e in result.elements)


def test_an_element_nobody_answered_leaves_the_index_empty_and_names_the_element():
    rows = [[4, 4, 4, None, 4, 4, 4, 4, 4], [3, 3, 3, None, 3, 3, 3, 3, 3]]

    result = compute_ikm(rows)

    assert result.respondents == 2
    assert result.index is None
    assert result.unanswered == ("u4",)
    assert "U4" in result.reason
    assert result.elements[0].converted == Decimal("87.50")


def test_all_answers_4_give_100_and_all_answers_1_give_25():
    assert compute_ikm([[4] * 9]).index == Decimal("100.00")
    assert compute_ikm([[4] * 9]).grade_letter == "A"
    assert compute_ikm([[1] * 9]).index == Decimal("25.00")
    assert compute_ikm([[1] * 9]).grade_letter == "D"


@pytest.mark.parametrize("bad", [0, 5, "3", 3.0, True])
def test_computation_refuses_answers_outside_1_to_4(bad):
    with pytest.raises(ValueError):
        compute_ikm([[bad] + [3] * 8])


def test_computation_refuses_a_row_without_nine_answers():
    with pytest.raises(ValueError):
        compute_ikm([[3] * 8])


def test_grade_is_read_from_the_rounded_value():
    assert grade_for(Decimal("64.99")).letter == "D"
    assert grade_for(Decimal("65.00")).letter == "C"
    assert grade_for(Decimal("76.60")).letter == "C"
    assert grade_for(Decimal("76.61")).letter == "B"
    assert grade_for(Decimal("88.30")).letter == "B"
    assert grade_for(Decimal("88.31")).letter == "A"
    assert round_half_up(Fraction(6498499, 100000)) == Decimal("64.98")


# The selector ------------------------------------------------------------------------------


@pytest.fixture
def anonymous_services(office):
    """An anonymous service at two desks, so tests can check visitors in without a record."""
    made = {}
    for code in ("ketenagakerjaan", "pengaduan-informasi"):
        desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code=code))
        made[code] = Service.objects.create(
            office=office,
            desk=desk,
            name_id=f"Informasi {code}",
            target_minutes=10,
            allows_anonymous=True,
        )
    return made


def answered(by, services, answers, *, day=None):
    visit = check_in(by=by, services=services, sex="F", age_band="25-39")
    if day is not None:
        type(visit).objects.filter(pk=visit.pk).update(day=day)
    Survey.objects.create(
        visit=visit, channel=Survey.Channel.QR, **dict(zip(ELEMENT_CODES, answers, strict=True))
    )
    return visit


def test_office_ikm_counts_the_surveys_of_visits_in_the_period(
    office, frontdesk, anonymous_services
):
    info = anonymous_services["pengaduan-informasi"]
    day = office.today()
    answered(frontdesk, [info], [4] * 9, day=day)
    answered(frontdesk, [info], [2] * 9, day=day)
    answered(frontdesk, [info], [1] * 9, day=day - datetime.timedelta(days=40))

    result = office_ikm(office, date_from=day - datetime.timedelta(days=1), date_to=day)

    assert result.respondents == 2
    assert result.index == Decimal("75.00")
    assert result.grade_letter == "C"


def test_office_ikm_per_desk_counts_visits_that_had_a_ticket_there(
    office, frontdesk, anonymous_services
):
    work, info = anonymous_services["ketenagakerjaan"], anonymous_services["pengaduan-informasi"]
    day = office.today()
    answered(frontdesk, [work, info], [4] * 9)
    answered(frontdesk, [info], [2] * 9)
    work_desk, info_desk = work.desk, info.desk

    at_work = office_ikm(office, date_from=day, date_to=day, desk=work_desk)
    at_info = office_ikm(office, date_from=day, date_to=day, desk=info_desk)
    by_desk = office_ikm_by_desk(office, date_from=day, date_to=day)

    assert (at_work.respondents, at_work.index) == (1, Decimal("100.00"))
    assert (at_info.respondents, at_info.index) == (2, Decimal("75.00"))
    assert by_desk[work_desk.pk].index == Decimal("100.00")
    assert by_desk[info_desk.pk].respondents == 2


def test_office_ikm_leaves_out_other_offices_surveys(
    office, other_office, make_user, frontdesk, anonymous_services
):
    other_desk = DeskFactory(
        office=other_office, desk_type=DeskType.objects.get(code="pengaduan-informasi")
    )
    other_service = Service.objects.create(
        office=other_office,
        desk=other_desk,
        name_id="Informasi",
        target_minutes=5,
        allows_anonymous=True,
    )
    other_frontdesk = make_user("frontdesk", organisation=other_office)
    answered(other_frontdesk, [other_service], [1] * 9)
    answered(frontdesk, [anonymous_services["pengaduan-informasi"]], [4] * 9)
    day = office.today()

    result = office_ikm(office, date_from=day, date_to=day)

    assert result.respondents == 1
    assert result.index == Decimal("100.00")


def test_office_ikm_reads_in_one_query(
    office, frontdesk, anonymous_services, django_assert_num_queries
):
    for _ in range(20):
        answered(frontdesk, [anonymous_services["pengaduan-informasi"]], [3] * 9)
    day = office.today()

    with django_assert_num_queries(1):
        office_ikm(
            office, date_from=day, date_to=day, desk=anonymous_services["pengaduan-informasi"].desk
        )
    with django_assert_num_queries(1):
        office_ikm_by_desk(office, date_from=day, date_to=day)
