"""Writes on the registry. Each change is audited by django-auditlog in the same transaction."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.people.models import Person
from satuatap.regions.models import Region


def register_person(
    *,
    by,
    full_name: str,
    sex: str,
    nik: str | None = None,
    birth_date: datetime.date | None = None,
    birth_place: str = "",
    village: Region | None = None,
    address: str = "",
) -> Person:
    """Register a person at the office of `by`."""
    if not by.has_perm("people.list_person") or by.office is None:
        raise DomainError("forbidden", _("You may not register people."), status=403)
    try:
        with transaction.atomic():
            return Person.objects.create(
                office=by.office,
                nik=nik or None,
                full_name=" ".join(full_name.split()),
                sex=sex,
                birth_date=birth_date,
                birth_place=birth_place,
                village=village,
                address=address,
                created_by=by,
            )
    except IntegrityError as error:
        if nik and Person.objects.filter(nik=nik).exists():
            raise DomainError(
                "duplicate_nik", _("A person with this NIK is already registered."), status=409
            ) from error
        raise
