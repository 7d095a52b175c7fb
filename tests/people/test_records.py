"""Migration timeline, family links, consents."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people import selectors, services
from satuatap.people.models import MigrationStatus, Relation, Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.PLACEMENT_OFFICER)


@pytest.fixture
def worker(officer):
    return services.register_person(by=officer, full_name="Sulastri", sex=Sex.FEMALE)


def test_timeline_keeps_every_step_and_the_latest_is_current(officer, worker):
    services.record_status(
        person=worker,
        by=officer,
        status=MigrationStatus.PROSPECTIVE,
        effective_date=datetime.date(2024, 1, 5),
    )
    services.record_status(
        person=worker,
        by=officer,
        status=MigrationStatus.ABROAD,
        effective_date=datetime.date(2024, 6, 1),
        country="HK",
        employer="Chan family",
        sector="domestic",
    )
    services.record_status(
        person=worker,
        by=officer,
        status=MigrationStatus.RETURNED,
        effective_date=datetime.date(2026, 6, 1),
    )
    steps = list(worker.status_events.values_list("status", flat=True))
    assert steps == ["prospective", "abroad", "returned"]
    assert worker.current_status.status == MigrationStatus.RETURNED


def test_abroad_needs_a_country(officer, worker):
    with pytest.raises(DomainError) as error:
        services.record_status(
            person=worker,
            by=officer,
            status=MigrationStatus.ABROAD,
            effective_date=datetime.date(2024, 6, 1),
        )
    assert error.value.code == "country_required"


def test_future_step_is_refused(officer, worker):
    with pytest.raises(DomainError):
        services.record_status(
            person=worker,
            by=officer,
            status=MigrationStatus.PROSPECTIVE,
            effective_date=datetime.date.today() + datetime.timedelta(days=400),
        )


def test_timeline_step_through_the_page(client, officer, worker):
    client.force_login(officer)
    response = client.post(
        reverse("people:status-add", args=[worker.pk]),
        {
            "status": "abroad",
            "effective_date": "2025-02-01",
            "country": "TW",
            "sector": "caregiving",
        },
    )
    assert response.status_code == 302
    assert worker.current_status.country.code == "TW"


def test_family_link_reads_both_ways_and_child_is_sensitive(officer, worker):
    child = services.register_person(
        by=officer,
        full_name="Putri",
        sex=Sex.FEMALE,
        birth_date=datetime.date.today().replace(year=datetime.date.today().year - 9),
    )
    services.link_family(person=worker, relative=child, relation=Relation.CHILD, by=officer)

    with translation.override("en"):
        assert [(r["relation"], r["relative"]) for r in selectors.family_of(worker)] == [
            ("Child", child)
        ]
        assert [(r["relation"], r["relative"]) for r in selectors.family_of(child)] == [
            ("Parent", worker)
        ]
    assert child.is_sensitive


def test_family_member_of_another_office_cannot_be_linked(client, officer, worker, other_office):
    from tests.factories import PersonFactory

    stranger = PersonFactory(office=other_office)
    client.force_login(officer)
    response = client.post(
        reverse("people:family-add", args=[worker.pk]),
        {"relation": "spouse", "relative": stranger.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not worker.family_links.exists()


def test_consent_is_recorded_and_withdrawn(client, officer, worker):
    client.force_login(officer)
    client.post(
        reverse("people:consent-add", args=[worker.pk]),
        {"purpose": "registry", "given_on": "2026-01-10", "method": "signed"},
    )
    consent = worker.consents.get()
    assert consent.taken_by == officer and consent.is_active

    client.post(reverse("people:consent-withdraw", args=[worker.pk, consent.pk]))

    consent.refresh_from_db()
    assert consent.withdrawn_on is not None and consent.withdrawn_by == officer


def test_consent_of_another_person_cannot_be_withdrawn_through_this_one(client, officer, worker):
    consent = services.record_consent(
        person=worker,
        by=officer,
        purpose="registry",
        given_on=datetime.date(2026, 1, 1),
        method="signed",
    )
    other = services.register_person(by=officer, full_name="Lain", sex=Sex.FEMALE)
    client.force_login(officer)

    url = reverse("people:consent-withdraw", args=[other.pk, consent.pk])
    response = client.post(url)

    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_verbal_consent_needs_a_witness(officer, worker):
    with pytest.raises(DomainError) as error:
        services.record_consent(
            person=worker,
            by=officer,
            purpose="mrc",
            given_on=datetime.date(2026, 1, 1),
            method="verbal",
        )
    assert error.value.code == "witness_required"
