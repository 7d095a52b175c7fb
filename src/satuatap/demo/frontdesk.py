"""Demo front-desk activity: thirteen months of visits for each pilot office, with the rhythm of
a real office (Mondays busiest, Friday afternoons short, the rush to leave before Ramadan, the
quiet of the fasting month and the Lebaran holidays, closed on public holidays), tickets whose
waits meet their targets on most days, what each desk did, and satisfaction surveys.

Idempotent: a day that already has visits is left alone, and everything comes from a fixed seed
per office and day. Rows are written in bulk (a year is tens of thousands of tickets); the
report roll-ups are rebuilt from them by the last demo step."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models, transaction

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.roles import Role
from satuatap.frontdesk.catalogue.services import install_default_services
from satuatap.frontdesk.models import (
    AgeBand,
    DeskDayCounter,
    Priority,
    Service,
    ServiceRecord,
    Survey,
    Ticket,
    TicketStatus,
    Visit,
)
from satuatap.people.models import Person

MONTHS = 13
OPENS = datetime.time(8, 0)
# Visits on an ordinary Wednesday of an ordinary month.
BASE_VISITS = 30
# Monday is the busiest day (people come after the weekend), Friday the shortest.
WEEKDAY_LOAD = (1.4, 1.1, 1.0, 0.95, 0.7)
# How much a service is asked for, by the desk that offers it.
DESK_WEIGHTS = {
    "ketenagakerjaan": 30,
    "pengaduan-informasi": 22,
    "kependudukan": 12,
    "keimigrasian": 12,
    "kepolisian": 8,
    "kesehatan": 6,
    "jaminan-sosial": 5,
    "perbankan": 2,
    "bp3mi": 3,
}
# Officers serving side by side at the busiest desks.
DESK_COUNTERS = {"ketenagakerjaan": 2, "pengaduan-informasi": 2}

# Ramadan (first and last day of the fast) and Idul Adha; the office closes for Idul Fitri with
# the government's collective leave (cuti bersama) around it.
RAMADAN = {
    2025: (datetime.date(2025, 3, 1), datetime.date(2025, 3, 30)),
    2026: (datetime.date(2026, 2, 18), datetime.date(2026, 3, 19)),
    2027: (datetime.date(2027, 2, 8), datetime.date(2027, 3, 9)),
    2028: (datetime.date(2028, 1, 28), datetime.date(2028, 2, 26)),
}
IDUL_ADHA = {
    2025: datetime.date(2025, 6, 6),
    2026: datetime.date(2026, 5, 27),
    2027: datetime.date(2027, 5, 16),
    2028: datetime.date(2028, 5, 5),
}
# Fixed-date national holidays: New Year, Labour Day, Pancasila Day, Independence Day, Christmas.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25))


def is_closed(day: datetime.date) -> bool:
    """Weekends and the national holidays the demo knows (not every regional one)."""
    if day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS:
        return True
    if IDUL_ADHA.get(day.year) == day:
        return True
    ramadan = RAMADAN.get(day.year)
    if ramadan is not None:
        idul_fitri = ramadan[1] + datetime.timedelta(days=1)
        if -2 <= (day - idul_fitri).days <= 4:
            return True
    return False


def season_load(day: datetime.date) -> float:
    """Workers hurry to leave before the fasting month, few come during it, many come back to
    apply once Lebaran is over; December is slow (school holidays, year's end)."""
    ramadan = RAMADAN.get(day.year)
    next_ramadan = RAMADAN.get(day.year + 1)
    for start, end in filter(None, (ramadan, next_ramadan)):
        if start <= day <= end:
            return 0.6
        if 0 < (start - day).days <= 42:
            return 1.35
        if 0 < (day - end).days <= 35:
            return 1.2
    return 0.85 if day.month == 12 else 1.0


def visits_on(day: datetime.date, first_day: datetime.date, rng: random.Random) -> int:
    """How many visitors come: weekday and season, a slow growth as the office becomes known
    in the villages, and the day's chance."""
    growth = 0.85 + 0.25 * min(1.0, (day - first_day).days / 395)
    expected = BASE_VISITS * WEEKDAY_LOAD[day.weekday()] * season_load(day) * growth
    return max(4, round(rng.gauss(expected, expected * 0.15)))


@dataclass
class OfficeRows:
    visits: list[Visit] = field(default_factory=list)
    tickets: list[tuple[Visit, Ticket, list[Service], bool]] = field(default_factory=list)
    surveys: list[tuple[Visit, Survey]] = field(default_factory=list)
    counters: list[DeskDayCounter] = field(default_factory=list)


def _staff(office: Organisation) -> User | None:
    return (
        User.objects.filter(organisation=office, role_assignments__role=Role.FRONTDESK)
        .order_by("pk")
        .first()
    )


def _desk_officers(office: Organisation) -> dict[int, User]:
    """Desk id → the office's (first) desk officer bound to it: they called and served there."""
    officers: dict[int, User] = {}
    for user in User.objects.filter(
        organisation=office, desk__isnull=False, role_assignments__role=Role.DESK_OFFICER
    ).order_by("pk"):
        officers.setdefault(user.desk_id, user)
    return officers


def first_day(today: datetime.date) -> datetime.date:
    """The first day of the demo's history: the same day MONTHS months ago."""
    month = today.month - MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return today.replace(year=year, month=month, day=min(today.day, 28))


def seed(stdout=None) -> None:
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug"):
        frontdesk = _staff(office)
        if frontdesk is None:
            continue
        install_default_services(office=office)
        _seed_office(office, frontdesk)


@transaction.atomic
def _seed_office(office: Organisation, frontdesk: User) -> None:
    services = list(
        Service.objects.filter(office=office, is_active=True).select_related("desk__desk_type")
    )
    # A person visits once registered: the demo's registrations are spread over the same year.
    people = list(
        Person.objects.filter(office=office, merged_into__isnull=True, anonymised_at__isnull=True)
        .exclude(nik=None)
        .order_by("created_at", "pk")
    )
    if not services or not people:
        return
    officers = _desk_officers(office)
    today = office.today()
    start = first_day(today)
    seeded = set(Visit.objects.filter(office=office).values_list("day", flat=True).distinct())
    rows = OfficeRows()
    day = start
    while day < today:
        if not is_closed(day) and day not in seeded:
            _plan_day(rows, office, day, start, frontdesk, services, people, officers)
        day += datetime.timedelta(days=1)
    _write(rows)


def _arrival(rng: random.Random, day: datetime.date, opens: datetime.datetime) -> float:
    """Minutes after opening: most arrive in the morning, fewer after the midday break; on
    Friday the office closes for prayers and few come back."""
    if day.weekday() == 4:
        return rng.triangular(0, 210, 45) if rng.random() < 0.85 else rng.uniform(330, 400)
    if rng.random() < 0.7:
        return rng.triangular(0, 240, 75)
    return rng.uniform(300, 400)


def _plan_day(rows, office, day, start, frontdesk, services, people, officers) -> None:
    rng = random.Random(f"frontdesk-{office.slug}-{day}")  # noqa: S311 - demo data
    weights = [DESK_WEIGHTS.get(s.desk.desk_type.code, 1) for s in services]
    opens = datetime.datetime.combine(day, OPENS, tzinfo=office.zone)
    registered = [p for p in people if p.created_at.date() <= day] or people[:1]
    arrivals = sorted(_arrival(rng, day, opens) for _ in range(visits_on(day, start, rng)))
    numbers: dict[int, int] = {}
    # Desk id → when each of its counters is free again.
    counters: dict[int, list[datetime.datetime]] = {}
    for minutes in arrivals:
        arrived = opens + datetime.timedelta(minutes=minutes)
        chosen = {s.pk: s for s in rng.choices(services, weights=weights, k=rng.choice([1, 1, 2]))}
        anonymous = all(s.allows_anonymous for s in chosen.values()) and rng.random() < 0.5
        person = None if anonymous else rng.choice(registered)
        priority = rng.choice([Priority.NONE] * 12 + [Priority.PREGNANT, Priority.ELDERLY])
        visit = Visit(
            office=office,
            person=person,
            day=day,
            checked_in_by=frontdesk,
            checked_in_at=arrived,
            sex=person.sex if person else rng.choice(["F", "F", "M"]),
            age_band="" if person else rng.choice(AgeBand.values[1:5]),
            priority=priority,
        )
        rows.visits.append(visit)
        by_desk: dict[int, list[Service]] = {}
        for service in chosen.values():
            by_desk.setdefault(service.desk_id, []).append(service)
        served = False
        done = arrived
        for desk_id, desk_services in by_desk.items():
            desk = desk_services[0].desk
            numbers[desk_id] = numbers.get(desk_id, 0) + 1
            free = counters.setdefault(desk_id, [opens] * DESK_COUNTERS.get(desk.desk_type.code, 1))
            counter = min(range(len(free)), key=free.__getitem__)
            # Every ticket of the visit is issued at check-in; the visitor waits in each line.
            issued = arrived
            called = max(issued + datetime.timedelta(minutes=rng.uniform(1, 6)), free[counter])
            no_show = rng.random() < 0.04
            target = max(s.target_minutes for s in desk_services)
            minutes_served = 1.0 if no_show else max(3.0, rng.gauss(target * 0.8, target * 0.3))
            finished = called + datetime.timedelta(minutes=minutes_served)
            free[counter] = finished
            ticket = Ticket(
                office=office,
                desk=desk,
                day=day,
                number=numbers[desk_id],
                prefix=desk.prefix,
                is_priority=bool(priority),
                issued_at=issued,
                called_at=called,
                served_at=None if no_show else called,
                finished_at=finished,
                status=TicketStatus.NO_SHOW if no_show else TicketStatus.SERVED,
                call_count=1,
                called_by=officers.get(desk_id),
            )
            rows.tickets.append((visit, ticket, desk_services, not no_show))
            served = served or not no_show
            done = max(done, finished)
        if served and rng.random() < 0.45:
            answers = {
                f"u{n}": (None if rng.random() < 0.03 else rng.choices([2, 3, 4], [1, 6, 4])[0])
                for n in range(1, 10)
            }
            survey = Survey(
                channel=rng.choice(["kiosk", "qr"]),
                submitted_at=done + datetime.timedelta(minutes=rng.uniform(1, 10)),
                **answers,
            )
            rows.surveys.append((visit, survey))
    rows.counters += [
        DeskDayCounter(desk_id=desk_id, day=day, last_number=last)
        for desk_id, last in numbers.items()
    ]


@contextmanager
def given_times(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk writes keep the times the demo gives to `auto_now_add` fields (a visit checked
    in last March was not checked in today). The demo seeds in one thread."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _field(model, name: str) -> models.DateTimeField:
    found = model._meta.get_field(name)
    assert isinstance(found, models.DateTimeField)
    return found


def _write(rows: OfficeRows) -> None:
    batch = 2000
    with given_times(
        _field(Visit, "checked_in_at"),
        _field(ServiceRecord, "recorded_at"),
        _field(Survey, "submitted_at"),
    ):
        Visit.objects.bulk_create(rows.visits, batch_size=batch)
        for visit, ticket, _services, _served in rows.tickets:
            ticket.visit = visit
        Ticket.objects.bulk_create([t for _v, t, _s, _d in rows.tickets], batch_size=batch)
        Ticket.services.through.objects.bulk_create(
            [
                Ticket.services.through(ticket_id=ticket.pk, service_id=service.pk)
                for _v, ticket, services, _d in rows.tickets
                for service in services
            ],
            batch_size=batch,
        )
        records = [
            (
                ServiceRecord(
                    ticket=ticket,
                    person=visit.person,
                    recorded_by=ticket.called_by or visit.checked_in_by,
                    outcome=_outcome(ticket),
                    recorded_at=ticket.finished_at or visit.checked_in_at,
                ),
                services,
            )
            for visit, ticket, services, served in rows.tickets
            if served
        ]
        ServiceRecord.objects.bulk_create([r for r, _s in records], batch_size=batch)
        ServiceRecord.services.through.objects.bulk_create(
            [
                ServiceRecord.services.through(servicerecord_id=record.pk, service_id=service.pk)
                for record, services in records
                for service in services
            ],
            batch_size=batch,
        )
        for visit, survey in rows.surveys:
            survey.visit = visit
        Survey.objects.bulk_create([s for _v, s in rows.surveys], batch_size=batch)
    DeskDayCounter.objects.bulk_create(rows.counters, batch_size=batch)


def _outcome(ticket: Ticket) -> str:
    rng = random.Random(f"outcome-{ticket.desk_id}-{ticket.day}-{ticket.number}")  # noqa: S311
    return rng.choice(list(ServiceRecord.Outcome.values) + ["completed"] * 4)
