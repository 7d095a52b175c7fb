"""What a desk recorded when it finished a ticket is shown again: on the person page and in the
person's copy of their data, the MRC desk's only to the MRC's staff (issue 23, point 4)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.frontdesk.models import ServiceRecord
from satuatap.frontdesk.services import call_next, check_in, finish_ticket
from tests import purpose as purpose_form
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LABOUR_NOTE = "Berkas lengkap; rekomendasi paspor diterbitkan."
MRC_NOTE = "Cerita majikan menahan paspor; rujuk ke WCC."


@pytest.fixture
def counsellor(make_user):
    return make_user(Role.COUNSELLOR)


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.CASE_SUPERVISOR)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def person(office):
    return PersonFactory(office=office, full_name="Wulan Sari")


def _serve(desk, by, *, outcome, notes):
    ticket = call_next(desk=desk, by=by)
    return finish_ticket(ticket=ticket, by=by, outcome=outcome, notes=notes)


@pytest.fixture
def records(person, frontdesk, desk_officer, counsellor, desks, services):
    """The person served at the labour desk, then at the MRC desk, on one visit."""
    check_in(
        by=frontdesk, services=[services["registration"], services["information"]], person=person
    )
    _serve(
        desks["ketenagakerjaan"],
        desk_officer,
        outcome=ServiceRecord.Outcome.COMPLETED,
        notes=LABOUR_NOTE,
    )
    _serve(
        desks["pengaduan-informasi"],
        counsellor,
        outcome=ServiceRecord.Outcome.REFERRED,
        notes=MRC_NOTE,
    )
    return ServiceRecord.objects.order_by("pk")


def _person_page(client, user, person) -> str:
    client.force_login(user)
    response = purpose_form.read(client, reverse("people:detail", args=[person.pk]), "service")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ["frontdesk", "desk_officer", "head"])
def test_the_person_page_shows_what_the_desks_did_but_not_the_mrc_desk(
    client, request, records, person, role
):
    page = _person_page(client, request.getfixturevalue(role), person)

    assert 'data-testid="person-service-records"' in page
    assert LABOUR_NOTE in page and "Pendaftaran CPMI" in page
    assert MRC_NOTE not in page and "Informasi</td>" not in page
    assert page.count('data-testid="service-record"') == 1


@pytest.mark.parametrize("role", ["counsellor", "supervisor"])
def test_the_mrcs_staff_read_the_mrc_desks_records_too(client, request, records, person, role):
    page = _person_page(client, request.getfixturevalue(role), person)

    assert LABOUR_NOTE in page and MRC_NOTE in page
    assert page.count('data-testid="service-record"') == 2


def test_a_person_served_only_at_the_mrc_desk_shows_no_section_to_others(
    client, person, frontdesk, counsellor, head, desks, services
):
    check_in(by=frontdesk, services=[services["information"]], person=person)
    _serve(desks["pengaduan-informasi"], counsellor, outcome="information", notes=MRC_NOTE)
    other = PersonFactory(office=person.office)

    # The same page as for someone never served: nothing tells of the MRC visit.
    for user in (frontdesk, head):
        assert 'data-testid="person-service-records"' not in _person_page(client, user, person)
        assert 'data-testid="person-service-records"' not in _person_page(client, user, other)
    assert MRC_NOTE in _person_page(client, counsellor, person)


def _copy(client, user, person) -> dict:
    client.force_login(user)
    response = purpose_form.read(
        client, reverse("people:export", args=[person.pk, "json"]), "data_subject"
    )
    return json.loads(response.content)["service_records"]


def test_the_copy_holds_the_desks_records_and_the_mrc_desks_only_for_its_staff(
    client, records, person, frontdesk, counsellor, supervisor
):
    by_frontdesk = _copy(client, frontdesk, person)
    assert by_frontdesk["complete"] is False
    assert [(r["desk"], r["outcome"], r["what_was_done"]) for r in by_frontdesk["records"]] == [
        ("Ketenagakerjaan", "Selesai", LABOUR_NOTE)
    ]
    assert by_frontdesk["records"][0]["services"] == ["Pendaftaran CPMI"]

    for user in (counsellor, supervisor):
        copy = _copy(client, user, person)
        assert copy["complete"] is True
        assert {r["what_was_done"] for r in copy["records"]} == {LABOUR_NOTE, MRC_NOTE}


def test_the_readable_copy_lists_the_desks_records(client, records, person, frontdesk):
    client.force_login(frontdesk)
    page = purpose_form.read(
        client, reverse("people:export", args=[person.pk, "html"]), "data_subject"
    ).content.decode()
    section = page[page.index('data-testid="export-service-records"') :]
    assert LABOUR_NOTE in section and MRC_NOTE not in page
    assert "Yang dicatat loket MRC diberikan kepada Anda" in page


def test_another_offices_mrc_staff_do_not_read_this_offices_mrc_desk(
    records, person, make_user, other_office
):
    from satuatap.frontdesk.selectors import service_records_of

    stranger = make_user(Role.COUNSELLOR, organisation=other_office)
    found = service_records_of(person, stranger)
    assert found.complete is False
    assert MRC_NOTE not in [r.notes for r in found.records]
