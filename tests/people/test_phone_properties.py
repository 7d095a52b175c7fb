"""Properties of phone normalisation for generated numbers (tests/people/test_phones.py has the
examples): every way Indonesians write a number gives one E.164 value, foreign numbers keep
their country, the result is a fixed point, and anything else is refused with a message."""

from __future__ import annotations

import phonenumbers
import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from satuatap.people.phones import PhoneError, format_phone, normalise_phone

SEPARATORS = st.sampled_from([" ", "-", ".", "  ", " - ", "/", "\u2013"])
DESTINATIONS = ["HK", "TW", "MY", "SG", "SA", "AE", "KR", "JP", "QA", "KW", "BN", "US", "AU"]


def _is_valid(e164: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return False


# Indonesian mobile numbers: 8, a two-digit operator code, then 6 to 9 digits.
indonesian_mobile = st.from_regex(r"\A8[1-9][0-9]{7,10}\Z").filter(
    lambda nsn: _is_valid("+62" + nsn)
)


@st.composite
def spaced(draw, digits: str) -> str:
    """`digits` with separators drawn into some of the gaps between them."""
    pieces = [digits[0]]
    for digit in digits[1:]:
        pieces += [draw(st.none() | SEPARATORS) or "", digit]
    return "".join(pieces)


@st.composite
def foreign_number(draw) -> phonenumbers.PhoneNumber:
    region = draw(st.sampled_from(DESTINATIONS))
    kind = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
        )
    )
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    national = str(example.national_number)
    # Keep the leading digits (the number's range) and vary the rest.
    kept = draw(st.integers(min_value=min(3, len(national)), max_value=len(national)))
    tail = draw(st.from_regex(rf"\A[0-9]{{{len(national) - kept}}}\Z"))
    number = phonenumbers.parse(f"+{example.country_code}{national[:kept]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    return number


@given(data=st.data(), nsn=indonesian_mobile)
def test_every_indonesian_way_of_writing_a_mobile_number_gives_the_same_e164(data, nsn):
    e164 = "+62" + nsn
    written = [
        "0" + data.draw(spaced(nsn)),
        "+62" + data.draw(st.sampled_from(["", " ", "-"])) + nsn,
        "+" + data.draw(spaced("62" + nsn)),
        data.draw(spaced("62" + nsn)),
        "00" + data.draw(spaced("62" + nsn)),
        f"(0{nsn[:3]}) {nsn[3:]}",
        f" +62 ({nsn[:3]}) {data.draw(spaced(nsn[3:]))} ",
    ]
    assert {normalise_phone(form) for form in written} == {e164}


@given(data=st.data(), number=foreign_number())
def test_a_foreign_number_keeps_its_country_in_any_international_form(data, number):
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    written = [
        e164,
        international,
        "+" + data.draw(spaced(e164[1:])),
        "00" + e164[1:],
    ]
    for form in written:
        normalised = normalise_phone(form)
        assert normalised == e164
        assert phonenumbers.parse(normalised).country_code == number.country_code


@given(
    nsn=indonesian_mobile | foreign_number().map(lambda n: f"+{n.country_code}{n.national_number}")
)
def test_normalising_is_a_fixed_point_and_survives_display_formatting(nsn):
    e164 = normalise_phone(nsn if nsn.startswith("+") else "0" + nsn)
    assert normalise_phone(e164) == e164
    assert normalise_phone(format_phone(e164)) == e164
    assert e164.startswith("+") and e164[1:].isdigit() and len(e164) <= 16


garbage = st.one_of(
    st.from_regex(r"\A[0-9]{1,5}\Z"),  # too short for any country
    st.from_regex(r"\A\+?[0-9]{18,25}\Z"),  # longer than any number
    st.from_regex(r"\A0[0-9 ]{3,12}[A-Za-z][0-9 ]{0,6}\Z"),  # a letter among the digits
    st.text(alphabet=" -.()/\u2013", max_size=8),  # only separators
)


@pytest.mark.parametrize("language", ["en", "id"])
@given(raw=garbage)
def test_garbage_is_refused_with_a_message_in_the_users_language(language, raw):
    with translation.override(language), pytest.raises(PhoneError) as refused:
        normalise_phone(raw)
    assert refused.value.message and str(refused.value) == refused.value.message
    with translation.override("en" if language == "id" else "id"):
        with pytest.raises(PhoneError) as in_other_language:
            normalise_phone(raw)
    assert in_other_language.value.message != refused.value.message


@given(raw=st.text(max_size=30) | st.from_regex(r"\A[+0-9 ()./\-]{0,24}\Z"))
def test_any_text_gives_a_valid_e164_or_a_phone_error_never_another_exception(raw):
    try:
        e164 = normalise_phone(raw)
    except PhoneError as error:
        assert error.message
    else:
        assert _is_valid(e164) and normalise_phone(e164) == e164
