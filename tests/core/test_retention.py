"""The retention schedule as a whole: periods from the configuration, the dry run that changes
nothing, the run that stores a report the administrator reads, on behalf of the system, the
nightly task, and a class that fails without stopping the others."""

from __future__ import annotations

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from satuatap.core import retention
from satuatap.core.models import RetentionRun, RetentionRunStatus, RetentionTrigger
from satuatap.core.retention import services as retention_services
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Visit
from satuatap.people import services as people_services
from satuatap.people.models import Person, Sex

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)
NAME = "Sulastri Handayani"
NIK = "3209015403950001"


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def visits(office, officer):
    """Sulastri's visit four years ago (due: visits are kept three) and last month's (not)."""
    person = people_services.register_person(
        by=officer, full_name=NAME, nik=NIK, sex=Sex.FEMALE, birth_date=datetime.date(1995, 3, 14)
    )
    old = Visit.objects.create(
        office=office, person=person, day=datetime.date(2022, 11, 1), checked_in_by=officer
    )
    recent = Visit.objects.create(
        office=office, person=person, day=datetime.date(2026, 11, 1), checked_in_by=officer
    )
    return person, old, recent


# --- Periods and configuration -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("30", retention.Period(days=30)),
        ("30d", retention.Period(days=30)),
        (" 5y ", retention.Period(years=5)),
        ("never", None),
        ("NEVER", None),
    ],
)
def test_periods_are_days_years_or_never(text, period):
    assert retention.parse_period(text) == period


@pytest.mark.parametrize("text", ["", "0", "5m", "-3", "y", "1.5y", "forever"])
def test_an_unreadable_period_is_refused(text):
    with pytest.raises(ValueError):
        retention.parse_period(text)


def test_years_count_back_to_the_same_day_and_29_february_to_the_28th():
    assert retention.Period(years=3).cutoff(TODAY) == datetime.date(2023, 12, 1)
    assert retention.Period(years=1).cutoff(datetime.date(2028, 2, 29)) == datetime.date(
        2027, 2, 28
    )
    assert retention.Period(days=7).cutoff(TODAY) == datetime.date(2026, 11, 24)


def test_every_class_of_the_issue_has_a_documented_default():
    keys = {c.key for c in retention.record_classes()}
    assert keys >= {
        "visits",
        "survey_answers",
        "inactive_people",
        "placement_files",
        "closed_cases",
        "outreach_participants",
        "exports",
        "audit_entries",
    }
    with open("docs/security.md", encoding="utf-8") as handle:
        security = handle.read()
    for record_class in retention.record_classes():
        assert f"`{record_class.key}`" in security, record_class.key
        assert record_class.default_period is not None


def test_the_setting_overrides_a_default(settings):
    visits = retention.get_record_class("visits")
    assert retention.period_of(visits) == retention.Period(years=3)
    settings.SATUATAP_RETENTION = {"visits": "18m"}
    assert [m.id for m in checks.run_checks()].count("satuatap.E001") == 1
    settings.SATUATAP_RETENTION = {"visit": "1y"}
    assert "satuatap.E001" in [m.id for m in checks.run_checks()]
    settings.SATUATAP_RETENTION = {"visits": "1y", "audit_entries": "never"}
    assert "satuatap.E001" not in [m.id for m in checks.run_checks()]
    assert retention.period_of(visits) == retention.Period(years=1)
    assert retention.period_of(retention.get_record_class("audit_entries")) is None


# --- Dry run and run ---------------------------------------------------------------------------


def test_the_dry_run_lists_counts_per_class_and_office_and_changes_nothing(office, visits):
    person, old, _recent = visits
    out = io.StringIO()
    with translation.override("en"):
        call_command("retention", "--dry-run", "--today", TODAY.isoformat(), stdout=out)

    text = out.getvalue()
    assert "Dry run: nothing is changed." in text
    assert "Visits and queue tickets" in text
    assert f"{office.name}: 1 due, 0 kept by a hold" in text
    for secret in (NAME, "Sulastri", NIK, "3209"):
        assert secret not in text
    old.refresh_from_db()
    assert old.person_id == person.pk
    assert not RetentionRun.objects.exists()


