"""ISO 4217 currency codes, from Babel's copy of the Unicode CLDR (maintained upstream; Babel is
already a dependency): the currencies that are legal tender in some country today. Withdrawn
codes (DEM, HRK …) and the funds and metal codes (XAU, XTS …) are left out: nobody recovers
wages in them. Names are looked up in the reader's language, never typed.
"""

from __future__ import annotations

import datetime
from functools import cache

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies
from django.utils import timezone
from django.utils.translation import get_language, to_locale


@cache
def _codes_in_use(day: datetime.date) -> frozenset[str]:
    codes: set[str] = set()
    for territory in Locale("en").territories:
        codes.update(get_territory_currencies(str(territory), start_date=day, tender=True))
    return frozenset(codes)


def currency_codes() -> frozenset[str]:
    """Every ISO 4217 code of a currency in use today."""
    return _codes_in_use(timezone.localdate())


def is_currency_code(value: str) -> bool:
    return value in currency_codes()


def currency_choices() -> list[tuple[str, str]]:
    """(code, "code · name") for every currency in use, the name in the active language."""
    locale = to_locale(get_language() or "id")
    return [
        (code, f"{code} · {get_currency_name(code, locale=locale)}")
        for code in sorted(currency_codes())
    ]
