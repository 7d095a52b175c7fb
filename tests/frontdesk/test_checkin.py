"""The check-in page, the visit page and the printable tickets with their survey QR code."""

from __future__ import annotations

import re

import pytest
import segno
from django.urls import NoReverseMatch, reverse

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Priority, Service, Ticket, Visit
from satuatap.frontdesk.services import check_in
from satuatap.people.names import name_key
from tests.factories import DeskFactory, PersonFactory

pytestmark = pytest.mark.django_db

CHECK_IN = "/frontdesk/check-in/"


def _person(office, full_name="Siti Nurhaliza"):
    return PersonFactory(office=office, full_name=full_name, name_key=name_key(full_name))


@pytest.fixture
def person(office):
    return _person(office)


def _post(client, **data):
    return client.post(reverse("frontdesk:check-in"), data)


def _codes(visit: Visit) -> list[str]:
    return sorted(t.code for t in visit.tickets.all())


def test_check_in_url_is_the_documented_one():
    assert reverse("frontdesk:check-in") == CHECK_IN


def test_page_lists_active_services_grouped_by_desk(client, frontdesk, services):
    services["recommendation"].is_active = False
    services["recommendation"].save()
    client.force_login(frontdesk)

    response = client.get(CHECK_IN)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Pendaftaran CPMI" in body and "Permohonan paspor" in body
    assert "Rekomendasi paspor" not in body
    desks = [desk.desk_type.code for desk, _rows in response.context["groups"]]
    assert desks == ["ketenagakerjaan", "pengaduan-informasi", "keimigrasian"]
    assert reverse("frontdesk:check-in-register") in body  # register a walk-in on this page


def test_registered_person_with_two_desks_gets_two_tickets_numbered_per_desk(
    client, frontdesk, services, person, office
):
    client.force_login(frontdesk)
    chosen = [services["registration"].pk, services["passport"].pk]

    response = _post(client, visitor=person.pk, services=chosen, priority="")

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk:visit", args=[visit.pk])
    assert visit.person == person and visit.office == office
    assert _codes(visit) == ["A-001", "E-001"]

    second = PersonFactory(office=office)
    _post(client, visitor=second.pk, services=chosen)
    latest = Visit.objects.get(person=second)
    assert _codes(latest) == ["A-002", "E-002"]


def test_services_of_one_desk_share_one_ticket(client, frontdesk, services, person):
    client.force_login(frontdesk)
    _post(
        client,
        visitor=person.pk,
        services=[services["registration"].pk, services["recommendation"].pk],
    )
    ticket = Ticket.objects.get()
    assert ticket.code == "A-001"
    assert set(ticket.services.all()) == {services["registration"], services["recommendation"]}


def test_priority_is_recorded_on_the_visit_and_its_tickets(client, frontdesk, services, person):
    client.force_login(frontdesk)
    _post(
        client,
        visitor=person.pk,
        services=[services["passport"].pk],
        priority=Priority.PREGNANT,
    )
    visit = Visit.objects.get()
    assert visit.priority == Priority.PREGNANT
    assert visit.tickets.get().is_priority


