"""An office head chooses which desks the office has, from the PP 59/2021 list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core import services
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Desk, DeskType
from satuatap.core.roles import Role

pytestmark = pytest.mark.django_db


def test_pp59_desk_types_are_loaded():
    codes = set(DeskType.objects.values_list("code", flat=True))
    assert {
        "ketenagakerjaan",
        "pengaduan-informasi",
        "kependudukan",
        "kesehatan",
        "keimigrasian",
        "kepolisian",
        "perbankan",
        "jaminan-sosial",
    } <= codes


def test_head_configures_desks_through_the_page(client, make_user, office):
    client.force_login(make_user(Role.OFFICE_HEAD))
    response = client.post(
        reverse("core:office-desks"),
        {
            "has_ketenagakerjaan": "on",
            "prefix_ketenagakerjaan": "a",
            "has_keimigrasian": "on",
            "prefix_keimigrasian": "E",
        },
    )
    assert response.status_code == 302
    active = dict(office.desks.filter(is_active=True).values_list("desk_type__code", "prefix"))
    assert active == {"ketenagakerjaan": "A", "keimigrasian": "E"}


def test_duplicate_prefix_shows_a_field_error_and_changes_nothing(client, make_user, office):
    client.force_login(make_user(Role.OFFICE_HEAD))
    response = client.post(
        reverse("core:office-desks"),
        {
            "has_ketenagakerjaan": "on",
            "prefix_ketenagakerjaan": "A",
            "has_keimigrasian": "on",
            "prefix_keimigrasian": "A",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["prefix_keimigrasian"]
    assert not Desk.objects.filter(office=office).exists()


def test_prefixes_can_swap_between_desks_in_one_change(make_user, office):
    head = make_user(Role.OFFICE_HEAD)
    services.configure_desks(
        office=office, prefixes={"ketenagakerjaan": "A", "kesehatan": "D"}, by=head
    )
    services.configure_desks(
        office=office, prefixes={"ketenagakerjaan": "D", "kesehatan": "A"}, by=head
    )
    assert dict(office.desks.values_list("desk_type__code", "prefix")) == {
        "ketenagakerjaan": "D",
        "kesehatan": "A",
    }


def test_removed_desk_is_deactivated_not_deleted(make_user, office):
    head = make_user(Role.OFFICE_HEAD)
    services.configure_desks(office=office, prefixes={"kesehatan": "D"}, by=head)
    services.configure_desks(office=office, prefixes={"kesehatan": None}, by=head)
    desk = office.desks.get()
    assert not desk.is_active


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.COUNSELLOR, Role.CASE_SUPERVISOR])
def test_other_roles_cannot_configure_desks(make_user, office, role):
    """The page is the head's too: tests/security/access_matrix.py."""
    user = make_user(role)
    with pytest.raises(DomainError):
        services.configure_desks(office=user.office, prefixes={"kesehatan": "D"}, by=user)
    assert not office.desks.exists()


def test_head_of_another_office_cannot_configure_this_one(make_user, office, other_office):
    head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    with pytest.raises(DomainError):
        services.configure_desks(office=office, prefixes={"kesehatan": "D"}, by=head)
