"""Waiting and service times per desk: median and 90th percentile against the target."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from statistics import median

from django.db.models import Prefetch

from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.models import Service, Ticket, TicketStatus


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of values ≤ it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _minutes(start, end) -> float:
    return (end - start).total_seconds() / 60


@dataclass
class DeskTimes:
    desk: Desk
    waiting_now: int = 0
    served: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)
    within_target: int = 0
    target_minutes: float | None = None

    @property
    def median_wait(self) -> float | None:
        return median(self.waits) if self.waits else None

    @property
    def p90_wait(self) -> float | None:
        return percentile(self.waits, 0.9)

    @property
    def median_service(self) -> float | None:
        return median(self.service_times) if self.service_times else None

    @property
    def p90_service(self) -> float | None:
        return percentile(self.service_times, 0.9)

    @property
    def share_within_target(self) -> float | None:
        return self.within_target / self.served if self.served else None

    @property
    def is_over_target(self) -> bool:
        return (
            self.median_service is not None
            and self.target_minutes is not None
            and self.median_service > self.target_minutes
        )


def desk_times(office: Organisation, day: datetime.date | None = None) -> list[DeskTimes]:
    """Per active desk of the office, the day's queue times (today in office time by default)."""
    day = day or office.today()
    rows: dict[int, DeskTimes] = {}
    for desk in office.desks.filter(is_active=True).select_related("desk_type"):
        targets = [s.target_minutes for s in desk.services.all() if s.is_active]
        rows[desk.pk] = DeskTimes(desk=desk, target_minutes=median(targets) if targets else None)
    tickets = Ticket.objects.filter(office=office, day=day, desk__is_active=True).prefetch_related(
        Prefetch("services", queryset=Service.objects.only("pk", "target_minutes"))
    )
    for ticket in tickets:
        row = rows.get(ticket.desk_id)
        if row is None:
            continue
        if ticket.status == TicketStatus.WAITING:
            row.waiting_now += 1
        if ticket.called_at:
            row.waits.append(_minutes(ticket.issued_at, ticket.called_at))
        if ticket.status == TicketStatus.NO_SHOW:
            row.no_shows += 1
        if ticket.status == TicketStatus.SERVED and ticket.finished_at:
            row.served += 1
            minutes = _minutes(ticket.served_at or ticket.called_at, ticket.finished_at)
            row.service_times.append(minutes)
            target = max((s.target_minutes for s in ticket.services.all()), default=None)
            if target is not None and minutes <= target:
                row.within_target += 1
    return sorted(rows.values(), key=lambda r: (r.desk.desk_type.order, r.desk.pk))
