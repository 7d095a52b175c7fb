"""Checking a NIK: each rule passes a good NIK and explains a bad one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from satuatap.people.models import Sex
from satuatap.people.nik import (
    check_nik,
    decode_nik,
    make_nik,
    region_notes,
    strip_separators,
)
from satuatap.regions.models import Region, RegionCodeChange, RegionLevel
from tests.people.conftest import MERAUKE_1995

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The assertions below read the English messages."""
    with translation.override("en"):
        yield


TODAY = datetime.date(2025, 6, 1)
# Waled (32.09.01, Cirebon), a woman born 14 March 1995, serial 0001.
WOMAN = "3209015403950001"
MAN = "3209011403950002"
DB_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def codes(check):
    return check.error_codes, check.warning_codes


def test_a_good_nik_decodes_region_birth_date_sex_and_serial():
    check = check_nik(WOMAN, today=TODAY)
    assert check.is_valid
    assert codes(check) == ((), ())
    assert (check.province_code, check.regency_code, check.district_code) == (
        "32",
        "32.09",
        "32.09.01",
    )
    assert (check.birth_date, check.sex, check.serial) == (
        datetime.date(1995, 3, 14),
        Sex.FEMALE,
        "0001",
    )


def test_a_man_has_the_day_of_birth_as_it_is():
    check = check_nik(MAN, today=TODAY)
    assert check.is_valid
    assert (check.birth_date, check.sex) == (datetime.date(1995, 3, 14), Sex.MALE)


def test_region_checks_use_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        check_nik(WOMAN, today=TODAY)


@pytest.mark.parametrize(
    "raw",
    ["3209 0154 0395 0001", "32.09.01.540395.0001", "320901-540395-0001", " 3209015403950001 "],
)
def test_spaces_dots_and_dashes_are_ignored(raw):
    check = check_nik(raw, today=TODAY)
    assert check.nik == WOMAN
    assert check.is_valid


@pytest.mark.parametrize("raw", ["", "320901540395000", "32090154039500012"])
def test_anything_but_16_digits_is_not_16_digits(raw):
    check = check_nik(raw, today=TODAY)
    assert codes(check) == (("not_16_digits",), ())
    assert "16 digits" in check.errors[0].message
    assert check.birth_date is None and check.province_code is None


def test_the_message_counts_the_digits():
    assert "has 15" in check_nik("320901540395000", today=TODAY).errors[0].message


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH], ids=["arabic-indic", "full-width"])
def test_digits_of_another_script_are_named_not_counted(digits):
    raw = WOMAN.translate(digits)  # 16 digits to str.isdigit, none of them 0–9

    check = check_nik(raw, today=TODAY)

    assert codes(check) == (("not_allowed_characters",), ())
    message = check.errors[0].message
    assert "has 16" not in message
    assert "0–9" in message and "another script" in message
    for character in "32091540":
        assert f"“{character.translate(digits)}”" in message
    assert check.birth_date is None and check.province_code is None


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("320901540395000A", ["“A”"]),
        ("NIK 3209015403950001", ["“N”", "“I”", "“K”"]),
        ("3209O154O3950001", ["“O”"]),  # the letter O for a zero
        ("3209015403950001\u200b", ["U+200B"]),  # an invisible zero-width space
        ("3209015403950001" + "٣", ["“٣”"]),  # 16 digits 0–9 and one more of another script
    ],
)
def test_characters_that_are_not_digits_0_to_9_are_named(raw, named):
    check = check_nik(raw, today=TODAY)

    assert codes(check) == (("not_allowed_characters",), ())
    message = check.errors[0].message
    assert message.startswith("A NIK is written with the digits 0–9 only. Not allowed here:")
    assert all(name in message for name in named)
    assert "16 digits" not in message


def test_at_most_eight_characters_are_named():
    message = check_nik("ABCDEFGHIJKL", today=TODAY).errors[0].message
    assert "“H”, …" in message and "“I”" not in message


