"""The deadline table of data-subject requests: 3 x 24 hours of the clock for access,
correction, withdrawal of consent and restriction, SatuAtap's own default where the law gives
none, and the setting that changes them, checked at start-up."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import translation

from satuatap.privacy import deadlines
from satuatap.privacy.models import RequestType

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def test_a_restriction_is_due_72_hours_after_the_moment_it_was_received():
    received = datetime.datetime(2026, 8, 14, 16, 45, tzinfo=WITA)  # a Friday afternoon
    due = deadlines.due_at(RequestType.RESTRICTION, received)
    assert due == datetime.datetime(2026, 8, 17, 16, 45, tzinfo=WITA)  # Monday, same minute
    assert due - received == datetime.timedelta(hours=72)


@pytest.mark.parametrize(
    ("request_type", "hours"),
    [
        (RequestType.ACCESS, 72),
        (RequestType.CORRECTION, 72),
        (RequestType.WITHDRAWAL, 72),
        (RequestType.RESTRICTION, 72),
        (RequestType.ERASURE, 14 * 24),
        (RequestType.OBJECTION, 14 * 24),
    ],
)
def test_every_request_type_has_a_default_deadline(request_type, hours):
    assert deadlines.period_of(request_type) == datetime.timedelta(hours=hours)


def test_the_setting_changes_a_deadline_in_hours_or_days():
    overrides = {"erasure": "7d", "objection": "36h"}
    with override_settings(SATUATAP_REQUEST_DEADLINES=overrides), translation.override("en"):
        assert deadlines.period_of(RequestType.ERASURE) == datetime.timedelta(days=7)
        assert deadlines.period_of(RequestType.OBJECTION) == datetime.timedelta(hours=36)
        assert deadlines.period_of(RequestType.ACCESS) == datetime.timedelta(hours=72)
        rows = {row.request_type: row for row in deadlines.deadline_table()}
        assert not rows[RequestType.ERASURE].is_default
        assert rows[RequestType.ERASURE].period == "7 days"
        assert rows[RequestType.OBJECTION].period == "36 hours"
        assert rows[RequestType.ACCESS].period == "3 × 24 hours"
        assert "Pasal 32" in rows[RequestType.ACCESS].basis


@pytest.mark.parametrize("value", ["", "0h", "3w", "seventy", "-1d", "400d", "72 hours"])
def test_an_unreadable_period_is_refused(value):
    with pytest.raises(ValueError):
        deadlines.parse_period(value)


def test_the_start_up_check_refuses_an_unknown_type_or_an_unreadable_period(db):
    bad = {"erasure": "two weeks", "portability": "72h"}
    with override_settings(SATUATAP_REQUEST_DEADLINES=bad):
        errors = deadlines.configuration_errors()
        assert len(errors) == 2
        assert any("portability" in error for error in errors)
        with pytest.raises(SystemCheckError, match="satuatap.E002"):
            call_command("check")
    with override_settings(SATUATAP_REQUEST_DEADLINES={"erasure": "7d"}):
        call_command("check")


def test_the_breach_notices_are_due_3_x_24_hours_after_the_discovery():
    discovered = datetime.datetime(2026, 8, 14, 23, 30, tzinfo=WITA)
    assert deadlines.breach_notice_due(discovered) == discovered + datetime.timedelta(hours=72)


def test_the_table_speaks_indonesian_by_default():
    translation.deactivate()  # no language chosen (an earlier test's request may have left one)
    rows = {row.request_type: row for row in deadlines.deadline_table()}
    assert rows[RequestType.RESTRICTION].period == "3 × 24 jam"
    assert rows[RequestType.ERASURE].period == "14 hari"
