"""Legal holds: a case supervisor keeps a case and its people past their retention period, with
a reason only those who may read the case read; set and lifted in the audit trail; and nothing
about it reaches anyone else (the registry, the retention report)."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from satuatap.cases.models import Case, CaseStatus, LegalHold
from satuatap.cases.retention import services as case_retention
from satuatap.core.exceptions import DomainError
from satuatap.core.retention import services as retention_services
from satuatap.core.roles import Role
from satuatap.people.models import Person

pytestmark = pytest.mark.django_db

REASON = "Laporan polisi LP/123/2026 masih diproses."
FAR_FUTURE = datetime.date(2040, 1, 1)


@pytest.fixture
def closed_case(make_case):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=30)
    )
    case.refresh_from_db()
    return case


def test_a_case_supervisor_sets_and_lifts_a_hold_and_both_are_audited(
    client, supervisor, closed_case
):
    client.force_login(supervisor)
    url = reverse("cases:legal-hold-set", args=[closed_case.pk])
    assert client.post(url, {"reason": REASON}).status_code == 302
    hold = LegalHold.objects.get(case=closed_case)
    assert hold.is_active and hold.set_by == supervisor
    page = client.get(reverse("cases:case-detail", args=[closed_case.pk])).content.decode()
    assert REASON in page

    client.post(reverse("cases:legal-hold-lift", args=[closed_case.pk, hold.pk]))
    hold.refresh_from_db()
    assert not hold.is_active and hold.lifted_by == supervisor
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(LegalHold), object_pk=str(hold.pk)
    )
    assert {e.action for e in entries} == {LogEntry.Action.CREATE, LogEntry.Action.UPDATE}
    assert all(e.actor == supervisor for e in entries)
    assert REASON not in " ".join(str(e.changes) for e in entries)  # encrypted: not copied
    assert [e.kind for e in closed_case.events.all()][-2:] == [
        "legal_hold_set",
        "legal_hold_lifted",
    ]


def test_only_the_offices_case_supervisors_hold(counsellor, head, closed_case):
    for user in (counsellor, head):
        with pytest.raises(DomainError) as error:
            case_retention.set_legal_hold(case=closed_case, by=user, reason=REASON)
        assert error.value.status == 403
    assert not LegalHold.objects.exists()


def test_a_hold_needs_a_reason(supervisor, closed_case):
    with pytest.raises(DomainError) as error:
        case_retention.set_legal_hold(case=closed_case, by=supervisor, reason="  ")
    assert error.value.code == "reason_required"
    assert not LegalHold.objects.exists()


def test_a_restricted_cases_hold_is_no_door_for_those_who_cannot_see_it(
    client, make_user, supervisor, gbv_case
):
    hold = case_retention.set_legal_hold(case=gbv_case, by=supervisor, reason=REASON)
    outsider = make_user(Role.COUNSELLOR, username="cirebon.counsellor3")
    client.force_login(outsider)
    assert (
        client.post(reverse("cases:legal-hold-lift", args=[gbv_case.pk, hold.pk])).status_code
        == 404
    )
    hold.refresh_from_db()
    assert hold.is_active


def test_a_held_case_and_its_client_outlive_their_period_until_the_hold_is_lifted(
    supervisor, closed_case
):
    client_id = closed_case.client_id
    hold = case_retention.set_legal_hold(case=closed_case, by=supervisor, reason=REASON)

    run = retention_services.run(today=FAR_FUTURE)

    closed_case.refresh_from_db()
    assert closed_case.anonymised_at is None and closed_case.narrative
    assert Person.objects.get(pk=client_id).anonymised_at is None
    cases = next(r for r in run.results if r["key"] == "closed_cases")
    assert sum(row["held"] for row in cases["offices"]) == 1
    assert REASON not in str(run.results)

    case_retention.lift_legal_hold(hold=hold, by=supervisor)
    retention_services.run(today=FAR_FUTURE)
    closed_case.refresh_from_db()
    assert closed_case.anonymised_at is not None and closed_case.narrative == ""
    # With its only case anonymised, the client's record is no longer reviewed by the MRC
    # and goes by its own period.
    assert Person.objects.get(pk=client_id).anonymised_at is not None
