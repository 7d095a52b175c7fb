"""The home page's "Your work" (`core.work`) and the menu grouped by task
(`core.navigation.menu_for`): the registry, what the home renders, core's own role-grant panel,
every role's menu, and the home's query budget with many rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.core import work
from satuatap.core.models import RoleGrant
from satuatap.core.navigation import ACCOUNT, ACTIONS, GROUPS, menu_for
from satuatap.core.roles import Role
from tests.work import home_panels, item

pytestmark = pytest.mark.django_db

ORGANISATION_OF = {
    Role.PARTNER_CASEWORKER: "partner",
    Role.NATIONAL_ANALYST: "ministry",
    Role.NATIONAL_PLACEMENT: "ministry",
    Role.ADMINISTRATOR: "ministry",
}


@pytest.fixture
def user_of(make_user, request):
    def make(role, **extra):
        name = ORGANISATION_OF.get(role)
        organisation = request.getfixturevalue(name) if name else None
        return make_user(role, organisation=organisation, **extra)

    return make


@pytest.fixture
def probe_panels():
    """Two panels registered for the test, out of order; removed afterwards."""
    work.register_work_panel(
        "test-later", lambda user: work.WorkPanel(title="Later"), order=999_999
    )
    work.register_work_panel(
        "test-first",
        lambda user: work.WorkPanel(
            title="First",
            items=(work.WorkItem("things waiting", 7, "/somewhere/", needs_attention=True),),
            rows=(work.WorkRow("A row", "/a-row/", detail="due today", needs_attention=True),),
            next_step=work.WorkLink("Do the next thing", "/next/"),
        ),
        order=-1,
    )
    work.register_work_panel("test-none", lambda user: None, order=0)
    yield
    for key in ("test-later", "test-first", "test-none"):
        work.unregister_work_panel(key)


def test_panels_show_in_their_order_and_one_that_does_not_apply_is_left_out(
    client, counsellor, probe_panels
):
    keys = [key for key, _panel in work.work_panels_for(counsellor)]
    assert keys[0] == "test-first" and keys[-1] == "test-later"
    assert "test-none" not in keys

    panels, html = home_panels(client, counsellor)
    assert 'data-testid="your-work"' in html and 'data-testid="work-test-first"' in html
    assert 'href="/somewhere/"' in html and 'href="/a-row/"' in html and 'href="/next/"' in html
    assert html.index('data-testid="your-work"') < html.index('data-testid="home-actions"')


@pytest.mark.parametrize("role", list(Role))
def test_every_role_keeps_every_tile_under_all_tasks_and_has_work_or_says_what_it_can_do(
    client, user_of, role
):
    user = user_of(role, language="en")
    panels, html = home_panels(client, user)
    assert 'data-testid="home-actions"' in html
    heading = "All tasks" if panels else "What you can do"
    assert f">{heading}</h2>" in html


# --- The menu ----------------------------------------------------------------------------------


def test_every_menu_entry_belongs_to_a_group_or_to_the_account_menu():
    assert {action.group for action in ACTIONS} <= set(GROUPS) | {ACCOUNT}


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_menu_holds_every_tile_once_grouped_by_task(user_of, role):
    from satuatap.core.navigation import actions_for

    user = user_of(role)
    groups, account = menu_for(user)
    in_menu = [entry["url"] for group in groups for entry in group.entries] + [
        entry["url"] for entry in account
    ]
    assert sorted(in_menu) == sorted(entry["url"] for entry in actions_for(user))
    assert {entry["url"] for entry in account} <= {
        reverse("core:two-factor"),
        reverse("core:api-tokens"),
        reverse("api:openapi-view"),
        reverse("notifications:digest"),
    }
    assert len(groups) <= 8


def test_the_menu_shows_a_group_of_one_as_a_link_and_the_account_menu_holds_the_rest(
    client, make_user
):
    head = make_user(Role.OFFICE_HEAD, language="en")
    client.force_login(head)
    html = client.get(reverse("home")).content.decode()
    menu = html[html.index('data-testid="main-menu"') : html.index('data-testid="account-menu"')]
    assert 'data-testid="menu-office"' in menu  # several entries: a dropdown
    assert f'<a class="nav-link" href="{reverse("cases:case-list")}">Cases</a>' in menu
    assert reverse("core:api-tokens") not in menu
    account = html[html.index('data-testid="account-menu"') : html.index("</nav>")]
    assert 'data-testid="whoami"' in account
    for url in (reverse("core:api-tokens"), reverse("api:openapi-view"), reverse("logout")):
        assert url in account
    assert 'data-testid="language-en"' in account


def test_before_the_second_factor_the_account_menu_offers_only_language_and_sign_out(
    client, make_user
):
    from satuatap.core.two_factor import requires_two_factor

    supervisor = make_user(Role.CASE_SUPERVISOR)
    assert requires_two_factor(supervisor)
    client.post(
        reverse("login"), {"username": supervisor.username, "password": "correct-horse-battery-9"}
    )
    html = client.get(reverse("core:two-factor-setup")).content.decode()
    assert reverse("logout") in html and 'data-testid="whoami"' in html
    assert reverse("core:api-tokens") not in html and reverse("cases:case-list") not in html


# --- Core's panel: role grants ----------------------------------------------------------------


def test_a_case_supervisor_sees_the_grants_waiting_for_her_and_the_head_none(client, make_user):
    head = make_user(Role.OFFICE_HEAD)
    colleague = make_user(Role.COUNSELLOR, full_name="Dian Sari")
    supervisor = make_user(Role.CASE_SUPERVISOR, language="en")
    panels, _html = home_panels(client, supervisor)
    assert "core-role-grants" not in panels  # nothing waits: no panel

    RoleGrant.objects.create(user=colleague, role=Role.CASE_SUPERVISOR, requested_by=head)
    panels, _html = home_panels(client, supervisor)
    panel = panels["core-role-grants"]
    waiting = item(panel, "waiting for you")
    assert waiting.count == 1 and waiting.url == reverse("core:role-grants")
    assert panel.rows[0].text == "Dian Sari as Case supervisor"
    panels, _html = home_panels(client, head)
    assert "core-role-grants" not in panels


# --- Query budget ------------------------------------------------------------------------------


@pytest.fixture
def busy_office(office, make_user):
    """Many rows behind every office panel: 30 visits, 30 cases with actions overdue."""
    from satuatap.cases import services as cases
    from satuatap.core.models import DeskType
    from satuatap.frontdesk.models import Service
    from satuatap.frontdesk.services import check_in
    from tests.factories import DeskFactory, PersonFactory

    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    service = Service.objects.create(
        office=office, desk=desk, name_id="Pendaftaran", target_minutes=20
    )
    frontdesk = make_user(Role.FRONTDESK)
    counsellor = make_user(Role.COUNSELLOR, gender="F")
    for number in range(30):
        person = PersonFactory(office=office, full_name=f"Orang {number}")
        check_in(by=frontdesk, services=[service], person=person)
        case = cases.open_case(
            by=counsellor, client=person, channel="walk_in", categories=("wages",)
        )
        cases.add_action(
            case=case,
            description="Hubungi agensi",
            owner=counsellor,
            by=counsellor,
            due_on=office.today() - datetime.timedelta(days=1 + number % 5),
        )
    return {"frontdesk": frontdesk, "counsellor": counsellor, "desk": desk}


@pytest.mark.parametrize(
    ("who", "budget"),
    [("frontdesk", 10), ("counsellor", 14), ("supervisor", 18), ("head", 16), ("deskofficer", 12)],
)
def test_the_home_page_reads_a_fixed_number_of_queries_however_many_rows(
    client, make_user, busy_office, django_assert_max_num_queries, who, budget
):
    users = {
        "frontdesk": busy_office["frontdesk"],
        "counsellor": busy_office["counsellor"],
        "supervisor": make_user(Role.CASE_SUPERVISOR),
        "head": make_user(Role.OFFICE_HEAD),
        "deskofficer": make_user(Role.DESK_OFFICER, desk=busy_office["desk"]),
    }
    client.force_login(users[who])
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("home"))
    assert response.status_code == 200 and response.context["work_panels"]
