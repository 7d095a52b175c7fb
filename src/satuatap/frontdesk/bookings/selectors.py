"""Reads of visit slots and bookings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from satuatap.core.models import Desk, Organisation, User
from satuatap.frontdesk.bookings import BOOKING_DAYS_AHEAD
from satuatap.frontdesk.models import Booking, Service, VisitSlot
from satuatap.people.models import Person


def office_slots(office: Organisation) -> QuerySet[VisitSlot]:
    return VisitSlot.objects.filter(office=office).select_related("desk", "desk__desk_type")


def bookable_desks(office: Organisation) -> QuerySet[Desk]:
    """The office's active desks with at least one open slot."""
    return (
        Desk.objects.filter(office=office, is_active=True, visit_slots__is_active=True)
        .select_related("desk_type")
        .distinct()
        .order_by("desk_type__order", "pk")
    )


def bookable_services(desk: Desk) -> QuerySet[Service]:
    return Service.objects.filter(desk=desk, is_active=True).order_by("order", "name_id", "pk")


@dataclass(frozen=True)
class OpenTime:
    slot: VisitSlot
    day: datetime.date
    remaining: int

    @property
    def key(self) -> str:
        return f"{self.slot.pk}:{self.day.isoformat()}"


def open_times(desk: Desk, *, now: datetime.datetime | None = None) -> list[OpenTime]:
    """Every slot of the desk on each day from the office's today to `BOOKING_DAYS_AHEAD`
    days ahead that still has room (today's only if its time is still to come)."""
    office = desk.office
    now = (now or timezone.now()).astimezone(office.zone)
    today = now.date()
    last = today + datetime.timedelta(days=BOOKING_DAYS_AHEAD)
    slots = list(VisitSlot.objects.filter(desk=desk, is_active=True).order_by("starts_at", "pk"))
    taken = {
        (row["slot_id"], row["day"]): row["n"]
        for row in Booking.objects.filter(
            slot__in=slots, day__gte=today, day__lte=last, cancelled_at__isnull=True
        )
        .values("slot_id", "day")
        .annotate(n=Count("pk"))
    }
    times = []
    day = today
    while day <= last:
        for slot in slots:
            if slot.weekday != day.weekday():
                continue
            if day == today and slot.starts_at <= now.time():
                continue
            remaining = slot.capacity - taken.get((slot.pk, day), 0)
            if remaining > 0:
                times.append(OpenTime(slot, day, remaining))
        day += datetime.timedelta(days=1)
    return times


def open_bookings_of(person: Person, today: datetime.date) -> QuerySet[Booking]:
    """The person's bookings for today and the days to come, not cancelled nor used."""
    return Booking.objects.filter(
        person=person, day__gte=today, cancelled_at__isnull=True, visit__isnull=True
    ).select_related("slot", "slot__desk", "slot__desk__desk_type", "service", "office")


def booking_for_person(person: Person, reference: str) -> Booking | None:
    return (
        Booking.objects.filter(person=person, reference=reference)
        .select_related("slot", "slot__desk", "slot__desk__desk_type", "service", "office")
        .first()
    )


def _key_of(scanned: str) -> str:
    """What the front desk scanned or typed: the QR's URL (ending in the token), the token, or
    the reference read out."""
    return scanned.strip().rstrip("/").rsplit("/", 1)[-1].strip()


def find_booking(user: User, scanned: str) -> Booking | None:
    """The booking a scan or a typed reference names, in the user's office; None otherwise
    (another office's booking does not exist for this desk)."""
    if user.office_id_or_none is None:
        return None
    return office_booking(user.office_id_or_none, scanned)


def office_booking(office_id: int, scanned: str) -> Booking | None:
    """The booking of the office a scan or a typed reference names (the front desk, or the
    office's arrival kiosk), or None."""
    key = _key_of(scanned)
    if not key or len(key) > 64:
        return None
    return (
        Booking.objects.filter(office_id=office_id)
        .filter(Q(token=key) | Q(reference=key.upper()))
        .select_related("slot", "slot__desk", "slot__desk__desk_type", "service", "person", "visit")
        .first()
    )
