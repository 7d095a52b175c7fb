"""A person's copy of their data, and erasure that keeps aggregate counts."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.data_rights import hooks as data_rights_hooks
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import MigrationStatus, Person, Sex
from tests import purpose as purpose_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def worker(officer):
    person = services.register_person(
        by=officer,
        full_name="Sulastri Handayani",
        sex=Sex.FEMALE,
        nik="3209015403950001",
        birth_date=datetime.date(1995, 3, 14),
        phones=["+6281234567890"],
        address="Jl. Melati 4 RT 02/RW 03",
    )
    services.update_person(person=person, by=officer, full_name="Sulastri Handayani Putri")
    services.record_status(
        person=person,
        by=officer,
        status=MigrationStatus.ABROAD,
        effective_date=datetime.date(2024, 6, 1),
        country="HK",
        employer="Chan family",
    )
    return person


def test_export_asks_the_purpose_even_of_an_ordinary_record(client, officer, worker):
    """Found on the demo: the copy was given without the question, and logged a purpose the
    reader never chose."""
    client.force_login(officer)
    url = reverse("people:export", args=[worker.pk, "json"])

    asked = client.get(url)

    assert purpose_form.is_purpose_page(asked)
    assert asked.context["form"].initial == {"purpose": "data_subject"}
    assert "3209015403950001" not in asked.content.decode()
    assert not LogEntry.objects.get_for_object(worker).filter(action=LogEntry.Action.ACCESS)


def test_export_holds_everything_and_is_logged(client, officer, worker):
    client.force_login(officer)

    response = purpose_form.read(
        client, reverse("people:export", args=[worker.pk, "json"]), "data_subject"
    )

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["nik"] == "3209015403950001"
    assert data["phones"][0]["number"] == "+6281234567890"
    assert data["migration_timeline"][0]["employer"] == "Chan family"
    registered, *_phone, renamed = data["correction_history"]
    assert registered["action"] and renamed["when_local"]
    assert [(c["field"], c["old"], c["new"]) for c in renamed["changes"]] == [
        ("full_name", "Sulastri Handayani", "Sulastri Handayani Putri")
    ]
    read = LogEntry.objects.get_for_object(worker).get(action=LogEntry.Action.ACCESS)
    assert read.additional_data["purpose"] == "data_subject"


def test_readable_export_page(client, officer, worker):
    client.force_login(officer)
    page = purpose_form.read(
        client, reverse("people:export", args=[worker.pk, "html"]), "legal"
    ).content.decode()
    assert "Sulastri Handayani Putri" in page and "+6281234567890" in page


def test_erasure_removes_identity_keeps_counts_and_scrubs_the_trail(head, worker):
    data_rights.anonymise_person(person=worker, by=head, reason="person")

    worker.refresh_from_db()
    assert worker.anonymised_at is not None
    assert worker.nik is None and "Sulastri" not in worker.full_name
    assert worker.birth_date == datetime.date(1995, 7, 1)
    assert worker.sex == Sex.FEMALE
    assert not worker.phones.exists()
    event = worker.status_events.get()
    assert (event.status, event.country.code, event.employer) == ("abroad", "HK", "")
    trail = " ".join(str(e.changes) + e.object_repr for e in LogEntry.objects.all())
    for secret in ("Sulastri", "Melati", "3209015403950001", "81234567890", "Chan family"):
        assert secret not in trail
    assert Person.objects.filter(sex=Sex.FEMALE).count() == 1


def test_erasure_scrubs_phone_numbers_removed_by_an_earlier_correction(head, officer, worker):
    """The correction history lists the numbers a record lost: erasure takes them too."""
    services.update_person(person=worker, by=officer, phones=["+6285711112222"])
    other = services.register_person(
        by=officer, full_name="Sri", sex=Sex.FEMALE, phones=["+6289876543210"]
    )
    services.update_person(person=other, by=officer, phones=[])

    data_rights.anonymise_person(person=worker, by=head, reason="person")

    trail = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert "81234567890" not in trail and "85711112222" not in trail
    assert "89876543210" in trail  # another person's number, not erased


def test_erasure_is_refused_with_the_reason_while_something_needs_the_data(client, head, worker):
    def open_case(person):
        return "an open MRC case needs this record" if person.pk == worker.pk else None

    data_rights_hooks.register_erasure_blocker(open_case)
    try:
        with pytest.raises(DomainError) as error:
            data_rights.anonymise_person(person=worker, by=head, reason="person")
        client.force_login(head)
        page = client.get(reverse("people:erase", args=[worker.pk])).content.decode()
    finally:
        data_rights_hooks.unregister_erasure_blocker(open_case)
    assert error.value.code == "erasure_blocked"
    assert "an open MRC case needs this record" in error.value.message
    assert "an open MRC case needs this record" in page
    worker.refresh_from_db()
    assert worker.anonymised_at is None


def test_only_the_office_head_erases(officer, worker):
    with pytest.raises(DomainError):
        data_rights.anonymise_person(person=worker, by=officer, reason="person")


def test_erasure_through_the_page(client, head, worker):
    client.force_login(head)
    response = client.post(
        reverse("people:erase", args=[worker.pk]), {"reason": "person", "confirm": "on"}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.anonymised_at is not None