def test_the_characters_are_named_in_indonesian_too():
    with translation.override("id"):
        message = check_nik(WOMAN.translate(ARABIC_INDIC), today=TODAY).errors[0].message
    assert "0–9" in message and "“٣”" in message
    assert "Not allowed" not in message


def test_unknown_province_is_an_error_and_regency_is_not_reported_on_top():
    check = check_nik("9909015403950001", today=TODAY)
    assert codes(check) == (("unknown_province",), ())
    assert "99" in check.errors[0].message
    assert check.birth_date == datetime.date(1995, 3, 14)  # the date still decodes


def test_unknown_regency_in_a_known_province_is_an_error():
    check = check_nik("3299015403950001", today=TODAY)
    assert codes(check) == (("unknown_regency",), ())
    assert "32.99" in check.errors[0].message


def test_unknown_district_is_only_a_warning_because_old_niks_keep_their_first_district():
    check = check_nik("3209995403950001", today=TODAY)
    assert check.is_valid
    assert codes(check) == ((), ("unknown_district",))
    assert "32.09.99" in check.warnings[0].message


@pytest.mark.parametrize(
    ("day", "sex", "born"),
    [("01", Sex.MALE, 1), ("31", Sex.MALE, 31), ("41", Sex.FEMALE, 1), ("71", Sex.FEMALE, 31)],
)
def test_days_01_to_31_are_men_and_41_to_71_are_women(day, sex, born):
    check = check_nik(f"320901{day}0195" + "0001", today=TODAY)
    assert check.is_valid
    assert (check.sex, check.birth_date) == (sex, datetime.date(1995, 1, born))


@pytest.mark.parametrize("day", ["00", "32", "39", "40", "72", "99"])
def test_a_day_outside_01_31_and_41_71_is_invalid(day):
    check = check_nik(f"320901{day}0395" + "0001", today=TODAY)
    assert codes(check) == (("invalid_day",), ())
    assert day in check.errors[0].message
    assert check.sex is None and check.birth_date is None


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_a_month_outside_01_12_is_invalid(month):
    check = check_nik(f"32090154{month}95" + "0001", today=TODAY)
    assert codes(check) == (("invalid_month",), ())
    assert check.sex == Sex.FEMALE and check.birth_date is None


def test_day_and_month_are_both_reported():
    assert check_nik("3209013213950001", today=TODAY).error_codes == (
        "invalid_day",
        "invalid_month",
    )


@pytest.mark.parametrize("encoded", ["310295", "710295", "310490", "290201"])
def test_a_date_that_does_not_exist_is_invalid(encoded):
    check = check_nik(f"320901{encoded}0001", today=TODAY)
    assert codes(check) == (("invalid_date",), ())
    assert check.birth_date is None


def test_29_february_in_a_leap_year_is_fine():
    assert check_nik("3209012902960001", today=TODAY).birth_date == datetime.date(1996, 2, 29)
    assert check_nik("3209016902000001", today=TODAY).birth_date == datetime.date(2000, 2, 29)


def test_serial_0000_is_an_error():
    check = check_nik("3209015403950000", today=TODAY)
    assert codes(check) == (("zero_serial",), ())
    assert "0000" in check.errors[0].message


def test_the_century_is_the_latest_that_is_not_in_the_future():
    assert check_nik("3209015403050001", today=TODAY).birth_date == datetime.date(2005, 3, 14)
    assert check_nik("3209015403250001", today=TODAY).birth_date == datetime.date(2025, 3, 14)
    assert check_nik("3209015406250001", today=TODAY).birth_date == datetime.date(1925, 6, 14)
    assert check_nik("3209015403300001", today=TODAY).birth_date == datetime.date(1930, 3, 14)
    later = datetime.date(2030, 12, 31)
    assert check_nik("3209015403300001", today=later).birth_date == datetime.date(2030, 3, 14)