def test_the_command_speaks_indonesian(office, visits):
    out = io.StringIO()
    with translation.override("id"):
        call_command("retention", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    assert "Uji coba: tidak ada yang diubah." in out.getvalue()


def test_a_bad_day_is_refused_with_a_translated_error():
    with translation.override("en"), pytest.raises(CommandError, match="Not a date"):
        call_command("retention", "--dry-run", "--today", "1 Desember", stdout=io.StringIO())


def test_the_run_anonymises_what_is_due_keeps_the_rest_and_stores_its_report(office, visits):
    person, old, recent = visits
    out = io.StringIO()
    call_command("retention", "--today", TODAY.isoformat(), stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.person_id is None and (old.sex, old.age_band) == ("F", "25-39")
    assert recent.person_id == person.pk
    assert Person.objects.get(pk=person.pk).anonymised_at is None  # active last month
    run = RetentionRun.objects.get()
    assert run.trigger == RetentionTrigger.COMMAND and run.status == RetentionRunStatus.DONE
    visits_result = next(r for r in run.results if r["key"] == "visits")
    assert visits_result["cutoff"] == "2023-12-01"
    assert visits_result["offices"] == [{"office": office.pk, "due": 1, "held": 0, "done": 1}]
    assert NAME not in str(run.results) and NIK not in str(run.results)


def test_the_run_is_in_the_audit_trail_on_behalf_of_the_system(
    client, office, visits, administrator
):
    _person, old, _recent = visits
    run = retention_services.run(today=TODAY)

    own = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RetentionRun), object_pk=str(run.pk)
    )
    assert own.actor is None and own.additional_data["on_behalf_of"] == "system:core.retention"
    change = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Visit), object_pk=str(old.pk)
    ).latest("timestamp")
    assert change.actor is None and change.cid == f"system:retention:{run.pk}"
    client.force_login(administrator)
    page = client.get(reverse("core:audit-trail")).content.decode()
    assert "(core.retention)" in page  # "System (core.retention)", in either language


def test_the_administrator_reads_the_report_and_nobody_else(
    client, office, visits, administrator, make_user
):
    run = retention_services.run(today=TODAY)
    client.force_login(administrator)
    overview = client.get(reverse("core:retention"))
    detail = client.get(reverse("core:retention-run", args=[run.pk]))
    assert overview.status_code == detail.status_code == 200
    assert office.name in detail.content.decode()
    assert NAME not in detail.content.decode()
    for role in (Role.OFFICE_HEAD, Role.CASE_SUPERVISOR):
        client.force_login(make_user(role))
        assert client.get(reverse("core:retention-run", args=[run.pk])).status_code == 403


def test_the_nightly_task_runs_the_schedule(office, visits):
    from satuatap.core.tasks import RETENTION_SCHEDULE, run_retention_task

    run_retention_task()  # huey's immediate mode in the tests: it runs now

    run = RetentionRun.objects.get()
    assert run.trigger == RetentionTrigger.SCHEDULE and run.status == RetentionRunStatus.DONE
    # 18:30 UTC: 01:30 in Jakarta.
    assert RETENTION_SCHEDULE(datetime.datetime(2026, 12, 1, 18, 30))
    assert not RETENTION_SCHEDULE(datetime.datetime(2026, 12, 1, 1, 30))


def test_a_class_that_fails_does_not_stop_the_others(office, visits, caplog):
    person, old, _recent = visits

    def explode(pks, context):
        raise RuntimeError(f"value {NAME}")

    retention.register_record_class(
        retention.RecordClass(
            key="exploding",
            label="Exploding",
            default="1d",
            counted_from="",
            action="",
            due=lambda cutoff: Person.objects.all(),
            purge=explode,
            order=1,
        )
    )
    try:
        run = retention_services.run(today=TODAY)
    finally:
        retention.unregister_record_class("exploding")

    assert run.status == RetentionRunStatus.PARTLY
    failed = next(r for r in run.results if r["key"] == "exploding")
    assert failed["failed"] is True
    old.refresh_from_db()
    assert old.person_id is None  # the visits class ran after it
    assert "class exploding stopped on RuntimeError" in caplog.text
    assert NAME not in caplog.text
