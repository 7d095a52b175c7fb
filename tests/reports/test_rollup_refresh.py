"""Roll-ups follow committed changes through the background refresh, never on the request path:
a change writes a mark in its own transaction, the refresh (or the sweep) recomputes the marked
office-days and takes the marks, a mark written meanwhile waits for the next refresh, and a
refresh that fails leaves its marks and shows on the dashboards."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from satuatap.cases import services as case_services
from satuatap.core.roles import Role
from satuatap.reports import tasks
from satuatap.reports.models import DirtyOfficeDay, RollupValue
from satuatap.reports.services import rollups

pytestmark = pytest.mark.django_db


def _contact(counsellor, office, people: int = 3) -> None:
    case_services.record_contact(
        by=counsellor,
        kind="information",
        channel="walk_in",
        topic="jobs",
        occurred_on=office.today(),
        is_group=True,
        counts=[("F", "18-24", people)],
    )


def _counted() -> int:
    rows = RollupValue.objects.filter(indicator="information_contacts", dimension="walk_in")
    return sum(rows.values_list("value", flat=True))


def test_a_commit_marks_its_office_day_and_the_refresh_takes_the_mark(
    office, make_user, django_capture_on_commit_callbacks
):
    counsellor = make_user(Role.COUNSELLOR)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _contact(counsellor, office)
            assert set(DirtyOfficeDay.objects.values_list("office_id", "day")) == {
                (office.pk, office.today())
            }
            assert _counted() == 0
    assert _counted() == 3
    assert not DirtyOfficeDay.objects.exists()


def test_with_a_delay_the_committing_request_recomputes_nothing_and_the_sweep_does(
    office, make_user, settings, django_capture_on_commit_callbacks
):
    settings.ROLLUP_REFRESH_DELAY_SECONDS = 60
    counsellor = make_user(Role.COUNSELLOR)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _contact(counsellor, office)
    # The refresh is queued for later: the request's own work ends with the mark.
    assert _counted() == 0
    assert DirtyOfficeDay.objects.count() == 1
    tasks.sweep_rollups_task()
    assert _counted() == 3
    assert not DirtyOfficeDay.objects.exists()


def test_a_mark_written_while_a_refresh_runs_waits_for_the_next_one(office, make_user, monkeypatch):
    counsellor = make_user(Role.COUNSELLOR)
    _contact(counsellor, office)
    rollups.discard_pending()  # as if committed by another thread: only the mark is left
    DirtyOfficeDay.objects.create(office=office, day=office.today())
    original = rollups.recompute
    late_day = office.today() - datetime.timedelta(days=1)

    def recompute_while_a_change_commits(keys):
        original(keys)
        DirtyOfficeDay.objects.create(office=office, day=late_day)

    monkeypatch.setattr(rollups, "recompute", recompute_while_a_change_commits)
    assert rollups.refresh_dirty() == 1
    assert list(DirtyOfficeDay.objects.values_list("day", flat=True)) == [late_day]
    assert _counted() == 3


def test_a_failed_refresh_keeps_its_marks_and_the_dashboards_say_so(
    client, office, make_user, monkeypatch
):
    head = make_user(Role.OFFICE_HEAD)
    DirtyOfficeDay.objects.create(office=office, day=office.today())

    def broken(keys):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rollups, "recompute", broken)
    with pytest.raises(RuntimeError):
        rollups.refresh_dirty()
    assert DirtyOfficeDay.objects.count() == 1

    client.force_login(head)
    page = client.get(reverse("reports:office-dashboard")).content.decode()
    assert 'data-testid="figures-behind"' not in page  # a fresh mark is normal
    DirtyOfficeDay.objects.update(marked_at=timezone.now() - datetime.timedelta(minutes=3))
    page = client.get(reverse("reports:office-dashboard")).content.decode()
    assert 'data-testid="figures-behind"' in page
    assert "Beberapa perubahan terbaru belum masuk" in page
