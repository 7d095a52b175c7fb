"""The MRC's panels on the home page (`cases/work.py`): a case worker's cases by next due
action, the case supervisor's decisions and the team's overdue work, a partner's new
referrals — and nothing of a restricted case for anyone who may not open it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from satuatap.cases import services
from satuatap.cases.models import CaseAssignment, Outcome, Referral, SharedItem
from satuatap.core.roles import Role
from satuatap.people.data_rights import services as data_rights
from tests.factories import PersonFactory
from tests.work import home_panels, item

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(make_user):
    return make_user(Role.COUNSELLOR, username="cirebon.worker", gender="F", language="en")


def open_case(worker, name: str, **extra):
    client = PersonFactory(office=worker.office, full_name=name)
    return services.open_case(
        by=worker, client=client, channel="walk_in", categories=("wages",), **extra
    )


def action(case, by, due_on):
    return services.add_action(
        case=case, description="Hubungi agensi", owner=by, by=by, due_on=due_on
    )


def test_a_case_worker_sees_her_cases_by_next_due_action_overdue_first(client, worker, today):
    calm = open_case(worker, "Ani Suryani")
    later = open_case(worker, "Budi Santoso")
    action(later, worker, today + 5 * DAY)
    late = open_case(worker, "Citra Dewi")
    action(late, worker, today - 3 * DAY)
    action(late, worker, today + 9 * DAY)

    panels, _html = home_panels(client, worker)

    panel = panels["cases-mine"]
    mine = reverse("cases:my-cases")
    assert item(panel, "open, assigned to you").count == 3
    assert item(panel, "open, assigned to you").url == mine
    assert item(panel, "with something overdue").count == 1
    assert [row.url for row in panel.rows] == [
        reverse("cases:case-detail", args=[case.pk]) for case in (late, later, calm)
    ]
    assert [row.needs_attention for row in panel.rows] == [True, False, False]
    assert panel.rows[0].text == f"{late.number} · Citra Dewi"
    assert panel.rows[0].detail.startswith("action overdue since")
    assert panel.rows[2].detail == "no action planned"
    page = client.get(mine).content.decode()
    assert all(case.number in page for case in (calm, later, late))


def test_a_restricted_case_reaches_only_its_worker_and_never_by_the_clients_name(
    client, worker, make_user, gbv_case, counsellor, today
):
    """`gbv_case` is restricted and assigned to `counsellor`; `worker` and the head may not
    open it: nothing of it is on their home pages, not even in a count."""
    action(gbv_case, counsellor, today - DAY)
    own = open_case(worker, "Ani Suryani")

    panels, html = home_panels(client, counsellor)
    [row] = panels["cases-mine"].rows
    assert item(panels["cases-mine"], "with something overdue").count == 1
    assert row.text == f"{gbv_case.number} (restricted)"
    assert "Siti Rahayu" not in html  # the client of the restricted case

    panels, html = home_panels(client, worker)
    assert item(panels["cases-mine"], "open, assigned to you").count == 1
    assert item(panels["cases-mine"], "with something overdue").count == 0
    assert gbv_case.number not in html and own.number in html

    head = make_user(Role.OFFICE_HEAD, language="en")
    panels, html = home_panels(client, head)
    assert not {"cases-mine", "cases-team", "cases-partner"} & set(panels)
    assert gbv_case.number not in html and own.number not in html


def test_the_supervisor_sees_closures_erasures_unassigned_cases_and_overdue_by_worker(
    client, worker, counsellor, gbv_case, make_user, today
):
    supervisor = make_user(Role.CASE_SUPERVISOR, gender="F", language="en")
    resolved = open_case(worker, "Ani Suryani")
    services.request_closure(case=resolved, by=worker, outcome=Outcome.RESOLVED)
    for case in (open_case(worker, "Budi Santoso"), gbv_case):
        CaseAssignment.objects.filter(case=case).update(ended_at=timezone.now())
    busy = open_case(worker, "Citra Dewi")
    action(busy, worker, today - 2 * DAY)
    action(busy, worker, today - DAY)
    action(open_case(counsellor, "Dian Sari"), counsellor, today - DAY)
    head = make_user(Role.OFFICE_HEAD)
    data_rights.request_erasure(person=busy.client, by=head, reason="person")

    panels, _html = home_panels(client, supervisor)

    panel = panels["cases-team"]
    closures = item(panel, "closures to approve")
    assert closures.count == 1
    assert item(panel, "erasure requests to review").count == 1
    assert item(panel, "erasure requests to review").url == reverse("cases:erasure-requests")
    # The restricted case nobody works on counts too: a supervisor may open every case.
    assert item(panel, "without a case worker").count == 2
    assert item(panel, "overdue referrals").count == 0
    assert [(row.text, row.detail) for row in panel.rows] == [
        (worker.full_name, "2 overdue actions"),
        (counsellor.full_name, "1 overdue action"),
    ]
    assert all(row.url == reverse("cases:overdue") for row in panel.rows)
    listed = client.get(closures.url).content.decode()
    assert resolved.number in listed and busy.number not in listed
    assert "cases-mine" not in panels  # she has no case of her own


def test_a_counsellor_gets_no_team_panel(client, worker):
    panels, _html = home_panels(client, worker)
    assert "cases-team" not in panels and "cases-partner" not in panels


@pytest.fixture
def referral_to(counsellor, make_case, today):
    def send(partner, *, due_on=None):
        case = make_case()
        services.record_consent(
            case=case,
            by=counsellor,
            recipient=partner,
            items=[SharedItem.IDENTITY],
            given_on=today,
            method="signed",
        )
        return services.send_referral(
            case=case,
            by=counsellor,
            partner=partner,
            service="Pendampingan hukum",
            due_on=due_on or today + 7 * DAY,
        )

    return send


def test_a_partner_sees_its_new_referrals_without_the_clients_name(
    client, make_user, partner, referral_to, counsellor, today
):
    worker = make_user(Role.PARTNER_CASEWORKER, organisation=partner, language="en")
    fresh = referral_to(partner)
    late = referral_to(partner)
    Referral.objects.filter(pk=late.pk).update(due_on=today - DAY)
    ended = referral_to(partner)
    services.revoke_referral(referral=ended, by=counsellor, reason="Klien pindah")

    panels, html = home_panels(client, worker)

    panel = panels["cases-partner"]
    new = item(panel, "new, to answer")
    assert new.count == 2
    assert [row.url for row in panel.rows] == [
        reverse("cases:partner-referral-detail", args=[r.pk]) for r in (late, fresh)
    ]
    assert [row.needs_attention for row in panel.rows] == [True, False]
    assert item(panel, "accepted, in progress").count == 0
    assert "Siti Rahayu" not in html
    listed = client.get(new.url).content.decode()
    assert f"#{fresh.pk}" in listed and f"#{ended.pk}" not in listed


def test_another_partner_counts_none_of_our_referrals(client, make_user, partner, referral_to):
    from tests.factories import PartnerFactory

    referral_to(partner)
    other = PartnerFactory(slug="sbmi", name="SBMI")
    panels, _html = home_panels(
        client,
        make_user(
            Role.PARTNER_CASEWORKER, organisation=other, username="other.partner", language="en"
        ),
    )
    assert item(panels["cases-partner"], "new, to answer").count == 0
