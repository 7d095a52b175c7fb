"""Writes on training courses and OPP sessions: create and change a course, enrol a person, take
the attendance register of a day, record a result, attach the certificate.

Each function checks the caller's permission itself: a course of another office is "not found"
(404), a user of the office without the right role is refused (403). Every change is in the audit
trail (django-auditlog, same transaction).

Capacity is safe under concurrent enrolment: `enrol` locks the course's row before it counts the
places taken, so two officers enrolling the last place at the same moment get one enrolment and
one "full" refusal (on SQLite the IMMEDIATE transaction serialises the writers the same way).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.people.documents.services import upload_document
from satuatap.people.models import DocumentType, Person, PersonDocument, VerificationStatus
from satuatap.placement.files.models import PlacementFile
from satuatap.placement.files.selectors import open_placement_file
from satuatap.placement.training import notices
from satuatap.placement.training.models import (
    Attendance,
    Course,
    CourseKind,
    Enrolment,
    Result,
    Weekday,
)

COURSE_FIELDS = (
    "kind",
    "title",
    "training_centre",
    "competency",
    "start_date",
    "end_date",
    "weekdays",
    "capacity",
)


def _not_found() -> DomainError:
    return DomainError("not_found", _("No such course in this office."), status=404)


def _require_manage(by: User, course: Course) -> None:
    if by.office_id_or_none != course.office_id or not by.has_perm("placement.view_courses"):
        raise _not_found()
    if not by.has_perm("placement.manage_courses", course.office):
        raise DomainError("forbidden", _("You may not do this."), status=403)


def _today(course: Course) -> datetime.date:
    return course.office.today()


def _lock(course: Course) -> Course:
    """Lock the course's row and read its current state into the caller's instance."""
    course.refresh_from_db(from_queryset=Course.objects.select_for_update())
    return course


def places_taken(course: Course) -> int:
    return course.enrolments.exclude(result=Result.WITHDREW).count()


def normalise_weekdays(value: str | Iterable[str]) -> str:
    """ "0", "4", "1" or "041" → "014": each weekday once, in order."""
    codes = {str(code) for code in value}
    if not codes:
        raise DomainError(
            "weekdays_required", _("Choose at least one day of the week."), status=422
        )
    unknown = codes - set(Weekday.values)
    if unknown:
        raise DomainError(
            "invalid_weekday", _("Choose the days of the week from the list."), status=422
        )
    return "".join(sorted(codes))


def _assign(course: Course, values: dict[str, Any]) -> None:
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise DomainError("unknown_field", _("Unknown field."), status=422, details=sorted(unknown))
    for name, value in values.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        if name == "weekdays":
            value = normalise_weekdays(value)
        setattr(course, name, value)
    if course.kind == CourseKind.OPP:
        course.competency = ""


def _validate(course: Course) -> None:
    try:
        course.full_clean(exclude=["office", "created_by"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError(
            "invalid", _("Some fields are not valid."), status=422, details=error.message_dict
        ) from error
    if course.end_date < course.start_date:
        raise DomainError(
            "end_before_start",
            _("The last day cannot be before the first day."),
            status=422,
        )
    if course.capacity < 1:
        raise DomainError("capacity_positive", _("A course has at least one place."), status=422)
    if course.kind == CourseKind.TRAINING and not course.competency:
        raise DomainError(
            "competency_required",
            _("Say which competency the training leads to."),
            status=422,
        )
    if not course.course_days():
        raise DomainError(
            "no_course_day",
            _("The course does not meet on any day between its first and last day."),
            status=422,
        )
    duplicate = Course.objects.filter(
        office_id=course.office_id, title__iexact=course.title, start_date=course.start_date
    ).exclude(pk=course.pk)
    if duplicate.exists():
        raise _duplicate_course()


def _duplicate_course() -> DomainError:
    return DomainError(
        "duplicate_course",
        _("The office already has a course with this title starting on this day."),
        status=409,
    )


def _save(course: Course) -> None:
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as error:  # a concurrent save of the same title and first day
        raise _duplicate_course() from error


def create_course(*, by: User, values: dict[str, Any]) -> Course:
    """A new course or OPP session of the caller's office."""
    office = by.office
    if office is None or not by.has_perm("placement.manage_courses", office):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    course = Course(office=office, created_by=by)
    _assign(course, values)
    _validate(course)
    _save(course)
    return course


