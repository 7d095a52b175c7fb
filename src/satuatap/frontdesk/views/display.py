"""The calling screen: a full-screen page for a TV in the waiting room, opened through a
per-office secret link (no sign-in, no session, no CSRF). It shows ticket codes and desk names
only, never anything about the person, and polls a tiny fragment every second."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponseNotFound
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk import devices
from satuatap.frontdesk.models import DisplayLink

# Calls shown per desk: the current one in very large type, and the few before it.
HISTORY = 3


@dataclass
class Tile:
    desk_id: int
    prefix: str
    desk_name: str
    code: str = ""
    key: str = ""
    history: list[str] = field(default_factory=list)


def _code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


def calling_tiles(office: Organisation) -> list[Tile]:
    """Per active desk of the office, in desk order: the latest call of the office's today and
    the few before it. One query, whatever the number of tickets: a window function ranks each
    desk's calls, and desks nobody has called at yet still get their (empty) tile."""
    calls = FilteredRelation(
        "tickets",
        condition=Q(tickets__day=office.today(), tickets__called_at__isnull=False),
    )
    rows = (
        Desk.objects.filter(office=office, is_active=True)
        .annotate(call=calls)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("pk"),
                order_by=F("call__called_at").desc(nulls_last=True),
            )
        )
        .filter(rank__lte=HISTORY + 1)
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
    for desk_id, prefix, name_id, name_en, pk, t_prefix, number, called_at, count in rows:
        tile = tiles.get(desk_id)
        if tile is None:
            tile = tiles[desk_id] = Tile(
                desk_id=desk_id, prefix=prefix, desk_name=name_en if english else name_id
            )
        if pk is None:
            continue
        if not tile.code:
            tile.code = _code(t_prefix, number)
            # Changes on a new call and on "call again" (called_at and call_count move on).
            tile.key = f"{pk}.{count}.{int(called_at.timestamp() * 1000)}"
        else:
            tile.history.append(_code(t_prefix, number))
    return list(tiles.values())


def _state(tiles: list[Tile]) -> str:
    """A short fingerprint of what the screen shows; the page skips swaps that change nothing."""
    text = "|".join(f"{t.desk_id}:{t.key}:{','.join(t.history)}" for t in tiles)
    return f"{zlib.crc32(text.encode()):08x}"


def _screen_link(token: str) -> DisplayLink | None:
    return devices.active_link(token, DisplayLink.Kind.CALLING_SCREEN)


@never_cache
@require_GET
def display(request, token: str):
    link = _screen_link(token)
    if link is None:
        raise Http404
    tiles = calling_tiles(link.office)
    context = {
        "office": link.office,
        "token": token,
        "tiles": tiles,
        "state": _state(tiles),
        "now": timezone.localtime(timezone=link.office.zone),
    }
    return render(request, "frontdesk/display.html", context)


@never_cache
@require_GET
def display_now(request, token: str):
    link = _screen_link(token)
    if link is None:
        # The page sees the 404 and says the link was revoked; nothing else is sent.
        return HttpResponseNotFound(b"", content_type="text/plain")
    tiles = calling_tiles(link.office)
    state = _state(tiles)
    response = render(request, "frontdesk/_display_tiles.html", {"tiles": tiles})
    response["X-Display-State"] = state
    return response


urlpatterns: list = []

public_urlpatterns = [
    path("display/<str:token>/", display, name="display"),
    path("display/<str:token>/now/", display_now, name="display-now"),
]
