"""Merging two records of the same person, and reversing a merge.

Nothing is deleted: every record linked to the absorbed person is moved to the survivor and the
move is written down, so an administrator can put each one back.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.people.models import Person, PersonMerge
from satuatap.people.names import name_key
from satuatap.people.services import require_change_permission

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


def person_links(*, include_merges: bool = False):
    """(model, field name) of every foreign key to Person from another model (of any app), except
    the merge bookkeeping itself unless asked for."""
    for field in Person._meta.get_fields(include_hidden=True):
        # A foreign key to Person shows on Person as its reverse relation (auto-created).
        if not (isinstance(field, ForeignObjectRel) and field.one_to_many):
            continue
        if field.related_model is Person:
            continue
        if field.related_model is PersonMerge and not include_merges:
            continue
        yield field.related_model, field.field.name


def _person_links():
    return person_links()


def _label(model: type[Model]) -> str:
    return model._meta.label


def _move(model, field: str, pk, to_person_id: int) -> bool:
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=pk).update(**{f"{field}_id": to_person_id})
        return True
    except IntegrityError:
        # e.g. the same phone number on both records, or a family link between the two:
        # it stays with the absorbed record, which is kept.
        return False


def merge_people(*, survivor: Person, merged: Person, by, reason: str) -> PersonMerge:
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
        for model, field in _person_links():
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


def reverse_merge(*, merge: PersonMerge, by) -> PersonMerge:
    """Undo a merge: move every moved record back and restore what was filled in."""
    from django.apps import apps

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
