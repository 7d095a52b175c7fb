"""Data-subject rights (UU 27/2022): a copy of everything held, and erasure by anonymisation.

Erasure covers the record and every record merged into it (a duplicate absorbed by a merge is
the same person): their identity, contacts, documents and family links go, and so do the
values the audit trail kept of them (`core.audit.erase_audit_values`). The numbers published
from them do not move (`core.retention.keep_aggregates`).

Other apps say what stands in the way without the registry importing them, from their
AppConfig.ready():

- `register_erasure_blocker(fn)`: `fn(person)` gives a reason that **anyone who may erase may
  read** (none registers one today);
- `register_erasure_review(fn)`: `fn()` gives the ids of people whose erasure another part of
  the system must review first. The MRC registers everyone in one of its cases: an office head
  must not learn from the erasure page that someone is in a case (restricted cases are hidden
  from heads), so the page is the same for everyone and a request for such a person waits for
  a case supervisor (`ErasureRequest`), who sees the cases and decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.audit import ERASED, erase_audit_values
from satuatap.core.exceptions import DomainError
from satuatap.core.retention import keep_aggregates
from satuatap.people.models import (
    Disability,
    ErasureReason,
    ErasureRequest,
    ErasureRequestStatus,
    FamilyLink,
    Person,
    PersonDocument,
    PersonMerge,
    Phone,
    ProcessingConsent,
    StatusEvent,
)

__all__ = ["ERASED", "ErasureReason"]

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


# Other apps add what they hold on a person to the data export (UU 27/2022 right of access)
# without the registry importing them: key → function(person) returning JSON-ready data.
_data_sections: dict[str, Callable[[Person], object]] = {}


def register_data_section(key: str, section: Callable[[Person], object]) -> None:
    _data_sections[key] = section


def erasure_blockers(person: Person) -> list[str]:
    """Reasons anyone who may erase the record may read (see `register_erasure_blocker`)."""
    return [reason for blocker in _erasure_blockers if (reason := blocker(person))]


def person_data(person: Person, *, viewer) -> dict:
    """Everything the registry holds on a person, as plain JSON-ready data, with who read the
    record (UU 27/2022 Pasal 7). `viewer` produces the copy: the correction history and the
    access log leave out the case work they may not see (`core.trail`), so a copy made by the
    office head tells her of no MRC case; the case supervisor's copy holds everything."""
    from satuatap.core.trail import access_row, may_see_case_work
    from satuatap.people.selectors import correction_history, person_access_log

    family = FamilyLink.objects.filter(person=person).select_related("relative")
    family_of = FamilyLink.objects.filter(relative=person).select_related("person")
    history = reversed(correction_history(viewer, person, limit=None))
    reads = [access_row(entry) for entry in person_access_log(viewer, person)]
    data = {
        "id": person.pk,
        "office": person.office.name,
        "nik": person.nik,
        "full_name": person.full_name,
        "sex": person.get_sex_display(),
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "birth_place": person.birth_place,
        "village": {"code": person.village_id, "name": person.village.name}
        if person.village
        else None,
        "address": person.address,
        "marital_status": person.get_marital_status_display(),
        "education": person.get_education_display(),
        "languages": person.languages,
        "disability": person.get_disability_display(),
        "registered_at": person.created_at.isoformat(),
        "phones": [{"number": p.number, "kind": p.get_kind_display()} for p in person.phones.all()],
        "migration_timeline": [
            {
                "status": e.get_status_display(),
                "since": e.effective_date.isoformat(),
                "country": e.country.name if e.country else "",
                "employer": e.employer,
                "sector": e.get_sector_display(),
            }
            for e in person.status_events.all()
        ],
        "family": [
            {"relation": link.get_relation_display(), "name": link.relative.full_name}
            for link in family
        ]
        + [
            {"relation_of": link.get_relation_display(), "name": link.person.full_name}
            for link in family_of
        ],
        "documents": [
            {
                "type": d.document_type.name,
                "number": d.number,
                "issued_on": d.issued_on.isoformat() if d.issued_on else None,
                "expires_on": d.expires_on.isoformat() if d.expires_on else None,
                "verification": d.get_verification_status_display(),
            }
            for d in person.documents.select_related("document_type")
        ],
        "consents": [
            {
                "purpose": c.get_purpose_display(),
                "given_on": c.given_on.isoformat(),
                "method": c.get_method_display(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in person.consents.all()
        ],
        "correction_history": [
            {
                "when": entry.timestamp.isoformat(),
                "action": entry.get_action_display(),
                "changes": entry.changes_dict,
            }
            for entry in history
        ],
        "access_log": [
            {
                "at": read.at.isoformat(),
                "reader": read.reader,
                "organisation": read.organisation,
                "purpose": read.purpose,
                "purpose_label": read.purpose_label,
                "channel": read.channel,
                "read": read.read,
            }
            for read in reads
        ],
        "access_log_complete": may_see_case_work(viewer, person.office),
    }
    for key, section in _data_sections.items():
        data[key] = section(person)
    return data


def export_person_data(*, person: Person, by) -> dict:
    """The person's copy of their data. The caller has passed the sensitive-data policy's gate
    (core.sensitive), which asked the reader's purpose and logged the read with it."""
    if not by.has_perm("people.view_person", person):
        raise DomainError("not_found", _("No such record."), status=404)
    return person_data(person, viewer=by)


# --- Erasure ---------------------------------------------------------------------------------


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


def _identifying_values(group: list[Person]) -> set[str]:
    """What names a person in the audit trail of records of other apps (a visit, a file)."""
    ids = [p.pk for p in group]
    values: set[str] = set()
    for person in group:
        values.update(v for v in (person.full_name, person.nik, person.address) if v)
    values.update(Phone.objects.filter(person_id__in=ids).values_list("number", flat=True))
    values.update(
        PersonDocument.objects.filter(person_id__in=ids)
        .exclude(number="")
        .values_list("number", flat=True)
    )
    for merge in PersonMerge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids)):
        if merge.snapshot.get("merged_nik"):
            values.add(merge.snapshot["merged_nik"])
    return {v for v in values if v}


