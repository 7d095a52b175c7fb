"""The one-box search: NIK, phone or name, only among the people the user may see."""

from __future__ import annotations

import pytest
from django.utils import timezone

from satuatap.core.roles import Role
from satuatap.people.models import Phone
from satuatap.people.names import name_key
from satuatap.people.search import search_people
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DISTRACTORS = [
    "Siti Aminah",
    "Siti Nurjanah",
    "Siti Nurhasanah",
    "Siti Khodijah",
    "Siti Rahmawati",
    "Sri Wahyuni",
    "Sri Haryati",
    "Nur Halimah",
    "Nurul Hidayah",
    "Halizah Putri",
    "Muhammad Rizal",
    "Muhammad Ridwan",
    "Ahmad Rizki Pratama",
    "Rizka Amalia",
    "Muhammad Fauzi",
    "Mohammad Ali",
    "Ahmad Fauzan",
    "Akhmad Faisal",
    "Joko Susanto",
    "Djoko Santoso",
    "Budi Cahyadi",
    "Tjahjadi Budiman",
    "Dewi Lestari",
    "Dewi Sartika",
    "Nur Aisyah",
    "Noer Fatimah",
    "Agus Setiawan",
    "Agus Salim",
    "Eko Prasetyo",
    "Wahyu Hidayat",
]
TARGETS = ["Siti Nurhaliza", "Muhammad Rizky", "Noer Aini", "Achmad Fauzi", "Tjahjono Wibowo"]


def make_person(full_name, **extra):
    return PersonFactory(full_name=full_name, name_key=name_key(full_name), **extra)


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def registry(office):
    return {name: make_person(name, office=office) for name in DISTRACTORS + TARGETS}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Siti Nurhaliza", "Siti Nurhaliza"),
        ("siti nur haliza", "Siti Nurhaliza"),
        ("Hj. Siti Nurhalisa", "Siti Nurhaliza"),
        ("S. Nurhaliza", "Siti Nurhaliza"),
        ("Nurhaliza", "Siti Nurhaliza"),
        ("Mohammad Rizki", "Muhammad Rizky"),
        ("Moch. Rizky", "Muhammad Rizky"),
        ("M. Rizki", "Muhammad Rizky"),
        ("Nur Aini", "Noer Aini"),
        ("Ahmad Fauzi", "Achmad Fauzi"),
        ("Akhmad Fauzy", "Achmad Fauzi"),
        ("Cahyono Wibowo", "Tjahjono Wibowo"),
        ("Wibowo Tjahjono", "Tjahjono Wibowo"),
    ],
)
def test_the_right_person_ranks_first_among_similar_names(frontdesk, registry, query, expected):
    hits = search_people(frontdesk, query)
    assert hits[0].person == registry[expected]
    assert hits[0].matched_by == "name"
    assert all(0 <= hit.score <= 100 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_an_unrelated_name_finds_nobody(frontdesk, registry):
    assert search_people(frontdesk, "Yohanes Simanjuntak") == []


def test_the_limit_caps_the_result(frontdesk, registry):
    assert len(search_people(frontdesk, "Siti", limit=3)) == 3


def test_name_search_uses_two_queries(frontdesk, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # permission check may add one
        hits = search_people(frontdesk, "Siti Nurhaliza")
        [hit.person.village for hit in hits]


@pytest.mark.parametrize(
    "query", ["3209015403950001", "3209 0154 0395 0001", "32.09.01.540395.0001"]
)
def test_a_nik_finds_exactly_that_person(frontdesk, office, query):
    person = make_person("Siti Nurhaliza", office=office, nik="3209015403950001")
    make_person("Siti Nurhaliza", office=office, nik="3209015403950002")
    hits = search_people(frontdesk, query)
    assert [(hit.person, hit.score, hit.matched_by) for hit in hits] == [(person, 100.0, "nik")]


def test_an_unknown_nik_finds_nobody_even_if_a_name_would_match(frontdesk, registry):
    assert search_people(frontdesk, "3209019999990001") == []


@pytest.mark.parametrize(
    "query", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456 7890"]
)
def test_a_phone_number_in_any_format_finds_its_person(frontdesk, office, query):
    person = make_person("Siti Nurhaliza", office=office)
    Phone.objects.create(person=person, number="+6281234567890")
    Phone.objects.create(person=make_person("Sri Wahyuni", office=office), number="+6281200000000")
    hits = search_people(frontdesk, query)
    assert [(hit.person, hit.matched_by) for hit in hits] == [(person, "phone")]


def test_a_person_with_two_matching_phone_rows_appears_once(frontdesk, office):
    person = make_person("Siti Nurhaliza", office=office)
    Phone.objects.create(person=person, number="+6281234567890", kind=Phone.Kind.MOBILE)
    family = make_person("Sri Wahyuni", office=office)
    Phone.objects.create(person=family, number="+6281234567890", kind=Phone.Kind.FAMILY)
    hits = search_people(frontdesk, "081234567890")
    assert sorted(hit.person.pk for hit in hits) == sorted([person.pk, family.pk])


def test_an_invalid_phone_number_finds_nobody(frontdesk, office):
    assert search_people(frontdesk, "0000 0000 000") == []


def test_people_of_another_office_are_never_found(make_user, office, other_office):
    mine = make_person("Siti Nurhaliza", office=office, nik="3209015403950001")
    theirs = make_person("Siti Nurhaliza", office=other_office, nik="3504015403950001")
    Phone.objects.create(person=theirs, number="+6281234567890")
    other_user = make_user(Role.FRONTDESK, organisation=other_office)
    me = make_user(Role.FRONTDESK)
    assert [hit.person for hit in search_people(me, "Siti Nurhaliza")] == [mine]
    assert search_people(me, "3504015403950001") == []
    assert search_people(me, "081234567890") == []
    assert [hit.person for hit in search_people(other_user, "Siti Nurhaliza")] == [theirs]


def test_merged_and_anonymised_records_are_not_found(frontdesk, office):
    kept = make_person("Siti Nurhaliza", office=office, nik="3209015403950001")
    merged = make_person("Siti Nurhaliza", office=office, nik="3209015403950002", merged_into=kept)
    anonymised = make_person(
        "Siti Nur Haliza", office=office, nik="3209015403950003", anonymised_at=timezone.now()
    )
    Phone.objects.create(person=merged, number="+6281234567890")
    assert [hit.person for hit in search_people(frontdesk, "Siti Nurhaliza")] == [kept]
    assert search_people(frontdesk, merged.nik) == []
    assert search_people(frontdesk, anonymised.nik) == []
    assert search_people(frontdesk, "081234567890") == []


def test_a_user_without_registry_access_finds_nobody(make_user, office):
    make_person("Siti Nurhaliza", office=office)
    assert search_people(make_user(Role.PARTNER_CASEWORKER), "Siti Nurhaliza") == []


@pytest.mark.parametrize("query", ["", "   ", "., -"])
def test_an_empty_query_finds_nobody(frontdesk, registry, query):
    assert search_people(frontdesk, query) == []
