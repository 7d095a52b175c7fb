"""A number no integer column can hold, in a lookup, matches nothing (or everything for `<`/`>`)
instead of crashing: on SQLite `pk__in` and every lookup through a foreign key raised
OverflowError, so an id from a URL, a form or the API beyond 64 bits was a 500."""

from __future__ import annotations

import pytest

from satuatap.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TOO_BIG = [2**63, 2**70, -(2**63) - 1]


@pytest.fixture
def person(office):
    return PersonFactory(office=office)


@pytest.mark.parametrize("value", TOO_BIG)
@pytest.mark.parametrize("lookup", ["pk__in", "office_id__in", "office__in"])
def test_in_drops_the_values_no_row_can_hold(person, lookup, value):
    field = lookup.removesuffix("__in")
    kept = person.pk if field == "pk" else person.office_id
    assert list(Person.objects.filter(**{lookup: [value]})) == []
    assert list(Person.objects.filter(**{lookup: [value, kept]})) == [person]
    assert list(Person.objects.exclude(**{lookup: [value]})) == [person]


@pytest.mark.parametrize("value", TOO_BIG)
@pytest.mark.parametrize("lookup", ["office_id", "office", "office__pk", "pk"])
def test_equal_through_a_foreign_key_matches_nothing(person, lookup, value):
    assert list(Person.objects.filter(**{lookup: value})) == []
    assert list(Person.objects.exclude(**{lookup: value})) == [person]


def test_greater_and_less_than_through_a_foreign_key(person):
    assert list(Person.objects.filter(office_id__gt=2**70)) == []
    assert list(Person.objects.filter(office_id__lt=2**70)) == [person]
    assert list(Person.objects.filter(office_id__gte=-(2**70))) == [person]
    assert list(Person.objects.filter(office_id__lte=-(2**70))) == []


def test_values_in_range_still_match(person):
    assert list(Person.objects.filter(office_id=person.office_id)) == [person]
    assert list(Person.objects.filter(pk__in=[person.pk])) == [person]
    assert list(Person.objects.filter(office_id__in=[person.office_id, 2**70])) == [person]
