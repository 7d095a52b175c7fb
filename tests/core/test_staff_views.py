"""The office head's staff pages, the role grants page, the administrator's offices pages and
the admin site's limits on an office's accounts (wiring and permissions; the rules are tested
on `core.staff` in test_staff.py)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.core.models import Organisation, RoleAssignment, RoleGrant, User
from satuatap.core.roles import MINISTRY_ROLES, OFFICE_ROLES, PARTNER_ROLES, Role
from tests.factories import DeskFactory
from tests.otp import authenticator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


@pytest.fixture
def superuser(make_user, ministry):
    return make_user(
        Role.ADMINISTRATOR,
        organisation=ministry,
        username="admin",
        is_staff=True,
        is_superuser=True,
        language="en",
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def new_colleague(**changes) -> dict:
    return {
        "username": "cirebon.ratna",
        "full_name": "Ratna Sari",
        "email": "",
        "gender": "F",
        "language": "id",
        "roles": [Role.FRONTDESK],
        "desk": "",
        **changes,
    }


# --- The head's pages ---------------------------------------------------------------------------


def test_the_staff_list_shows_roles_and_sign_ins_in_few_queries(
    head_client, office, make_user, django_assert_max_num_queries
):
    desk = DeskFactory(office=office)
    for number in range(40):
        member = make_user(Role.DESK_OFFICER, username=f"cirebon.officer{number}", desk=desk)
        RoleAssignment.objects.create(user=member, role=Role.OUTREACH_WORKER)
        authenticator_of(member)
    RoleGrant.objects.create(user=member, role=Role.CASE_SUPERVISOR)

    with django_assert_max_num_queries(12):
        response = head_client.get(reverse("core:staff-list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="staff-cirebon.officer') == 40
    assert "waiting for confirmation" in page


def test_the_add_form_offers_the_office_roles_only(head_client):
    response = head_client.get(reverse("core:staff-add"))

    offered = {value for value, _label in response.context["form"].fields["roles"].choices}
    assert offered == set(OFFICE_ROLES)
    page = response.content.decode()
    for role in MINISTRY_ROLES | PARTNER_ROLES:
        assert f'value="{role}"' not in page


def test_adding_a_colleague_without_an_address_shows_the_link_once(head_client, office):
    response = head_client.post(reverse("core:staff-add"), new_colleague())

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = response.context["link"].url
    assert "/account/set-password/" in link and link in response.content.decode()
    member = User.objects.get(username="cirebon.ratna")
    assert member.organisation == office and member.gender == "F"
    # The link is in no message kept for the next page.
    follow = head_client.get(reverse("core:staff-list")).content.decode()
    assert link not in follow


def test_adding_a_colleague_with_an_address_mails_the_link(
    head_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = head_client.post(
            reverse("core:staff-add"), new_colleague(email="ratna@example.org")
        )

    assert response.context["link"].emailed_to == "ratna@example.org"
    assert 'data-testid="password-link"' not in response.content.decode()
    assert mail.outbox[0].to == ["ratna@example.org"]


def test_a_refused_role_is_shown_beside_the_roles(head_client):
    response = head_client.post(
        reverse("core:staff-add"), new_colleague(roles=[Role.ADMINISTRATOR])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["roles"]
    assert not User.objects.filter(username="cirebon.ratna").exists()


def test_the_head_changes_a_colleague_and_deactivates_them(head_client, make_user):
    member = make_user(Role.FRONTDESK)
    url = reverse("core:staff-detail", args=[member.pk])

    response = head_client.post(
        url,
        new_colleague(full_name="Ratna S.", roles=[Role.FRONTDESK, Role.OUTREACH_WORKER]),
    )
    assert response.status_code == 302
    assert set(member.role_assignments.values_list("role", flat=True)) == {
        Role.FRONTDESK,
        Role.OUTREACH_WORKER,
    }

    head_client.post(reverse("core:staff-active", args=[member.pk]), {"is_active": "0"})
    member.refresh_from_db()
    assert not member.is_active
    assert 'data-testid="staff-reactivate"' in head_client.get(url).content.decode()


def test_the_heads_own_page_has_no_deactivation_and_refuses_it(head_client, head):
    page = head_client.get(reverse("core:staff-detail", args=[head.pk])).content.decode()
    assert 'data-testid="staff-deactivate"' not in page
    assert 'data-testid="staff-two-factor-reset"' not in page

    head_client.post(reverse("core:staff-active", args=[head.pk]), {"is_active": "0"})
    head.refresh_from_db()
    assert head.is_active


def test_resetting_a_colleagues_second_factor_asks_why(head_client, counsellor):
    authenticator_of(counsellor)
    url = reverse("core:staff-two-factor-reset", args=[counsellor.pk])

    refused = head_client.post(url, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert TOTPDevice.objects.filter(user=counsellor).exists()

    done = head_client.post(url, {"reason": "HP hilang"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=counsellor).exists()


def test_a_head_of_another_office_gets_404_for_our_colleague(client, make_user, other_office):
    member = make_user(Role.FRONTDESK)
    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    client.force_login(other_head)

    for name in ("core:staff-detail", "core:staff-two-factor-reset"):
        assert client.get(reverse(name, args=[member.pk])).status_code == 404
    assert client.post(reverse("core:staff-active", args=[member.pk])).status_code == 404
    member.refresh_from_db()
    assert member.is_active


# --- Role grants --------------------------------------------------------------------------------


def test_a_supervisor_confirms_a_grant_on_the_role_grants_page(client, head, make_user):
    supervisor = make_user(Role.CASE_SUPERVISOR)
    member = make_user(Role.COUNSELLOR, username="cirebon.new")
    grant = RoleGrant.objects.create(user=member, role=Role.CASE_SUPERVISOR, requested_by=head)
    client.force_login(supervisor)

    listed = client.get(reverse("core:role-grants"))
    assert list(listed.context["grants"]) == [grant]
    client.post(reverse("core:role-grant-decide", args=[grant.pk]), {"decision": "confirm"})

    assert member.role_assignments.filter(role=Role.CASE_SUPERVISOR).exists()


# --- The administrator's offices -------------------------------------------------------------


def test_the_administrator_creates_an_office_and_its_head_on_the_page(admin_client, superuser):
    response = admin_client.post(
        reverse("core:office-create"),
        {
            "name": "LTSA-PPMI Blitar",
            "slug": "blitar",
            "region_province": "35",
            "region_regency": "35.05",
            "time_zone": "Asia/Jakarta",
            "head_username": "blitar.head",
            "head_full_name": "Ibu Sri Wahyuni",
            "head_email": "",
            "head_language": "id",
        },
    )

    assert response.status_code == 200, response.context["form"].errors
    office = Organisation.objects.get(slug="blitar")
    head = User.objects.get(username="blitar.head")
    assert head.organisation == office and head.has_role(Role.OFFICE_HEAD)
    assert "/account/set-password/" in response.context["link"].url
    listed = admin_client.get(reverse("core:office-list")).content.decode()
    assert "Ibu Sri Wahyuni" in listed


# --- The admin site and an office's accounts ---------------------------------------------------


def test_the_admin_site_shows_an_office_accounts_roles_without_changing_them(
    admin_client, make_user
):
    member = make_user(Role.FRONTDESK)
    page = admin_client.get(reverse("admin:core_user_change", args=[member.pk]))
    form = page.context["adminform"].form

    assert set(form.fields) == {"password", "is_active"}
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission


def test_the_administrator_can_deactivate_an_offices_last_head_in_an_emergency(
    admin_client, superuser, head
):
    response = admin_client.post(
        reverse("admin:core_user_change", args=[head.pk]),
        {
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    head.refresh_from_db()
    assert not head.is_active
    entry = LogEntry.objects.get(
        content_type__model="user", object_pk=str(head.pk), action=LogEntry.Action.UPDATE
    )
    assert entry.actor == superuser and entry.changes_dict["is_active"] == ["True", "False"]


def test_the_admin_site_adds_no_account_to_an_office(admin_client, office):
    response = admin_client.post(
        reverse("admin:core_user_add"),
        {
            "username": "cirebon.sneaky",
            "full_name": "Sneaky",
            "organisation": office.pk,
            "password1": "Kopi-tubruk-2026",
            "password2": "Kopi-tubruk-2026",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="cirebon.sneaky").exists()


def test_the_admin_site_gives_only_roles_of_the_accounts_organisation(
    admin_client, partner, make_user
):
    member = make_user(Role.PARTNER_CASEWORKER, organisation=partner, username="wcc.new")
    assignment = member.role_assignments.get()
    page = admin_client.get(reverse("admin:core_user_change", args=[member.pk]))
    data = {
        "username": member.username,
        "full_name": member.full_name,
        "language": "id",
        "organisation": partner.pk,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "1",
        "role_assignments-0-id": assignment.pk,
        "role_assignments-0-user": member.pk,
        "role_assignments-0-role": Role.CASE_SUPERVISOR,
    }
    assert page.status_code == 200

    response = admin_client.post(reverse("admin:core_user_change", args=[member.pk]), data)

    assert response.status_code == 200  # the form again, with the error
    assert set(member.role_assignments.values_list("role", flat=True)) == {Role.PARTNER_CASEWORKER}


def test_the_set_password_page_says_when_a_link_does_not_work():
    response = Client().get(reverse("core:set-password", kwargs={"uidb64": "MQ", "token": "wrong"}))
    assert response.status_code == 200 and not response.context["validlink"]
