"""Reads of training courses and OPP sessions, limited to the caller's office, and the counts by
sex the office reports.

How the counts count (also said on the counts page):
- a course belongs to a period when its first day falls in it, so consecutive periods never
  count a course twice;
- the figures count enrolments, not people: someone on two courses counts on each;
- "enrolled" is every enrolment, including those who later withdrew;
- "attended" is present on at least one course day; "attended every day" is present on every
  day the course meets;
- "passed" is a passed result;
- each figure is split by the sex in the person's registry record: women, men, not recorded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from satuatap.core.models import User
from satuatap.people.models import Person, Sex
from satuatap.placement.training.models import Attendance, Course, Enrolment, Result

PERIODS = ("upcoming", "running", "past")


def _office_id(user: User) -> int | None:
    if not user.has_perm("placement.view_courses"):
        return None
    return user.office_id_or_none


def office_courses(user: User, *, period: str = "", kind: str = "") -> QuerySet[Course]:
    """The courses of the caller's office (none for a user without an office), with the number
    of places taken; `period` is "upcoming", "running" or "past" on the office's today."""
    office_id = _office_id(user)
    if office_id is None:
        return Course.objects.none()
    queryset = Course.objects.filter(office_id=office_id).annotate(
        taken=Count("enrolments", filter=~Q(enrolments__result=Result.WITHDREW))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if period in PERIODS:
        assert user.office is not None  # office_id is not None (checked above)
        today = user.office.today()
        if period == "upcoming":
            queryset = queryset.filter(start_date__gt=today).order_by("start_date", "title", "pk")
        elif period == "running":
            queryset = queryset.filter(start_date__lte=today, end_date__gte=today).order_by(
                "end_date", "title", "pk"
            )
        else:
            queryset = queryset.filter(end_date__lt=today).order_by("-end_date", "title", "pk")
    return queryset


def get_visible_course(user: User, course_id: int) -> Course | None:
    return office_courses(user).select_related("office").filter(pk=course_id).first()


def course_enrolments(course: Course) -> QuerySet[Enrolment]:
    """Who is on the course, with the number of days each was present."""
    return (
        course.enrolments.select_related(
            "person", "placement_file", "certificate", "certificate__document_type"
        )
        .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("person__full_name", "pk")
    )


def get_visible_enrolment(user: User, course_id: int, enrolment_id: int) -> Enrolment | None:
    course = get_visible_course(user, course_id)
    if course is None:
        return None
    enrolment = course_enrolments(course).filter(pk=enrolment_id).first()
    if enrolment is not None:
        enrolment.course = course
    return enrolment


@dataclass
class RegisterRow:
    enrolment: Enrolment
    present: bool | None  # None: not taken yet for this day


def attendance_register(course: Course, day: datetime.date) -> list[RegisterRow]:
    """The register of one day: every enrolled person not withdrawn, with what was recorded."""
    enrolments = list(
        course.enrolments.exclude(result=Result.WITHDREW)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )
    recorded = dict(
        Attendance.objects.filter(enrolment__in=enrolments, date=day).values_list(
            "enrolment_id", "present"
        )
    )
    return [RegisterRow(enrolment, recorded.get(enrolment.pk)) for enrolment in enrolments]


def days_taken(course: Course) -> set[datetime.date]:
    """The days for which a register was taken."""
    return set(Attendance.objects.filter(enrolment__course=course).values_list("date", flat=True))


def enrolments_of_person(person: Person) -> QuerySet[Enrolment]:
    """A person's courses, newest first (for their record or placement file)."""
    return (
        Enrolment.objects.filter(person=person)
        .select_related("course", "certificate")
        .order_by("-course__start_date", "-pk")
    )


# --- Counts by sex -----------------------------------------------------------------------------


@dataclass
class SexSplit:
    women: int = 0
    men: int = 0
    not_recorded: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.not_recorded

    def add(self, sex: str) -> None:
        if sex == Sex.FEMALE:
            self.women += 1
        elif sex == Sex.MALE:
            self.men += 1
        else:
            self.not_recorded += 1


MEASURES = ("enrolled", "attended", "attended_every_day", "passed")


@dataclass
class CourseCounts:
    course: Course | None  # None for the total of every course
    enrolled: SexSplit = field(default_factory=SexSplit)
    attended: SexSplit = field(default_factory=SexSplit)
    attended_every_day: SexSplit = field(default_factory=SexSplit)
    passed: SexSplit = field(default_factory=SexSplit)

    def measures(self) -> list[SexSplit]:
        return [getattr(self, name) for name in MEASURES]


@dataclass
class TrainingCounts:
    rows: list[CourseCounts]
    total: CourseCounts


def counts_for_courses(courses: list[Course]) -> TrainingCounts:
    """The counts by sex of each of `courses` and of all of them together (two queries)."""
    rows = {course.pk: CourseCounts(course) for course in courses}
    days = {course.pk: len(course.course_days()) for course in courses}
    total = CourseCounts(None)
    enrolments = (
        Enrolment.objects.filter(course__in=list(rows))
        .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
        .values_list("course_id", "person__sex", "result", "days_present")
    )
    for course_id, sex, result, days_present in enrolments:
        for counts in (rows[course_id], total):
            counts.enrolled.add(sex)
            if days_present > 0:
                counts.attended.add(sex)
            if days_present >= days[course_id]:
                counts.attended_every_day.add(sex)
            if result == Result.PASSED:
                counts.passed.add(sex)
    return TrainingCounts(rows=list(rows.values()), total=total)


def office_counts(
    user: User, *, date_from: datetime.date, date_to: datetime.date, kind: str = ""
) -> TrainingCounts:
    """The counts of the caller's office's courses whose first day is in the period."""
    courses = list(
        office_courses(user, kind=kind)
        .filter(start_date__gte=date_from, start_date__lte=date_to)
        .order_by("start_date", "title", "pk")
    )
    return counts_for_courses(courses)
