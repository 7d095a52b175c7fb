"""Training courses and OPP sessions: list, create, change, enrol, attendance register, result
and certificate, counts by sex. A course of another office is a 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.people.models import DocumentType
from satuatap.people.search import search_people
from satuatap.people.selectors import get_visible_person
from satuatap.placement.training import selectors, services
from satuatap.placement.training.forms import (
    AttendanceForm,
    CertificateForm,
    CountsForm,
    CourseFilterForm,
    CourseForm,
    EnrolForm,
    PersonSearchForm,
    ResultForm,
)
from satuatap.placement.training.models import Course, Result

# Which box of the course form shows an error of the course services.
COURSE_ERROR_FIELDS = {
    "end_before_start": "end_date",
    "capacity_positive": "capacity",
    "capacity_below_enrolled": "capacity",
    "competency_required": "competency",
    "no_course_day": "weekdays",
    "weekdays_required": "weekdays",
    "invalid_weekday": "weekdays",
    "duplicate_course": "title",
    "kind_locked": "kind",
}


def _require_view(user) -> None:
    if user.office is None or not user.has_perm("placement.view_courses"):
        raise PermissionDenied


def _course_or_404(request, course_id: int) -> Course:
    _require_view(request.user)
    course = selectors.get_visible_course(request.user, course_id)
    if course is None:
        raise Http404
    return course


def _require_manage(request, course: Course) -> None:
    if not request.user.has_perm("placement.manage_courses", course.office):
        raise PermissionDenied


@login_required
def course_list(request):
    _require_view(request.user)
    office = request.user.office
    form = CourseFilterForm(request.GET or None)
    period = kind = ""
    if form.is_valid():
        period, kind = form.cleaned_data["period"], form.cleaned_data["kind"]
    context = {
        "office": office,
        "form": form,
        "courses": selectors.office_courses(request.user, period=period, kind=kind),
        "today": office.today(),
        "can_manage": request.user.has_perm("placement.manage_courses", office),
    }
    return render(request, "placement/course_list.html", context)


def _save_course(request, course: Course | None):
    office = request.user.office
    instance = Course(office=office) if course is None else Course.objects.get(pk=course.pk)
    form = CourseForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in CourseForm.Meta.fields}
        try:
            if course is None:
                course = services.create_course(by=request.user, values=values)
            else:
                course = services.update_course(course=course, by=request.user, values=values)
        except DomainError as error:
            add_domain_error(form, error, COURSE_ERROR_FIELDS)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("placement:course-detail", course.pk)
    return render(request, "placement/course_form.html", {"form": form, "course": course})


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    _require_view(request.user)
    if not request.user.has_perm("placement.manage_courses", request.user.office):
        raise PermissionDenied
    return _save_course(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, course_id: int):
    course = _course_or_404(request, course_id)
    _require_manage(request, course)
    return _save_course(request, course)


@login_required
def course_detail(request, course_id: int):
    course = _course_or_404(request, course_id)
    today = course.office.today()
    can_manage = request.user.has_perm("placement.manage_courses", course.office)
    enrolments = list(selectors.course_enrolments(course))
    search_form = PersonSearchForm(request.GET or None)
    hits = []
    if can_manage and search_form.is_valid():
        enrolled = {enrolment.person_id for enrolment in enrolments}
        hits = [
            {"person": hit.person, "is_enrolled": hit.person.pk in enrolled}
            for hit in search_people(request.user, search_form.cleaned_data["q"], limit=20)
        ]
    context = {
        "course": course,
        "today": today,
        "period": course.period(today),
        "course_days": course.course_days(),
        "enrolments": enrolments,
        "taken": sum(1 for enrolment in enrolments if enrolment.holds_place),
        "counts": selectors.counts_for_courses([course]).total,
        "can_manage": can_manage,
        "can_enrol": can_manage and course.end_date >= today,
        "search_form": search_form,
        "hits": hits,
    }
    return render(request, "placement/course_detail.html", context)


@login_required
@require_POST
def course_enrol(request, course_id: int):
    course = _course_or_404(request, course_id)
    _require_manage(request, course)
    form = EnrolForm(request.POST)
    person = (
        get_visible_person(request.user, form.cleaned_data["person"]) if form.is_valid() else None
    )
    if person is None:
        messages.error(request, _("This person was not found."))
        return redirect("placement:course-detail", course.pk)
    try:
        services.enrol(course=course, person=person, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("%(name)s is enrolled.") % {"name": person.full_name})
    return redirect("placement:course-detail", course.pk)


def _register_day(request, course: Course, today: datetime.date) -> datetime.date | None:
    """The day asked for (?day=), else today when it is a course day, else the last course
    day before today; None before the course starts."""
    asked = request.POST.get("day") or request.GET.get("day")
    if asked:
        try:
            return datetime.date.fromisoformat(asked)
        except ValueError:
            return None
    past_days = [day for day in course.course_days() if day <= today]
    return past_days[-1] if past_days else None


@login_required
@require_http_methods(["GET", "POST"])
def course_attendance(request, course_id: int):
    course = _course_or_404(request, course_id)
    _require_manage(request, course)
    today = course.office.today()
    day = _register_day(request, course, today)
    rows = selectors.attendance_register(course, day) if day else []
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        enrolment_ids=[row.enrolment.pk for row in rows],
        initial={"day": day},
    )
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("The register could not be read; take it again."))
        else:
            try:
                services.record_attendance(
                    course=course,
                    day=form.cleaned_data["day"],
                    present=form.cleaned_data["present"],
                    by=request.user,
                )
            except DomainError as error:
                add_domain_message(request, error)
            else:
                messages.success(request, _("The register is saved."))
                url = reverse("placement:course-attendance", args=[course.pk])
                return redirect(f"{url}?day={form.cleaned_data['day'].isoformat()}")
    context = {
        "course": course,
        "day": day,
        "is_course_day": day is not None and course.is_course_day(day),
        "is_future": day is not None and day > today,
        "rows": rows,
        "form": form,
        "past_days": [d for d in course.course_days() if d <= today],
        "days_taken": selectors.days_taken(course),
    }
    return render(request, "placement/course_attendance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_detail(request, course_id: int, enrolment_id: int):
    _require_view(request.user)
    enrolment = selectors.get_visible_enrolment(request.user, course_id, enrolment_id)
    if enrolment is None:
        raise Http404
    course = enrolment.course
    can_manage = request.user.has_perm("placement.manage_courses", course.office)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    action = request.POST.get("action")
    result_form = ResultForm(
        request.POST if action == "result" else None, initial={"result": enrolment.result}
    )
    certificate_form = CertificateForm(
        request.POST if action == "certificate" else None,
        request.FILES if action == "certificate" else None,
    )
    if action == "result" and result_form.is_valid():
        try:
            services.record_result(
                enrolment=enrolment, result=result_form.cleaned_data["result"], by=request.user
            )
        except DomainError as error:
            add_domain_error(result_form, error, default="result")
        else:
            messages.success(request, _("The result is saved."))
            return redirect(request.path)
    if action == "certificate" and certificate_form.is_valid():
        try:
            services.attach_certificate(
                enrolment=enrolment, by=request.user, **certificate_form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(certificate_form, error, certificate_form.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The certificate is added to the person's documents and waits for verification."),
            )
            return redirect(request.path)
    attendance = dict(enrolment.attendance.values_list("date", "present"))
    context = {
        "course": course,
        "enrolment": enrolment,
        "person": enrolment.person,
        "days": [(day, attendance.get(day)) for day in course.course_days()],
        "can_manage": can_manage,
        "result_form": result_form,
        "certificate_form": certificate_form,
        "certificate_type": DocumentType.objects.filter(code=course.certificate_type_code).first(),
        "can_attach_certificate": can_manage
        and enrolment.result == Result.PASSED
        and (
            enrolment.certificate is None or enrolment.certificate.verification_status == "rejected"
        ),
    }
    return render(request, "placement/course_enrolment.html", context)


@login_required
def training_counts(request):
    _require_view(request.user)
    today = request.user.office.today()
    defaults = {
        "date_from": today.replace(month=1, day=1),
        "date_to": today.replace(month=12, day=31),
    }
    form = CountsForm(request.GET or None, initial=defaults)
    counts = None
    values = defaults | {"kind": ""}
    if form.is_bound:
        values = form.cleaned_data if form.is_valid() else None
    if values is not None:
        counts = selectors.office_counts(
            request.user,
            date_from=values["date_from"],
            date_to=values["date_to"],
            kind=values["kind"],
        )
    context = {"form": form, "counts": counts, "office": request.user.office}
    return render(request, "placement/training_counts.html", context)
