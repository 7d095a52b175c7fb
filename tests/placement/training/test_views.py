"""Training and OPP pages: who reaches each (a matrix generated from the URL patterns), and the
wiring of each page to its service."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.people.models import PersonDocument, Sex
from satuatap.placement.training import services as training
from satuatap.placement.training.models import Attendance, Course, CourseKind, Enrolment, Result

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def course_values(today, **extra) -> dict:
    return {
        "kind": CourseKind.TRAINING,
        "title": "Caregiver training",
        "training_centre": "BLK Cirebon",
        "competency": "Elderly care",
        "start_date": today - 4 * DAY,
        "end_date": today,
        "weekdays": "0123456",
        "capacity": 10,
    } | extra


@pytest.fixture
def course(officer, today):
    return training.create_course(by=officer, values=course_values(today))


@pytest.fixture
def enrolment(officer, course, make_worker):
    return training.enrol(course=course, person=make_worker(full_name="Siti Aminah"), by=officer)


@pytest.fixture
def en_officer(make_user):
    return make_user(Role.PLACEMENT_OFFICER, username="cirebon.placement.en", language="en")


# --- The permission matrix, generated from the URL patterns ------------------------------------


def test_front_desk_cannot_record_a_result(client, make_user, enrolment):
    client.force_login(make_user(Role.FRONTDESK))
    url = reverse("placement:enrolment-detail", args=[enrolment.course_id, enrolment.pk])

    response = client.post(url, {"action": "result", "result": Result.WITHDREW})

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.result == Result.PENDING


# --- Pages and their services -----------------------------------------------------------------


def test_home_page_has_the_training_tile(client, en_officer):
    client.force_login(en_officer)
    response = client.get(reverse("home"))
    assert reverse("placement:course-list") in response.content.decode()


def test_officer_adds_a_course(client, en_officer, today):
    client.force_login(en_officer)
    data = {
        "kind": "training",
        "title": "Welding",
        "training_centre": "BLK Cirebon",
        "competency": "Welding SMAW",
        "start_date": (today + 3 * DAY).isoformat(),
        "end_date": (today + 30 * DAY).isoformat(),
        "weekdays": ["0", "1", "2", "3", "4"],
        "capacity": "16",
    }

    response = client.post(reverse("placement:course-create"), data)

    course = Course.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("placement:course-detail", args=[course.pk])
    assert course.weekdays == "01234" and course.capacity == 16
    assert course.created_by == en_officer


def test_a_course_ending_before_it_starts_shows_the_error_and_saves_nothing(
    client, en_officer, today
):
    client.force_login(en_officer)
    data = {
        "kind": "opp",
        "title": "OPP",
        "training_centre": "BP3MI",
        "start_date": today.isoformat(),
        "end_date": (today - DAY).isoformat(),
        "weekdays": ["0"],
        "capacity": "30",
    }

    response = client.post(reverse("placement:course-create"), data)

    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not Course.objects.exists()


def test_lowering_places_below_the_enrolled_shows_the_error(
    client, make_user, course, enrolment, make_worker, officer
):
    training.enrol(course=course, person=make_worker(), by=officer)
    client.force_login(make_user(Role.OFFICE_HEAD, language="en"))
    values = course_values(course.start_date + 4 * DAY, capacity="1")
    data = values | {
        "start_date": course.start_date.isoformat(),
        "end_date": course.end_date.isoformat(),
        "weekdays": list(values["weekdays"]),
    }

    response = client.post(reverse("placement:course-edit", args=[course.pk]), data)

    assert response.status_code == 200
    assert "2 people are enrolled" in response.content.decode()
    course.refresh_from_db()
    assert course.capacity == 10


def test_course_list_filters_by_period_and_kind(client, en_officer, officer, today):
    training.create_course(by=officer, values=course_values(today, title="Running now"))
    training.create_course(
        by=officer,
        values=course_values(
            today,
            title="OPP soon",
            kind=CourseKind.OPP,
            start_date=today + 5 * DAY,
            end_date=today + 5 * DAY,
        ),
    )
    client.force_login(en_officer)

    upcoming = client.get(reverse("placement:course-list"), {"period": "upcoming"}).content
    running = client.get(reverse("placement:course-list"), {"period": "running"}).content
    opp = client.get(reverse("placement:course-list"), {"kind": "opp"}).content

    assert b"OPP soon" in upcoming and b"Running now" not in upcoming
    assert b"Running now" in running and b"OPP soon" not in running
    assert b"OPP soon" in opp and b"Running now" not in opp


def test_course_list_queries_do_not_grow_with_the_courses(
    client, en_officer, officer, today, django_assert_max_num_queries
):
    for n in range(30):
        training.create_course(by=officer, values=course_values(today, title=f"Course {n}"))
    client.force_login(en_officer)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("placement:course-list"))

    assert response.content.count(b"Course ") >= 30


def test_course_pages_queries_do_not_grow_with_the_enrolments(
    client, en_officer, officer, course, make_worker, today, django_assert_max_num_queries
):
    training.update_course(course=course, by=officer, values={"capacity": 40})
    enrolments = [
        training.enrol(course=course, person=make_worker(), by=officer) for _ in range(30)
    ]
    training.record_attendance(
        course=course, day=today, present=[e.pk for e in enrolments[::2]], by=officer
    )
    client.force_login(en_officer)

    with django_assert_max_num_queries(10):
        detail = client.get(reverse("placement:course-detail", args=[course.pk]))
    with django_assert_max_num_queries(11):
        register = client.get(reverse("placement:course-attendance", args=[course.pk]))

    assert detail.content.count(b"Result and certificate") == 30
    assert register.content.count(b'name="present"') == 30


def test_officer_finds_a_person_and_enrols_them(client, en_officer, course, make_worker):
    person = make_worker(full_name="Sri Wahyuni")
    client.force_login(en_officer)
    detail = reverse("placement:course-detail", args=[course.pk])

    found = client.get(detail, {"q": person.nik})  # the factory sets no name search key
    response = client.post(
        reverse("placement:course-enrol", args=[course.pk]), {"person": person.pk}
    )

    assert b"Sri Wahyuni" in found.content and b'name="person"' in found.content
    assert response.status_code == 302 and response.url == detail
    assert Enrolment.objects.filter(course=course, person=person).exists()
    page = client.get(detail).content.decode()
    assert "Sri Wahyuni" in page and "Sri Wahyuni is enrolled." in page


def test_enrolling_someone_of_another_office_says_not_found(
    client, en_officer, course, make_worker, other_office
):
    stranger = make_worker(office=other_office)
    client.force_login(en_officer)

    response = client.post(
        reverse("placement:course-enrol", args=[course.pk]), {"person": stranger.pk}, follow=True
    )

    assert "This person was not found." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_full_course_says_so(client, en_officer, officer, today, make_worker):
    course = training.create_course(by=officer, values=course_values(today, capacity=1))
    training.enrol(course=course, person=make_worker(), by=officer)
    late = make_worker()
    client.force_login(en_officer)

    response = client.post(
        reverse("placement:course-enrol", args=[course.pk]), {"person": late.pk}, follow=True
    )

    assert "The course is full." in response.content.decode()
    assert course.enrolments.count() == 1


def test_officer_takes_the_register_of_a_day(
    client, en_officer, course, enrolment, make_worker, officer, today
):
    absent = training.enrol(course=course, person=make_worker(), by=officer)
    client.force_login(en_officer)
    url = reverse("placement:course-attendance", args=[course.pk])
    day = (today - DAY).isoformat()

    page = client.get(url, {"day": day})
    response = client.post(url, {"day": day, "present": [str(enrolment.pk)]})

    assert b"Siti Aminah" in page.content
    assert response.status_code == 302 and response.url == f"{url}?day={day}"
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {
        enrolment.pk: True,
        absent.pk: False,
    }


def test_the_register_of_a_day_outside_the_course_is_refused(
    client, en_officer, course, enrolment, today
):
    client.force_login(en_officer)
    url = reverse("placement:course-attendance", args=[course.pk])
    day = (today - 10 * DAY).isoformat()

    page = client.get(url, {"day": day})
    response = client.post(url, {"day": day, "present": [str(enrolment.pk)]}, follow=True)

    assert "is not a day of this course" in page.content.decode()
    assert "is not a day of this course" in response.content.decode()
    assert not Attendance.objects.exists()


def test_officer_records_a_pass_and_uploads_the_certificate(client, en_officer, enrolment):
    client.force_login(en_officer)
    url = reverse("placement:enrolment-detail", args=[enrolment.course_id, enrolment.pk])

    passed = client.post(url, {"action": "result", "result": Result.PASSED})
    uploaded = client.post(
        url,
        {
            "action": "certificate",
            "number": "KOMP/2026/001",
            "file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
        },
    )

    assert passed.status_code == 302 and uploaded.status_code == 302
    enrolment.refresh_from_db()
    document = PersonDocument.objects.get()
    assert enrolment.result == Result.PASSED and enrolment.certificate == document
    assert document.document_type.code == "sertifikat-kompetensi"
    page = client.get(url).content.decode()
    assert "KOMP/2026/001" in page and "Waiting for verification" in page
    person_page = client.get(reverse("people:detail", args=[enrolment.person_id])).content
    assert b"Competency certificate" in person_page


def test_a_certificate_that_is_not_a_scan_shows_the_error_on_the_file(
    client, en_officer, enrolment, officer
):
    training.record_result(enrolment=enrolment, result=Result.PASSED, by=officer)
    client.force_login(en_officer)
    url = reverse("placement:enrolment-detail", args=[enrolment.course_id, enrolment.pk])

    response = client.post(
        url,
        {
            "action": "certificate",
            "file": SimpleUploadedFile("c.pdf", b"<html>nope</html>", content_type="text/html"),
        },
    )

    assert response.status_code == 200
    assert "This file is not a PDF, JPEG or PNG." in response.content.decode()
    assert not PersonDocument.objects.exists()


def test_counts_page_shows_the_split_by_sex(
    client, en_officer, officer, course, make_worker, today
):
    women = [make_worker() for _ in range(2)]
    man = make_worker(sex=Sex.MALE)
    for person in [*women, man]:
        training.enrol(course=course, person=person, by=officer)
    client.force_login(en_officer)

    response = client.get(
        reverse("placement:training-counts"),
        {"date_from": (today - 30 * DAY).isoformat(), "date_to": today.isoformat()},
    )

    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.total.enrolled.women, counts.total.enrolled.men) == (2, 1)
    assert b"Caregiver training" in response.content


def test_counts_page_refuses_a_period_that_ends_before_it_starts(client, en_officer, today):
    client.force_login(en_officer)

    response = client.get(
        reverse("placement:training-counts"),
        {"date_from": today.isoformat(), "date_to": (today - DAY).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["counts"] is None
    assert "The end of the period cannot be before its start." in response.content.decode()


def test_pages_render_in_indonesian(client, officer, course, enrolment):
    client.force_login(officer)
    # Each page: a line of its own in Indonesian, and not its English original.
    pages = {
        reverse("placement:course-list"): ("Pelatihan dan OPP", "Training and OPP of"),
        reverse("placement:course-detail", args=[course.pk]): (
            "Lembaga pelatihan",
            "Training centre",
        ),
        reverse("placement:course-create"): ("Tambah kelas", "Add a course"),
        reverse("placement:course-attendance", args=[course.pk]): (
            "Daftar hadir",
            "Attendance register",
        ),
        reverse("placement:enrolment-detail", args=[course.pk, enrolment.pk]): (
            "Sertifikat",
            "Certificate",
        ),
        reverse("placement:training-counts"): ("jumlah menurut jenis kelamin", "counts by sex"),
    }
    for url, (indonesian, english) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="id">' in html, url
        assert indonesian in html and english not in html, url
