"""The registry's data-subject rights, as other apps take part in them without the registry
importing them (each registers from its AppConfig.ready()):

- `register_erasure_blocker(fn)`: `fn(person)` gives a reason that **anyone who may erase may
  read** (none registers one today);
- `register_erasure_review(fn)`: `fn()` gives the ids of people whose erasure another part of
  the system must review first. The MRC registers everyone in one of its cases: an office head
  must not learn from the erasure page that someone is in a case (restricted cases are hidden
  from heads), so the page is the same for everyone and a request for such a person waits for
  a case supervisor (`ErasureRequest`), who sees the cases and decides;
- `register_data_section(key, fn)`: `fn(person, viewer)` gives what the app holds on the
  person, for their copy of their data (placement: files and courses; the front desk: what its
  desks recorded, the MRC desk's only for a viewer who works at it);
- `register_person_eraser(fn)`: `fn(person_ids)` erases what the app holds on these people,
  inside the erasure's transaction (notifications: the addresses and parameters of their
  messages, their language for messages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from satuatap.people.models import Person

ErasureBlocker = Callable[[Person], str | None]
_erasure_blockers: list[ErasureBlocker] = []


def register_erasure_blocker(blocker: ErasureBlocker) -> None:
    """`blocker(person)` returns a translated reason why the data must be kept, or None. The
    reason is shown to whoever may erase the record: never register one that depends on data
    that person may not see (use `register_erasure_review`)."""
    if blocker not in _erasure_blockers:
        _erasure_blockers.append(blocker)


def unregister_erasure_blocker(blocker: ErasureBlocker) -> None:
    if blocker in _erasure_blockers:
        _erasure_blockers.remove(blocker)


ErasureReview = Callable[[], models.QuerySet]
_erasure_reviews: list[ErasureReview] = []


def register_erasure_review(review: ErasureReview) -> None:
    """`review()` returns a queryset of person ids whose erasure must be reviewed first (by
    whoever registered it); the registry never says why."""
    if review not in _erasure_reviews:
        _erasure_reviews.append(review)


def unregister_erasure_review(review: ErasureReview) -> None:
    if review in _erasure_reviews:
        _erasure_reviews.remove(review)


def people_needing_review() -> Q:
    """A filter on Person: records whose erasure waits for a review (nothing when none)."""
    found = Q(pk__in=[])
    for review in _erasure_reviews:
        found |= Q(pk__in=review())
    return found


def needs_review(people: Iterable[Person]) -> bool:
    ids = [p.pk for p in people]
    if not _erasure_reviews or not ids:
        return False
    return Person.objects.filter(pk__in=ids).filter(people_needing_review()).exists()


def erasure_blockers(person: Person) -> list[str]:
    """Reasons anyone who may erase the record may read (see `register_erasure_blocker`)."""
    return [reason for blocker in _erasure_blockers if (reason := blocker(person))]


# Other apps add what they hold on a person to the data export (UU 27/2022 right of access)
# without the registry importing them: key → function(person, viewer) returning JSON-ready
# data. The viewer is who makes the copy: a section leaves out what that user may not read (and
# says so in a way that does not depend on whether there was any).
DataSection = Callable[[Person, Any], object]
_data_sections: dict[str, DataSection] = {}


def register_data_section(key: str, section: DataSection) -> None:
    _data_sections[key] = section


def data_sections(person: Person, viewer) -> dict[str, object]:
    """What the other apps hold on the person, by the key each registered."""
    return {key: section(person, viewer) for key, section in _data_sections.items()}


PersonEraser = Callable[[list[int]], None]
_person_erasers: list[PersonEraser] = []


def register_person_eraser(eraser: PersonEraser) -> None:
    """`eraser(person_ids)` erases the app's own data about these people; it runs inside the
    erasure's transaction, after the registry's own records are erased."""
    if eraser not in _person_erasers:
        _person_erasers.append(eraser)


def run_person_erasers(person_ids: list[int]) -> None:
    for eraser in _person_erasers:
        eraser(person_ids)