def test_recorded_sex_that_differs_from_the_nik_is_a_warning():
    woman_as_man = check_nik(WOMAN, sex=Sex.MALE, today=TODAY)
    man_as_woman = check_nik(MAN, sex=Sex.FEMALE, today=TODAY)
    assert woman_as_man.is_valid and man_as_woman.is_valid
    assert codes(woman_as_man) == ((), ("sex_mismatch",))
    assert "encodes a woman" in woman_as_man.warnings[0].message
    assert "encodes a man" in man_as_woman.warnings[0].message


@pytest.mark.parametrize("sex", [Sex.FEMALE, Sex.NOT_RECORDED, None])
def test_matching_or_unrecorded_sex_gives_no_warning(sex):
    assert check_nik(WOMAN, sex=sex, today=TODAY).warnings == ()


def test_recorded_birth_date_that_differs_from_the_nik_is_a_warning_showing_both():
    check = check_nik(WOMAN, birth_date=datetime.date(1995, 4, 14), today=TODAY)
    assert check.is_valid
    assert codes(check) == ((), ("birth_date_mismatch",))
    message = check.warnings[0].message
    assert "1995" in message and "03" in message and "04" in message


def test_birth_date_is_compared_on_the_two_digit_year_only():
    century_off = datetime.date(1895, 3, 14)
    assert check_nik(WOMAN, birth_date=century_off, today=TODAY).warnings == ()
    assert check_nik(WOMAN, birth_date=datetime.date(1995, 3, 14), today=TODAY).warnings == ()


def test_cross_checks_need_a_decodable_date():
    check = check_nik(
        "3209013213950001", sex=Sex.MALE, birth_date=datetime.date(1990, 1, 1), today=TODAY
    )
    assert check.warnings == ()


def test_make_nik_and_decode_nik_are_inverse():
    nik = make_nik("32.09.01", datetime.date(1995, 3, 14), Sex.FEMALE, 1)
    assert nik == WOMAN
    assert decode_nik(nik, today=TODAY) == (
        "320901",
        datetime.date(1995, 3, 14),
        Sex.FEMALE,
        "0001",
    )
    assert decode_nik("3209013213950001", today=TODAY) is None
    assert decode_nik("123", today=TODAY) is None


@pytest.mark.parametrize(("district", "serial"), [("32.09", 1), ("3209011", 1), ("32.09.01", 0)])
def test_make_nik_refuses_bad_parts(district, serial):
    with pytest.raises(ValueError):
        make_nik(district, datetime.date(1995, 3, 14), Sex.MALE, serial)