def _records_pointing_at(ids: list[int]):
    """(model, pks) of every record of another model that names one of these people."""
    from satuatap.people.merging import person_links

    own = {Phone, PersonDocument, FamilyLink, StatusEvent, ProcessingConsent, PersonMerge, Person}
    for model, field in person_links(include_merges=False):
        if model in own or model._meta.auto_created:
            continue
        found = model._default_manager.filter(**{f"{field}__in": ids}).order_by()
        pks = list(found.values_list("pk", flat=True))
        if pks:
            yield model, pks


def _anonymise_fields(person: Person) -> None:
    person.full_name = _("Anonymised person")
    person.name_key = ""
    person.nik = None
    if person.birth_date:
        person.birth_date = person.birth_date.replace(month=7, day=1)
    person.birth_place = ""
    person.address = ""
    person.languages = ""
    person.nik_missing_reason = ""
    person.disability = Disability.NONE
    person.has_specific_data = False
    person.confirmed_nik_warnings = []
    person.anonymised_at = timezone.now()
    person.save()


def _erase_group(group: list[Person], *, by, reason: str) -> None:
    """Anonymise the records of one person (the record and those merged into it) and scrub
    the audit trail; the caller holds the transaction and keeps the aggregates."""
    ids = [p.pk for p in group]
    secrets = _identifying_values(group)
    family = FamilyLink.objects.filter(Q(person_id__in=ids) | Q(relative_id__in=ids))
    merges = PersonMerge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids))

    def pks(queryset) -> list[int]:
        return list(queryset.values_list("pk", flat=True))

    linked = {
        PersonDocument: pks(PersonDocument.objects.filter(person_id__in=ids)),
        Phone: pks(Phone.objects.filter(person_id__in=ids)),
        FamilyLink: pks(family),
        StatusEvent: pks(StatusEvent.objects.filter(person_id__in=ids)),
        ProcessingConsent: pks(ProcessingConsent.objects.filter(person_id__in=ids)),
        PersonMerge: pks(merges),
    }
    others = list(_records_pointing_at(ids))
    for document in PersonDocument.objects.filter(person_id__in=ids):
        document.file.delete(save=False)
    PersonDocument.objects.filter(person_id__in=ids).delete()
    Phone.objects.filter(person_id__in=ids).delete()
    family.delete()
    StatusEvent.objects.filter(person_id__in=ids).update(employer="", notes="")
    ProcessingConsent.objects.filter(person_id__in=ids).update(witness="")
    # A merge of erased records cannot be reversed (merging.reverse_merge refuses): what it
    # filled in and why it was made go with the identity.
    merges.update(reason=ERASED, snapshot={"erased": True})
    for person in group:
        _anonymise_fields(person)
    erase_audit_values(Person, ids)
    for model, record_ids in linked.items():
        erase_audit_values(model, record_ids)
    for model, record_ids in others:
        erase_audit_values(model, record_ids, fields=(), values=secrets)
    person = group[0]
    # Who erased it comes from the scope it runs in (core.attribution): the user, or the
    # retention schedule's system job.
    additional = {"anonymised": True, "reason": reason, "merged_records": len(group) - 1}
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_pk=str(person.pk),
        object_id=person.pk,
        object_repr=f"person #{person.pk}",
        action=LogEntry.Action.DELETE,
        actor=by,
        changes={},
        additional_data=additional,
    )


