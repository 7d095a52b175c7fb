"""Data-subject rights (UU 27/2022): a copy of everything held, and erasure by anonymisation.

Other apps that need a person's data kept (an open MRC case, an active placement file) register
an erasure blocker from their AppConfig.ready(); the registry never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.exceptions import DomainError
from satuatap.people.models import (
    Disability,
    FamilyLink,
    Person,
    PersonDocument,
    Phone,
    ProcessingConsent,
    StatusEvent,
)


class ErasureReason(models.TextChoices):
    PERSON_REQUEST = "person", gettext_lazy("Request of the person")
    GUARDIAN_REQUEST = "guardian", gettext_lazy("Request of a parent or guardian")
    LEGAL_ORDER = "legal", gettext_lazy("Order of a court or authority")
    RETENTION_ENDED = "retention", gettext_lazy("End of the retention period")


ErasureBlocker = Callable[[Person], str | None]
_erasure_blockers: list[ErasureBlocker] = []
ERASED = "[erased]"


def register_erasure_blocker(blocker: ErasureBlocker) -> None:
    """`blocker(person)` returns a translated reason why the data must be kept, or None."""
    if blocker not in _erasure_blockers:
        _erasure_blockers.append(blocker)


def unregister_erasure_blocker(blocker: ErasureBlocker) -> None:
    if blocker in _erasure_blockers:
        _erasure_blockers.remove(blocker)


# Other apps add what they hold on a person to the data export (UU 27/2022 right of access)
# without the registry importing them: key → function(person) returning JSON-ready data.
_data_sections: dict[str, Callable[[Person], object]] = {}


def register_data_section(key: str, section: Callable[[Person], object]) -> None:
    _data_sections[key] = section


def erasure_blockers(person: Person) -> list[str]:
    return [reason for blocker in _erasure_blockers if (reason := blocker(person))]


def person_data(person: Person) -> dict:
    """Everything the registry holds on a person, as plain JSON-ready data."""
    family = FamilyLink.objects.filter(person=person).select_related("relative")
    family_of = FamilyLink.objects.filter(relative=person).select_related("person")
    history = LogEntry.objects.get_for_object(person).select_related("actor").order_by("timestamp")
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
            if entry.action != LogEntry.Action.ACCESS
        ],
    }
    for key, section in _data_sections.items():
        data[key] = section(person)
    return data


def export_person_data(*, person: Person, by) -> dict:
    """The person's copy of their data. The caller has passed the sensitive-data policy's gate
    (core.sensitive), which asked the reader's purpose and logged the read with it."""
    if not by.has_perm("people.view_person", person):
        raise DomainError("not_found", _("No such record."), status=404)
    return person_data(person)


def _scrub_audit_trail(model, pks) -> None:
    content_type = ContentType.objects.get_for_model(model)
    for entry in LogEntry.objects.filter(
        content_type=content_type, object_pk__in=[str(p) for p in pks]
    ):
        entry.changes = {field: [ERASED, ERASED] for field in (entry.changes_dict or {})}
        entry.object_repr = f"{model._meta.model_name} #{entry.object_pk}"
        LogEntry.objects.filter(pk=entry.pk).update(
            changes=entry.changes, object_repr=entry.object_repr
        )


def anonymise_person(*, person: Person, by, reason: str) -> Person:
    """Erase what identifies the person, keeping what aggregate counts need.

    Kept: office, sex, birth year, village code, migration statuses with dates, countries and
    sectors, consent dates. Gone: name, NIK, exact birth date, place of birth, address, phones,
    documents and their files, family links, employers, and the old values in the audit trail.
    """
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
    with transaction.atomic():
        linked = {
            PersonDocument: list(person.documents.values_list("pk", flat=True)),
            Phone: list(person.phones.values_list("pk", flat=True)),
            FamilyLink: list(
                FamilyLink.objects.filter(Q(person=person) | Q(relative=person)).values_list(
                    "pk", flat=True
                )
            ),
            StatusEvent: list(person.status_events.values_list("pk", flat=True)),
            ProcessingConsent: list(person.consents.values_list("pk", flat=True)),
        }
        for document in person.documents.all():
            document.file.delete(save=False)
        person.documents.all().delete()
        person.phones.all().delete()
        FamilyLink.objects.filter(Q(person=person) | Q(relative=person)).delete()
        person.status_events.update(employer="", notes="")
        person.consents.update(witness="")
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
        _scrub_audit_trail(Person, [person.pk])
        for model, pks in linked.items():
            _scrub_audit_trail(model, pks)
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Person),
            object_pk=str(person.pk),
            object_id=person.pk,
            object_repr=f"person #{person.pk}",
            action=LogEntry.Action.DELETE,
            actor=by,
            changes={},
            additional_data={"anonymised": True, "reason": reason},
        )
    return person
