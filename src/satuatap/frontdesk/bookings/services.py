"""Writes of visit slots and bookings: the office head's slots, a person's booking (from the
portal, after identifying), cancelling it, and turning it into a ticket at the front desk."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Desk, User
from satuatap.frontdesk import services as frontdesk_services
from satuatap.frontdesk.bookings import BOOKING_DAYS_AHEAD, MAX_CAPACITY, MAX_OPEN_BOOKINGS
from satuatap.frontdesk.models import Booking, Device, Service, Visit, VisitSlot, Weekday
from satuatap.people.models import Person


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


@transaction.atomic
def add_slot(
    *, desk: Desk, weekday: int, starts_at: datetime.time, capacity: int, by: User
) -> VisitSlot:
    """A time people may book at `desk` every `weekday` (the office head's)."""
    if not by.has_perm("frontdesk.configure_services", desk.office):
        raise _forbidden()
    errors: dict[str, list[str]] = {}
    if weekday not in Weekday.values:
        errors["weekday"] = [_("Choose a day of the week.")]
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [
            _("A time takes between 1 and %(max)s bookings.") % {"max": MAX_CAPACITY}
        ]
    if not desk.is_active:
        errors["desk"] = [_("Choose an active desk.")]
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    if VisitSlot.objects.filter(desk=desk, weekday=weekday, starts_at=starts_at).exists():
        raise DomainError(
            "slot_exists",
            _("This desk already has this time on this day."),
            status=409,
            details={"starts_at": [_("This desk already has this time on this day.")]},
        )
    return VisitSlot.objects.create(
        office=desk.office, desk=desk, weekday=weekday, starts_at=starts_at, capacity=capacity
    )


@transaction.atomic
def set_slot_open(*, slot: VisitSlot, is_open: bool, by: User) -> VisitSlot:
    """Open or close a time for booking; bookings already made stay."""
    if not by.has_perm("frontdesk.configure_services", slot.office):
        raise _forbidden()
    slot.is_active = is_open
    slot.save(update_fields=["is_active"])
    return slot


def _refuse(code: str, message: str, *, status: int = 409) -> DomainError:
    return DomainError(code, message, status=status)


@transaction.atomic
def book_visit(
    *,
    person: Person,
    slot: VisitSlot,
    service: Service,
    day: datetime.date,
    now: datetime.datetime | None = None,
) -> Booking:
    """Book `slot` on `day` for `person` (who identified in the portal). The slot's row is
    locked while its bookings are counted, so two people never take its last place."""
    slot = VisitSlot.objects.select_for_update().select_related("desk", "office").get(pk=slot.pk)
    office = slot.office
    now = (now or timezone.now()).astimezone(office.zone)
    today = now.date()
    # The person's own office: the desk checks them in from its own registry.
    if not person.is_active_record or person.office_id != office.pk:
        raise _refuse("not_found", _("This time cannot be booked."), status=404)
    if not slot.is_active or not slot.desk.is_active:
        raise _refuse("slot_closed", _("This time cannot be booked."))
    if service.desk_id != slot.desk_id or not service.is_active:
        raise _refuse("unknown_service", _("This service is not offered at this desk."))
    if (
        day.weekday() != slot.weekday
        or day < today
        or day > today + datetime.timedelta(days=BOOKING_DAYS_AHEAD)
        or (day == today and slot.starts_at <= now.time())
    ):
        raise _refuse("slot_closed", _("This time cannot be booked."))
    open_bookings = Booking.objects.filter(
        person=person, day__gte=today, cancelled_at__isnull=True, visit__isnull=True
    ).count()
    if open_bookings >= MAX_OPEN_BOOKINGS:
        raise _refuse(
            "too_many_bookings",
            _("You already have %(count)s visits booked. Cancel one to book another.")
            % {"count": open_bookings},
        )
    taken = Booking.objects.filter(slot=slot, day=day, cancelled_at__isnull=True).count()
    if taken >= slot.capacity:
        raise _refuse("slot_full", _("This time is full. Choose another one."))
    try:
        with transaction.atomic():
            return Booking.objects.create(
                office=office, slot=slot, service=service, person=person, day=day
            )
    except IntegrityError as error:
        if Booking.objects.filter(
            person=person, slot=slot, day=day, cancelled_at__isnull=True
        ).exists():
            raise _refuse("already_booked", _("You have already booked this time.")) from error
        raise


@transaction.atomic
def cancel_booking(*, booking: Booking, person: Person) -> Booking:
    """The person cancels their own booking (before it became a ticket)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.person_id != person.pk:
        raise _refuse("not_found", _("No such booking."), status=404)
    if booking.visit_id is not None:
        raise _refuse("booking_used", _("This booking was already used at the office."))
    if booking.cancelled_at is None:
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["cancelled_at"])
    return booking


def check_in_booking(*, booking: Booking, by: User) -> tuple[Visit, bool]:
    """Turn a booking into a ticket at its desk (the front desk scanned its QR code). Returns
    (visit, whether it is new): `_check_in_once`."""
    if not by.has_perm("frontdesk.check_in") or by.office_id_or_none != booking.office_id:
        raise _forbidden()
    return _check_in_once(
        booking,
        lambda b: frontdesk_services.check_in(by=by, services=[b.service], person=b.person),
    )


def check_in_booking_at_kiosk(*, booking: Booking, device: Device) -> tuple[Visit, bool]:
    """The same, at the office's arrival kiosk: the visitor scanned the QR code themselves."""
    if (
        device.kind != Device.Kind.ARRIVAL_KIOSK
        or not device.is_paired
        or device.office_id != booking.office_id
    ):
        raise _forbidden()
    return _check_in_once(
        booking,
        lambda b: frontdesk_services.check_in_at_kiosk(
            device=device, services=[b.service], person=b.person
        ),
    )


def _check_in_once(booking: Booking, check_in: Callable[[Booking], Visit]) -> tuple[Visit, bool]:
    """The booking's row is locked first: scanned twice, at one desk, two desks or the kiosk
    at once, it becomes one visit, and the second scan gets that visit back."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .select_related("office", "service", "person")
            .get(pk=booking.pk)
        )
        if booking.visit_id is not None:
            return Visit.objects.get(pk=booking.visit_id), False
        if booking.cancelled_at is not None:
            raise _refuse("booking_cancelled", _("This booking was cancelled."))
        if booking.day != booking.office.today():
            raise _refuse(
                "not_today",
                _("This booking is for %(day)s, not today.")
                % {"day": booking.day.strftime("%d/%m/%Y")},
            )
        visit = check_in(booking)
        booking.visit = visit
        booking.save(update_fields=["visit"])
    return visit, True
