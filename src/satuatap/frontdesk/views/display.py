"""The calling screen: a page for a TV in the waiting room (or any screen, down to a phone),
opened by a device the office head paired (`views/pairing.py`; no sign-in, no session, no
CSRF). It shows ticket codes and desk names only, never anything about the person: a tile per
desk with its latest call, and a strip of the last calls of the office. It polls a small
fragment every second."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from satuatap.core.models import Desk
from satuatap.frontdesk.models import Device
from satuatap.frontdesk.views.pairing import device_page

# Calls in the strip of the latest calls, newest first.
RECENT = 5


@dataclass
class Tile:
    desk_id: int
    prefix: str
    desk_name: str
    code: str = ""
    key: str = ""

    @property
    def is_long(self) -> bool:
        """A code longer than `A-123`, set in smaller type so that it fits its tile."""
        return len(self.code) > 5


@dataclass
class Call:
    code: str
    prefix: str
    desk_name: str
    called_at: float


@dataclass
class Screen:
    tiles: list[Tile]
    recent: list[Call]

    @property
    def state(self) -> str:
        """A short fingerprint of what the screen shows; the page skips swaps that change
        nothing (and so keeps its highlights running)."""
        text = "|".join(f"{t.desk_id}:{t.key}" for t in self.tiles)
        text += "|" + ",".join(f"{c.code}@{c.called_at}" for c in self.recent)
        return f"{zlib.crc32(text.encode()):08x}"


def _code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


def _screen_desks(device: Device):
    """The active desks the screen shows: those the head chose, or all when none was."""
    chosen = Device.desks.through.objects.filter(device_id=device.pk)
    return Desk.objects.filter(office_id=device.office_id, is_active=True).filter(
        Q(Exists(chosen.filter(desk_id=OuterRef("pk")))) | ~Exists(chosen)
    )


def calling_screen(device: Device) -> Screen:
    """Per desk the screen shows, in desk order, the latest call of the office's today; and the
    last `RECENT` calls over those desks. One query, whatever the number of tickets: a window
    function ranks each desk's calls (the last calls of all desks are among each desk's last
    `RECENT`), and desks nobody has called at yet still get their (empty) tile."""
    office = device.office
    calls = FilteredRelation(
        "tickets",
        condition=Q(tickets__day=office.today(), tickets__called_at__isnull=False),
    )
    rows = (
        _screen_desks(device)
        .annotate(call=calls)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("pk"),
                order_by=F("call__called_at").desc(nulls_last=True),
            )
        )
        .filter(rank__lte=RECENT)
        .order_by("desk_type__order", "pk", "rank")
        .values_list(
            "pk",
            "prefix",
            "desk_type__name_id",
            "desk_type__name_en",
            "call__pk",
            "call__prefix",
            "call__number",
            "call__called_at",
            "call__call_count",
        )
    )
    english = (get_language() or "id").startswith("en")
    tiles: dict[int, Tile] = {}
    recent: list[Call] = []
    for desk_id, prefix, name_id, name_en, pk, t_prefix, number, called_at, count in rows:
        tile = tiles.get(desk_id)
        if tile is None:
            tile = tiles[desk_id] = Tile(
                desk_id=desk_id, prefix=prefix, desk_name=name_en if english else name_id
            )
        if pk is None:
            continue
        at = called_at.timestamp()
        if not tile.code:
            tile.code = _code(t_prefix, number)
            # Changes on a new call and on "call again" (called_at and call_count move on).
            tile.key = f"{pk}.{count}.{int(at * 1000)}"
        recent.append(Call(_code(t_prefix, number), prefix, tile.desk_name, at))
    recent.sort(key=lambda call: call.called_at, reverse=True)
    return Screen(tiles=list(tiles.values()), recent=recent[:RECENT])


@never_cache
@require_GET
@device_page(Device.Kind.CALLING_SCREEN, refresh_cookie=True)
def display(request, device: Device):
    screen = calling_screen(device)
    context = {
        "device": device,
        "office": device.office,
        "screen": screen,
        "now": timezone.localtime(timezone=device.office.zone),
    }
    return render(request, "frontdesk/display.html", context)


@never_cache
@require_GET
@device_page(Device.Kind.CALLING_SCREEN, unpaired="404")
def display_now(request, device: Device):
    screen = calling_screen(device)
    response = render(request, "frontdesk/_display_screen.html", {"screen": screen})
    response["X-Display-State"] = screen.state
    return response


public_urlpatterns = [
    path("display/", display, name="display"),
    path("display/now/", display_now, name="display-now"),
]
