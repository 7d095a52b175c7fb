"""A walk-in registered from the check-in page without leaving it, the person chosen from a
link (a person's page, a registration without JavaScript), and a NIK's one match ticked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.people.models import Person
from satuatap.people.names import name_key
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CHECK_IN = "/frontdesk/check-in/"
REGISTER = "/frontdesk/check-in/register/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# A woman born 14 March 1995 in Gempol (32.09.37), Kabupaten Cirebon.
NIK = "3209375403950001"


def _walk_in(**changes) -> dict:
    data = {
        "new-full_name": "Dewi Kartika",
        "new-nik": NIK,
        "new-sex": "F",
        "new-village": "",
        "new-village_search": "Kedungbunder",
        # The check-in form's own fields travel with it (the panel sits inside that form).
        "sex": "",
        "priority": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_register_url_is_the_documented_one():
    assert reverse("frontdesk:check-in-register") == REGISTER


def test_the_panel_opens_with_the_nik_searched_for_already_filled(client, frontdesk):
    client.force_login(frontdesk)

    response = client.get(REGISTER, {"q": "3209 3754 0395 0001"}, **HTMX)

    body = response.content.decode()
    assert 'data-testid="checkin-register"' in body
    assert 'name="new-nik"' in body and 'value="3209 3754 0395 0001"' in body
    assert "<html" not in body  # a fragment for the check-in page
    assert 'data-near="32.09"' in body  # the village picker opens at the office's regency


def test_the_panel_is_in_indonesian_by_default(client, frontdesk):
    client.force_login(frontdesk)

    body = client.get(REGISTER, **HTMX).content.decode()

    assert "Daftarkan dan pilih" in body
    assert "Cari desa/kelurahan, kecamatan atau kabupaten/kota menurut nama" in body


def test_a_name_searched_for_fills_the_name(client, frontdesk):
    client.force_login(frontdesk)

    body = client.get(REGISTER, {"q": "Dewi Kartika"}, **HTMX).content.decode()

    assert 'name="new-full_name"' in body and 'value="Dewi Kartika"' in body


def test_registering_inline_creates_the_person_and_chooses_them_as_the_visitor(client, frontdesk):
    client.force_login(frontdesk)

    response = client.post(REGISTER, _walk_in(), **HTMX)

    person = Person.objects.get(nik=NIK)
    assert (person.full_name, person.sex, person.village_id) == (
        "Dewi Kartika",
        "F",
        "32.09.37.2003",
    )
    body = response.content.decode()
    assert f'name="visitor" id="visitor-registered" value="{person.pk}" checked' in body
    assert 'id="checkin-people" hx-swap-oob="innerHTML"' in body  # the old results go


def test_registering_inline_without_sex_keeps_the_panel_with_a_clear_error(client, make_user):
    client.force_login(make_user(Role.FRONTDESK, language="en"))

    response = client.post(REGISTER, _walk_in(**{"new-sex": ""}), **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the person&#x27;s sex" in body or "Choose the person's sex" in body
    assert 'value="Dewi Kartika"' in body  # what was typed stays
    assert not Person.objects.exists()


def test_an_ambiguous_village_keeps_the_panel_naming_the_places(client, make_user):
    client.force_login(make_user(Role.FRONTDESK, language="en"))

    body = client.post(
        REGISTER, _walk_in(**{"new-village_search": "Karangsari"}), **HTMX
    ).content.decode()

    assert "could be several places" in body
    assert "Kec. Waled" in body and "Kec. Weru" in body
    assert not Person.objects.exists()


def test_a_likely_duplicate_can_be_chosen_instead_of_registering_again(client, frontdesk, office):
    other = PersonFactory(
        office=office, full_name="Dewi Kartika", name_key=name_key("Dewi Kartika")
    )
    other.village_id = "32.09.37.2003"
    other.save()
    client.force_login(frontdesk)

    body = client.post(REGISTER, _walk_in(**{"new-nik": ""}), **HTMX).content.decode()

    assert f'name="visitor" id="visitor-duplicate-{other.pk}" value="{other.pk}"' in body
    assert Person.objects.count() == 1


def test_without_javascript_registering_goes_back_to_the_check_in_with_the_person_chosen(
    client, frontdesk
):
    client.force_login(frontdesk)

    response = client.post(REGISTER, _walk_in())

    person = Person.objects.get(nik=NIK)
    assert response["Location"] == f"{CHECK_IN}?person={person.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'name="visitor" id="visitor-chosen" value="{person.pk}" checked' in page


def test_without_javascript_the_register_page_is_a_full_page_with_its_own_form(client, frontdesk):
    client.force_login(frontdesk)

    body = client.get(REGISTER).content.decode()

    assert "<html" in body
    assert f'action="{REGISTER}"' in body
    assert 'name="new-full_name"' in body


def test_a_person_of_another_office_in_the_link_is_not_chosen(client, frontdesk, other_office):
    stranger = PersonFactory(office=other_office, full_name="Orang Lain")
    client.force_login(frontdesk)

    body = client.get(CHECK_IN, {"person": stranger.pk}).content.decode()

    assert "Orang Lain" not in body
    assert 'data-testid="chosen-person"' not in body


def test_a_nik_search_ticks_its_one_match_and_a_name_search_ticks_none(client, frontdesk, office):
    person = PersonFactory(
        office=office, nik=NIK, full_name="Dewi Kartika", name_key=name_key("Dewi Kartika")
    )
    client.force_login(frontdesk)

    by_nik = client.get(CHECK_IN, {"q": NIK}, **HTMX).content.decode()
    by_name = client.get(CHECK_IN, {"q": "dewi kartika"}, **HTMX).content.decode()

    assert f'value="{person.pk}" checked' in by_nik
    assert f'value="{person.pk}">' in by_name and "checked" not in by_name


@pytest.mark.parametrize("role", [Role.OFFICE_HEAD, Role.OUTREACH_WORKER])
def test_roles_that_do_not_check_in_cannot_register_here(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, _walk_in(), **HTMX).status_code == 403
    assert not Person.objects.exists()


# --- The person page's "Check in" --------------------------------------------------------------


def test_the_person_page_offers_check_in_to_the_front_desk(client, frontdesk, office):
    person = PersonFactory(office=office)
    client.force_login(frontdesk)

    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()

    assert f'href="{CHECK_IN}?person={person.pk}" data-testid="check-in-person"' in body


@pytest.mark.parametrize("role", [Role.OFFICE_HEAD, Role.OUTREACH_WORKER])
def test_the_person_page_offers_no_check_in_to_roles_that_do_not_check_in(
    client, make_user, office, role
):
    person = PersonFactory(office=office)
    client.force_login(make_user(role))

    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()

    assert "check-in-person" not in body


def test_check_in_from_the_person_page_opens_with_the_person_chosen(client, frontdesk, office):
    person = PersonFactory(office=office, full_name="Sulastri")
    client.force_login(frontdesk)

    body = client.get(CHECK_IN, {"person": person.pk}).content.decode()

    assert f'id="visitor-chosen" value="{person.pk}" checked' in body
