"""Checking a NIK (Nomor Induk Kependudukan) and saying plainly what is wrong with it.

A NIK is province (2) + regency (2) + district of first registration (2) + birth date DDMMYY,
with 40 added to the day for women, + a serial from 0001. There is no check digit. The region
part keeps the district of first registration, so an unknown district is only a warning; the
decoded sex and birth date are cross-checks that warn, never the truth. A NIK never changes, so
one issued before a region got a new code (Merauke 91.01 before 2022, now 93.01) still carries
the old code: the region data's table of code changes tells it apart from a wrong code, and the
check accepts it with a note naming today's code.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satuatap.people.models import Sex
from satuatap.regions.models import Region, RegionCodeChange
from satuatap.regions.selectors import retired_codes

NIK_LENGTH = 16
ASCII_DIGITS = frozenset("0123456789")
MAX_CHARACTERS_SHOWN = 8
WOMAN_DAY_OFFSET = 40
_SEPARATORS = re.compile(r"[\s.\-\u2013\u2014]+")


@dataclass(frozen=True)
class NikIssue:
    """One finding. A warning the officer must confirm says the NIK disagrees with the data
    entered (or may be mistyped); one that needs no confirmation only informs (a NIK issued
    under a region code that has changed since)."""

    code: str
    message: str
    needs_confirmation: bool = True


@dataclass(frozen=True)
class NikCheck:
    """The outcome of `check_nik`.

    The region codes are what the NIK says (set whenever it has 16 digits), whether or not
    the region exists; `birth_date` and `sex` are set only when they decode to real values.
    """

    nik: str
    errors: tuple[NikIssue, ...] = ()
    warnings: tuple[NikIssue, ...] = ()
    province_code: str | None = None
    regency_code: str | None = None
    district_code: str | None = None
    birth_date: datetime.date | None = None
    sex: str | None = None
    serial: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(issue.code for issue in self.errors)

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(issue.code for issue in self.warnings)

    @property
    def warnings_to_confirm(self) -> tuple[NikIssue, ...]:
        return tuple(issue for issue in self.warnings if issue.needs_confirmation)


def strip_separators(raw: str) -> str:
    """The input without spaces, dots and dashes (`32.09.01 4512900001` -> 16 digits)."""
    return _SEPARATORS.sub("", raw or "")


def looks_like_nik(raw: str) -> bool:
    digits = strip_separators(raw)
    return len(digits) == NIK_LENGTH and digits.isascii() and digits.isdigit()


def _century_year(two_digits: int, month: int, day: int, today: datetime.date) -> int:
    """20YY unless that date would be after `today`, then 19YY."""
    year = 2000 + two_digits
    try:
        if datetime.date(year, month, day) <= today:
            return year
    except ValueError:
        if year <= today.year:
            return year  # the date does not exist in either century (except 29 Feb 2000)
    return 1900 + two_digits


def _sex_and_day(encoded_day: int) -> tuple[str, int] | None:
    if 1 <= encoded_day <= 31:
        return Sex.MALE, encoded_day
    if 1 + WOMAN_DAY_OFFSET <= encoded_day <= 31 + WOMAN_DAY_OFFSET:
        return Sex.FEMALE, encoded_day - WOMAN_DAY_OFFSET
    return None


def decode_nik(
    digits: str, *, today: datetime.date | None = None
) -> tuple[str, datetime.date, str, str] | None:
    """`(district digits, birth date, sex, serial)` of a 16-digit NIK, or None if it cannot be
    decoded (wrong length, impossible day, month or date). Region existence is not checked."""
    if not (len(digits) == NIK_LENGTH and digits.isascii() and digits.isdigit()):
        return None
    sex_day = _sex_and_day(int(digits[6:8]))
    month, two_digit_year = int(digits[8:10]), int(digits[10:12])
    if sex_day is None or not 1 <= month <= 12:
        return None
    sex, day = sex_day
    year = _century_year(two_digit_year, month, day, today or datetime.date.today())
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        return None
    return digits[:6], birth_date, sex, digits[12:]


def make_nik(district_code: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """Build a NIK from a district code (`32.09.01` or `320901`), a birth date, sex and serial."""
    district = district_code.replace(".", "")
    if len(district) != 6 or not district.isdigit():
        raise ValueError(f"A district code has six digits, not {district_code!r}.")
    if not 1 <= serial <= 9999:
        raise ValueError(f"A NIK serial is 1..9999, not {serial}.")
    day = birth_date.day + (WOMAN_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return f"{district}{day:02d}{birth_date:%m}{birth_date.year % 100:02d}{serial:04d}"


def _shown(character: str) -> str:
    """A character as a message can show it: quoted, or its code point when it cannot be seen."""
    if character.isprintable() and not character.isspace():
        return f"“{character}”"
    return f"U+{ord(character):04X}"


def _format_issue(nik: str) -> NikIssue:
    """Why `nik` (separators already stripped) is not 16 digits 0–9: the characters that are
    not allowed, or else how many digits it has. Only ASCII digits count: `str.isdigit` also
    takes Arabic-Indic (٣) or full-width (３) digits, which no NIK is written in."""
    not_allowed = list(dict.fromkeys(c for c in nik if c not in ASCII_DIGITS))
    if not not_allowed:
        message = _(
            "A NIK has exactly 16 digits; this one has %(count)d. Check for a missing or "
            "extra digit against the KTP or family card (Kartu Keluarga)."
        ) % {"count": len(nik)}
        return NikIssue("not_16_digits", message)
    shown = ", ".join(_shown(c) for c in not_allowed[:MAX_CHARACTERS_SHOWN])
    if len(not_allowed) > MAX_CHARACTERS_SHOWN:
        shown += ", …"
    sentences = [
        _("A NIK is written with the digits 0–9 only. Not allowed here: %(characters)s.")
        % {"characters": shown}
    ]
    if any(unicodedata.decimal(c, None) is not None for c in not_allowed):
        sentences.append(
            _(
                "Digits of another script (such as Arabic-Indic or full-width digits) must be "
                "typed again as 0–9."
            )
        )
    sentences.append(_("Copy the NIK again from the KTP or family card (Kartu Keluarga)."))
    return NikIssue("not_allowed_characters", " ".join(sentences))


def _retired_code_note(change: RegionCodeChange) -> NikIssue:
    """The NIK carries a code its region had before it moved: say what it is today."""
    today = change.new_region
    values = {
        "old_code": change.old_code,
        "old_name": change.old_name,
        "date": date_format(change.changed_on, "DATE_FORMAT"),
        "new_code": today.code,
        "new_name": today.name,
    }
    if change.old_code.count(".") == 2 and (regency := today.parent) is not None:
        # A district: name its regency today as well.
        message = _(
            "Digits 1–6 of the NIK give district %(old_code)s %(old_name)s, a region code that "
            "changed on %(date)s: it is now %(new_code)s %(new_name)s, in %(regency_code)s "
            "%(regency_name)s."
        ) % {**values, "regency_code": regency.code, "regency_name": regency.name}
    else:
        message = _(
            "Digits 1–%(digits)d of the NIK give %(old_code)s %(old_name)s, a region code that "
            "changed on %(date)s: it is now %(new_code)s %(new_name)s."
        ) % {**values, "digits": len(change.old_code.replace(".", ""))}
    message += " " + _(
        "A NIK keeps the code it was issued with, so this is right for a NIK issued before "
        "then. Choose the person's village with today's codes."
    )
    return NikIssue("retired_region_code", message, needs_confirmation=False)


def _region_issues(
    province: str, regency: str, district: str
) -> tuple[list[NikIssue], list[NikIssue]]:
    """Errors and warnings about the NIK's region codes. One query when all three are in use
    today; a second, in the table of code changes, only when one is not."""
    known = set(
        Region.objects.filter(code__in=[province, regency, district]).values_list("code", flat=True)
    )
    unknown = [code for code in (province, regency, district) if code not in known]
    retired = retired_codes(unknown) if unknown else {}
    if province not in known and province not in retired:
        message = _(
            "The NIK starts with %(code)s, which is not an Indonesian province code. "
            "Check the first two digits."
        ) % {"code": province}
        return [NikIssue("unknown_province", message)], []
    if regency not in known and regency not in retired:
        message = _(
            "Digits 3–4 of the NIK give regency or city %(code)s, which does not exist in "
            "province %(province)s. Check the first four digits."
        ) % {"code": regency, "province": province}
        return [NikIssue("unknown_regency", message)], []
    warnings = []
    most_specific = next((code for code in (district, regency, province) if code in retired), None)
    if most_specific is not None:
        warnings.append(_retired_code_note(retired[most_specific]))
    if district not in known and district not in retired:
        message = _(
            "Digits 5–6 of the NIK give district %(code)s, which is not in today's list of "
            "districts. This can be right for an old NIK, which keeps the district where it was "
            "first issued even after that district was split or renumbered; otherwise check "
            "digits 5–6."
        ) % {"code": district}
        warnings.append(NikIssue("unknown_district", message))
    return [], warnings


def _date_issues(
    digits: str, today: datetime.date
) -> tuple[list[NikIssue], datetime.date | None, str | None]:
    encoded_day, month, two_digit_year = digits[6:8], digits[8:10], digits[10:12]
    errors: list[NikIssue] = []
    sex_day = _sex_and_day(int(encoded_day))
    if sex_day is None:
        message = _(
            "Digits 7–8 of the NIK (%(day)s) must be the day of birth: 01–31 for a man, or "
            "41–71 for a woman (day of birth + 40)."
        ) % {"day": encoded_day}
        errors.append(NikIssue("invalid_day", message))
    if not 1 <= int(month) <= 12:
        message = _("Digits 9–10 of the NIK (%(month)s) must be the month of birth, 01–12.") % {
            "month": month
        }
        errors.append(NikIssue("invalid_month", message))
    if errors or sex_day is None:
        return errors, None, sex_day[0] if sex_day else None
    sex, day = sex_day
    year = _century_year(int(two_digit_year), int(month), day, today)
    try:
        return [], datetime.date(year, int(month), day), sex
    except ValueError:
        message = _(
            "The NIK encodes a date of birth that does not exist: day %(day)02d of month "
            "%(month)s in %(year)d. Check digits 7–12 (day, month, year)."
        ) % {"day": day, "month": month, "year": year}
        return [NikIssue("invalid_date", message)], None, sex


def _sex_warning(decoded: str, recorded: str | None) -> NikIssue | None:
    if recorded not in (Sex.FEMALE, Sex.MALE) or recorded == decoded:
        return None
    if decoded == Sex.FEMALE:
        message = _(
            "The NIK encodes a woman (day of birth + 40) but the person is recorded as a man. "
            "Check the recorded sex and digits 7–8 of the NIK."
        )
    else:
        message = _(
            "The NIK encodes a man (day of birth without + 40) but the person is recorded as a "
            "woman. Check the recorded sex and digits 7–8 of the NIK."
        )
    return NikIssue("sex_mismatch", message)


def _birth_date_warning(decoded: datetime.date, recorded: datetime.date | None) -> NikIssue | None:
    if recorded is None or (recorded.day, recorded.month, recorded.year % 100) == (
        decoded.day,
        decoded.month,
        decoded.year % 100,
    ):
        return None
    message = _(
        "The NIK encodes the date of birth %(nik_date)s but the recorded date of birth is "
        "%(recorded_date)s. Check both against the KTP."
    ) % {
        "nik_date": date_format(decoded, "SHORT_DATE_FORMAT"),
        "recorded_date": date_format(recorded, "SHORT_DATE_FORMAT"),
    }
    return NikIssue("birth_date_mismatch", message)


def check_nik(
    raw: str,
    *,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> NikCheck:
    """Check a NIK as typed; `sex` and `birth_date` are the person's recorded values, compared
    with what the NIK encodes (warnings only). One database query, for the region codes."""
    nik = strip_separators(raw)
    if not (len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit()):
        return NikCheck(nik=nik, errors=(_format_issue(nik),))
    province, regency, district = (
        nik[:2],
        f"{nik[:2]}.{nik[2:4]}",
        f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}",
    )
    errors, warnings = _region_issues(province, regency, district)
    date_errors, decoded_date, decoded_sex = _date_issues(nik, today or datetime.date.today())
    errors += date_errors
    serial = nik[12:]
    if serial == "0000":
        message = _(
            "The last four digits of the NIK (the serial number) cannot be 0000; serials start "
            "at 0001. Check the last four digits."
        )
        errors.append(NikIssue("zero_serial", message))
    cross_checks = [
        _sex_warning(decoded_sex, sex) if decoded_sex else None,
        _birth_date_warning(decoded_date, birth_date) if decoded_date else None,
    ]
    warnings += [issue for issue in cross_checks if issue]
    return NikCheck(
        nik=nik,
        errors=tuple(errors),
        warnings=tuple(warnings),
        province_code=province,
        regency_code=regency,
        district_code=district,
        birth_date=decoded_date,
        sex=decoded_sex,
        serial=serial,
    )


def region_notes(nik: str | None) -> list[NikIssue]:
    """What a stored NIK's region part needs said without being wrong: a region code that has
    changed since the NIK was issued, with today's code. Empty for no NIK."""
    if not nik:
        return []
    return [issue for issue in check_nik(nik).warnings if not issue.needs_confirmation]
