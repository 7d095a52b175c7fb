"""Registering through the page: NIK warnings to confirm, likely duplicates shown first."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.models import Person, Sex
from tests.people.conftest import MERAUKE_1995

pytestmark = pytest.mark.django_db

WOMAN_NIK = "3209015403950001"  # 32.09.01, woman born 14 March 1995


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK, language="en")


def _post(client, follow=False, **data):
    base = {"full_name": "Siti Nurhaliza", "sex": "F", "village": "32.09.01.2008"}
    return client.post(reverse("people:create"), {**base, **data}, follow=follow)


def test_nik_that_disagrees_with_sex_needs_confirmation(client, officer):
    client.force_login(officer)

    first = _post(client, nik=WOMAN_NIK, sex="M", birth_date="1995-03-14")

    assert first.status_code == 200
    assert "confirm_nik_warnings" in first.context["form"].errors
    assert [w.code for w in first.context["form"].nik_warnings] == ["sex_mismatch"]
    assert 'data-testid="nik-warnings"' in first.content.decode()
    assert not Person.objects.exists()

    second = _post(
        client, nik=WOMAN_NIK, sex="M", birth_date="1995-03-14", confirm_nik_warnings="on"
    )

    assert second.status_code == 302
    person = Person.objects.get()
    assert person.confirmed_nik_warnings == ["sex_mismatch"]


def test_nik_errors_are_field_errors(client, officer):
    client.force_login(officer)
    response = _post(client, nik="3209013203950000")
    messages = response.context["form"].errors["nik"]
    assert len(messages) >= 2  # day 32 and serial 0000 both reported
    assert not Person.objects.exists()


def test_a_nik_in_arabic_indic_digits_is_refused_naming_the_digits(client, officer):
    client.force_login(officer)
    arabic_indic = WOMAN_NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    response = _post(client, nik=arabic_indic, sex="F", birth_date="1995-03-14")

    [message] = response.context["form"].errors["nik"]
    assert "Not allowed here: “٣”" in message and "has 16" not in message
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_an_old_merauke_nik_registers_without_confirmation_and_the_note_is_shown(
    client, officer, papua
):
    client.force_login(officer)

    response = _post(
        client,
        nik=MERAUKE_1995,
        sex="F",
        birth_date="1995-03-14",
        village="93.01.01.1002",  # the village is chosen with today's codes
        follow=True,
    )

    person = Person.objects.get()
    assert (person.nik, person.village_id) == (MERAUKE_1995, "93.01.01.1002")
    assert person.confirmed_nik_warnings == []
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[person.pk])
    note = "it is now 93.01.01 Merauke, in 93.01 Kabupaten Merauke"
    assert page.count(note) == 2  # the message after saving, and beside the NIK
    assert 'data-testid="nik-note"' in page
    assert client.get(reverse("people:detail", args=[person.pk])).content.decode().count(note) == 1


def test_the_note_is_shown_in_the_form_when_it_comes_back_for_another_reason(
    client, officer, papua
):
    client.force_login(officer)

    response = _post(client, nik=MERAUKE_1995, sex="M", birth_date="1995-03-14")

    form = response.context["form"]
    assert [w.code for w in form.nik_warnings] == ["sex_mismatch"]  # still to confirm
    assert [n.code for n in form.nik_notes] == ["retired_region_code"]
    assert 'data-testid="nik-notes"' in response.content.decode()
    assert not Person.objects.exists()


def test_likely_duplicate_is_shown_before_saving(client, officer, office):
    services.register_person(
        by=officer,
        full_name="Siti Nur Haliza",
        sex=Sex.FEMALE,
        birth_date=datetime.date(1995, 3, 14),
    )
    client.force_login(officer)

    first = _post(client, full_name="Hj. Siti Nurhaliza", birth_date="1995-03-14")

    assert first.status_code == 200
    assert [p.full_name for p in first.context["form"].duplicates] == ["Siti Nur Haliza"]
    assert Person.objects.count() == 1

    second = _post(
        client, full_name="Hj. Siti Nurhaliza", birth_date="1995-03-14", confirm_not_duplicate="on"
    )
    assert second.status_code == 302
    assert Person.objects.count() == 2


def test_phones_are_stored_in_e164(client, officer):
    client.force_login(officer)
    _post(client, phones="0812-3456-7890, +852 5123 4567")
    person = Person.objects.get()
    assert sorted(person.phones.values_list("number", flat=True)) == [
        "+6281234567890",
        "+85251234567",
    ]


def test_bad_phone_is_a_field_error(client, officer):
    client.force_login(officer)
    response = _post(client, phones="0812, 12")
    assert "phones" in response.context["form"].errors
    assert not Person.objects.exists()


def test_correcting_a_record_keeps_the_history(client, officer):
    person = services.register_person(by=officer, full_name="Dewi", sex=Sex.FEMALE)
    client.force_login(officer)

    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {"full_name": "Dewi Lestari", "sex": "F", "village": "32.09.01.2008"},
    )

    assert response.status_code == 302
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Dewi Lestari" in page
    history = client.get(reverse("people:detail", args=[person.pk])).context["history"]
    assert ("Full name", "Dewi", "Dewi Lestari") in [
        (change.label, change.old, change.new) for change in history[0].changes
    ]


def test_search_box_finds_a_misspelled_name_and_htmx_gets_the_fragment(client, officer):
    services.register_person(by=officer, full_name="Muhammad Rizky Saputra", sex=Sex.MALE)
    services.register_person(by=officer, full_name="Sri Wahyuni", sex=Sex.FEMALE)
    client.force_login(officer)

    page = client.get(reverse("people:list"), {"q": "Moh. Riski Saputra"})
    fragment = client.get(
        reverse("people:list"), {"q": "Moh. Riski Saputra"}, headers={"HX-Request": "true"}
    )

    assert [hit.person.full_name for hit in page.context["hits"]][0] == "Muhammad Rizky Saputra"
    assert "<html" not in fragment.content.decode()
    assert "Muhammad Rizky Saputra" in fragment.content.decode()
    assert "Sri Wahyuni" not in fragment.content.decode()


def test_the_registration_form_preselects_no_sex(client, officer):
    client.force_login(officer)

    body = client.get(reverse("people:create")).content.decode()

    sex_select = body.split('name="sex"')[1].split("</select>")[0]
    assert '<option value="" selected>Choose…</option>' in sex_select
    assert sex_select.count("selected") == 1


def test_registering_without_sex_is_refused_with_a_clear_error(client, officer):
    client.force_login(officer)

    response = _post(client, sex="")

    assert response.context["form"].errors["sex"] == [
        "Choose the person's sex (or “Not recorded”)."
    ]
    assert not Person.objects.exists()


def test_correcting_a_record_keeps_its_sex_selected(client, officer, office):
    person = services.register_person(by=officer, full_name="Budi Santoso", sex=Sex.MALE)
    client.force_login(officer)

    body = client.get(reverse("people:edit", args=[person.pk])).content.decode()

    assert '<option value="M" selected>' in body.split('name="sex"')[1].split("</select>")[0]