def erase_people(people: list[Person], *, by, reason: str) -> None:
    """Erase each of these records with the records merged into it, keeping every published
    number (one transaction). No permission check: the callers check (the office head's
    request, a case supervisor's review, the retention schedule with `by=None`)."""
    groups = [merged_group(person) for person in people]
    ids = [p.pk for group in groups for p in group]
    with transaction.atomic(), keep_aggregates(person_ids=ids):
        for group in groups:
            _erase_group(group, by=by, reason=reason)


def _check_may_erase(person: Person, by, reason: str) -> None:
    if not by.has_perm("people.erase_person", person):
        raise DomainError("forbidden", _("Only the office head can erase a record."), status=403)
    if reason not in ErasureReason.values:
        raise DomainError("reason_required", _("Choose the request the erasure answers."))
    blockers = erasure_blockers(person)
    if blockers:
        raise DomainError(
            "erasure_blocked",
            _("The data cannot be erased yet: %(reasons)s") % {"reasons": "; ".join(blockers)},
            status=409,
            details=blockers,
        )


def request_erasure(*, person: Person, by, reason: str) -> ErasureRequest:
    """The office head's erasure: carried out at once, or kept waiting for a review when
    another part of the system asked for one (`register_erasure_review`), without saying why."""
    _check_may_erase(person, by, reason)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.is_active_record:
            raise DomainError("not_found", _("No such record."), status=404)
        pending = ErasureRequest.objects.filter(
            person=person, status=ErasureRequestStatus.PENDING
        ).first()
        if pending is not None:
            return pending
        if needs_review(merged_group(person)):
            return ErasureRequest.objects.create(
                person=person, office_id=person.office_id, reason=reason, requested_by=by
            )
        erase_people([person], by=by, reason=reason)
        return ErasureRequest.objects.create(
            person=person,
            office_id=person.office_id,
            reason=reason,
            requested_by=by,
            status=ErasureRequestStatus.DONE,
            decided_by=by,
            decided_at=timezone.now(),
        )


def anonymise_person(*, person: Person, by, reason: str) -> Person:
    """Erase now, or refuse: for callers that cannot wait for a review (the same checks as
    `request_erasure`; a record that needs a review is refused without the reason)."""
    _check_may_erase(person, by, reason)
    if needs_review(merged_group(person)):
        raise DomainError(
            "erasure_needs_review",
            _("The erasure of this record must be reviewed first: ask for it on its page."),
            status=409,
        )
    erase_people([person], by=by, reason=reason)
    person.refresh_from_db()
    return person


def own_pending_request(person: Person, user) -> ErasureRequest | None:
    """The user's own request for this record still waiting for review (shown only to them)."""
    return ErasureRequest.objects.filter(
        person=person, requested_by=user, status=ErasureRequestStatus.PENDING
    ).first()


def carry_out_erasure_request(*, erasure_request: ErasureRequest, by) -> ErasureRequest:
    """The reviewer agreed: erase. Called by the reviewing app after its own permission check."""
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
        if not erasure_request.is_pending:
            raise DomainError("already_decided", _("This request was already decided."))
        person = erasure_request.person
        if person.is_active_record:
            erase_people([person], by=by, reason=erasure_request.reason)
        erasure_request.status = ErasureRequestStatus.DONE
        erasure_request.decided_by = by
        erasure_request.decided_at = timezone.now()
        erasure_request.save(update_fields=["status", "decided_by", "decided_at"])
    return erasure_request


def decline_erasure_request(*, erasure_request: ErasureRequest, by) -> ErasureRequest:
    """The reviewer keeps the record. Called by the reviewing app after its permission check."""
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
        if not erasure_request.is_pending:
            raise DomainError("already_decided", _("This request was already decided."))
        erasure_request.status = ErasureRequestStatus.DECLINED
        erasure_request.decided_by = by
        erasure_request.decided_at = timezone.now()
        erasure_request.save(update_fields=["status", "decided_by", "decided_at"])
    return erasure_request
