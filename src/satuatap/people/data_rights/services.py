"""Erasure (UU 27/2022), by anonymisation: the office head's request, carried out at once or
kept waiting for a review (`hooks.register_erasure_review`), the reviewer's decision, and the
retention schedule's erasure of inactive records.

Erasure covers the record and every record merged into it (a duplicate absorbed by a merge is
the same person): their identity, contacts, documents and family links go, and so do the
values the audit trail kept of them (`core.audit.erase_audit_values`). The numbers published
from them do not move (`core.retention.keep_aggregates`).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.audit import ERASED, erase_audit_values
from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.retention import keep_aggregates
from satuatap.people.data_rights.hooks import erasure_blockers, needs_review, run_person_erasers
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
from satuatap.people.name_index import purge_deleted_terms
from satuatap.people.selectors import merged_group, person_links, phones_ever_of


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


def _records_pointing_at(ids: list[int]) -> Iterator[tuple[type[Model], list[int]]]:
    """(model, pks) of every record of another model that names one of these people."""
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
    person.cpmi_id = ""
    person.disability = Disability.NONE
    person.has_specific_data = False
    person.confirmed_nik_warnings = []
    person.anonymised_at = timezone.now()
    person.save()


def _erase_group(group: list[Person], *, by: User | None, reason: str) -> None:
    """Anonymise the records of one person (the record and those merged into it) and scrub
    the audit trail; the caller holds the transaction and keeps the aggregates."""
    ids = [p.pk for p in group]
    secrets = _identifying_values(group)
    family = FamilyLink.objects.filter(Q(person_id__in=ids) | Q(relative_id__in=ids))
    merges = PersonMerge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids))

    def pks(queryset: QuerySet) -> list[int]:
        return list(queryset.values_list("pk", flat=True))

    linked = {
        PersonDocument: pks(PersonDocument.objects.filter(person_id__in=ids)),
        # Those removed by a correction before too: their entries still hold the number.
        Phone: sorted(phones_ever_of(ids)),
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
    # A merge of erased records cannot be reversed (services.reverse_merge refuses): what it
    # filled in and why it was made go with the identity.
    merges.update(reason=ERASED, snapshot={"erased": True})
    run_person_erasers(ids)
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


def erase_people(people: list[Person], *, by: User | None, reason: str) -> None:
    """Erase each of these records with the records merged into it, keeping every published
    number (one transaction). No permission check: the callers check (the office head's
    request, a case supervisor's review, the retention schedule with `by=None`)."""
    groups = [merged_group(person) for person in people]
    ids = [p.pk for group in groups for p in group]
    with transaction.atomic(), keep_aggregates(person_ids=ids):
        for group in groups:
            _erase_group(group, by=by, reason=reason)
        # The name index dropped their rows; make sure no segment keeps their names' terms.
        purge_deleted_terms()


def _check_may_erase(person: Person, by: User, reason: str) -> None:
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


def request_erasure(*, person: Person, by: User, reason: str) -> ErasureRequest:
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


def anonymise_person(*, person: Person, by: User, reason: str) -> Person:
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


def carry_out_erasure_request(*, erasure_request: ErasureRequest, by: User) -> ErasureRequest:
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


def decline_erasure_request(*, erasure_request: ErasureRequest, by: User) -> ErasureRequest:
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
