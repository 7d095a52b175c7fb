"""Times of the registers on the clock of the office they belong to, with its zone (WIB, WITA,
WIT): a deadline of "10.30" means nothing without it (`core.clock`)."""

from __future__ import annotations

from django import template

from satuatap.core.clock import ZONE_LABELS, on_clock

register = template.Library()

__all__ = ["ZONE_LABELS", "on_clock"]

register.filter("on_clock", on_clock)
