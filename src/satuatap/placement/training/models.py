"""Training courses (at a BLK or LPK, ending in a competency certificate) and pre-departure
orientation (OPP) sessions an office runs or sends people to, with who was enrolled, who came
on which day, and the result.

A course meets on the days between its first and last day that fall on one of its weekdays
(`Course.course_days`); attendance is recorded only for those days. A passed enrolment can carry
its certificate, which is an ordinary document of the person's registry record, so the placement
checklist sees it like any other scan.

These models belong to the placement app (app label `placement`, tables `placement_course`…):
`satuatap.placement.models` imports this module so that Django registers them with the app.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Organisation
from satuatap.people.models import Person, PersonDocument

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class CourseKind(models.TextChoices):
    TRAINING = "training", _("Training (competency)")
    OPP = "opp", _("Pre-departure orientation (OPP)")


# The registry document type a passed enrolment's certificate is filed as.
CERTIFICATE_DOCUMENT_TYPE = {
    CourseKind.TRAINING: "sertifikat-kompetensi",
    CourseKind.OPP: "sertifikat-opp",
}


class Weekday(models.TextChoices):
    """Python's weekday numbers (Monday is 0), as one character each."""

    MONDAY = "0", _("Monday")
    TUESDAY = "1", _("Tuesday")
    WEDNESDAY = "2", _("Wednesday")
    THURSDAY = "3", _("Thursday")
    FRIDAY = "4", _("Friday")
    SATURDAY = "5", _("Saturday")
    SUNDAY = "6", _("Sunday")


WORKING_DAYS = "01234"


class Course(models.Model):
    """A training course or an OPP session, with its dates and number of places."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    training_centre = models.CharField(
        _("training centre"),
        max_length=200,
        help_text=_("The BLK or LPK that gives the course, or where the OPP is held."),
    )
    competency = models.CharField(
        _("competency"),
        max_length=200,
        blank=True,
        help_text=_("The competency the certificate attests, such as caregiving (blank for OPP)."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    weekdays = models.CharField(
        _("meets on"),
        max_length=7,
        default=WORKING_DAYS,
        help_text=_("The days of the week the course meets between its first and last day."),
    )
    capacity = models.PositiveIntegerField(_("places"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-start_date", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                name="course_ends_on_or_after_start", condition=Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(name="course_capacity_positive", condition=Q(capacity__gt=0)),
            models.CheckConstraint(
                name="course_meets_on_some_weekday", condition=Q(weekdays__regex=r"^[0-6]{1,7}$")
            ),
            models.UniqueConstraint(
                fields=["office", "title", "start_date"], name="unique_course_title_start"
            ),
        ]
        indexes = [models.Index(fields=["office", "start_date"])]

    def __str__(self) -> str:
        return self.title

    def course_days(self) -> list[datetime.date]:
        """Every day the course meets, in order."""
        days = []
        day = self.start_date
        while day <= self.end_date:
            if str(day.weekday()) in self.weekdays:
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def is_course_day(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date and str(day.weekday()) in self.weekdays

    def weekday_labels(self) -> list[StrOrPromise]:
        return [Weekday(code).label for code in sorted(self.weekdays)]

    def period(self, today: datetime.date) -> str:
        """ "upcoming", "running" or "past" on `today`."""
        if today < self.start_date:
            return "upcoming"
        if today > self.end_date:
            return "past"
        return "running"

    @property
    def certificate_type_code(self) -> str:
        return CERTIFICATE_DOCUMENT_TYPE[CourseKind(self.kind)]


class Result(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    WITHDREW = "withdrew", _("Withdrew")


class Enrolment(models.Model):
    """A person's place on a course. A withdrawn enrolment frees its place."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="enrolments"
    )
    placement_file = models.ForeignKey(
        "placement.PlacementFile",
        verbose_name=_("placement file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    result = models.CharField(
        _("result"), max_length=16, choices=Result.choices, default=Result.PENDING
    )
    certificate = models.ForeignKey(
        PersonDocument,
        verbose_name=_("certificate"),
        on_delete=models.SET_NULL,  # an erased record loses its documents, not its enrolments
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    result_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="one_enrolment_per_person"),
            models.CheckConstraint(
                name="certificate_only_when_passed",
                condition=Q(certificate__isnull=True) | Q(result="passed"),
            ),
        ]
        indexes = [models.Index(fields=["person", "result"])]

    def __str__(self) -> str:
        return f"enrolment #{self.pk}"

    @property
    def holds_place(self) -> bool:
        return self.result != Result.WITHDREW


class Attendance(models.Model):
    """Whether an enrolled person came on one course day."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("date"))
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date"], name="one_attendance_per_day")
        ]

    def __str__(self) -> str:
        return f"attendance #{self.pk}"