def update_course(*, course: Course, by: User, values: dict[str, Any]) -> Course:
    """Change a course. Its places cannot drop below the people enrolled, its days must still
    include every day attendance was taken, and its kind is fixed once someone is enrolled."""
    with transaction.atomic():
        _require_manage(by, course)
        _lock(course)
        previous_kind = course.kind
        _assign(course, values)
        _validate(course)
        enrolments = course.enrolments.all()
        if course.kind != previous_kind and enrolments.exists():
            raise DomainError(
                "kind_locked",
                _("People are enrolled: the course cannot change between training and OPP."),
                status=409,
            )
        taken = places_taken(course)
        if course.capacity < taken:
            raise DomainError(
                "capacity_below_enrolled",
                ngettext(
                    "%(count)s person is enrolled; the course needs at least as many places.",
                    "%(count)s people are enrolled; the course needs at least as many places.",
                    taken,
                )
                % {"count": taken},
                status=409,
            )
        for day in (
            Attendance.objects.filter(enrolment__course=course)
            .order_by("date")
            .values_list("date", flat=True)
            .distinct()
        ):
            if not course.is_course_day(day):
                raise DomainError(
                    "attendance_outside_days",
                    _("Attendance was taken on %(date)s, which would no longer be a course day.")
                    % {"date": day.isoformat()},
                    status=409,
                )
        _save(course)
    return course


def _full() -> DomainError:
    return DomainError("course_full", _("The course is full."), status=409)


def _already_enrolled() -> DomainError:
    return DomainError(
        "already_enrolled", _("This person is already enrolled on this course."), status=409
    )


def _placement_file_for(
    person: Person, course: Course, placement_file: PlacementFile | None
) -> PlacementFile | None:
    """The file given (it must be the person's own, in the course's office), else the person's
    open file in the office, if there is one."""
    if placement_file is None:
        return open_placement_file(person, course.office_id)
    if placement_file.person_id != person.pk or placement_file.office_id != course.office_id:
        raise DomainError(
            "wrong_placement_file",
            _("This placement file is not this person's file in this office."),
            status=422,
        )
    return placement_file


def enrol(
    *,
    course: Course,
    person: Person,
    by: User,
    placement_file: PlacementFile | None = None,
) -> Enrolment:
    """Give `person` a place on `course`, linked to their placement file."""
    with transaction.atomic():
        _require_manage(by, course)
        _lock(course)
        if person.office_id != course.office_id or not by.has_perm("people.view_person", person):
            raise DomainError("person_not_found", _("This person was not found."), status=404)
        if not person.is_active_record:
            raise DomainError(
                "inactive_record",
                _("This record was merged or anonymised; enrol the current record."),
                status=409,
            )
        if course.end_date < _today(course):
            raise DomainError(
                "course_finished",
                _("The course ended on %(date)s; no one can be enrolled any more.")
                % {"date": course.end_date.isoformat()},
                status=409,
            )
        if course.enrolments.filter(person=person).exists():
            raise _already_enrolled()
        if places_taken(course) >= course.capacity:
            raise _full()
        enrolment = Enrolment(
            course=course,
            person=person,
            placement_file=_placement_file_for(person, course, placement_file),
            enrolled_by=by,
        )
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError as error:
            raise _already_enrolled() from error
    notices.enrolled(enrolment)
    return enrolment


