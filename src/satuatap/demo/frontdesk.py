"""Demo front-desk activity: three weeks of visits, tickets with realistic times, what each
desk did, and satisfaction surveys, for each pilot office. Idempotent: a day that already has
visits is left alone, and everything comes from a fixed seed per office and day."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

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

DAYS = 21
WORKDAY_OPENS = datetime.time(8, 0)
WORKDAY_HOURS = 7
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


def seed(stdout=None) -> None:
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug"):
        frontdesk = _staff(office)
        if frontdesk is None:
            continue
        officers = _desk_officers(office)
        install_default_services(office=office)
        services = list(
            Service.objects.filter(office=office, is_active=True).select_related("desk__desk_type")
        )
        people = list(
            Person.objects.filter(
                office=office, merged_into__isnull=True, anonymised_at__isnull=True
            ).order_by("pk")
        )
        if not services or not people:
            continue
        today = office.today()
        for back in range(DAYS, 0, -1):
            day = today - datetime.timedelta(days=back)
            if day.weekday() < 5:
                _seed_day(office, day, frontdesk, services, people, officers)


@transaction.atomic
def _seed_day(office, day, frontdesk, services, people, officers) -> None:
    if Visit.objects.filter(office=office, day=day).exists():
        return
    rng = random.Random(f"frontdesk-{office.slug}-{day}")  # noqa: S311 - demo data
    weights = [DESK_WEIGHTS.get(s.desk.desk_type.code, 1) for s in services]
    opens = datetime.datetime.combine(day, WORKDAY_OPENS, tzinfo=office.zone)
    numbers: dict[int, int] = {}
    desk_free_at: dict[int, datetime.datetime] = {}
    for _ in range(rng.randint(18, 40)):
        arrived = opens + datetime.timedelta(minutes=rng.uniform(0, WORKDAY_HOURS * 60))
        chosen = {s.pk: s for s in rng.choices(services, weights=weights, k=rng.choice([1, 1, 2]))}
        anonymous = all(s.allows_anonymous for s in chosen.values()) and rng.random() < 0.5
        person = None if anonymous else rng.choice(people)
        visit = Visit.objects.create(
            office=office,
            person=person,
            day=day,
            checked_in_by=frontdesk,
            sex=person.sex if person else rng.choice(["F", "F", "M"]),
            age_band="" if person else rng.choice(AgeBand.values[1:5]),
            priority=rng.choice([Priority.NONE] * 12 + [Priority.PREGNANT, Priority.ELDERLY]),
        )
        Visit.objects.filter(pk=visit.pk).update(checked_in_at=arrived)
        by_desk: dict[int, list[Service]] = {}
        for service in chosen.values():
            by_desk.setdefault(service.desk_id, []).append(service)
        served = False
        for desk_id, desk_services in by_desk.items():
            desk = desk_services[0].desk
            numbers[desk_id] = numbers.get(desk_id, 0) + 1
            start = max(
                arrived + datetime.timedelta(minutes=rng.uniform(2, 10)),
                desk_free_at.get(desk_id, opens),
            )
            called = start + datetime.timedelta(minutes=rng.uniform(0, 25))
            no_show = rng.random() < 0.04
            target = max(s.target_minutes for s in desk_services)
            finished = called + datetime.timedelta(
                minutes=1 if no_show else max(3.0, rng.gauss(target * 0.9, target * 0.35))
            )
            desk_free_at[desk_id] = finished
            ticket = Ticket.objects.create(
                visit=visit,
                office=office,
                desk=desk,
                day=day,
                number=numbers[desk_id],
                prefix=desk.prefix,
                is_priority=bool(visit.priority),
                issued_at=arrived,
                called_at=called,
                served_at=None if no_show else called,
                finished_at=finished,
                status=TicketStatus.NO_SHOW if no_show else TicketStatus.SERVED,
                call_count=1,
                called_by=officers.get(desk_id),
            )
            ticket.services.set(desk_services)
            if not no_show:
                served = True
                record = ServiceRecord.objects.create(
                    ticket=ticket,
                    person=person,
                    recorded_by=officers.get(desk_id, frontdesk),
                    outcome=rng.choice(list(ServiceRecord.Outcome.values) + ["completed"] * 4),
                )
                record.services.set(desk_services)
        if rng.random() < 0.45:
            answers = {
                f"u{n}": (None if rng.random() < 0.03 else rng.choices([2, 3, 4], [1, 6, 4])[0])
                for n in range(1, 10)
            }
            channel = rng.choice(["kiosk", "qr"])
            if served:  # only a visit a desk served is surveyed (surveys.submit_survey)
                Survey.objects.create(visit=visit, channel=channel, **answers)
    for desk_id, last in numbers.items():
        DeskDayCounter.objects.update_or_create(
            desk_id=desk_id, day=day, defaults={"last_number": last}
        )
