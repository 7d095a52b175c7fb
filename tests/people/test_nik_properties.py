"""Properties of the NIK check for any input: what tests/people/test_nik.py shows by example.

Any 16 digits are either valid, with a sex and date of birth that agree with digits 7–12
(a woman's day is the day of birth + 40), or refused with messages in the user's language;
separators never change the outcome; `decode_nik` agrees with `check_nik`.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satuatap.people.models import Sex
from satuatap.people.nik import check_nik, decode_nik, make_nik
from satuatap.regions.models import Region, RegionLevel

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 1)
DB_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SEPARATORS = st.sampled_from([" ", ".", "-", "  ", " - ", "\u2013", "\u2014", "\t"])
sixteen_digits = st.from_regex(r"\A[0-9]{16}\Z")
recorded_sex = st.sampled_from([Sex.FEMALE, Sex.MALE, Sex.NOT_RECORDED, None])
recorded_birth_date = st.none() | st.dates(datetime.date(1900, 1, 1), TODAY)


def _district_codes() -> list[str]:
    return list(Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", flat=True))


@st.composite
def separated(draw, digits: str) -> str:
    """`digits` with separators drawn into some of the gaps (and around the ends)."""
    pieces = [draw(st.none() | SEPARATORS) or ""]
    for digit in digits:
        pieces += [digit, draw(st.none() | SEPARATORS) or ""]
    return "".join(pieces)


def outcome(check):
    return (
        check.nik,
        check.error_codes,
        check.warning_codes,
        check.district_code,
        check.birth_date,
        check.sex,
        check.serial,
    )


@DB_SETTINGS
@given(nik=sixteen_digits, sex=recorded_sex, birth_date=recorded_birth_date)
def test_sex_and_birth_date_always_agree_with_digits_7_to_12(db, nik, sex, birth_date):
    check = check_nik(nik, sex=sex, birth_date=birth_date, today=TODAY)

    encoded_day, month = int(nik[6:8]), int(nik[8:10])
    if check.sex is not None:
        assert check.sex == (Sex.FEMALE if encoded_day > 40 else Sex.MALE)
        assert (1 <= encoded_day <= 31) or (41 <= encoded_day <= 71)
    else:
        assert "invalid_day" in check.error_codes
    if check.birth_date is not None:
        offset = 40 if check.sex == Sex.FEMALE else 0
        assert (check.birth_date.day + offset, check.birth_date.month) == (encoded_day, month)
        assert check.birth_date.year % 100 == int(nik[10:12])
        assert check.birth_date <= TODAY
        assert TODAY.year - check.birth_date.year <= 100
    if check.is_valid:
        assert check.birth_date is not None and check.serial != "0000"
    else:
        assert all(issue.message for issue in check.errors)
    if check.birth_date is None:
        assert "birth_date_mismatch" not in check.warning_codes


@DB_SETTINGS
@given(nik=sixteen_digits)
def test_decode_nik_agrees_with_check_nik(db, nik):
    check = check_nik(nik, today=TODAY)
    decoded = decode_nik(nik, today=TODAY)

    if check.birth_date is None:
        assert decoded is None
    else:
        assert decoded == (nik[:6], check.birth_date, check.sex, nik[12:])


@DB_SETTINGS
@given(data=st.data(), nik=sixteen_digits)
def test_separators_anywhere_do_not_change_the_outcome(db, data, nik):
    district = data.draw(st.sampled_from(_district_codes())).replace(".", "")
    for digits in (nik, district + nik[6:]):
        typed = data.draw(separated(digits))
        assert outcome(check_nik(typed, today=TODAY)) == outcome(check_nik(digits, today=TODAY))


@DB_SETTINGS
@given(
    data=st.data(),
    born=st.dates(min_value=datetime.date(1925, 6, 2), max_value=TODAY),
    sex=st.sampled_from([Sex.FEMALE, Sex.MALE]),
    serial=st.integers(1, 9999),
)
def test_a_nik_built_from_valid_parts_round_trips_even_when_typed_with_separators(
    db, data, born, sex, serial
):
    district = data.draw(st.sampled_from(_district_codes()))
    nik = make_nik(district, born, sex, serial)
    typed = data.draw(separated(nik))

    check = check_nik(typed, today=TODAY)

    assert check.is_valid and check.nik == nik
    assert (check.district_code, check.birth_date, check.sex, int(check.serial)) == (
        district,
        born,
        sex,
        serial,
    )
    assert int(nik[6:8]) == born.day + (40 if sex == Sex.FEMALE else 0)


@DB_SETTINGS
@given(raw=st.one_of(sixteen_digits, st.text(max_size=20), st.from_regex(r"\A[0-9]{12,20}\Z")))
def test_every_refusal_is_explained_in_indonesian_and_in_english(db, raw):
    with translation.override("en"):
        english = check_nik(raw, today=TODAY)
    with translation.override("id"):
        indonesian = check_nik(raw, today=TODAY)

    assert english.error_codes == indonesian.error_codes
    for in_english, in_indonesian in zip(english.errors, indonesian.errors, strict=True):
        assert in_english.message and in_indonesian.message
        assert in_english.message != in_indonesian.message
