"""The service catalogue: default services per desk type, validation, and head-only pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.catalogue import DEFAULT_SERVICES
from satuatap.frontdesk.catalogue.services import (
    install_default_services,
    save_service,
    set_service_active,
)
from satuatap.frontdesk.models import Service
from tests.factories import DeskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


def _login(client, user):
    client.force_login(user)
    return client


def _service_kwargs(desk, **overrides):
    data = {
        "desk": desk,
        "name_id": "Layanan baru",
        "name_en": "New service",
        "target_minutes": 15,
        "allows_anonymous": False,
        "is_active": True,
        "order": 0,
    }
    return {**data, **overrides}


def test_every_default_desk_type_has_default_services():
    codes = set(DeskType.objects.values_list("code", flat=True))
    assert set(DEFAULT_SERVICES) == codes
    for defaults in DEFAULT_SERVICES.values():
        assert defaults
        assert all(1 <= d.target_minutes <= 480 and d.name_id and d.name_en for d in defaults)


def test_defaults_are_installed_once_for_active_desks_without_services(desks, office, head):
    closed = DeskFactory(office=office, desk_type=DeskType.objects.get(code="kepolisian"))
    closed.is_active = False
    closed.save()

    created = install_default_services(office=office, by=head)
    again = install_default_services(office=office, by=head)

    assert again == []
    names = set(Service.objects.filter(office=office).values_list("desk__prefix", "name_id"))
    assert ("A", "Pendaftaran CPMI") in names and ("A", "Rekomendasi paspor") in names
    assert ("E", "Permohonan paspor") in names
    assert not Service.objects.filter(desk=closed).exists()
    assert len(created) == Service.objects.count() == 2 + 3 + 1
    information = Service.objects.get(name_id="Informasi migrasi aman")
    assert information.allows_anonymous and information.target_minutes == 10
    assert not Service.objects.get(name_id="Konseling").allows_anonymous


def test_defaults_skip_a_desk_that_already_has_services(services, office, head):
    created = install_default_services(office=office, by=head)
    assert created == []
    assert Service.objects.count() == len(services)


def test_only_the_office_head_installs_defaults_or_saves_services(desks, office, make_user):
    frontdesk = make_user(Role.FRONTDESK)
    with pytest.raises(DomainError) as error:
        install_default_services(office=office, by=frontdesk)
    assert error.value.status == 403
    with pytest.raises(DomainError):
        save_service(office=office, by=frontdesk, **_service_kwargs(desks["ketenagakerjaan"]))
    assert not Service.objects.exists()


def test_head_of_another_office_may_not_configure_this_one(desks, office, other_office, make_user):
    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    with pytest.raises(DomainError) as error:
        save_service(office=office, by=other_head, **_service_kwargs(desks["ketenagakerjaan"]))
    assert error.value.status == 403


def test_save_service_creates_and_changes_a_service(desks, office, head):
    service = save_service(office=office, by=head, **_service_kwargs(desks["ketenagakerjaan"]))
    assert service.pk and service.office == office and service.is_active

    changed = save_service(
        office=office,
        by=head,
        service=service,
        **_service_kwargs(desks["ketenagakerjaan"], target_minutes=25, name_en="Renamed"),
    )
    assert changed.pk == service.pk
    service.refresh_from_db()
    assert service.target_minutes == 25 and service.name_en == "Renamed"


@pytest.mark.parametrize("minutes", [0, 481, -5])
def test_target_time_outside_1_to_480_is_a_field_error(desks, office, head, minutes):
    with pytest.raises(DomainError) as error:
        save_service(
            office=office,
            by=head,
            **_service_kwargs(desks["ketenagakerjaan"], target_minutes=minutes),
        )
    assert set(error.value.details) == {"target_minutes"}


def test_name_is_unique_per_desk_whatever_the_case(services, desks, office, head):
    with pytest.raises(DomainError) as error:
        save_service(
            office=office,
            by=head,
            **_service_kwargs(desks["ketenagakerjaan"], name_id="pendaftaran cpmi"),
        )
    assert set(error.value.details) == {"name_id"}
    # The same name at another desk is fine.
    save_service(
        office=office,
        by=head,
        **_service_kwargs(desks["keimigrasian"], name_id="Pendaftaran CPMI"),
    )


def test_keeping_its_own_name_is_not_a_duplicate(services, desks, office, head):
    service = services["registration"]
    save_service(
        office=office,
        by=head,
        service=service,
        **_service_kwargs(desks["ketenagakerjaan"], name_id="Pendaftaran CPMI", order=5),
    )


def test_desk_of_another_office_is_a_field_error(office, other_office, head):
    foreign = DeskFactory(office=other_office)
    with pytest.raises(DomainError) as error:
        save_service(office=office, by=head, **_service_kwargs(foreign))
    assert set(error.value.details) == {"desk"}


def test_withdrawn_service_is_not_offered_at_check_in(services, office, head):
    from satuatap.frontdesk.selectors import active_services

    set_service_active(service=services["passport"], by=head, is_active=False)
    assert services["passport"] not in active_services(office)


# --- Pages ---------------------------------------------------------------------------------


def test_head_sees_services_grouped_by_desk(client, head, services):
    response = _login(client, head).get(reverse("frontdesk:services"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="desk-ketenagakerjaan"' in body
    assert "Pendaftaran CPMI" in body and "Permohonan paspor" in body
    assert 'data-testid="install-defaults"' not in body


def test_head_adds_the_default_services_from_the_page(client, head, desks):
    page = _login(client, head).get(reverse("frontdesk:services"))
    assert 'data-testid="install-defaults"' in page.content.decode()

    response = client.post(reverse("frontdesk:services-defaults"))

    assert response.status_code == 302
    assert Service.objects.filter(desk=desks["pengaduan-informasi"]).count() == 3


def test_head_adds_a_service_through_the_form(client, head, desks):
    response = _login(client, head).post(
        reverse("frontdesk:service-new"),
        {
            "desk": desks["keimigrasian"].pk,
            "name_id": "Penggantian paspor hilang",
            "name_en": "Replacing a lost passport",
            "target_minutes": "40",
            "order": "10",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name_id="Penggantian paspor hilang")
    assert service.desk == desks["keimigrasian"] and service.target_minutes == 40


def test_form_shows_service_errors_beside_their_fields(client, head, services, desks):
    response = _login(client, head).post(
        reverse("frontdesk:service-new"),
        {
            "desk": desks["ketenagakerjaan"].pk,
            "name_id": "Pendaftaran CPMI",
            "target_minutes": "600",
            "order": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name_id", "target_minutes"}
    assert Service.objects.count() == len(services)


def test_form_refuses_a_desk_of_another_office(client, head, desks, other_office):
    foreign = DeskFactory(office=other_office)
    response = _login(client, head).post(
        reverse("frontdesk:service-new"),
        {"desk": foreign.pk, "name_id": "X", "target_minutes": "10", "order": "0"},
    )
    assert response.status_code == 200
    assert "desk" in response.context["form"].errors
    assert not Service.objects.filter(desk=foreign).exists()


def test_head_edits_and_withdraws_a_service(client, head, services, desks):
    service = services["recommendation"]
    _login(client, head)
    page = client.get(reverse("frontdesk:service-edit", args=[service.pk]))
    assert page.status_code == 200 and "Rekomendasi paspor" in page.content.decode()

    client.post(
        reverse("frontdesk:service-edit", args=[service.pk]),
        {
            "desk": desks["ketenagakerjaan"].pk,
            "name_id": "Rekomendasi paspor",
            "target_minutes": "12",
            "order": "3",
            "is_active": "on",
        },
    )
    client.post(reverse("frontdesk:service-active", args=[service.pk]), {"is_active": "0"})

    service.refresh_from_db()
    assert service.target_minutes == 12 and service.order == 3 and not service.is_active


def test_service_of_another_office_is_not_found(client, other_office, make_user, services):
    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    _login(client, other_head)
    service = services["registration"]

    page = client.get(reverse("frontdesk:service-edit", args=[service.pk]))
    response = client.post(
        reverse("frontdesk:service-active", args=[service.pk]), {"is_active": "0"}
    )

    assert page.status_code == 404 and response.status_code == 404
    assert "Pendaftaran CPMI" not in page.content.decode() + response.content.decode()
    service.refresh_from_db()
    assert service.is_active


def test_catalogue_page_queries_do_not_grow_with_desks_and_services(
    client, head, office, django_assert_max_num_queries
):
    for desk_type in DeskType.objects.all():
        DeskFactory(office=office, desk_type=desk_type)
    install_default_services(office=office, by=head)
    assert Service.objects.count() > 10
    _login(client, head)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("frontdesk:services"))
    assert response.status_code == 200
