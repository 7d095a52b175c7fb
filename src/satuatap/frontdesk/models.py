"""Visits, queue tickets per desk, what each desk did, and the IKM satisfaction survey."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.encryption import EncryptedTextField
from satuatap.core.i18n import in_language
from satuatap.core.models import Desk, Organisation
from satuatap.people.models import Person, Sex


class Service(models.Model):
    """A service a desk of an office offers, with its target service time."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services")
    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.PROTECT, related_name="services"
    )
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    target_minutes = models.PositiveSmallIntegerField(_("target service time (minutes)"))
    allows_anonymous = models.BooleanField(
        _("anonymous visitors allowed"),
        default=False,
        help_text=_("Information requests: the visitor need not give a name."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["desk__desk_type__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "name_id"], name="unique_service_per_desk"),
            models.CheckConstraint(name="target_positive", condition=Q(target_minutes__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_id, self.name_en)


class AgeBand(models.TextChoices):
    """An anonymous visitor's age band: the reports' bands, so every visitor lands in one.
    Visits recorded before they matched (25–34, 35–44, 45–59) keep their code; the reports map
    them (`reports.compute.VISIT_AGE_BANDS`)."""

    UNDER_18 = "0-17", _("Under 18")
    YOUNG = "18-24", _("18–24")
    ADULT = "25-39", _("25–39")
    MIDDLE = "40-59", _("40–59")
    OLDER = "60+", _("60 and over")
    UNKNOWN = "", _("Not recorded")


class Priority(models.TextChoices):
    NONE = "", _("None")
    PREGNANT = "pregnant", _("Pregnant woman")
    ELDERLY = "elderly", _("Elderly person")
    DISABILITY = "disability", _("Person with a disability")
    MRC_URGENT = "mrc_urgent", _("MRC urgent case")


def new_survey_token() -> str:
    return secrets.token_urlsafe(16)


class Visit(models.Model):
    """One visitor's visit to the office; a ticket for each desk they need."""

    # Set by services.check_in on the visit it returns: each new ticket with its services.
    issued_tickets: list[tuple[Ticket, list[Service]]]

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="visits")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.NOT_RECORDED)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, blank=True)
    survey_token = models.CharField(max_length=32, unique=True, default=new_survey_token)
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    day = models.DateField(_("day (office time)"))
    # Who checked the visitor in: a member of staff, or the arrival kiosk where the visitor
    # scanned a booking made in the portal (`frontdesk/bookings`); never both, never neither.
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_in_device = models.ForeignKey(
        "Device",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in at the kiosk"),
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-checked_in_at"]
        indexes = [models.Index(fields=["office", "day"])]
        constraints = [
            models.CheckConstraint(
                name="visit_checked_in_by_staff_or_kiosk",
                condition=Q(checked_in_by__isnull=False, checked_in_device__isnull=True)
                | Q(checked_in_by__isnull=True, checked_in_device__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"visit #{self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Sent to another desk")


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class DeskDayCounter(models.Model):
    """The last queue number issued at a desk on an office day; incremented atomically."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "day"], name="one_counter_per_desk_day")
        ]

    def __str__(self) -> str:
        return f"desk {self.desk_id} on {self.day}: {self.last_number}"


class Ticket(models.Model):
    """A queue ticket at one desk: `A-001`, numbered per desk per office day."""

    # Set by the console view (views/console.py) for its templates.
    waiting_minutes: int
    waited_minutes: int
    in_service_minutes: int
    person_url: str | None
    finish_form: forms.Form
    transfer_form: forms.Form

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="tickets")
    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField()
    number = models.PositiveIntegerField()
    prefix = models.CharField(max_length=2)
    services = models.ManyToManyField(Service, related_name="tickets", blank=True)
    is_priority = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    issued_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    transferred_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_to"
    )
    call_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["day", "desk", "number"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "day", "number"], name="unique_ticket_number"),
        ]
        indexes = [
            models.Index(fields=["desk", "day", "status"]),
            models.Index(fields=["office", "day"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.prefix}-{self.number:03d}"


class ServiceRecord(models.Model):
    """What a desk did for a visitor, kept against the person's record."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        INCOMPLETE_DOCUMENTS = "incomplete", _("Documents incomplete: come back")
        REFERRED = "referred", _("Referred elsewhere")
        INFORMATION_GIVEN = "information", _("Information given")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="record")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="service_records"
    )
    services = models.ManyToManyField(Service, related_name="+", blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    # What a desk did can tell a visitor's story (at the MRC desk above all): encrypted, like
    # the MRC's own notes, at every desk.
    notes = EncryptedTextField(_("what was done"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")

    def __str__(self) -> str:
        return f"service record #{self.pk}"


class Device(models.Model):
    """A device that works without signing in, paired to the office by its head: the calling
    screen on a TV in the waiting room, the exit kiosk tablet where visitors answer the
    satisfaction survey, or the arrival kiosk where a visitor scans a booking's QR code
    (`devices/__init__.py` describes the pairing). The device's credential is a random token
    in a cookie of its browser; only its SHA-256 hash is kept here."""

    class Kind(models.TextChoices):
        CALLING_SCREEN = "screen", _("Calling screen")
        EXIT_KIOSK = "kiosk", _("Exit kiosk (satisfaction survey)")
        ARRIVAL_KIOSK = "arrival", _("Arrival kiosk (visits booked in the portal)")

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("device"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("where it is"), max_length=100)
    desks = models.ManyToManyField(
        Desk,
        verbose_name=_("desks shown"),
        related_name="+",
        blank=True,
        help_text=_("A calling screen's desks; none: every desk of the office."),
    )
    # Set when the device picks its credential up; emptied when the device is revoked.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("paired at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paired(self) -> bool:
        """It holds a credential and was not revoked."""
        return self.token_hash is not None and self.revoked_at is None


class DevicePairing(models.Model):
    """A code an unpaired device shows until the office head confirms it (or it expires).
    `secret_hash`: the hash of a random secret kept in a cookie of that device's browser, so
    that only this browser picks up the credential the confirmation makes."""

    code = models.CharField(max_length=8, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=Device.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, null=True, blank=True, related_name="pairing"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"pairing #{self.pk}"


class PairingFailure(models.Model):
    """A wrong pairing code typed by an office head: too many in a while lock pairing for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"pairing failure #{self.pk}"


IKM_ELEMENTS = 9
ANSWER_RANGE = Q()
for _n in range(1, IKM_ELEMENTS + 1):
    ANSWER_RANGE &= Q(**{f"u{_n}__isnull": True}) | Q(**{f"u{_n}__gte": 1, f"u{_n}__lte": 4})


class Survey(models.Model):
    """The IKM survey (PermenPANRB 14/2017) of one visit: nine elements, answered 1–4."""

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("Exit kiosk")
        QR = "qr", _("QR code on the ticket")

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="survey")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    u1 = models.PositiveSmallIntegerField(null=True, blank=True)
    u2 = models.PositiveSmallIntegerField(null=True, blank=True)
    u3 = models.PositiveSmallIntegerField(null=True, blank=True)
    u4 = models.PositiveSmallIntegerField(null=True, blank=True)
    u5 = models.PositiveSmallIntegerField(null=True, blank=True)
    u6 = models.PositiveSmallIntegerField(null=True, blank=True)
    u7 = models.PositiveSmallIntegerField(null=True, blank=True)
    u8 = models.PositiveSmallIntegerField(null=True, blank=True)
    u9 = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [models.CheckConstraint(name="answers_1_to_4", condition=ANSWER_RANGE)]

    def __str__(self) -> str:
        return f"survey #{self.pk}"

    def answers(self) -> list[int | None]:
        return [getattr(self, f"u{n}") for n in range(1, IKM_ELEMENTS + 1)]


# --- Visits booked from the portal (bookings/) ---------------------------------------------------


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class VisitSlot(models.Model):
    """A time at a desk on a weekday that people may book from the portal, and how many
    bookings it takes. Set by the office head (`bookings.services`)."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.CASCADE, related_name="visit_slots"
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    starts_at = models.TimeField(_("time"))
    capacity = models.PositiveSmallIntegerField(_("bookings it takes"))
    is_active = models.BooleanField(_("open for booking"), default=True)

    class Meta:
        verbose_name = _("visit slot")
        verbose_name_plural = _("visit slots")
        ordering = ["desk__desk_type__order", "weekday", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "weekday", "starts_at"], name="one_visit_slot_per_desk_time"
            ),
            models.CheckConstraint(name="visit_slot_takes_someone", condition=Q(capacity__gte=1)),
        ]

    def __str__(self) -> str:
        return f"visit slot #{self.pk}"


def new_booking_reference() -> str:
    """Eight characters a person can read out at the desk (no 0/O, 1/I); 32^8 of them, so a
    guessed reference names nobody's booking."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Booking(models.Model):
    """A visit booked from the portal by a person who identified there: a day and a slot at a
    desk. Scanned at the front desk on the day, it becomes a ticket (`visit`), once."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(
        VisitSlot, verbose_name=_("time"), on_delete=models.PROTECT, related_name="bookings"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    reference = models.CharField(
        _("booking reference"), max_length=12, unique=True, default=new_booking_reference
    )
    # A secret the QR code carries: the reference alone is read out and written down.
    token = models.CharField(max_length=43, unique=True, default=new_survey_token)
    visit = models.OneToOneField(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="booking"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["day", "slot__starts_at", "pk"]
        indexes = [models.Index(fields=["slot", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "slot", "day"],
                condition=Q(cancelled_at__isnull=True),
                name="one_booking_per_person_slot_day",
            ),
        ]

    def __str__(self) -> str:
        return f"booking #{self.pk}"
