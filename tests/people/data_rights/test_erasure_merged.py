"""Erasing a record erases the duplicates merged into it too, and the audit trail keeps no value
of any of them: not in their own entries, not in the merge's, not in the entries of another
app's records that named them. Who did what to which record, and when, stays."""

from __future__ import annotations

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from satuatap.core.audit import ERASED
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.outreach.models import VillageFocalPoint
from satuatap.people import services
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import FamilyLink, Person, PersonMerge, Phone, Sex
from satuatap.regions.models import Region, RegionLevel

pytestmark = pytest.mark.django_db

SECRETS = (
    "Sulastri",
    "Lastri",
    "3209015403950001",
    "81234567890",
    "81299998888",
    "Melati",
    "Kenanga",
    "Chan family",
)


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def administrator_user(make_user, ministry):
    return make_user(Role.ADMINISTRATOR, organisation=ministry, username="admin")


@pytest.fixture
def merged_pair(officer):
    """Sulastri's record, and a duplicate with her NIK and another phone merged into it."""
    survivor = services.register_person(
        by=officer,
        full_name="Sulastri Handayani",
        sex=Sex.FEMALE,
        birth_date=datetime.date(1995, 3, 14),
        phones=["+6281234567890"],
        address="Jl. Melati 4",
    )
    duplicate = services.register_person(
        by=officer,
        full_name="Lastri Handayani",
        sex=Sex.FEMALE,
        nik="3209015403950001",
        phones=["+6281299998888"],
        address="Gg. Kenanga 7",
    )
    services.record_status(
        person=duplicate,
        by=officer,
        status="abroad",
        effective_date=datetime.date(2024, 6, 1),
        country="HK",
        employer="Chan family",
    )
    relative = services.register_person(by=officer, full_name="Budi Santoso", sex=Sex.MALE)
    services.link_family(person=duplicate, relative=relative, relation="spouse", by=officer)
    services.merge_people(
        survivor=survivor, merged=duplicate, by=officer, reason="Sama: Lastri = Sulastri"
    )
    return survivor, duplicate


def _trail() -> str:
    return " ".join(
        f"{entry.changes} {entry.changes_text} {entry.object_repr} {entry.serialized_data}"
        for entry in LogEntry.objects.all()
    )


def test_erasure_removes_the_merged_duplicate_and_every_value_from_the_trail(
    head, merged_pair, officer
):
    survivor, duplicate = merged_pair
    survivor.refresh_from_db()
    assert survivor.nik == "3209015403950001"  # the merge filled it in
    # Another app's record naming her: a village focal point linked to the registry record.
    village = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="32.09.").first()
    with set_actor(officer):
        focal = VillageFocalPoint.objects.create(
            office=survivor.office,
            village=village,
            name="Sulastri Handayani",
            phone="+6281234567890",
            person=survivor,
            since=datetime.date(2025, 1, 1),
            created_by=officer,
        )
    assert "Sulastri" in _trail() and "Chan family" in _trail()
    entries_before = set(LogEntry.objects.values_list("pk", flat=True))

    data_rights.anonymise_person(person=survivor, by=head, reason="person")

    for record in (survivor, duplicate):
        record.refresh_from_db()
        assert record.anonymised_at is not None
        assert record.nik is None and record.address == ""
        assert "Lastri" not in record.full_name
    assert not Phone.objects.filter(person__in=[survivor, duplicate]).exists()
    assert not FamilyLink.objects.filter(person=duplicate).exists()
    assert survivor.status_events.get().employer == ""  # moved to her by the merge
    merge = PersonMerge.objects.get()
    assert merge.reason == ERASED and "merged_nik" not in merge.snapshot
    trail = _trail()
    for secret in SECRETS:
        assert secret not in trail, secret
    # Who did what, to which record and when, stays: no entry was removed, and the focal
    # point's entry still says it was created, by whom.
    assert entries_before <= set(LogEntry.objects.values_list("pk", flat=True))
    created = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(VillageFocalPoint),
        object_pk=str(focal.pk),
        action=LogEntry.Action.CREATE,
    )
    assert created.actor == officer
    assert created.changes_dict["name"][1] == ERASED
    assert created.changes_dict["village"][1] == village.code
    erased = LogEntry.objects.get(
        object_pk=str(survivor.pk),
        content_type=ContentType.objects.get_for_model(Person),
        action=LogEntry.Action.DELETE,
    )
    assert erased.actor == head and erased.additional_data["merged_records"] == 1


def test_a_merge_whose_records_were_erased_cannot_be_reversed(
    head, merged_pair, administrator_user
):
    survivor, _ = merged_pair
    data_rights.anonymise_person(person=survivor, by=head, reason="person")

    with pytest.raises(DomainError) as error:
        services.reverse_merge(merge=PersonMerge.objects.get(), by=administrator_user)
    assert error.value.code == "erased"
    assert PersonMerge.objects.get().reversed_at is None


def test_erasure_reaches_duplicates_merged_at_any_depth(head, officer):
    first = services.register_person(by=officer, full_name="Rina Wati", sex=Sex.FEMALE)
    second = services.register_person(by=officer, full_name="Rina Wati A", sex=Sex.FEMALE)
    third = services.register_person(by=officer, full_name="Rina Wati B", sex=Sex.FEMALE)
    services.merge_people(survivor=second, merged=first, by=officer, reason="duplikat")
    services.merge_people(survivor=third, merged=second, by=officer, reason="duplikat")

    data_rights.anonymise_person(person=third, by=head, reason="person")

    assert not Person.objects.filter(full_name__contains="Rina").exists()
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 3
