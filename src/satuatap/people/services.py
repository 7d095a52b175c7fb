"""Writes on the registry: registering and correcting a person, their migration timeline,
family, consents, and merging two records of one person (and reversing it). Each change is
audited by django-auditlog in the same transaction. Documents, imports and erasure have their
own packages (`documents/`, `imports/`, `data_rights/`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.people.models import (
    ConsentMethod,
    Disability,
    FamilyLink,
    MigrationStatus,
    Person,
    PersonMerge,
    Phone,
    ProcessingConsent,
    StatusEvent,
)
from satuatap.people.names import name_key
from satuatap.people.selectors import person_links
from satuatap.regions.models import Region

PERSON_FIELDS = (
    "full_name",
    "sex",
    "nik",
    "birth_date",
    "birth_place",
    "village",
    "address",
    "marital_status",
    "education",
    "languages",
    "disability",
    "nik_missing_reason",
    "has_specific_data",
)


def _require_registry_access(by: User) -> None:
    if not by.has_perm("people.list_person") or by.office is None:
        raise DomainError("forbidden", _("You may not register people."), status=403)


def require_change_permission(by: User, person: Person) -> None:
    if not by.has_perm("people.change_person", person):
        raise DomainError("forbidden", _("You may not change this record."), status=403)


def _duplicate_nik_error() -> DomainError:
    return DomainError(
        "duplicate_nik", _("A person with this NIK is already registered."), status=409
    )


def _set_phones(person: Person, phones: Iterable[str | tuple[str, str]]) -> None:
    wanted: dict[str, str] = {}
    for phone in phones:
        number, kind = (phone, Phone.Kind.MOBILE) if isinstance(phone, str) else phone
        wanted.setdefault(number, kind)
    person.phones.exclude(number__in=wanted).delete()
    existing = set(person.phones.values_list("number", flat=True))
    for number, kind in wanted.items():
        if number not in existing:
            Phone.objects.create(person=person, number=number, kind=kind)


def register_person(
    *,
    by: User,
    full_name: str,
    sex: str,
    nik: str | None = None,
    birth_date: datetime.date | None = None,
    birth_place: str = "",
    village: Region | None = None,
    address: str = "",
    marital_status: str = "",
    education: str = "",
    languages: str = "",
    disability: str = Disability.NONE,
    nik_missing_reason: str = "",
    has_specific_data: bool = False,
    phones: Iterable[str | tuple[str, str]] = (),
    confirmed_nik_warnings: Iterable[str] = (),
) -> Person:
    """Register a person at the office of `by`. Phones must already be E.164 (see phones.py)."""
    _require_registry_access(by)
    full_name = " ".join(full_name.split())
    office = by.office
    assert office is not None  # _require_registry_access refused a user without one
    try:
        with transaction.atomic():
            person = Person.objects.create(
                office=office,
                nik=nik or None,
                full_name=full_name,
                name_key=name_key(full_name),
                sex=sex,
                birth_date=birth_date,
                birth_place=birth_place,
                village=village,
                address=address,
                marital_status=marital_status,
                education=education,
                languages=languages,
                disability=disability or Disability.NONE,
                nik_missing_reason="" if nik else nik_missing_reason,
                has_specific_data=has_specific_data,
                confirmed_nik_warnings=sorted(set(confirmed_nik_warnings)),
                created_by=by,
            )
            _set_phones(person, phones)
            return person
    except IntegrityError as error:
        if nik and Person.objects.filter(nik=nik).exists():
            raise _duplicate_nik_error() from error
        raise


def update_person(
    *, person: Person, by: User, confirmed_nik_warnings: Iterable[str] = (), **changes: Any
) -> Person:
    """Correct a person's record; auditlog keeps the correction history (old → new)."""
    require_change_permission(by, person)
    if not person.is_active_record:
        raise DomainError("inactive_record", _("This record was merged or anonymised."))
    phones = changes.pop("phones", None)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not person fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_name = " ".join(person.full_name.split())
    person.name_key = name_key(person.full_name)
    person.nik = person.nik or None
    if person.nik:
        person.nik_missing_reason = ""
    person.confirmed_nik_warnings = sorted(set(confirmed_nik_warnings))
    try:
        with transaction.atomic():
            person.save()
            if phones is not None:
                _set_phones(person, phones)
    except IntegrityError as error:
        if person.nik and Person.objects.filter(nik=person.nik).exclude(pk=person.pk).exists():
            raise _duplicate_nik_error() from error
        raise
    return person


def record_status(
    *,
    person: Person,
    by: User,
    status: str,
    effective_date: datetime.date,
    country: str = "",
    employer: str = "",
    sector: str = "",
    notes: str = "",
    note_kind: str = "",
    note_params: dict | None = None,
) -> StatusEvent:
    """Add a dated step to the person's migration timeline (never overwrites earlier steps).
    `notes`: what the officer wrote; `note_kind` and `note_params`: why another service records
    the step, as codes that `people/timeline.py` puts into words when read."""
    require_change_permission(by, person)
    if status == MigrationStatus.ABROAD and not country:
        raise DomainError("country_required", _("Say in which country the person works."))
    assert by.office is not None  # `.today()` failed on None before
    if effective_date > by.office.today():
        raise DomainError("future_date", _("The date cannot be in the future."))
    return StatusEvent.objects.create(
        person=person,
        status=status,
        effective_date=effective_date,
        country=country if status == MigrationStatus.ABROAD else "",
        employer=employer if status == MigrationStatus.ABROAD else "",
        sector=sector if status == MigrationStatus.ABROAD else "",
        notes=notes,
        note_kind=note_kind,
        note_params=note_params or {},
        recorded_by=by,
    )


