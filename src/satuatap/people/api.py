"""API routes of the person registry."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from satuatap.core.audit import ReadPurpose, log_sensitive_read
from satuatap.core.exceptions import DomainError
from satuatap.core.schemas import ErrorOut
from satuatap.people import selectors
from satuatap.people.models import Person
from satuatap.people.schemas import PersonOut

router = Router(tags=["people"])


def _person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        office_id=person.office_id,
        nik=person.nik,
        full_name=person.full_name,
        sex=person.sex,
        birth_date=person.birth_date,
        birth_place=person.birth_place,
        village_code=person.village_id,
        is_sensitive=person.is_sensitive,
    )


class PeopleFilter(Schema):
    nik: str | None = None


class PurposeQuery(Schema):
    purpose: ReadPurpose | None = None


@router.get("", response=list[PersonOut])
def list_people(request, filters: Query[PeopleFilter]):
    people = selectors.visible_people(request.user)
    if filters.nik:
        people = people.filter(nik=filters.nik)
    return [_person_out(p) for p in people[:100]]


@router.get("/{person_id}", response={200: PersonOut, 404: ErrorOut, 428: ErrorOut})
def get_person(request, person_id: int, query: Query[PurposeQuery]):
    """One person. A sensitive record needs `?purpose=`; the read is logged with it."""
    person = selectors.get_visible_person(request.user, person_id)
    if person is None:
        raise DomainError("not_found", _("No such record."), status=404)
    if person.is_sensitive:
        if query.purpose is None:
            raise DomainError(
                "purpose_required",
                _("This record holds sensitive data: say why you read it (purpose)."),
                status=428,
                details={"purposes": ReadPurpose.values},
            )
        log_sensitive_read(user=request.user, instance=person, purpose=query.purpose)
    return _person_out(person)
