"""Demo training courses and OPP sessions for each pilot office: a finished caregiver training
with attendance and results, a running language and housekeeping training with the register
taken so far, and a finished OPP session. Idempotent: a course is keyed by its office and title,
and an existing course is left as it is."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.people.models import Person
from satuatap.placement.files.models import CLOSED_STAGES, PlacementFile
from satuatap.placement.files.selectors import open_placement_file
from satuatap.placement.training.models import (
    Attendance,
    Course,
    CourseKind,
    Enrolment,
    Result,
)

# title, kind, training centre, competency, first day (days from today), length (days),
# weekdays, places, people enrolled
COURSES = [
    (
        "Pelatihan Perawat Lansia (Caregiver) Angkatan I",
        CourseKind.TRAINING,
        "BLK Komunitas {region}",
        "Perawatan lansia (caregiver)",
        -60,
        27,
        "01234",
        20,
        14,
    ),
    (
        "Pelatihan Bahasa Mandarin dan Tata Laksana Rumah Tangga",
        CourseKind.TRAINING,
        "LPK Bina Karya Mandiri",
        "Tata laksana rumah tangga (domestic work), bahasa Mandarin",
        -10,
        35,
        "012345",
        16,
        12,
    ),
    (
        "Orientasi Pra Pemberangkatan (OPP) Gelombang I",
        CourseKind.OPP,
        "BP3MI / LTSA-PPMI {region}",
        "",
        -7,
        1,
        "0123456",
        30,
        18,
    ),
]


def seed(stdout=None) -> None:
    created = 0
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).order_by("slug")
    for office in offices:
        created += _seed_office(office)
    if stdout is not None:
        stdout.write(_("Training and OPP: %(count)s demo courses created.") % {"count": created})


@transaction.atomic
def _seed_office(office: Organisation) -> int:
    today = office.today()
    people = list(
        Person.objects.filter(
            office=office,
            merged_into__isnull=True,
            anonymised_at__isnull=True,
            birth_date__lte=today - datetime.timedelta(days=19 * 366),
        ).order_by("pk")
    )
    if not people:
        return 0
    with_open_file = set(
        PlacementFile.objects.filter(office=office)
        .exclude(stage__in=CLOSED_STAGES)
        .values_list("person_id", flat=True)
    )
    preparing = [person for person in people if person.pk in with_open_file]
    officer = User.objects.filter(username=f"{office.slug}.placement").first()
    region = office.region.name.title() if office.region is not None else office.name
    created = 0
    for index, row in enumerate(COURSES):
        title, kind, centre, competency, starts, length, weekdays, capacity, enrolled = row
        if Course.objects.filter(office=office, title=title).exists():
            continue
        start = today + datetime.timedelta(days=starts)
        course = Course.objects.create(
            office=office,
            kind=kind,
            title=title,
            training_centre=centre.format(region=region),
            competency=competency,
            start_date=start,
            end_date=start + datetime.timedelta(days=length),
            weekdays=weekdays,
            capacity=capacity,
            created_by=officer,
        )
        rng = random.Random(f"training-{office.slug}-{index}")  # noqa: S311 - demo data
        # People preparing a placement first, then others of the office.
        chosen = rng.sample(preparing, min(enrolled // 2, len(preparing)))
        others = [person for person in people if person not in chosen]
        chosen += rng.sample(others, min(enrolled - len(chosen), len(others)))
        _enrol(course, chosen, rng, officer, today)
        created += 1
    return created


def _enrol(course: Course, people: list[Person], rng: random.Random, officer, today) -> None:
    past_days = [day for day in course.course_days() if day <= today]
    is_finished = course.end_date < today
    now = timezone.now()
    for person in people:
        roll = rng.random()
        result = Result.PENDING
        if roll < 0.06:
            result = Result.WITHDREW
        elif is_finished:
            result = Result.FAILED if roll < 0.15 else Result.PASSED
        enrolment = Enrolment.objects.create(
            course=course,
            person=person,
            placement_file=open_placement_file(person, course.office_id),
            enrolled_by=officer,
            result=result,
            result_recorded_by=officer if result != Result.PENDING else None,
            result_recorded_at=now if result != Result.PENDING else None,
        )
        days = past_days[: max(1, len(past_days) // 3)] if result == Result.WITHDREW else past_days
        attendance_rate = 0.6 if result == Result.FAILED else 0.93
        Attendance.objects.bulk_create(
            Attendance(
                enrolment=enrolment,
                date=day,
                present=rng.random() < attendance_rate,
                recorded_by=officer,
            )
            for day in days
        )
