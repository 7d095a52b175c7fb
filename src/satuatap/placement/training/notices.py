"""What training tells a prospective worker on their phone (`notifications.services
.notify_person`: their own WhatsApp or mobile number, never one that opted out, in their
language): enrolled in a course or an OPP session (its title, place and dates), and the day
before it starts (daily task, `placement/tasks.py`). Each is sent once (`event_key`); a message
that cannot be queued never stops the officer's work."""

from __future__ import annotations

import datetime
import functools

from django.utils import formats

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.notifications import services as notifications
from satuatap.placement.training.models import Course, Enrolment, Result


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _course_parameters(course: Course) -> dict[str, object]:
    return {
        "course": course.title,
        "place": course.training_centre,
        "starts_on": _date(course.start_date),
        "ends_on": _date(course.end_date),
        "office": course.office.name,
    }


def enrolled(enrolment: Enrolment) -> None:
    course = enrolment.course
    notifications.notify_person(
        office=course.office,
        person=enrolment.person,
        template_code="course_enrolled",
        parameters=lambda: _course_parameters(course),
        event_key=f"course_enrolled:{enrolment.pk}",
    )


def queue_course_reminders(*, today: datetime.date | None = None) -> int:
    """The day before a course starts, each person enrolled (result still pending) is reminded.
    Returns how many were queued."""
    queued = 0
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE):
        tomorrow = (today or office.today()) + datetime.timedelta(days=1)
        enrolments = (
            Enrolment.objects.filter(
                course__office=office, course__start_date=tomorrow, result=Result.PENDING
            )
            .select_related("course__office", "person")
            .order_by("pk")
        )
        for enrolment in enrolments:
            course = enrolment.course
            message = notifications.notify_person(
                office=office,
                person=enrolment.person,
                template_code="course_tomorrow",
                parameters=functools.partial(_course_parameters, course),
                event_key=f"course_tomorrow:{enrolment.pk}:{course.start_date.isoformat()}",
            )
            queued += message is not None
    return queued
