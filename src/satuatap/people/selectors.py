"""Reads of the registry, already limited to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from satuatap.people.models import Person


def visible_people(user) -> QuerySet[Person]:
    if not user.has_perm("people.list_person"):
        return Person.objects.none()
    return Person.objects.filter(office_id=user.office_id_or_none).select_related("village")


def get_visible_person(user, person_id: int) -> Person | None:
    return visible_people(user).filter(pk=person_id).first()
