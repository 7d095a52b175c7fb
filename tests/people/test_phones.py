"""Phone numbers typed the way people write them, stored as E.164."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satuatap.people.phones import PhoneError, format_phone, looks_like_phone, normalise_phone


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 3456 7890",
        "0812.3456.7890",
        "+62 (812) 3456-7890",
        "0062 812 3456 7890",
        " 081234567890 ",
    ],
)
def test_indonesian_mobile_numbers_in_any_common_format_become_e164(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_an_indonesian_landline_is_accepted():
    assert normalise_phone("(0231) 123456") == "+62231123456"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+852 5123 4567", "+85251234567"),  # Hong Kong mobile
        ("+886 912 345 678", "+886912345678"),  # Taiwan mobile
        ("+60 12-345 6789", "+60123456789"),  # Malaysia mobile
        ("+966 50 123 4567", "+966501234567"),  # Saudi Arabia mobile
    ],
)
def test_foreign_numbers_with_a_plus_are_accepted(raw, e164):
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "hello", "0812", "12345", "0812-3456-7890-1234-5678", "08abc123456", "+999 123"],
)
def test_garbage_and_wrong_lengths_are_refused_with_a_message(raw):
    with pytest.raises(PhoneError) as raised:
        normalise_phone(raw)
    assert raised.value.message
    assert str(raised.value) == raised.value.message


def test_a_number_without_a_plus_is_read_as_indonesian():
    assert not normalise_phone("0852 5123 4567").startswith("+852")


def test_format_phone_shows_the_international_format():
    assert format_phone("+6281234567890") == "+62 812-3456-7890"
    assert format_phone("+85251234567") == "+852 5123 4567"
    assert format_phone("not a number") == "not a number"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("0812-3456-7890", True),
        ("+62 812 3456 7890", True),
        ("+852 5123 4567", True),
        ("(0231) 123456", True),
        ("3209015403950001", False),  # 16 digits: a NIK
        ("3209 0154 0395 0001", False),
        ("12345678", False),  # too few digits
        ("1234567890123456789", False),  # too many
        ("Siti Nurhaliza", False),
        ("0812 Siti", False),
        ("", False),
    ],
)
def test_looks_like_phone_tells_phone_numbers_from_niks_and_names(query, expected):
    assert looks_like_phone(query) is expected


valid_numbers = st.builds(
    lambda region, kind: phonenumbers.example_number_for_type(region, kind),
    st.sampled_from(["ID", "HK", "TW", "MY", "SG", "SA", "AE", "KR", "JP"]),
    st.sampled_from([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]),
).filter(lambda number: number is not None)


@given(number=valid_numbers, international=st.booleans())
def test_normalising_is_idempotent(number, international):
    national = number.country_code == 62 and not international
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if national
        else (phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )
    e164 = normalise_phone(phonenumbers.format_number(number, style))
    assert normalise_phone(e164) == e164
    assert normalise_phone(format_phone(e164)) == e164


@given(raw=st.text(max_size=25))
def test_normalising_anything_either_gives_e164_or_a_phone_error(raw):
    try:
        e164 = normalise_phone(raw)
    except PhoneError as error:
        assert error.message
    else:
        assert e164.startswith("+") and e164[1:].isdigit()
        assert normalise_phone(e164) == e164
