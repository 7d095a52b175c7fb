"""Formatting for the language in use: money in rupiah, masked identifiers."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.translation import get_language

register = template.Library()


def _locale() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id_ID"


@register.filter
def idr(amount) -> str:
    """Integer rupiah as `Rp 1.250.000` (id) or `IDR 1,250,000` (en)."""
    if amount is None or amount == "":
        return ""
    locale = _locale()
    if locale == "en":
        return "IDR " + format_decimal(int(amount), format="#,##0", locale=locale)
    return format_currency(
        Decimal(int(amount)), "IDR", format="¤ #,##0", locale=locale, currency_digits=False
    )


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=_locale())
