"""Merging duplicate records keeps everything; an administrator can reverse it."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.models import MigrationStatus, Person, Relation, Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def pair(officer):
    kept = services.register_person(
        by=officer, full_name="Siti Nurhaliza", sex=Sex.FEMALE, phones=["+6281234567890"]
    )
    duplicate = services.register_person(
        by=officer,
        full_name="Siti Nur Haliza",
        sex=Sex.FEMALE,
        nik="3209015403950001",
        birth_date=datetime.date(1995, 3, 14),
        phones=["+6281234567890", "+6285711112222"],
    )
    services.record_status(
        person=duplicate,
        by=officer,
        status=MigrationStatus.ABROAD,
        effective_date=datetime.date(2023, 1, 1),
        country="HK",
    )
    child = services.register_person(by=officer, full_name="Putri", sex=Sex.FEMALE)
    services.link_family(person=duplicate, relative=child, relation=Relation.CHILD, by=officer)
    return kept, duplicate, child


def test_merge_moves_linked_records_and_fills_gaps(officer, pair):
    kept, duplicate, child = pair

    merge = services.merge_people(survivor=kept, merged=duplicate, by=officer, reason="same KTP")

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert kept.nik == "3209015403950001" and duplicate.nik is None
    assert kept.birth_date == datetime.date(1995, 3, 14)
    assert kept.status_events.get().country.code == "HK"
    assert kept.family_links.get().relative == child
    assert sorted(kept.phones.values_list("number", flat=True)) == [
        "+6281234567890",
        "+6285711112222",
    ]
    # The phone both had stays on the absorbed record, which is kept, not deleted.
    assert list(duplicate.phones.values_list("number", flat=True)) == ["+6281234567890"]
    assert Person.objects.filter(pk=duplicate.pk).exists()
    assert LogEntry.objects.get_for_object(merge).filter(action=LogEntry.Action.CREATE).exists()


def test_merged_record_leaves_lists_and_redirects_to_survivor(client, officer, pair):
    kept, duplicate, _ = pair
    services.merge_people(survivor=kept, merged=duplicate, by=officer, reason="same KTP")
    client.force_login(officer)

    listing = client.get(reverse("people:list")).content.decode()
    detail = client.get(reverse("people:detail", args=[duplicate.pk]))

    assert "Siti Nur Haliza" not in listing
    assert detail.status_code == 302 and detail.url == reverse("people:detail", args=[kept.pk])


def test_administrator_reverses_a_merge_exactly(client, officer, administrator, pair):
    kept, duplicate, child = pair
    merge = services.merge_people(survivor=kept, merged=duplicate, by=officer, reason="oops")
    client.force_login(administrator)

    response = client.post(reverse("people:merge-list"), {"merge": merge.pk})

    assert response.status_code == 302
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    merge.refresh_from_db()
    assert merge.reversed_by == administrator
    assert duplicate.merged_into is None and duplicate.nik == "3209015403950001"
    assert kept.nik is None and kept.birth_date is None
    assert duplicate.status_events.count() == 1 and not kept.status_events.exists()
    assert duplicate.family_links.get().relative == child
    assert sorted(duplicate.phones.values_list("number", flat=True)) == [
        "+6281234567890",
        "+6285711112222",
    ]
    assert list(kept.phones.values_list("number", flat=True)) == ["+6281234567890"]


def test_only_administrators_reverse_merges(officer, pair):
    """The merge list is the administrator's too: tests/security/access_matrix.py."""
    kept, duplicate, _ = pair
    merge = services.merge_people(survivor=kept, merged=duplicate, by=officer, reason="x")
    with pytest.raises(DomainError):
        services.reverse_merge(merge=merge, by=officer)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept


def test_records_with_different_niks_cannot_be_merged(officer):
    a = services.register_person(by=officer, full_name="A", sex=Sex.FEMALE, nik="3209015403950001")
    b = services.register_person(by=officer, full_name="A", sex=Sex.FEMALE, nik="3209015403950002")
    with pytest.raises(DomainError) as error:
        services.merge_people(survivor=a, merged=b, by=officer, reason="x")
    assert error.value.code == "different_niks"


def test_merge_through_the_page(client, officer, pair):
    kept, duplicate, _ = pair
    client.force_login(officer)
    response = client.post(
        reverse("people:merge", args=[kept.pk]), {"other": duplicate.pk, "reason": "same KTP"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept


def test_cannot_merge_a_record_of_another_office(client, officer, other_office, pair):
    from tests.factories import PersonFactory

    kept, _, _ = pair
    stranger = PersonFactory(office=other_office)
    client.force_login(officer)
    client.post(reverse("people:merge", args=[kept.pk]), {"other": stranger.pk, "reason": "x"})
    stranger.refresh_from_db()
    assert stranger.merged_into is None
