"""ISO 4217 currency codes, from Babel's copy of the Unicode CLDR (maintained upstream; Babel is
already a dependency): the currencies that are legal tender in some country today. Withdrawn
codes (DEM, HRK …) and the funds and metal codes (XAU, XTS …) are left out: nobody recovers
wages in them. Names are looked up in the reader's language, never typed.

`format_money` is the one way money is shown (pages, job board, exports): the ISO code, then
the amount grouped for the reader's language (`KRW 2.060.740` in Indonesian, `KRW 2,060,740`
in English; rupiah as `Rp 1.250.000` in Indonesian). Minor units show only when the amount has
them and the currency has them (`HKD 4.990`, `HKD 4.990,50`, never `KRW 2.060.740,00`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    format_decimal,
    get_currency_name,
    get_currency_precision,
    get_territory_currencies,
)
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


def _babel_locale() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id_ID"


def format_money(amount: Decimal | int | float | str | None, currency: str) -> str:
    """`amount` of `currency` (ISO 4217) for the reader's language; "" for no amount."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    currency = (currency or "").upper()
    locale = _babel_locale()
    digits = get_currency_precision(currency) if currency else 2
    if digits == 0 or value == value.to_integral_value():
        value = value.quantize(Decimal(1))
        pattern = "#,##0"
    else:
        pattern = "#,##0." + "0" * digits
    text = format_decimal(value, format=pattern, locale=locale)
    if currency == "IDR" and locale != "en":
        return f"Rp {text}"
    return f"{currency} {text}".strip()
