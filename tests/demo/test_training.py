"""The training demo: courses and OPP sessions per pilot office, with enrolments, attendance
and results; idempotent."""

from __future__ import annotations

import pytest
from django.db.models import F

from satuatap.demo import training as demo
from satuatap.people.models import Sex
from satuatap.placement.training.models import Attendance, Course, Enrolment, Result
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_demo_seed_is_idempotent(office, other_office):
    for each in (office, other_office):
        for _ in range(25):
            PersonFactory(office=each, sex=Sex.MALE if _ % 3 == 0 else Sex.FEMALE)

    demo.seed()
    enrolments = Enrolment.objects.count()
    attendance = Attendance.objects.count()
    demo.seed()

    assert Course.objects.count() == 2 * len(demo.COURSES)
    for each in (office, other_office):
        kinds = sorted(Course.objects.filter(office=each).values_list("kind", flat=True))
        assert kinds == ["opp", "training", "training"]
    assert Enrolment.objects.count() == enrolments > 0
    assert Attendance.objects.count() == attendance > 0
    assert Enrolment.objects.filter(result=Result.PASSED).exists()
    assert not Enrolment.objects.exclude(person__office=F("course__office")).exists()
