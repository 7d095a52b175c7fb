"""Times on the clock of the office they belong to, with its zone (WIB, WITA, WIT): "10.30"
means nothing without it, and the server's own zone (Jakarta) is not a WITA office's."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import formats, timezone

from satuatap.core.models import OfficeTimeZone

ZONE_LABELS = {
    OfficeTimeZone.WIB.value: "WIB",
    OfficeTimeZone.WITA.value: "WITA",
    OfficeTimeZone.WIT.value: "WIT",
}


def zone_info(zone) -> zoneinfo.ZoneInfo:
    """`zone` (a `ZoneInfo` or an office's `time_zone`) as a `ZoneInfo`; WIB when none."""
    return zoneinfo.ZoneInfo(getattr(zone, "key", zone) or OfficeTimeZone.WIB.value)


def on_clock(value: datetime.datetime | None, zone) -> str:
    """`value` as the office's short date and time with its zone: "07/12/2026 14:05 WITA".
    `zone`: a `ZoneInfo` or its name (an office's `time_zone`); WIB when none is given."""
    if not isinstance(value, datetime.datetime):
        return ""
    info = zone_info(zone)
    local = timezone.localtime(value, timezone=info)
    label = ZONE_LABELS.get(info.key, info.key)
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} {label}"
