"""Training courses and OPP sessions: the course rules, enrolment (capacity, also under
concurrent enrolment), the attendance register, results, certificates that become registry
documents and show on the placement checklist, and the counts by sex."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people.models import PersonDocument, Sex, VerificationStatus
from satuatap.placement.files import services as files
from satuatap.placement.files.checklist import ItemStatus, checklist
from satuatap.placement.models import Scheme
from satuatap.placement.training import selectors
from satuatap.placement.training import services as training
from satuatap.placement.training.models import (
    Attendance,
    Course,
    CourseKind,
    Enrolment,
    Result,
)
from tests.factories import PersonFactory

DAY = datetime.timedelta(days=1)
EVERY_DAY = "0123456"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def course_values(today, **extra) -> dict:
    """A caregiver training that ends today: five days, every day of the week."""
    return {
        "kind": CourseKind.TRAINING,
        "title": "Caregiver training",
        "training_centre": "BLK Cirebon",
        "competency": "Elderly care",
        "start_date": today - 4 * DAY,
        "end_date": today,
        "weekdays": EVERY_DAY,
        "capacity": 10,
    } | extra


@pytest.fixture
def make_course(officer, today):
    def make(**extra) -> Course:
        return training.create_course(by=officer, values=course_values(today, **extra))

    return make


@pytest.fixture
def course(make_course):
    return make_course()


def scan(data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")


def error_code(call) -> str:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code


# --- Courses ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_creates_a_course_of_their_office(officer, office, course):
    assert course.office == office
    assert course.created_by == officer
    assert len(course.course_days()) == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"end_date": -10}, "end_before_start"),
        ({"capacity": 0}, "capacity_positive"),
        ({"competency": "  "}, "competency_required"),
        ({"weekdays": ""}, "weekdays_required"),
        ({"weekdays": "7"}, "invalid_weekday"),
    ],
)
def test_a_course_with_bad_values_is_refused(officer, today, values, code):
    if "end_date" in values:
        values = {"end_date": today + values["end_date"] * DAY}

    with pytest.raises(DomainError) as raised:
        training.create_course(by=officer, values=course_values(today, **values))

    assert raised.value.code == code
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_a_course_that_never_meets_on_its_weekdays_is_refused(officer):
    monday = datetime.date(2026, 3, 2)
    values = course_values(
        monday, start_date=monday, end_date=monday + 2 * DAY, weekdays="56"
    )  # Monday to Wednesday, meeting only at weekends

    assert error_code(lambda: training.create_course(by=officer, values=values)) == "no_course_day"


@pytest.mark.django_db
def test_course_days_are_the_chosen_weekdays_between_first_and_last_day(make_course):
    monday = datetime.date(2026, 3, 2)
    course = make_course(start_date=monday, end_date=monday + 13 * DAY, weekdays="0124")

    days = course.course_days()

    assert len(days) == 8
    assert {day.weekday() for day in days} == {0, 1, 2, 4}
    assert not course.is_course_day(monday + 3 * DAY)  # a Thursday
    assert not course.is_course_day(monday - 7 * DAY)


@pytest.mark.django_db
def test_an_opp_session_keeps_no_competency(make_course):
    course = make_course(kind=CourseKind.OPP, title="OPP", competency="Anything")

    assert course.competency == ""
    assert course.certificate_type_code == "sertifikat-opp"


@pytest.mark.django_db
def test_the_same_title_cannot_start_twice_on_one_day_in_an_office(make_course):
    make_course()

    with pytest.raises(DomainError) as raised:
        make_course(title="caregiver  TRAINING")

    assert raised.value.code == "duplicate_course"
    assert Course.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.COUNSELLOR, Role.DESK_OFFICER])
def test_only_placement_officers_and_heads_create_courses(make_user, today, role):
    user = make_user(role)

    with pytest.raises(DomainError) as raised:
        training.create_course(by=user, values=course_values(today))

    assert raised.value.status == 403
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_office_head_may_create_a_course(head, today):
    assert training.create_course(by=head, values=course_values(today)).pk


@pytest.mark.django_db
def test_officer_of_another_office_cannot_change_a_course(make_user, other_office, course):
    stranger = make_user(
        Role.PLACEMENT_OFFICER, organisation=other_office, username="tulungagung.placement"
    )

    with pytest.raises(DomainError) as raised:
        training.update_course(course=course, by=stranger, values={"capacity": 99})

    assert raised.value.status == 404
    course.refresh_from_db()
    assert course.capacity == 10


@pytest.mark.django_db
def test_places_cannot_drop_below_the_people_enrolled(officer, course, make_worker):
    for _ in range(3):
        training.enrol(course=course, person=make_worker(), by=officer)

    code = error_code(
        lambda: training.update_course(course=course, by=officer, values={"capacity": 2})
    )

    assert code == "capacity_below_enrolled"
    course.refresh_from_db()
    assert course.capacity == 10
    assert training.update_course(course=course, by=officer, values={"capacity": 3}).capacity == 3


@pytest.mark.django_db
def test_course_days_cannot_drop_a_day_whose_register_was_taken(
    officer, course, make_worker, today
):
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)
    training.record_attendance(
        course=course, day=today - 4 * DAY, present=[enrolment.pk], by=officer
    )

    code = error_code(
        lambda: training.update_course(
            course=course, by=officer, values={"start_date": today - 3 * DAY}
        )
    )

    assert code == "attendance_outside_days"
    course.refresh_from_db()
    assert course.start_date == today - 4 * DAY


@pytest.mark.django_db
def test_a_course_with_enrolments_cannot_switch_between_training_and_opp(
    officer, course, make_worker
):
    training.enrol(course=course, person=make_worker(), by=officer)

    code = error_code(
        lambda: training.update_course(
            course=course, by=officer, values={"kind": CourseKind.OPP, "competency": ""}
        )
    )

    assert code == "kind_locked"


# --- Enrolment --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_is_linked_to_the_persons_open_placement_file(officer, course, make_worker):
    person = make_worker()
    placement_file = files.open_file(
        person=person, by=officer, values={"scheme": Scheme.GOVERNMENT, "employer": "EPS"}
    )

    enrolment = training.enrol(course=course, person=person, by=officer)

    assert enrolment.placement_file == placement_file
    assert enrolment.result == Result.PENDING
    assert enrolment.enrolled_by == officer


@pytest.mark.django_db
def test_a_full_course_refuses_one_more(officer, make_course, make_worker):
    course = make_course(capacity=2)
    training.enrol(course=course, person=make_worker(), by=officer)
    training.enrol(course=course, person=make_worker(), by=officer)
    late = make_worker()

    assert error_code(lambda: training.enrol(course=course, person=late, by=officer)) == (
        "course_full"
    )
    assert course.enrolments.count() == 2


@pytest.mark.django_db
def test_a_withdrawal_frees_a_place(officer, make_course, make_worker):
    course = make_course(capacity=1)
    first = training.enrol(course=course, person=make_worker(), by=officer)
    training.record_result(enrolment=first, result=Result.WITHDREW, by=officer)

    second = training.enrol(course=course, person=make_worker(), by=officer)

    assert second.pk
    # The one who withdrew cannot take the place back while it is taken.
    code = error_code(
        lambda: training.record_result(enrolment=first, result=Result.PENDING, by=officer)
    )
    assert code == "course_full"


@pytest.mark.django_db
def test_a_person_of_another_office_cannot_be_enrolled(officer, course, make_worker, other_office):
    stranger = make_worker(office=other_office)

    with pytest.raises(DomainError) as raised:
        training.enrol(course=course, person=stranger, by=officer)

    assert raised.value.status == 404
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["merged", "anonymised"])
def test_a_merged_or_anonymised_record_cannot_be_enrolled(officer, course, make_worker, how):
    person = make_worker()
    if how == "merged":
        person.merged_into = make_worker()
    else:
        person.anonymised_at = timezone.now()
    person.save()

    assert error_code(lambda: training.enrol(course=course, person=person, by=officer)) == (
        "inactive_record"
    )
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_a_person_is_enrolled_on_a_course_only_once(officer, course, make_worker):
    person = make_worker()
    training.enrol(course=course, person=person, by=officer)

    assert error_code(lambda: training.enrol(course=course, person=person, by=officer)) == (
        "already_enrolled"
    )
    assert course.enrolments.count() == 1


@pytest.mark.django_db
def test_nobody_is_enrolled_on_a_finished_course(officer, make_course, make_worker, today):
    course = make_course(start_date=today - 10 * DAY, end_date=today - DAY)

    assert error_code(lambda: training.enrol(course=course, person=make_worker(), by=officer)) == (
        "course_finished"
    )


@pytest.mark.django_db
def test_front_desk_cannot_enrol(make_user, course, make_worker):
    frontdesk = make_user(Role.FRONTDESK)

    with pytest.raises(DomainError) as raised:
        training.enrol(course=course, person=make_worker(), by=frontdesk)

    assert raised.value.status == 403
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_a_placement_file_of_someone_else_is_refused(officer, course, make_worker):
    other = make_worker()
    file_of_other = files.open_file(
        person=other, by=officer, values={"scheme": Scheme.GOVERNMENT, "employer": "EPS"}
    )

    code = error_code(
        lambda: training.enrol(
            course=course, person=make_worker(), by=officer, placement_file=file_of_other
        )
    )

    assert code == "wrong_placement_file"


RACERS = 16
CAPACITY = 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_never_exceed_the_capacity(make_user, office):
    officer = make_user(Role.PLACEMENT_OFFICER)
    today = office.today()
    course_id = training.create_course(
        by=officer, values=course_values(today, capacity=CAPACITY)
    ).pk
    people = [PersonFactory(office=office) for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def enrol(person) -> None:
        try:
            course = Course.objects.get(pk=course_id)
            barrier.wait()
            training.enrol(course=course, person=person, by=officer)
            result = "enrolled"
        except DomainError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=enrol, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["course_full"] * (RACERS - CAPACITY) + ["enrolled"] * CAPACITY
    assert Enrolment.objects.filter(course_id=course_id).count() == CAPACITY


# --- Attendance -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_register_marks_everyone_enrolled_present_or_absent(
    officer, course, make_worker, today
):
    here = training.enrol(course=course, person=make_worker(), by=officer)
    away = training.enrol(course=course, person=make_worker(), by=officer)
    gone = training.enrol(course=course, person=make_worker(), by=officer)
    training.record_result(enrolment=gone, result=Result.WITHDREW, by=officer)

    training.record_attendance(course=course, day=today - DAY, present=[here.pk], by=officer)

    rows = dict(Attendance.objects.values_list("enrolment_id", "present"))
    assert rows == {here.pk: True, away.pk: False}


@pytest.mark.django_db
def test_taking_the_register_again_corrects_the_day(officer, course, make_worker, today):
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)
    training.record_attendance(course=course, day=today, present=[], by=officer)

    training.record_attendance(course=course, day=today, present=[enrolment.pk], by=officer)

    assert list(Attendance.objects.values_list("date", "present")) == [(today, True)]


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [-5, 1])
def test_attendance_is_refused_outside_the_course_days(officer, course, make_worker, today, offset):
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)

    code = error_code(
        lambda: training.record_attendance(
            course=course, day=today + offset * DAY, present=[enrolment.pk], by=officer
        )
    )

    assert code == "not_course_day"
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_attendance_is_refused_on_a_weekday_the_course_does_not_meet(
    officer, make_course, make_worker
):
    monday = datetime.date(2026, 3, 2)
    course = make_course(start_date=monday, end_date=monday + 6 * DAY, weekdays="01234")
    enrolment = Enrolment.objects.create(course=course, person=make_worker())

    code = error_code(
        lambda: training.record_attendance(
            course=course, day=monday + 5 * DAY, present=[enrolment.pk], by=officer
        )
    )

    assert code == "not_course_day"


@pytest.mark.django_db
def test_attendance_is_refused_for_a_course_day_to_come(officer, make_course, make_worker, today):
    course = make_course(end_date=today + 3 * DAY)
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)

    code = error_code(
        lambda: training.record_attendance(
            course=course, day=today + DAY, present=[enrolment.pk], by=officer
        )
    )

    assert code == "future_date"


@pytest.mark.django_db
def test_the_register_refuses_someone_not_on_the_course(officer, make_course, make_worker, today):
    course = make_course()
    other_course = make_course(title="Other")
    outsider = training.enrol(course=other_course, person=make_worker(), by=officer)

    code = error_code(
        lambda: training.record_attendance(
            course=course, day=today, present=[outsider.pk], by=officer
        )
    )

    assert code == "unknown_enrolment"
    assert not Attendance.objects.exists()


# --- Results and certificates -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_pass_waits_for_the_courses_last_day(officer, make_course, make_worker, today):
    course = make_course(end_date=today + DAY)
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)

    assert error_code(
        lambda: training.record_result(enrolment=enrolment, result=Result.PASSED, by=officer)
    ) == ("course_not_over")
    # Withdrawing is possible at any time.
    training.record_result(enrolment=enrolment, result=Result.WITHDREW, by=officer)
    enrolment.refresh_from_db()
    assert enrolment.result == Result.WITHDREW


@pytest.fixture
def passed(officer, course, make_worker):
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)
    return training.record_result(enrolment=enrolment, result=Result.PASSED, by=officer)


@pytest.mark.django_db
def test_the_certificate_becomes_a_competency_document_shown_on_the_checklist(
    officer, passed, today
):
    placement_file = files.open_file(
        person=passed.person, by=officer, values={"scheme": Scheme.GOVERNMENT, "employer": "EPS"}
    )
    before = next(
        i
        for i in checklist(placement_file, today)
        if i.document_type.code == "sertifikat-kompetensi"
    )
    assert before.status == ItemStatus.MISSING

    document = training.attach_certificate(
        enrolment=passed, file=scan(), by=officer, number="KOMP-001", issued_on=today
    )

    assert document.person == passed.person
    assert document.document_type.code == "sertifikat-kompetensi"
    assert document.verification_status == VerificationStatus.PENDING
    assert document.number == "KOMP-001"
    passed.refresh_from_db()
    assert passed.certificate == document
    item = next(
        i
        for i in checklist(placement_file, today)
        if i.document_type.code == "sertifikat-kompetensi"
    )
    assert item.status == ItemStatus.SUBMITTED
    assert item.document == document


@pytest.mark.django_db
def test_an_opp_certificate_is_filed_as_an_opp_certificate(officer, make_course, make_worker):
    course = make_course(kind=CourseKind.OPP, title="OPP", competency="")
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)
    training.record_result(enrolment=enrolment, result=Result.PASSED, by=officer)

    document = training.attach_certificate(enrolment=enrolment, file=scan(), by=officer)

    assert document.document_type.code == "sertifikat-opp"


@pytest.mark.django_db
@pytest.mark.parametrize("result", [Result.PENDING, Result.FAILED, Result.WITHDREW])
def test_only_a_passed_result_takes_a_certificate(officer, course, make_worker, result):
    enrolment = training.enrol(course=course, person=make_worker(), by=officer)
    training.record_result(enrolment=enrolment, result=result, by=officer)

    code = error_code(
        lambda: training.attach_certificate(enrolment=enrolment, file=scan(), by=officer)
    )

    assert code == "not_passed"
    assert not PersonDocument.objects.exists()


@pytest.mark.django_db
def test_a_second_certificate_replaces_only_a_rejected_one(officer, passed):
    first = training.attach_certificate(enrolment=passed, file=scan(), by=officer)

    assert error_code(
        lambda: training.attach_certificate(enrolment=passed, file=scan(), by=officer)
    ) == ("certificate_attached")

    PersonDocument.objects.filter(pk=first.pk).update(
        verification_status=VerificationStatus.REJECTED, rejection_reason="Blurred"
    )
    second = training.attach_certificate(enrolment=passed, file=scan(), by=officer)
    passed.refresh_from_db()
    assert passed.certificate == second
    assert PersonDocument.objects.count() == 2


@pytest.mark.django_db
def test_a_result_with_a_certificate_cannot_change(officer, passed):
    training.attach_certificate(enrolment=passed, file=scan(), by=officer)

    code = error_code(
        lambda: training.record_result(enrolment=passed, result=Result.FAILED, by=officer)
    )

    assert code == "certificate_attached"


@pytest.mark.django_db
def test_a_certificate_that_is_not_a_pdf_jpeg_or_png_is_refused(officer, passed):
    code = error_code(
        lambda: training.attach_certificate(enrolment=passed, file=scan(HTML), by=officer)
    )

    assert code == "unsupported_file_type"
    passed.refresh_from_db()
    assert passed.certificate is None
    assert not PersonDocument.objects.exists()


@pytest.mark.django_db
def test_front_desk_cannot_attach_a_certificate(make_user, passed):
    frontdesk = make_user(Role.FRONTDESK)

    with pytest.raises(DomainError) as raised:
        training.attach_certificate(enrolment=passed, file=scan(), by=frontdesk)

    assert raised.value.status == 403
    assert not PersonDocument.objects.exists()


# --- Selectors and counts by sex ----------------------------------------------------------------


@pytest.mark.django_db
def test_courses_are_listed_as_upcoming_running_or_past(officer, make_course, today):
    past = make_course(title="Past", start_date=today - 9 * DAY, end_date=today - DAY)
    running = make_course(title="Running", start_date=today, end_date=today + DAY)
    upcoming = make_course(title="Upcoming", start_date=today + DAY, end_date=today + 2 * DAY)
    opp = make_course(
        title="OPP", kind=CourseKind.OPP, start_date=today + DAY, end_date=today + DAY
    )

    def listed(**filters):
        return set(selectors.office_courses(officer, **filters))

    assert listed(period="past") == {past}
    assert listed(period="running") == {running}
    assert listed(period="upcoming") == {upcoming, opp}
    assert listed(period="upcoming", kind=CourseKind.OPP) == {opp}
    assert listed() == {past, running, upcoming, opp}


@pytest.mark.django_db
def test_another_offices_courses_are_not_visible(make_user, other_office, course):
    stranger = make_user(
        Role.PLACEMENT_OFFICER, organisation=other_office, username="tulungagung.placement"
    )

    assert not selectors.office_courses(stranger).exists()
    assert selectors.get_visible_course(stranger, course.pk) is None


@pytest.fixture
def counted(officer, make_course, make_worker, today):
    """Hand-counted fixtures.

    Course A, training, two days (yesterday and today):
      woman 1: present both days, passed
      woman 2: present yesterday only, failed
      man 1: absent both days, withdrew after the first register
      not recorded 1: present both days, passed
      man 2: present both days, pending
    Course B, OPP, today only:
      woman 1: present, passed
      woman 3: absent, failed
    Course C, training, starts before the period: one woman, present, passed.
    """
    a = make_course(title="A", start_date=today - DAY, end_date=today)
    b = make_course(title="B", kind=CourseKind.OPP, competency="", start_date=today, end_date=today)
    c = make_course(title="C", start_date=today - 40 * DAY, end_date=today)
    woman1, woman2, woman3 = make_worker(), make_worker(), make_worker()
    man1, man2 = make_worker(sex=Sex.MALE), make_worker(sex=Sex.MALE)
    unknown = make_worker(sex=Sex.NOT_RECORDED)

    def enrol_all(course, people):
        return [training.enrol(course=course, person=p, by=officer) for p in people]

    w1, w2, m1, u1, m2 = enrol_all(a, [woman1, woman2, man1, unknown, man2])
    training.record_attendance(
        course=a, day=today - DAY, present=[w1.pk, w2.pk, u1.pk, m2.pk], by=officer
    )
    training.record_result(enrolment=m1, result=Result.WITHDREW, by=officer)
    training.record_attendance(course=a, day=today, present=[w1.pk, u1.pk, m2.pk], by=officer)
    for enrolment, result in [(w1, Result.PASSED), (w2, Result.FAILED), (u1, Result.PASSED)]:
        training.record_result(enrolment=enrolment, result=result, by=officer)

    bw1, bw3 = enrol_all(b, [woman1, woman3])
    training.record_attendance(course=b, day=today, present=[bw1.pk], by=officer)
    training.record_result(enrolment=bw1, result=Result.PASSED, by=officer)
    training.record_result(enrolment=bw3, result=Result.FAILED, by=officer)

    (cw,) = enrol_all(c, [make_worker()])
    training.record_attendance(course=c, day=today, present=[cw.pk], by=officer)
    training.record_result(enrolment=cw, result=Result.PASSED, by=officer)
    return {"A": a, "B": b, "C": c}


def split(counts) -> tuple[int, int, int, int]:
    return (counts.women, counts.men, counts.not_recorded, counts.total)


@pytest.mark.django_db
def test_counts_by_sex_per_course_match_the_hand_count(officer, counted, today):
    result = selectors.office_counts(officer, date_from=today - 7 * DAY, date_to=today)
    rows = {row.course.title: row for row in result.rows}

    assert set(rows) == {"A", "B"}  # C started before the period
    a = rows["A"]
    assert split(a.enrolled) == (2, 2, 1, 5)
    assert split(a.attended) == (2, 1, 1, 4)
    assert split(a.attended_every_day) == (1, 1, 1, 3)
    assert split(a.passed) == (1, 0, 1, 2)
    b = rows["B"]
    assert split(b.enrolled) == (2, 0, 0, 2)
    assert split(b.attended) == (1, 0, 0, 1)
    assert split(b.attended_every_day) == (1, 0, 0, 1)
    assert split(b.passed) == (1, 0, 0, 1)
    total = result.total
    assert split(total.enrolled) == (4, 2, 1, 7)
    assert split(total.attended) == (3, 1, 1, 5)
    assert split(total.attended_every_day) == (2, 1, 1, 4)
    assert split(total.passed) == (2, 0, 1, 3)


@pytest.mark.django_db
def test_counts_can_be_limited_to_one_kind(officer, counted, today):
    result = selectors.office_counts(
        officer, date_from=today - 60 * DAY, date_to=today, kind=CourseKind.TRAINING
    )

    assert [row.course.title for row in result.rows] == ["C", "A"]
    assert split(result.total.enrolled) == (3, 2, 1, 6)
    assert split(result.total.passed) == (2, 0, 1, 3)


@pytest.mark.django_db
def test_counts_take_two_queries_whatever_the_number_of_courses(
    officer, counted, today, django_assert_num_queries
):
    with django_assert_num_queries(2):
        selectors.office_counts(officer, date_from=today - 60 * DAY, date_to=today)


@pytest.mark.django_db
def test_another_office_counts_none_of_these_courses(make_user, other_office, counted, today):
    stranger = make_user(Role.OFFICE_HEAD, organisation=other_office, username="tulungagung.head")

    result = selectors.office_counts(stranger, date_from=today - 60 * DAY, date_to=today)

    assert result.rows == [] and result.total.enrolled.total == 0
