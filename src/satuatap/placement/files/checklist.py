"""The document checklist of a placement file, decided by `ChecklistRule` rows (data).

A document type is required for a file when any active rule matches the file: every non-blank
condition of the rule (scheme, destination, sector, sex, marital status) equals the file's. Each
required document is then matched with the person's uploaded documents of that type in the
registry, and gets a status. Nothing here writes: the checklist is always computed from the rules
and the registry as they are now, so it can never disagree with them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.models import Desk, DeskType, Organisation
from satuatap.people.documents.selectors import document_is_expired
from satuatap.people.models import (
    DocumentType,
    MaritalStatus,
    Person,
    PersonDocument,
    VerificationStatus,
)
from satuatap.placement.files.models import ChecklistRule, PlacementFile

PASSPORT_CODE = "paspor"


class ItemStatus(models.TextChoices):
    MISSING = "missing", gettext_lazy("Missing")
    SUBMITTED = "submitted", gettext_lazy("Submitted, waiting for verification")
    VERIFIED = "verified", gettext_lazy("Verified")
    REJECTED = "rejected", gettext_lazy("Rejected")
    EXPIRED = "expired", gettext_lazy("Expired")


@dataclass(frozen=True)
class FileFacts:
    """What the rules look at, taken from a file and its person."""

    scheme: str
    country: str
    sector: str
    sex: str
    marital_status: str

    @classmethod
    def of(cls, placement_file: PlacementFile) -> FileFacts:
        person = placement_file.person
        return cls(
            scheme=placement_file.scheme,
            country=placement_file.destination().code or "",
            sector=placement_file.sector
            or (placement_file.job_order.sector if placement_file.job_order is not None else ""),
            sex=person.sex,
            marital_status=person.marital_status,
        )


def rule_matches(rule: ChecklistRule, facts: FileFacts) -> bool:
    if rule.scheme and rule.scheme != facts.scheme:
        return False
    if rule.country and rule.country.code != facts.country:
        return False
    if rule.sector and rule.sector != facts.sector:
        return False
    if rule.sex and rule.sex != facts.sex:
        return False
    if rule.marital:
        married = facts.marital_status == MaritalStatus.MARRIED
        if married != (rule.marital == ChecklistRule.MaritalCondition.MARRIED):
            return False
    return True


def required_document_types(
    facts: FileFacts, rules: Iterable[ChecklistRule] | None = None
) -> list[DocumentType]:
    """The document types the rules require for a file with these facts, in display order."""
    if rules is None:
        rules = ChecklistRule.objects.filter(is_active=True).select_related("document_type")
    required: dict[int, DocumentType] = {}
    for rule in rules:
        if rule.is_active and rule_matches(rule, facts):
            required.setdefault(rule.document_type_id, rule.document_type)
    return sorted(required.values(), key=lambda t: (t.order, t.code))


def contract_end(placement_file: PlacementFile, today: datetime.date) -> datetime.date | None:
    """When the contract ends: the departure (or, before it, today) plus the contract length."""
    months = placement_file.contract_length()
    if not months:
        return None
    start = placement_file.departure_date or today
    return start + relativedelta(months=months)


@dataclass(frozen=True)
class VerifyingDesk:
    """Where a kind of document is verified: the office's desk of its desk type, or only the
    desk type when the office has no such desk (then nobody there can verify it)."""

    desk_type_code: str
    desk: Desk | None = None
    desk_type: DeskType | None = None

    @property
    def label(self) -> str:
        if self.desk is not None:
            return _("desk %(prefix)s, %(name)s") % {
                "prefix": self.desk.prefix,
                "name": self.desk.desk_type.name,
            }
        if self.desk_type is not None:
            return _("a %(name)s desk, which this office does not have") % {
                "name": self.desk_type.name
            }
        return _("no desk (none is set for this kind of document)")

    @property
    def office_has_it(self) -> bool:
        return self.desk is not None


def verifying_desks(office: Organisation) -> dict[str, VerifyingDesk]:
    """Every desk type code → where the office verifies documents of that desk type."""
    desks = {
        desk.desk_type.code: desk
        for desk in Desk.objects.filter(office=office, is_active=True).select_related("desk_type")
    }
    return {
        desk_type.code: VerifyingDesk(desk_type.code, desks.get(desk_type.code), desk_type)
        for desk_type in DeskType.objects.all()
    }


def verifying_desk(document_type: DocumentType, desks: dict[str, VerifyingDesk]) -> VerifyingDesk:
    code = document_type.desk_type_code
    return desks.get(code) or VerifyingDesk(code)


@dataclass
class ChecklistItem:
    document_type: DocumentType
    status: ItemStatus
    document: PersonDocument | None = None
    warnings: list[str] = field(default_factory=list)
    verified_at: VerifyingDesk | None = None

    @property
    def is_satisfied(self) -> bool:
        return self.status == ItemStatus.VERIFIED

    @property
    def rejection_reason(self) -> str:
        if self.status == ItemStatus.REJECTED and self.document is not None:
            return self.document.rejection_reason
        return ""


def _best_document(documents: list[PersonDocument], today: datetime.date):
    """A verified, unexpired scan if there is one, else the newest scan (None if none)."""
    for document in documents:
        if document.verification_status == VerificationStatus.VERIFIED and not (
            document_is_expired(document, today)
        ):
            return document
    return documents[0] if documents else None


def _status_of(document: PersonDocument | None, today: datetime.date) -> ItemStatus:
    if document is None:
        return ItemStatus.MISSING
    if document_is_expired(document, today):
        return ItemStatus.EXPIRED
    if document.verification_status == VerificationStatus.VERIFIED:
        return ItemStatus.VERIFIED
    if document.verification_status == VerificationStatus.REJECTED:
        return ItemStatus.REJECTED
    return ItemStatus.SUBMITTED


def passport_expires_before_contract_end(
    document: PersonDocument | None, placement_file: PlacementFile, today: datetime.date
) -> datetime.date | None:
    """The contract's end when the passport expires before it, else None."""
    if document is None or document.expires_on is None:
        return None
    end = contract_end(placement_file, today)
    if end is not None and document.expires_on < end:
        return end
    return None


def checklist(
    placement_file: PlacementFile,
    today: datetime.date,
    *,
    desks: dict[str, VerifyingDesk] | None = None,
) -> list[ChecklistItem]:
    """Every document the file needs, with the person's matching document, its status and
    the desk that verifies it (`desks`: `verifying_desks` of the file's office, read once by a
    caller that goes through many files)."""
    types = required_document_types(FileFacts.of(placement_file))
    by_type: dict[int, list[PersonDocument]] = {t.pk: [] for t in types}
    person: Person = placement_file.person
    for document in (
        person.documents.filter(document_type__in=types)
        .select_related("document_type", "verified_by")
        .order_by("-uploaded_at", "-pk")
    ):
        document.person = person
        by_type[document.document_type_id].append(document)
    if desks is None:
        desks = verifying_desks(placement_file.office)
    items = []
    for document_type in types:
        document = _best_document(by_type[document_type.pk], today)
        item = ChecklistItem(
            document_type,
            _status_of(document, today),
            document,
            verified_at=verifying_desk(document_type, desks),
        )
        if document_type.code == PASSPORT_CODE:
            end = passport_expires_before_contract_end(document, placement_file, today)
            if end is not None:
                item.warnings.append(
                    _("The passport expires on %(expiry)s, before the contract ends (%(end)s).")
                    % {"expiry": document.expires_on.isoformat(), "end": end.isoformat()}
                )
        items.append(item)
    return items
