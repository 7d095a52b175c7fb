# ruff: noqa: F811 - fixtures imported from another directory's conftest are parameters here
"""Placement's messages to workers (issue 21): enrolment in a course or OPP, the day before it
starts, a file refused at the gate (what to bring, where) and a departure near — end to end to
the WhatsApp server, each once, in the worker's language."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.notifications import services
from satuatap.notifications.models import Message
from satuatap.placement.files import notices as file_notices
from satuatap.placement.files import services as files
from satuatap.placement.files.models import Stage
from satuatap.placement.models import Scheme
from satuatap.placement.training import notices as training_notices
from satuatap.placement.training import services as training
from satuatap.placement.training.models import CourseKind
from tests.placement.conftest import (  # noqa: F401 - fixtures
    agency,
    make_agency,
    make_job_order,
    make_worker,
    officer,
    today,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def parameters(message: Message) -> dict:
    return json.loads(message.parameters)


def template_texts(request) -> list[str]:
    return [p["text"] for p in request["body"]["template"]["components"][0]["parameters"]]


def test_enrolment_and_the_day_before_an_opp_session(
    gateways, provider, officer, make_worker, today, django_capture_on_commit_callbacks
):
    worker = make_worker()
    worker.phones.create(number="+6281234500001", kind="whatsapp")
    services.set_message_language(person=worker, language="en")
    silent = make_worker()  # no number on record
    course = training.create_course(
        by=officer,
        values={
            "kind": CourseKind.OPP,
            "title": "OPP Hong Kong",
            "training_centre": "BP3MI Jawa Barat",
            "competency": "",
            "start_date": today + 2 * DAY,
            "end_date": today + 3 * DAY,
            "weekdays": "0123456",
            "capacity": 10,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        training.enrol(course=course, person=worker, by=officer)
        training.enrol(course=course, person=silent, by=officer)
    [enrolled] = provider.sent("/messages")
    assert enrolled["body"]["template"]["name"] == "course_enrolled"
    assert enrolled["body"]["template"]["language"]["code"] == "en"
    assert template_texts(enrolled)[:2] == ["OPP Hong Kong", "BP3MI Jawa Barat"]

    assert training_notices.queue_course_reminders(today=today) == 0  # starts in two days
    with django_capture_on_commit_callbacks(execute=True):
        assert training_notices.queue_course_reminders(today=today + DAY) == 1
    assert training_notices.queue_course_reminders(today=today + DAY) == 0  # once
    assert [r["body"]["template"]["name"] for r in provider.sent("/messages")] == [
        "course_enrolled",
        "course_tomorrow",
    ]


def test_a_file_refused_at_the_gate_tells_what_to_bring_once_a_day(
    gateways, provider, officer, make_worker, make_job_order, agency, today
):
    worker = make_worker()
    worker.phones.create(number="+6281234500002", kind="mobile")
    job_order = make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI, quota_women=2)
    placement_file = files.open_file(person=worker, by=officer, values={"job_order": job_order})
    with translation.override("en"):
        for _attempt in range(2):
            with pytest.raises(DomainError) as refused:
                files.change_stage(placement_file=placement_file, to_stage=Stage.READY, by=officer)
            assert refused.value.code == "not_ready"
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.REGISTRATION  # the refusal changed nothing
    [message] = Message.objects.all()
    assert (message.template_code, message.channel) == ("file_blocked", "sms")
    documents = parameters(message)["documents"]
    assert "Passport" in documents or "Paspor" in documents
    assert "desk" in documents or "loket" in documents  # where to bring each
    assert parameters(message)["office"] == placement_file.office.name


def test_departure_reminder_a_few_days_before_the_planned_date(
    gateways, provider, officer, make_worker, today, settings
):
    settings.NOTIFICATION_DEPARTURE_REMINDER_DAYS = 3
    worker = make_worker()
    worker.phones.create(number="+6281234500003", kind="whatsapp")
    placement_file = files.open_file(
        person=worker, by=officer, values={"scheme": Scheme.INDIVIDUAL, "employer": "Mr Chan"}
    )
    files.update_file(
        placement_file=placement_file,
        by=officer,
        values={"planned_departure_on": today + 5 * DAY},
    )
    assert file_notices.queue_departure_reminders(today=today) == 0
    assert file_notices.queue_departure_reminders(today=today + 2 * DAY) == 1
    assert file_notices.queue_departure_reminders(today=today + 2 * DAY) == 0
    [message] = Message.objects.all()
    assert message.template_code == "departure_soon" and message.person == worker
    files.change_stage(
        placement_file=placement_file, to_stage=Stage.CANCELLED, by=officer, note="Changed her mind"
    )
    Message.objects.all().delete()
    assert file_notices.queue_departure_reminders(today=today + 2 * DAY) == 0  # closed file
