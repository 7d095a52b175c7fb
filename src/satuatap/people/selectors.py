"""Reads of the registry, already limited to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import ForeignObjectRel, Model, Q, QuerySet

from satuatap.core.models import User
from satuatap.people.models import FamilyLink, Person, PersonMerge, Phone
from satuatap.regions.models import Region

DUPLICATE_NAME_SCORE = 80


def visible_people(user: User) -> QuerySet[Person]:
    """Every record of the user's office, merged and anonymised ones included."""
    if not user.has_perm("people.list_person"):
        return Person.objects.none()
    return Person.objects.filter(office_id=user.office_id_or_none).select_related("village")


def active_people(user: User) -> QuerySet[Person]:
    """The records a list shows: not merged into another, not anonymised."""
    return visible_people(user).filter(merged_into__isnull=True, anonymised_at__isnull=True)


def get_visible_person(user: User, person_id: int, *, only: tuple[str, ...] = ()) -> Person | None:
    """The record, if the user may see it. `only`: load just these fields (the others are
    read from the database when first used), for a caller that needs a few."""
    people = visible_people(user).filter(pk=person_id)
    if only:
        people = people.select_related(None).only(*only)
    return people.first()


def likely_duplicates(
    user: User,
    *,
    full_name: str,
    birth_date: datetime.date | None,
    village: Region | None,
    phones: list[str] | tuple[str, ...] = (),
    exclude_pk: int | None = None,
) -> list[Person]:
    """Active records of the office that may be the same person: a similar name and the same
    birth date or village, or the same phone number."""
    from satuatap.people.names import name_key, name_similarity

    candidates = active_people(user)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    same_context = Q(pk__in=[])
    if birth_date:
        same_context |= Q(birth_date=birth_date)
    if village:
        same_context |= Q(village=village)
    key = name_key(full_name)
    found = {
        person.pk: person
        for person in candidates.filter(same_context)
        if key and name_similarity(full_name, person.name_key) >= DUPLICATE_NAME_SCORE
    }
    if phones:
        owners = Phone.objects.filter(number__in=phones).values("person_id")
        for person in candidates.filter(pk__in=owners):
            found.setdefault(person.pk, person)
    return sorted(found.values(), key=lambda p: p.pk)


def family_of(person: Person) -> list[dict]:
    """Both directions of family links, labelled from `person`'s point of view."""
    from satuatap.people.models import INVERSE_RELATION, Relation

    rows = [
        {"link": link, "relative": link.relative, "relation": link.get_relation_display()}
        for link in FamilyLink.objects.filter(person=person).select_related("relative")
    ]
    rows += [
        {
            "link": link,
            "relative": link.person,
            "relation": Relation(INVERSE_RELATION[Relation(link.relation)]).label,
        }
        for link in FamilyLink.objects.filter(relative=person).select_related("person")
    ]
    return rows


def phones_ever_of(person_ids: list[int]) -> set[int]:
    """The ids of the phone numbers these records have, and of those removed from them since
    (found among the removals, which are few, by the record their audit entry named — never by
    scanning every phone's entries): the phone entries of their history and of their erasure."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.fields.json import KT
    from django.db.models.lookups import In

    phone_type = ContentType.objects.get_for_model(Phone)
    # An explicit `In` on the key's text, as `core.trail.entries_of` does (the `__in` lookup on
    # an alias of the key found nothing on SQLite).
    named: In = In(KT("changes__person__0"), [str(pk) for pk in person_ids])
    removed = LogEntry.objects.filter(
        Q(content_type=phone_type, action=LogEntry.Action.DELETE) & Q(named)
    ).values_list("object_id", flat=True)
    current = Phone.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
    return {*current, *(pk for pk in removed if pk is not None)}


def correction_history(viewer: User, person: Person, *, limit: int | None = 50) -> list:
    """Changes to the record and to its phone numbers, newest first (auditlog entries; reads
    are left out), without the case work the viewer may not see (`core.trail`: a change made by
    MRC staff can tell that the person is an MRC client). `history.readable_history` puts them
    into words."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from satuatap.core.trail import without_hidden_case_work

    parts = [LogEntry.objects.get_for_object(person).exclude(action=LogEntry.Action.ACCESS)]
    if phone_ids := phones_ever_of([person.pk]):
        phone_type = ContentType.objects.get_for_model(Phone)
        parts.append(LogEntry.objects.filter(content_type=phone_type, object_id__in=phone_ids))
    found: list = []
    for entries in parts:
        entries = without_hidden_case_work(entries, viewer, person.office)
        entries = entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")
        found.extend(entries[:limit] if limit is not None else entries)
    found.sort(key=lambda entry: (entry.timestamp, entry.pk), reverse=True)
    return found[:limit] if limit is not None else found


def person_access_log(viewer: User, person: Person) -> QuerySet:
    """Who read the record and the records merged into it, when and why, newest first (the
    reads `core.sensitive` logs), without the case work the viewer may not see (`core.trail`).
    The caller checks `people.view_access_log`, or gives the person their copy."""
    from satuatap.core.selectors import access_entries

    ids = [p.pk for p in merged_group(person)]
    return access_entries(viewer, records={Person: ids}, office=person.office)


def merged_group(person: Person) -> list[Person]:
    """The record and every record merged into it, at any depth (a survivor merged later)."""
    group = [person]
    frontier = [person.pk]
    seen = {person.pk}
    while frontier:
        absorbed = list(Person.objects.filter(merged_into_id__in=frontier).exclude(pk__in=seen))
        group.extend(absorbed)
        frontier = [p.pk for p in absorbed]
        seen.update(frontier)
    return group


def person_links(*, include_merges: bool = False) -> Iterator[tuple[type[Model], str]]:
    """(model, field name) of every foreign key to Person from another model (of any app), except
    the merge bookkeeping itself unless asked for: what a merge moves and an erasure scrubs."""
    for field in Person._meta.get_fields(include_hidden=True):
        # A foreign key to Person shows on Person as its reverse relation (auto-created).
        if not (isinstance(field, ForeignObjectRel) and field.one_to_many):
            continue
        model = field.related_model
        # A reverse relation names its model by class, never as the string "self".
        if isinstance(model, str) or model is Person:
            continue
        if model is PersonMerge and not include_merges:
            continue
        yield model, field.field.name