def test_anonymous_visitor_with_an_information_service_gets_a_ticket(client, frontdesk, services):
    client.force_login(frontdesk)
    response = _post(
        client,
        visitor="anonymous",
        sex="F",
        age_band="25-39",
        services=[services["information"].pk],
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.is_anonymous and visit.sex == "F" and visit.age_band == "25-39"
    assert _codes(visit) == ["B-001"]


def test_anonymous_visitor_with_a_non_anonymous_service_is_a_field_error(
    client, frontdesk, services
):
    frontdesk.language = "en"
    frontdesk.save()
    client.force_login(frontdesk)
    response = _post(
        client,
        visitor="anonymous",
        sex="M",
        services=[services["information"].pk, services["passport"].pk],
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["services"]
    assert "only information requests can be anonymous" in errors["services"][0]
    assert not Visit.objects.exists() and not Ticket.objects.exists()


def test_anonymous_visit_needs_the_visitors_sex(client, frontdesk, services):
    client.force_login(frontdesk)
    response = _post(client, visitor="anonymous", services=[services["information"].pk])
    assert response.status_code == 200
    assert "sex" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_no_visitor_chosen_is_a_field_error(client, frontdesk, services):
    client.force_login(frontdesk)
    response = _post(client, services=[services["information"].pk])
    assert "visitor" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_no_service_chosen_is_a_field_error(client, frontdesk, person, services):
    client.force_login(frontdesk)
    response = _post(client, visitor=person.pk)
    assert "services" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_services_of_another_office_are_rejected(client, frontdesk, services, person, other_office):
    foreign_desk = DeskFactory(office=other_office)
    foreign = Service.objects.create(
        office=other_office, desk=foreign_desk, name_id="Pendaftaran CPMI", target_minutes=20
    )
    client.force_login(frontdesk)
    response = _post(client, visitor=person.pk, services=[foreign.pk])
    assert response.status_code == 200
    assert "services" in response.context["form"].errors
    assert not Visit.objects.exists() and not Ticket.objects.exists()


def test_person_of_another_office_cannot_be_checked_in(client, frontdesk, services, other_office):
    stranger = PersonFactory(office=other_office)
    client.force_login(frontdesk)
    response = _post(client, visitor=stranger.pk, services=[services["passport"].pk])
    assert "visitor" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_chosen_person_stays_chosen_when_the_form_has_an_error(client, frontdesk, services, person):
    client.force_login(frontdesk)
    response = _post(client, visitor=person.pk)
    body = response.content.decode()
    assert 'data-testid="chosen-person"' in body and person.full_name in body


# --- The search box ------------------------------------------------------------------------


def test_htmx_search_returns_only_the_results_fragment(client, frontdesk, person):
    client.force_login(frontdesk)
    response = client.get(CHECK_IN, {"q": "Siti Nurhaliza"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="checkin-people"' in body
    assert f'name="visitor" id="visitor-{person.pk}" value="{person.pk}"' in body
    assert [t.name for t in response.templates] == ["people/_person_choices.html"]


def test_search_without_javascript_renders_the_full_page_with_results(client, frontdesk, person):
    client.force_login(frontdesk)
    response = client.get(CHECK_IN, {"q": "Siti Nurhaliza"})
    body = response.content.decode()
    assert "<html" in body and f'value="{person.pk}"' in body


def test_search_does_not_find_people_of_another_office(client, frontdesk, other_office):
    _person(other_office)
    client.force_login(frontdesk)
    response = client.get(CHECK_IN, {"q": "Siti Nurhaliza"}, headers={"HX-Request": "true"})
    assert response.context["hits"] == []
    assert 'data-testid="checkin-people"' in response.content.decode()


# --- The visit page and the printed tickets ------------------------------------------------


def _survey_url(token: str) -> str:
    try:
        path = reverse("public:survey", kwargs={"token": token})
    except NoReverseMatch:
        path = f"/survey/{token}/"
    return f"http://testserver{path}"


def _qr_path(url: str) -> str:
    svg = segno.make(url, error="m", micro=False).svg_inline(scale=1, border=4, omitsize=True)
    return re.search(r' d="([^"]+)"', svg).group(1)


@pytest.fixture
def visit(frontdesk, services, person):
    return check_in(
        by=frontdesk, person=person, services=[services["registration"], services["passport"]]
    )


def test_visit_page_lists_its_tickets_with_a_print_button(client, frontdesk, visit):
    client.force_login(frontdesk)
    response = client.get(reverse("frontdesk:visit", args=[visit.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A-001" in body and "E-001" in body and "Pendaftaran CPMI" in body
    assert reverse("frontdesk:visit-print", args=[visit.pk]) + "?autoprint=1" in body


def test_print_page_has_each_ticket_and_a_qr_code_of_the_survey(client, frontdesk, visit, office):
    client.force_login(frontdesk)
    response = client.get(reverse("frontdesk:visit-print", args=[visit.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="ticket"') == 2
    assert "A-001" in body and "E-001" in body and office.name in body
    assert "<svg" in body
    assert _qr_path(_survey_url(visit.survey_token)) in body
    assert "frontdesk/ticket.css" in body and "frontdesk/ticket.js" in body
    assert "<script>" not in body and "onclick" not in body
    assert 'data-autoprint="0"' in body


def test_print_page_opens_the_print_dialog_only_when_asked(client, frontdesk, visit):
    client.force_login(frontdesk)
    response = client.get(reverse("frontdesk:visit-print", args=[visit.pk]), {"autoprint": "1"})
    assert 'data-autoprint="1"' in response.content.decode()


def test_print_page_shows_the_time_in_the_offices_time_zone(client, frontdesk, visit, office):
    office.time_zone = "Asia/Jayapura"
    office.save()
    client.force_login(frontdesk)
    response = client.get(reverse("frontdesk:visit-print", args=[visit.pk]))
    assert "WIT" in response.content.decode()


def test_print_page_says_how_many_wait_ahead_at_that_desk(
    client, frontdesk, services, office, visit
):
    later = check_in(
        by=frontdesk, person=PersonFactory(office=office), services=[services["registration"]]
    )
    client.force_login(frontdesk)
    response = client.get(reverse("frontdesk:visit-print", args=[later.pk]))
    [(ticket, ahead)] = response.context["tickets"]
    assert ticket.code == "A-002" and ahead == 1
    urgent = check_in(
        by=frontdesk,
        person=PersonFactory(office=office),
        services=[services["registration"]],
        priority=Priority.ELDERLY,
    )
    response = client.get(reverse("frontdesk:visit-print", args=[urgent.pk]))
    assert response.context["tickets"][0][1] == 0


def test_ticket_css_prints_on_80_mm_paper(client):
    from django.contrib.staticfiles import finders

    css = open(finders.find("frontdesk/ticket.css")).read()  # noqa: SIM115
    assert "size: 80mm auto" in css and "page-break-after: always" in css


def test_visit_of_another_office_is_not_found(client, visit, other_office, make_user):
    outsider = make_user(Role.FRONTDESK, organisation=other_office)
    client.force_login(outsider)
    for name in ("frontdesk:visit", "frontdesk:visit-print"):
        response = client.get(reverse(name, args=[visit.pk]))
        assert response.status_code == 404, name
        body = response.content.decode()
        assert visit.person.full_name not in body, name
        assert not any(code in body for code in _codes(visit)), name


# Who may check in: tests/security/access_matrix.py (frontdesk:check-in, visit, visit-print).


def test_a_desk_without_services_does_not_break_the_page(client, frontdesk, office):
    DeskFactory(office=office, desk_type=DeskType.objects.get(code="kepolisian"))
    client.force_login(frontdesk)
    response = client.get(CHECK_IN)
    assert response.status_code == 200 and response.context["groups"] == []


def test_check_in_page_queries_do_not_grow_with_services(
    client, frontdesk, office, django_assert_max_num_queries
):
    from satuatap.frontdesk.catalogue.services import install_default_services

    for desk_type in DeskType.objects.all():
        DeskFactory(office=office, desk_type=desk_type)
    install_default_services(office=office)
    client.force_login(frontdesk)
    with django_assert_max_num_queries(8):
        response = client.get(CHECK_IN)
    assert len(response.context["groups"]) == DeskType.objects.count()
