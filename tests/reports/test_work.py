"""The latest release on the national viewers' home page (`reports/work.py`)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from satuatap.core.roles import Role
from satuatap.reports.models import StoredRelease
from tests.work import home_panels

pytestmark = pytest.mark.django_db


def release(month: datetime.date) -> StoredRelease:
    return StoredRelease.objects.create(
        indicator="not-an-indicator",  # read for its month only
        month=month,
        offices=[],
        rows=[],
        cells=[],
        built_at=timezone.now(),
    )


def test_the_analyst_sees_the_latest_month_released(client, analyst):
    release(datetime.date(2026, 9, 1))
    release(datetime.date(2026, 10, 1))
    analyst.language = "en"
    analyst.save()
    panels, _html = home_panels(client, analyst)

    panel = panels["reports-latest-release"]
    [row] = panel.rows
    assert row.text == "October 2026"
    assert row.url == reverse("reports:national-dashboard") + "?month=2026-10"
    assert client.get(row.url).status_code == 200
    assert panel.next_step.url == reverse("reports:national-dashboard")


def test_before_any_release_the_panel_says_so(client, analyst):
    analyst.language = "en"
    analyst.save()
    panels, _html = home_panels(client, analyst)
    panel = panels["reports-latest-release"]
    assert panel.rows == () and panel.empty_text == "No month has been released yet."


@pytest.mark.parametrize("role", [Role.OFFICE_HEAD, Role.COUNSELLOR])
def test_office_roles_get_no_release_panel(client, make_user, role):
    release(datetime.date(2026, 10, 1))
    panels, _html = home_panels(client, make_user(role))
    assert "reports-latest-release" not in panels
