"""The front desk's panels on the home page: the office's day at the desks (front desk, office
head) and each desk's line for who works at it (`frontdesk/work.py`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.frontdesk.services import call_next, check_in
from tests.factories import PersonFactory
from tests.work import home_panels, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_day(office, frontdesk, services):
    """Three visits: two waiting at the labour desk, one at the MRC's information desk."""
    for name in ("Sulastri", "Dewi"):
        check_in(
            by=frontdesk,
            services=[services["registration"]],
            person=PersonFactory(office=office, full_name=name),
        )
    check_in(by=frontdesk, services=[services["information"]], sex="F")


def test_the_front_desk_sees_todays_waiting_by_desk_and_checks_in_next(
    client, make_user, desks, busy_day
):
    frontdesk = make_user(Role.FRONTDESK, username="cirebon.frontdesk-en", language="en")
    panels, html = home_panels(client, frontdesk)

    panel = panels["frontdesk-office-day"]
    today = reverse("frontdesk:today")
    assert item(panel, "checked in today").count == 3
    assert item(panel, "waiting now").count == 3
    assert item(panel, "served today").count == 0
    assert all(entry.url == today for entry in panel.items)
    waiting = {row.text: row.detail for row in panel.rows}
    assert waiting[str(desks["ketenagakerjaan"])].startswith("2 waiting")
    assert waiting[str(desks["pengaduan-informasi"])].startswith("1 waiting")
    assert waiting[str(desks["keimigrasian"])] == "0 waiting"
    assert panel.next_step.url == reverse("frontdesk:check-in")
    assert "frontdesk-desk-line" not in panels  # the front desk calls no one
    assert "Sulastri" not in html  # counts and desks only: no visitor is named


def test_the_desk_officer_sees_the_line_at_her_desk_and_the_next_ticket(
    client, make_user, desks, frontdesk, busy_day
):
    officer = make_user(
        Role.DESK_OFFICER,
        username="cirebon.deskofficer-en",
        desk=desks["ketenagakerjaan"],
        language="en",
    )
    call_next(desk=desks["ketenagakerjaan"], by=officer)
    panels, _html = home_panels(client, officer)

    panel = panels["frontdesk-desk-line"]
    console = reverse("frontdesk:console", args=[desks["ketenagakerjaan"].pk])
    assert item(panel, "waiting").count == 1  # the other desks' tickets are not hers
    assert item(panel, "being served").count == 1
    [row] = panel.rows
    assert row.url == console and "next: A-002" in row.detail
    assert panel.next_step.url == console
    assert "frontdesk-office-day" not in panels


def test_the_office_head_sees_the_office_day_without_a_check_in_button(client, make_user, busy_day):
    head = make_user(Role.OFFICE_HEAD, language="en")
    panels, _html = home_panels(client, head)

    panel = panels["frontdesk-office-day"]
    assert item(panel, "waiting now").count == 3
    assert panel.next_step.url == reverse("frontdesk:today")
    assert "frontdesk-desk-line" not in panels


def test_another_offices_tickets_are_not_counted(client, make_user, other_office, busy_day):
    frontdesk = make_user(Role.FRONTDESK, organisation=other_office, language="en")
    panels, _html = home_panels(client, frontdesk)

    panel = panels["frontdesk-office-day"]
    assert item(panel, "checked in today").count == 0
    assert item(panel, "waiting now").count == 0


@pytest.mark.parametrize("role", [Role.OUTREACH_WORKER, Role.NATIONAL_ANALYST])
def test_roles_without_desk_work_get_no_desk_panel(client, make_user, ministry, role):
    organisation = ministry if role == Role.NATIONAL_ANALYST else None
    panels, _html = home_panels(client, make_user(role, organisation=organisation))
    assert not {"frontdesk-office-day", "frontdesk-desk-line"} & set(panels)
