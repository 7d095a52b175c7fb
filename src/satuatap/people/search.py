"""The one-box search: a NIK, a phone number or a name, among the people a user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from satuatap.people import name_index
from satuatap.people.models import Person
from satuatap.people.name_index import name_candidates
from satuatap.people.names import query_key, rank_names
from satuatap.people.nik import looks_like_nik, strip_separators
from satuatap.people.phones import PhoneError, looks_like_phone, normalise_phone
from satuatap.people.selectors import active_people

NAME_THRESHOLD = 65.0  # below this a name is a different person (see tests/people/test_names.py)


@dataclass
class SearchHit:
    person: Person
    score: float  # 0..100
    matched_by: str  # "nik" | "phone" | "name"


def _by_nik(people: QuerySet[Person], q: str) -> list[SearchHit]:
    person = people.filter(nik=strip_separators(q)).first()
    return [SearchHit(person, 100.0, "nik")] if person else []


def _by_phone(people: QuerySet[Person], q: str, limit: int) -> list[SearchHit]:
    try:
        number = normalise_phone(q)
    except PhoneError:
        return []
    matches = people.filter(phones__number=number).distinct().order_by("full_name", "pk")
    return [SearchHit(person, 100.0, "phone") for person in matches[:limit]]


def _by_name(
    people: QuerySet[Person], q: str, limit: int, office_id: int | None
) -> list[SearchHit]:
    """The few hundred nearest names from the trigram index (`name_index`), ranked by
    `rank_names`: its cost does not grow with the office."""
    key = query_key(q)
    if not key:
        return []
    candidates = name_candidates(
        people, key, office_id=office_id, limit=max(name_index.CANDIDATES, limit)
    )
    ranked = rank_names(q, candidates, limit=limit, threshold=NAME_THRESHOLD)
    persons = people.select_related("village").in_bulk([pk for pk, _score in ranked])
    return [SearchHit(persons[pk], score, "name") for pk, score in ranked if pk in persons]


def search_people(user, q: str, *, limit: int = 20) -> list[SearchHit]:
    """Best matches first: an exact NIK, else a phone number, else a fuzzy name."""
    q = (q or "").strip()
    if not q:
        return []
    people = active_people(user)  # visible_people without merged/anonymised
    if looks_like_nik(q):
        return _by_nik(people, q)
    if looks_like_phone(q):
        return _by_phone(people, q, limit)
    return _by_name(people, q, limit, user.office_id_or_none)
