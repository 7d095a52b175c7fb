"""An office runs itself (`core.staff`): its head adds, deactivates and re-roles the office's
own staff within the office roles, resets a colleague's second factor with a reason; a grant of
the case supervisor role waits for a second person; the administrator creates offices and their
first head. Every change is audited, without a password, token or link in the trail."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core import services
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, RoleAssignment, RoleGrant, User
from satuatap.core.roles import MINISTRY_ROLES, OFFICE_ROLES, PARTNER_ROLES, Role
from satuatap.core.staff import selectors as staff_selectors
from satuatap.core.staff import services as staff_services
from satuatap.core.two_factor import services as two_factor_services
from satuatap.regions.models import Region
from tests.factories import PASSWORD, DeskFactory
from tests.otp import authenticator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def other_head(make_user, other_office):
    return make_user(Role.OFFICE_HEAD, organisation=other_office)


def details(name: str = "Ratna Sari", **extra) -> staff_services.Details:
    return staff_services.Details(full_name=name, **extra)


def add(office, head, username="cirebon.ratna", roles=(Role.FRONTDESK,), email="", **extra):
    return staff_services.add_staff_member(
        office=office,
        by=head,
        username=username,
        details=details(email=email),
        roles=roles,
        **extra,
    )


def signs_in(user, password: str = PASSWORD) -> bool:
    """Whether the sign-in page accepts the password (a redirect onwards)."""
    response = Client().post(reverse("login"), {"username": user.username, "password": password})
    return response.status_code == 302


def roles_of(user) -> set[str]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def events(user) -> list[str]:
    entries = LogEntry.objects.filter(content_type__model="user", object_pk=str(user.pk))
    return [e.additional_data.get("event") for e in entries.order_by("pk") if e.additional_data]


# --- One definition of the roles ---------------------------------------------------------------


def test_every_role_belongs_to_exactly_one_kind_of_organisation():
    kinds = (OFFICE_ROLES, PARTNER_ROLES, MINISTRY_ROLES)
    for role in Role:
        assert sum(role in kind for kind in kinds) == 1, role
    assert OFFICE_ROLES.isdisjoint(MINISTRY_ROLES | PARTNER_ROLES)


# --- Adding a colleague ------------------------------------------------------------------------


def test_head_adds_a_colleague_with_office_roles_and_no_password_yet(office, head):
    change = add(office, head, email="ratna@example.org")

    member = User.objects.get(username="cirebon.ratna")
    assert change.member == member and change.waiting == []
    assert member.organisation == office and member.full_name == "Ratna Sari"
    assert roles_of(member) == {Role.FRONTDESK}
    assert not member.has_usable_password()
    entry = LogEntry.objects.get(content_type__model="user", object_pk=str(member.pk))
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == head and entry.additional_data["event"] == "staff_added"


@pytest.mark.parametrize("role", sorted(MINISTRY_ROLES | PARTNER_ROLES))
def test_head_never_gives_a_ministry_or_partner_role(office, head, role):
    with pytest.raises(DomainError) as error:
        add(office, head, roles=[Role.FRONTDESK, role])

    assert "roles" in error.value.details
    assert not User.objects.filter(username="cirebon.ratna").exists()


def test_only_the_head_of_the_office_adds_its_staff(office, other_office, other_head, make_user):
    for outsider in (other_head, make_user(Role.CASE_SUPERVISOR)):
        with pytest.raises(DomainError) as error:
            add(office, outsider)
        assert error.value.status == 403
    assert not User.objects.filter(username="cirebon.ratna").exists()


def test_a_taken_user_name_and_a_desk_officer_without_desk_are_refused(office, head, other_office):
    with pytest.raises(DomainError) as error:
        add(office, head, username=head.username.upper(), roles=[Role.DESK_OFFICER])
    assert set(error.value.details) == {"username", "desk"}

    other_desk = DeskFactory(office=other_office)
    with pytest.raises(DomainError) as error:
        add(office, head, roles=[Role.DESK_OFFICER], desk=other_desk)
    assert set(error.value.details) == {"desk"}

    own_desk = DeskFactory(office=office)
    member = add(office, head, roles=[Role.DESK_OFFICER], desk=own_desk).member
    assert member.desk == own_desk


# --- Changing roles ----------------------------------------------------------------------------


def test_head_changes_a_colleagues_roles_and_a_removed_role_revokes_the_api_tokens(office, head):
    member = add(office, head, roles=[Role.FRONTDESK, Role.OUTREACH_WORKER]).member
    member.set_password(PASSWORD)
    member.save()
    services.issue_api_token(user=member)

    staff_services.update_staff_member(
        member=member, by=head, details=details(), roles=[Role.PLACEMENT_OFFICER]
    )

    assert roles_of(member) == {Role.PLACEMENT_OFFICER}
    assert not member.api_tokens.get().is_usable()
    removed = LogEntry.objects.filter(
        content_type__model="roleassignment", action=LogEntry.Action.DELETE
    )
    assert removed.count() == 2
    assert {e.additional_data["event"] for e in removed} == {"staff_changed"}
    assert {e.actor for e in removed} == {head}


def test_head_cannot_change_their_own_roles(office, head):
    with pytest.raises(DomainError) as error:
        staff_services.update_staff_member(
            member=head,
            by=head,
            details=details(),
            roles=[Role.OFFICE_HEAD, Role.COUNSELLOR],
        )
    assert "roles" in error.value.details
    assert roles_of(head) == {Role.OFFICE_HEAD}
    # Their own name they may change.
    staff_services.update_staff_member(
        member=head, by=head, details=details("Bu Kepala"), roles=[Role.OFFICE_HEAD]
    )
    head.refresh_from_db()
    assert head.full_name == "Bu Kepala"


def test_two_heads_removing_each_other_at_once_leave_the_office_one_head(office, make_user):
    first = make_user(Role.OFFICE_HEAD, username="cirebon.head1")
    second = make_user(Role.OFFICE_HEAD, username="cirebon.head2")
    assert second.has_perm("core.manage_staff", office)  # as the page checked it, before

    staff_services.update_staff_member(
        member=second, by=first, details=details(), roles=[Role.FRONTDESK]
    )
    with pytest.raises(DomainError) as error:
        staff_services.update_staff_member(
            member=first, by=second, details=details(), roles=[Role.FRONTDESK]
        )
    assert error.value.code == "last_head"
    with pytest.raises(DomainError) as error:
        staff_services.set_staff_active(member=first, by=second, is_active=False)
    assert error.value.code == "last_head"

    first.refresh_from_db()
    assert roles_of(first) == {Role.OFFICE_HEAD} and first.is_active


def test_head_of_another_office_cannot_see_or_change_our_staff(office, head, other_head):
    member = add(office, head).member

    for change in (
        lambda: staff_services.update_staff_member(
            member=member, by=other_head, details=details(), roles=[Role.FRONTDESK]
        ),
        lambda: staff_services.set_staff_active(member=member, by=other_head, is_active=False),
        lambda: staff_services.issue_password_link(member=member, by=other_head),
        lambda: two_factor_services.reset_devices(user=member, by=other_head, reason="HP hilang"),
    ):
        with pytest.raises(DomainError) as error:
            change()
        assert error.value.status == 403
    member.refresh_from_db()
    assert member.is_active


def test_an_account_holding_a_ministry_role_or_the_staff_flag_is_not_the_heads(
    office, head, make_user
):
    odd = make_user(Role.FRONTDESK, username="cirebon.odd")
    RoleAssignment.objects.create(user=odd, role=Role.ADMINISTRATOR)
    flagged = make_user(Role.FRONTDESK, username="cirebon.flagged", is_staff=True)

    for member in (odd, flagged):
        with pytest.raises(DomainError):
            staff_services.set_staff_active(member=member, by=head, is_active=False)
        assert not head.has_perm("core.manage_staff_member", member)


# --- Deactivating -------------------------------------------------------------------------------


def test_a_deactivated_colleague_cannot_sign_in_and_can_be_reactivated(office, head, make_user):
    member = make_user(Role.FRONTDESK)
    services.issue_api_token(user=member)

    staff_services.set_staff_active(member=member, by=head, is_active=False)
    assert not signs_in(member)
    assert not member.api_tokens.get().is_usable()

    staff_services.set_staff_active(member=member, by=head, is_active=True)
    assert signs_in(member)
    assert events(member) == ["staff_deactivated", "staff_activated"]


def test_the_head_never_deactivates_themselves_or_the_last_head(office, head):
    with pytest.raises(DomainError) as error:
        staff_services.set_staff_active(member=head, by=head, is_active=False)
    assert error.value.code == "own_account"
    head.refresh_from_db()
    assert head.is_active


# --- The case supervisor role waits for a second person ----------------------------------------


def test_a_supervisor_grant_waits_until_a_supervisor_of_the_office_confirms_it(
    office, head, make_user
):
    supervisor = make_user(Role.CASE_SUPERVISOR)
    change = add(office, head, roles=[Role.COUNSELLOR, Role.CASE_SUPERVISOR])
    member = change.member

    assert change.waiting == [Role.CASE_SUPERVISOR]
    assert roles_of(member) == {Role.COUNSELLOR}
    assert not member.has_perm("cases.view_team_cases")
    grant = RoleGrant.objects.get(user=member)

    staff_services.decide_role_grant(grant=grant, by=supervisor, confirm=True)

    assert roles_of(member) == {Role.COUNSELLOR, Role.CASE_SUPERVISOR}
    grant.refresh_from_db()
    assert (grant.decided_by, grant.is_confirmed) == (supervisor, True)
    entry = LogEntry.objects.get(content_type__model="rolegrant", action=LogEntry.Action.UPDATE)
    assert entry.actor == supervisor
    assert entry.additional_data["event"] == "role_grant_confirmed"


def test_neither_the_head_who_asked_nor_another_office_nor_the_colleague_confirms(
    office, other_office, head, make_user
):
    RoleAssignment.objects.create(user=head, role=Role.CASE_SUPERVISOR)  # a head who supervises
    other_supervisor = make_user(Role.CASE_SUPERVISOR, organisation=other_office)
    member = add(office, head, roles=[Role.CASE_SUPERVISOR]).member
    grant = RoleGrant.objects.get(user=member)

    for outsider in (head, other_supervisor, member, make_user(Role.COUNSELLOR)):
        with pytest.raises(DomainError) as error:
            staff_services.decide_role_grant(grant=grant, by=outsider, confirm=True)
        assert error.value.status == 404
    assert roles_of(member) == set()


def test_the_administrator_confirms_or_declines_a_grant_where_no_supervisor_is(
    office, head, administrator
):
    first = add(office, head, username="cirebon.a", roles=[Role.CASE_SUPERVISOR]).member
    second = add(office, head, username="cirebon.b", roles=[Role.CASE_SUPERVISOR]).member

    staff_services.decide_role_grant(grant=first.role_grants.get(), by=administrator, confirm=True)
    staff_services.decide_role_grant(
        grant=second.role_grants.get(), by=administrator, confirm=False
    )

    assert roles_of(first) == {Role.CASE_SUPERVISOR}
    assert roles_of(second) == set()
    with pytest.raises(DomainError) as error:
        staff_services.decide_role_grant(
            grant=second.role_grants.get(), by=administrator, confirm=True
        )
    assert error.value.code == "decided"


def test_unticking_a_waiting_role_withdraws_the_grant(office, head):
    member = add(office, head, roles=[Role.COUNSELLOR, Role.CASE_SUPERVISOR]).member

    staff_services.update_staff_member(
        member=member, by=head, details=details(), roles=[Role.COUNSELLOR]
    )

    grant = member.role_grants.get()
    assert not grant.is_open and not grant.is_confirmed
    assert staff_selectors.open_grants(member) == set()


# --- The link to set a password ---------------------------------------------------------------


def _set_password_through(client: Client, url: str, password: str):
    first = client.get(url)
    assert first.status_code == 302  # the token leaves the address for the session
    return client.post(first.url, {"new_password1": password, "new_password2": password})


def test_a_new_colleague_sets_a_password_once_through_the_link(office, head):
    member = add(office, head).member
    link = staff_services.issue_password_link(member=member, by=head, base_url="http://testserver/")

    assert link.url.startswith("http://testserver/account/set-password/") and not link.emailed_to
    response = _set_password_through(Client(), link.url, "Kopi-tubruk-2026")
    assert response.status_code == 302 and response.url == reverse("login")
    assert signs_in(member, "Kopi-tubruk-2026")

    again = Client().get(link.url, follow=True)
    assert not again.context["validlink"]


def test_the_link_is_mailed_when_the_colleague_has_an_address_and_never_audited(
    office, head, django_capture_on_commit_callbacks, settings
):
    settings.SATUATAP_SITE_URL = "https://satuatap.example.go.id"
    member = add(office, head, email="ratna@example.org").member

    with django_capture_on_commit_callbacks(execute=True):
        link = staff_services.issue_password_link(
            member=member, by=head, base_url="http://testserver/"
        )

    assert link.url == "" and link.emailed_to == "ratna@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ratna@example.org"]
    mailed = next(
        line for line in mail.outbox[0].body.splitlines() if "/account/set-password/" in line
    )
    assert mailed.startswith("https://satuatap.example.go.id/account/set-password/")
    token = mailed.rstrip("/").rsplit("/", 1)[1]
    trail = json.dumps(
        list(LogEntry.objects.values("changes", "additional_data", "object_repr")), default=str
    )
    assert token not in trail
    assert "password_link" in events(member)


def test_no_new_link_for_a_colleague_under_two_factor_who_has_a_password(office, head, make_user):
    counsellor = make_user(Role.COUNSELLOR)
    frontdesk = make_user(Role.FRONTDESK)

    with pytest.raises(DomainError) as error:
        staff_services.issue_password_link(member=counsellor, by=head)
    assert error.value.code == "has_password"
    assert counsellor.has_usable_password()

    staff_services.issue_password_link(member=frontdesk, by=head, base_url="http://testserver/")
    frontdesk.refresh_from_db()
    assert not frontdesk.has_usable_password()  # the old password stops working


# --- Two-factor reset -------------------------------------------------------------------------


def test_head_resets_a_colleagues_second_factor_with_a_reason_and_they_enrol_again(
    office, head, counsellor
):
    authenticator_of(counsellor)
    two_factor_services.regenerate_recovery_codes(user=counsellor)
    session = Client()
    session.force_login(counsellor)
    assert session.get(reverse("home")).status_code == 200

    with pytest.raises(DomainError):
        two_factor_services.reset_devices(user=counsellor, by=head, reason="   ")
    two_factor_services.reset_devices(
        user=counsellor, by=head, reason="HP hilang di angkot, 3 Maret"
    )

    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    assert not StaticDevice.objects.filter(user=counsellor).exists()
    entry = LogEntry.objects.get(additional_data__event="two_factor_reset")
    assert entry.actor == head and entry.object_pk == str(counsellor.pk)
    assert entry.additional_data["reason"] == "HP hilang di angkot, 3 Maret"
    # The session verified with the old phone goes to the set-up at its next request.
    assert session.get(reverse("home")).url.startswith(reverse("core:two-factor-setup"))


def test_nobody_resets_their_own_second_factor(head, administrator):
    for user in (head, administrator):
        authenticator_of(user)
        with pytest.raises(DomainError):
            two_factor_services.reset_devices(user=user, by=user, reason="HP hilang")
        assert TOTPDevice.objects.filter(user=user).exists()


def test_the_administrator_resets_heads_and_national_accounts_not_an_offices_other_staff(
    administrator, head, counsellor, analyst
):
    assert administrator.has_perm("core.reset_two_factor", head)
    assert administrator.has_perm("core.reset_two_factor", analyst)
    assert not administrator.has_perm("core.reset_two_factor", counsellor)
    with pytest.raises(DomainError):
        two_factor_services.reset_devices(user=counsellor, by=administrator, reason="HP hilang")


# --- The administrator: offices and their first head ------------------------------------------


def test_the_administrator_creates_an_office_with_its_first_head(administrator):
    change = staff_services.create_office(
        by=administrator,
        name="LTSA-PPMI Blitar",
        slug="blitar",
        region=Region.objects.get(code="35.05"),
        time_zone="Asia/Jakarta",
        head_username="blitar.head",
        head=details("Ibu Sri"),
    )

    office = Organisation.objects.get(slug="blitar")
    assert change.member.organisation == office and office.is_office
    assert roles_of(change.member) == {Role.OFFICE_HEAD}
    assert not change.member.has_usable_password()
    created = LogEntry.objects.get(content_type__model="organisation", object_pk=str(office.pk))
    assert created.actor == administrator
    assert created.additional_data["event"] == "office_created"


def test_only_the_administrator_creates_offices_and_one_per_regency(administrator, head, office):
    arguments = {
        "name": "LTSA-PPMI Cirebon 2",
        "slug": "cirebon-2",
        "region": office.region,
        "time_zone": "Asia/Jakarta",
        "head_username": "cirebon2.head",
        "head": details(),
    }
    with pytest.raises(DomainError) as error:
        staff_services.create_office(by=head, **arguments)
    assert error.value.status == 403
    with pytest.raises(DomainError) as error:
        staff_services.create_office(by=administrator, **arguments)
    assert set(error.value.details) == {"region"}


def test_a_head_is_appointed_only_for_an_office_with_none_left(administrator, office, head):
    arguments = {"office": office, "by": administrator, "username": "cirebon.newhead"}
    with pytest.raises(DomainError) as error:
        staff_services.appoint_head(**arguments, details=details())
    assert error.value.code == "office_has_head"

    # An emergency: the administrator deactivates the only head (in the admin site).
    head.is_active = False
    head.save()
    new_head = staff_services.appoint_head(**arguments, details=details()).member

    assert roles_of(new_head) == {Role.OFFICE_HEAD} and new_head.organisation == office
    assert new_head.has_perm("core.manage_staff", office)


def test_the_create_office_command_makes_the_office_and_prints_the_heads_link(settings):
    import io

    from django.core.management import CommandError, call_command

    settings.SATUATAP_SITE_URL = "https://satuatap.example.go.id"
    out = io.StringIO()
    call_command(
        "create_office",
        "--name=LTSA-PPMI Lampung Timur",
        "--slug=lampung-timur",
        "--region=18.07",
        "--head-username=lampung-timur.head",
        "--head-name=Pak Joko",
        stdout=out,
    )

    head = User.objects.get(username="lampung-timur.head")
    assert head.office.slug == "lampung-timur" and roles_of(head) == {Role.OFFICE_HEAD}
    assert "https://satuatap.example.go.id/account/set-password/" in out.getvalue()
    with pytest.raises(CommandError, match="region: "):
        call_command(
            "create_office",
            "--name=LTSA-PPMI Lamtim",
            "--slug=lamtim",
            "--region=18.07",
            "--head-username=lamtim.head",
            "--head-name=Pak Budi",
            stdout=io.StringIO(),
        )


def test_the_administrator_sends_a_new_link_only_to_a_head_without_a_password(
    administrator, office, head, make_user
):
    frontdesk = make_user(Role.FRONTDESK)
    new_head = make_user(Role.OFFICE_HEAD, username="cirebon.head2")
    new_head.set_unusable_password()
    new_head.save()

    link = staff_services.issue_password_link(
        member=new_head, by=administrator, base_url="http://t/"
    )
    assert "/account/set-password/" in link.url
    for member in (head, frontdesk):  # a head with a password; the office's other staff
        with pytest.raises(DomainError) as error:
            staff_services.issue_password_link(member=member, by=administrator)
        assert error.value.status == 403