def link_family(*, person: Person, relative: Person, relation: str, by: User) -> FamilyLink:
    """Record that `relative` is the `relation` of `person` (e.g. her child)."""
    if not (
        by.has_perm("people.change_person", person) and by.has_perm("people.view_person", relative)
    ):
        raise DomainError("forbidden", _("You may not change this record."), status=403)
    if person.pk == relative.pk:
        raise DomainError("self_link", _("A person cannot be their own relative."))
    if FamilyLink.objects.filter(
        Q(person=person, relative=relative) | Q(person=relative, relative=person)
    ).exists():
        raise DomainError("already_linked", _("These two people are already linked."))
    return FamilyLink.objects.create(
        person=person, relative=relative, relation=relation, created_by=by
    )


def unlink_family(*, link: FamilyLink, by: User) -> None:
    require_change_permission(by, link.person)
    link.delete()


def record_consent(
    *,
    person: Person,
    by: User,
    purpose: str,
    given_on: datetime.date,
    method: str,
    witness: str = "",
) -> ProcessingConsent:
    require_change_permission(by, person)
    if method == ConsentMethod.VERBAL_WITNESSED and not witness.strip():
        raise DomainError("witness_required", _("Verbal consent needs a witness."))
    assert by.office is not None  # `.today()` failed on None before
    if given_on > by.office.today():
        raise DomainError("future_date", _("The date cannot be in the future."))
    return ProcessingConsent.objects.create(
        person=person,
        purpose=purpose,
        given_on=given_on,
        method=method,
        witness=witness.strip(),
        taken_by=by,
    )


def withdraw_consent(*, consent: ProcessingConsent, by: User) -> ProcessingConsent:
    require_change_permission(by, consent.person)
    if consent.withdrawn_on is not None:
        raise DomainError("already_withdrawn", _("This consent was already withdrawn."))
    assert by.office is not None  # `.today()` failed on None before
    consent.withdrawn_on = by.office.today()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    return consent


# --- Merging ----------------------------------------------------------------------------------
# Nothing is deleted: every record linked to the absorbed person is moved to the survivor and
# the move is written down, so an administrator can put each one back.

FILLABLE_FIELDS = (
    "nik",
    "birth_date",
    "birth_place",
    "village_id",
    "address",
    "marital_status",
    "education",
    "languages",
)


def _label(model: type[Model]) -> str:
    return model._meta.label


def _move(model: type[Model], field: str, pk: int, to_person_id: int) -> bool:
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=pk).update(**{f"{field}_id": to_person_id})
        return True
    except IntegrityError:
        # e.g. the same phone number on both records, or a family link between the two:
        # it stays with the absorbed record, which is kept.
        return False


def merge_people(*, survivor: Person, merged: Person, by: User, reason: str) -> PersonMerge:
    """Merge `merged` into `survivor`; the absorbed record is kept, hidden, and linked."""
    if survivor.pk == merged.pk:
        raise DomainError("same_record", _("Choose two different records."))
    for person in (survivor, merged):
        require_change_permission(by, person)
    if not reason.strip():
        raise DomainError("reason_required", _("Say why these records are the same person."))
    if survivor.nik and merged.nik and survivor.nik != merged.nik:
        raise DomainError(
            "different_niks", _("The two records have different NIKs: they are not one person.")
        )
    with transaction.atomic():
        filled = {}
        for field in FILLABLE_FIELDS:
            if not getattr(survivor, field) and getattr(merged, field):
                filled[field] = getattr(merged, field)
        snapshot = {
            "filled": {k: str(v) for k, v in filled.items()},
            "merged_nik": merged.nik,
        }
        if "nik" in filled:
            Person.objects.filter(pk=merged.pk).update(nik=None)
            merged.nik = None
        moved = []
        for model, field in person_links():
            for pk in model._default_manager.filter(**{field: merged}).values_list("pk", flat=True):
                if _move(model, field, pk, survivor.pk):
                    moved.append({"model": _label(model), "field": field, "pk": pk})
        for field, value in filled.items():
            setattr(survivor, field, value)
        survivor.name_key = name_key(survivor.full_name)
        survivor.save()
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into", "nik"])
        return PersonMerge.objects.create(
            survivor=survivor,
            merged=merged,
            merged_by=by,
            reason=reason.strip(),
            snapshot=snapshot,
            moved=moved,
        )


def reverse_merge(*, merge: PersonMerge, by: User) -> PersonMerge:
    """Undo a merge: move every moved record back and restore what was filled in."""
    if not by.has_perm("people.reverse_merge"):
        raise DomainError("forbidden", _("Only an administrator can reverse a merge."), status=403)
    if merge.reversed_at is not None:
        raise DomainError("already_reversed", _("This merge was already reversed."))
    if Person.objects.filter(
        pk__in=[merge.survivor_id, merge.merged_id], anonymised_at__isnull=False
    ).exists():
        raise DomainError(
            "erased", _("These records were erased: the merge cannot be reversed."), status=409
        )
    with transaction.atomic():
        survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
        merged = Person.objects.select_for_update().get(pk=merge.merged_id)
        for item in merge.moved:
            model = apps.get_model(item["model"])
            model._default_manager.filter(pk=item["pk"], **{item["field"]: survivor}).update(
                **{f"{item['field']}_id": merged.pk}
            )
        for field, value in merge.snapshot.get("filled", {}).items():
            if str(getattr(survivor, field)) == value:
                setattr(
                    survivor, field, None if field in ("nik", "birth_date", "village_id") else ""
                )
        survivor.save()
        merged.merged_into = None
        merged.nik = merge.snapshot.get("merged_nik")
        merged.save(update_fields=["merged_into", "nik"])
        merge.reversed_at = timezone.now()
        merge.reversed_by = by
        merge.save(update_fields=["reversed_at", "reversed_by"])
    return merge
