"""Times of the registers on the clock of the office they belong to, with its zone (WIB, WITA,
WIT): a deadline of "10.30" means nothing without it."""

from __future__ import annotations

import datetime
import zoneinfo

from django import template
from django.utils import formats, timezone

from satuatap.core.models import OfficeTimeZone

register = template.Library()

ZONE_LABELS = {
    OfficeTimeZone.WIB.value: "WIB",
    OfficeTimeZone.WITA.value: "WITA",
    OfficeTimeZone.WIT.value: "WIT",
}


def on_clock(value: datetime.datetime | None, zone) -> str:
    if not isinstance(value, datetime.datetime):
        return ""
    key = getattr(zone, "key", zone) or OfficeTimeZone.WIB.value
    local = timezone.localtime(value, timezone=zoneinfo.ZoneInfo(key))
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} {ZONE_LABELS.get(key, key)}"


register.filter("on_clock", on_clock)
