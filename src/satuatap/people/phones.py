"""Phone numbers: stored as E.164 (`+6281234567890`), typed however people write them."""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext as _

DEFAULT_REGION = "ID"
_SEPARATORS = re.compile(r"[\s.\-()/\u2013]+")
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s.\-()/\u2013]+$")
NIK_LENGTH = 16


class PhoneError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digits(raw: str) -> str:
    return "".join(c for c in raw if c.isascii() and c.isdigit())


def normalise_phone(raw: str) -> str:
    """The number in E.164, e.g. `0812-3456-7890` -> `+6281234567890`; raises `PhoneError`.

    Indonesian numbers may be written 08…, +62… or 62… (a leading 62 followed by 8 is read as
    the country code); foreign numbers need their `+` and country code (+852 …, +886 …).
    """
    text = _SEPARATORS.sub("", (raw or "").strip())
    if not text:
        raise PhoneError(_("Enter a phone number."))
    if text.startswith("00"):
        text = "+" + text[2:]  # international prefix, as dialled from abroad
    elif text.startswith("628"):
        text = "+" + text
    if not _PHONE_CHARACTERS.match(text):
        raise PhoneError(
            _(
                "A phone number may contain only digits, spaces, dashes, dots, brackets and a "
                "leading +. Check what was typed."
            )
        )
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise PhoneError(
            _(
                "This is not a phone number we can read. Write an Indonesian number as "
                "08… or +62…, and a foreign number with + and its country code (+852 …)."
            )
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(
            _(
                "%(number)s is not a valid phone number: it has too few or too many digits "
                "for its country, or no such numbers are issued. Check the number and, for a "
                "foreign number, the country code."
            )
            % {"number": raw.strip()}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored E.164 number for display: `+62 812-3456-7890`. Unreadable input is returned
    unchanged."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def looks_like_phone(query: str) -> bool:
    """Whether a search-box query is probably a phone number (9–15 digits, not a 16-digit NIK)."""
    text = (query or "").strip()
    if not text or not _PHONE_CHARACTERS.match(text):
        return False
    count = len(_digits(text))
    return 9 <= count <= 15 and count != NIK_LENGTH