def record_attendance(
    *, course: Course, day: datetime.date, present: Iterable[int], by: User
) -> list[Attendance]:
    """The register of one course day: every enrolled person (not withdrawn) is marked present
    when their enrolment id is in `present`, absent otherwise. Taking the register again for
    the same day corrects it."""
    with transaction.atomic():
        _require_manage(by, course)
        _lock(course)
        if not course.is_course_day(day):
            raise DomainError(
                "not_course_day",
                _("%(date)s is not a day of this course.") % {"date": day.isoformat()},
                status=422,
            )
        if day > _today(course):
            raise DomainError(
                "future_date", _("Attendance cannot be taken for a day to come."), status=422
            )
        enrolments = list(course.enrolments.exclude(result=Result.WITHDREW))
        present_ids = {int(pk) for pk in present}
        if present_ids - {enrolment.pk for enrolment in enrolments}:
            raise DomainError(
                "unknown_enrolment",
                _("Someone on the register is not enrolled on this course."),
                status=422,
            )
        existing = {
            row.enrolment_id: row
            for row in Attendance.objects.filter(enrolment__in=enrolments, date=day)
        }
        rows = []
        for enrolment in enrolments:
            is_present = enrolment.pk in present_ids
            row = existing.get(enrolment.pk)
            if row is None:
                row = Attendance.objects.create(
                    enrolment=enrolment, date=day, present=is_present, recorded_by=by
                )
            elif row.present != is_present:
                row.present = is_present
                row.recorded_by = by
                row.save(update_fields=["present", "recorded_by", "recorded_at"])
            rows.append(row)
    return rows


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    enrolment.refresh_from_db(
        from_queryset=Enrolment.objects.select_for_update(of=("self",)).select_related(
            "course", "person", "certificate"
        )
    )
    return enrolment


def record_result(*, enrolment: Enrolment, result: str, by: User) -> Enrolment:
    """Passed or failed (from the course's last day on), withdrew (any time, freeing the place),
    or back to pending. A result with a certificate attached stays passed."""
    course = enrolment.course
    with transaction.atomic():
        _require_manage(by, course)
        _lock(course)
        _lock_enrolment(enrolment)
        if result not in Result.values:
            raise DomainError("invalid_result", _("Choose a result from the list."), status=422)
        if result == enrolment.result:
            return enrolment
        if enrolment.certificate_id is not None:
            raise DomainError(
                "certificate_attached",
                _("A certificate is attached to this result; it can no longer change."),
                status=409,
            )
        if result in (Result.PASSED, Result.FAILED) and _today(course) < course.end_date:
            raise DomainError(
                "course_not_over",
                _("A pass or a fail can be recorded from the course's last day (%(date)s) on.")
                % {"date": course.end_date.isoformat()},
                status=409,
            )
        if enrolment.result == Result.WITHDREW and places_taken(course) >= course.capacity:
            raise DomainError(
                "course_full",
                _("The course is full: this person's place was given to someone else."),
                status=409,
            )
        enrolment.result = result
        enrolment.result_recorded_by = by
        enrolment.result_recorded_at = timezone.now()
        enrolment.save(update_fields=["result", "result_recorded_by", "result_recorded_at"])
    return enrolment


def attach_certificate(
    *,
    enrolment: Enrolment,
    file: UploadedFile,
    by: User,
    number: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> PersonDocument:
    """Upload the certificate of a passed enrolment as the person's competency (training) or
    OPP certificate. It joins the person's documents, waiting for verification at the desk that
    owns its type, and so counts on the placement checklist like any other scan. A rejected
    certificate may be replaced by a new scan; a waiting or verified one may not."""
    course = enrolment.course
    with transaction.atomic():
        _require_manage(by, course)
        _lock_enrolment(enrolment)
        if enrolment.result != Result.PASSED:
            raise DomainError(
                "not_passed",
                _("A certificate can be attached only to a passed result."),
                status=409,
            )
        current = enrolment.certificate
        if current is not None and current.verification_status != VerificationStatus.REJECTED:
            raise DomainError(
                "certificate_attached",
                _("A certificate is already attached; a new scan can replace only a rejected one."),
                status=409,
            )
        if issued_on is not None and issued_on > _today(course):
            raise DomainError(
                "future_issue_date", _("The date of issue cannot be in the future."), status=422
            )
        document_type = DocumentType.objects.filter(code=course.certificate_type_code).first()
        if document_type is None:
            raise DomainError(
                "document_type_missing",
                _("The certificate's document type is not configured; ask an administrator."),
                status=409,
            )
        document = upload_document(
            person=enrolment.person,
            document_type=document_type,
            file=file,
            by=by,
            number=number,
            issued_on=issued_on,
            expires_on=expires_on,
        )
        try:
            enrolment.certificate = document
            enrolment.save(update_fields=["certificate"])
        except BaseException:
            document.file.storage.delete(document.file.name)
            raise
    return document
