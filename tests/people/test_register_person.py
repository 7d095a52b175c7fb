"""Registering a person through the page and the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.models import Person, Sex

pytestmark = pytest.mark.django_db


def test_front_desk_registers_a_person_with_a_village(client, make_user, office):
    client.force_login(make_user(Role.FRONTDESK))
    response = client.post(
        reverse("people:create"),
        {
            "full_name": "  Siti   Nurhaliza ",
            "sex": "F",
            "nik": "3209015403950001",
            "village": "32.09.01.2008",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[person.pk])
    assert (person.full_name, person.office, person.village_id) == (
        "Siti Nurhaliza",
        office,
        "32.09.01.2008",
    )


def test_form_errors_are_shown_per_field_and_nothing_is_saved(client, make_user):
    client.force_login(make_user(Role.FRONTDESK, language="en"))
    response = client.post(
        reverse("people:create"),
        {"full_name": "", "sex": "F", "nik": "12345", "village": "32.09.01"},
    )
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) == {"full_name", "nik", "village"}
    assert errors["nik"][0].startswith("A NIK has exactly 16 digits; this one has 5.")
    assert "Choose a village." in errors["village"]
    page = response.content.decode()
    assert '<div class="invalid-feedback d-block">A NIK has exactly 16 digits;' in page
    assert "Choose a village." in page
    assert not Person.objects.exists()


def test_same_nik_cannot_be_registered_twice(client, make_user):
    officer = make_user(Role.FRONTDESK)
    services.register_person(by=officer, full_name="Ani", sex=Sex.FEMALE, nik="3209015403950001")
    with pytest.raises(DomainError) as error:
        services.register_person(
            by=officer, full_name="Ani W", sex=Sex.FEMALE, nik="3209015403950001"
        )
    assert error.value.code == "duplicate_nik"
    assert Person.objects.count() == 1


def test_partner_cannot_register_people(make_user, partner):
    with pytest.raises(DomainError):
        services.register_person(
            by=make_user(Role.PARTNER_CASEWORKER, organisation=partner),
            full_name="X",
            sex=Sex.FEMALE,
        )


def test_database_refuses_a_malformed_nik(office):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(office=office, full_name="X", nik="12AB")