def _district_codes() -> list[str]:
    return list(Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", flat=True))


@DB_SETTINGS
@given(
    data=st.data(),
    born=st.dates(min_value=datetime.date(1925, 6, 2), max_value=TODAY),
    sex=st.sampled_from([Sex.FEMALE, Sex.MALE]),
    serial=st.integers(1, 9999),
)
def test_any_nik_made_from_real_parts_decodes_back_without_issues(db, data, born, sex, serial):
    district = data.draw(st.sampled_from(_district_codes()))
    check = check_nik(make_nik(district, born, sex, serial), sex=sex, birth_date=born, today=TODAY)
    assert codes(check) == ((), ())
    assert (check.district_code, check.birth_date, check.sex, int(check.serial)) == (
        district,
        born,
        sex,
        serial,
    )


@DB_SETTINGS
@given(data=st.data(), rest=st.from_regex(r"\A[0-9]{10}\Z"), random=st.from_regex(r"\A[0-9]{16}\Z"))
def test_any_16_digits_either_have_errors_or_decode_consistently(db, data, rest, random):
    district = data.draw(st.sampled_from(_district_codes())).replace(".", "")
    for nik in (district + rest, random):
        check = check_nik(nik, today=TODAY)
        assert check.nik == nik
        if check.is_valid:
            assert check.birth_date <= TODAY
            assert make_nik(nik[:6], check.birth_date, check.sex, int(check.serial)) == nik
        else:
            assert all(issue.message for issue in check.errors)


@DB_SETTINGS
@given(raw=st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9 .\-]{0,30}\Z")))
def test_anything_that_is_not_16_digits_after_stripping_is_refused_and_explained(db, raw):
    stripped = strip_separators(raw)
    assume(not (len(stripped) == 16 and stripped.isascii() and stripped.isdigit()))
    check = check_nik(raw, today=TODAY)
    not_allowed = list(dict.fromkeys(c for c in stripped if c not in "0123456789"))
    if not_allowed:
        assert check.error_codes == ("not_allowed_characters",)
        for character in not_allowed[:8]:
            visible = character.isprintable() and not character.isspace()
            shown = f"“{character}”" if visible else f"U+{ord(character):04X}"
            assert shown in check.errors[0].message
    else:
        assert check.error_codes == ("not_16_digits",)
        assert f"has {len(stripped)}." in check.errors[0].message


# --- NIKs issued before their region got a new code -------------------------------------------


def test_a_nik_of_merauke_from_before_2022_is_valid_with_a_note_naming_todays_codes(papua):
    check = check_nik(MERAUKE_1995, sex=Sex.FEMALE, today=TODAY)

    assert check.is_valid
    assert codes(check) == ((), ("retired_region_code",))
    assert check.warnings_to_confirm == ()
    message = check.warnings[0].message
    assert "91.01.01 Merauke" in message
    assert date_format(datetime.date(2022, 7, 25), "DATE_FORMAT") in message
    assert "now 93.01.01 Merauke, in 93.01 Kabupaten Merauke" in message
    assert (check.province_code, check.regency_code, check.district_code) == (
        "91",
        "91.01",
        "91.01.01",
    )  # what the NIK says, as it says it
    assert (check.birth_date, check.sex) == (datetime.date(1995, 3, 14), Sex.FEMALE)


def test_the_note_names_todays_regency_in_indonesian(papua):
    # District 91.01.99 never existed: the regency's new code is still named, and the unknown
    # district is the usual warning to confirm.
    with translation.override("id"):
        check = check_nik("9101995403950001", today=TODAY)

    assert check.is_valid
    assert codes(check) == ((), ("retired_region_code", "unknown_district"))
    assert "sekarang 93.01 Kabupaten Merauke" in check.warnings[0].message
    assert [issue.code for issue in check.warnings_to_confirm] == ["unknown_district"]


def test_a_nik_of_kota_sorong_from_before_papua_barat_daya_names_its_code_today(papua):
    check = check_nik("9271011403950002", today=TODAY)

    assert codes(check) == ((), ("retired_region_code",))
    assert "now 96.71.01 Sorong, in 96.71 Kota Sorong" in check.warnings[0].message
    assert date_format(datetime.date(2022, 12, 8), "DATE_FORMAT") in check.warnings[0].message


def test_a_code_no_region_ever_had_is_still_an_error_in_papua(papua):
    assert check_nik("9199015403950001", today=TODAY).error_codes == ("unknown_regency",)
    assert check_nik("9001015403950001", today=TODAY).error_codes == ("unknown_province",)


def test_a_nik_with_todays_code_gets_no_note(papua):
    check = check_nik("9301015403950001", today=TODAY)
    assert codes(check) == ((), ())
    assert region_notes("9301015403950001") == []
    assert [note.code for note in region_notes(MERAUKE_1995)] == ["retired_region_code"]


def test_a_retired_code_costs_one_query_more(papua, django_assert_num_queries):
    with django_assert_num_queries(1):
        check_nik("9301015403950001", today=TODAY)
    with django_assert_num_queries(2):
        check_nik(MERAUKE_1995, today=TODAY)


def test_without_the_table_an_old_merauke_nik_is_refused_as_before(papua):
    RegionCodeChange.objects.all().delete()

    assert check_nik(MERAUKE_1995, today=TODAY).error_codes == ("unknown_regency",)
