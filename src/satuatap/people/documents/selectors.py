"""Reads of a person's documents, limited to what the user may see, and the rules of a
document's validity and of who reads it with a purpose."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from satuatap.core.models import User
from satuatap.people.models import DocumentType, Person, PersonDocument, VerificationStatus
from satuatap.people.rules import verified_desk_type_codes
from satuatap.people.selectors import visible_people


def document_is_expired(document: PersonDocument, on: datetime.date) -> bool:
    """True once the document is no longer valid on day `on` (valid through its expiry day)."""
    if document.expires_on is not None and document.expires_on < on:
        return True
    validity_days = document.document_type.validity_days
    if validity_days and document.issued_on is not None:
        return document.issued_on + datetime.timedelta(days=validity_days) < on
    return False


def document_requires_read_purpose(document: PersonDocument) -> bool:
    """Specific data (UU 27/2022), or any document of a sensitive person, is read with a purpose."""
    return document.document_type.is_specific_data or document.person.is_sensitive


def visible_documents(user: User) -> QuerySet[PersonDocument]:
    """Documents of the people the user may see; nothing of another office."""
    return PersonDocument.objects.filter(person__in=visible_people(user)).select_related(
        "person", "document_type", "verified_by", "uploaded_by"
    )


def get_visible_document(user: User, *, person_id: int, document_id: int) -> PersonDocument | None:
    document = visible_documents(user).filter(pk=document_id, person_id=person_id).first()
    if document is None or not user.has_perm("people.view_document", document):
        return None
    return document


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents section of the person page."""

    document: PersonDocument
    is_expired: bool
    can_verify: bool
    requires_read_purpose: bool


def documents_for_person(user: User, person: Person) -> list[DocumentRow]:
    """The person's documents as `user` may see them, with what `user` may do to each."""
    if not user.has_perm("people.view_person", person):
        return []
    today = user.office.today() if user.office else timezone.localdate()
    documents = person.documents.select_related("document_type", "verified_by", "uploaded_by")
    rows = []
    for document in documents:
        document.person = person
        is_expired = document_is_expired(document, today)
        rows.append(
            DocumentRow(
                document=document,
                is_expired=is_expired,
                can_verify=(
                    document.verification_status == VerificationStatus.PENDING
                    and not is_expired
                    and user.has_perm("people.verify_document", document)
                ),
                requires_read_purpose=document_requires_read_purpose(document),
            )
        )
    return rows


def verifies_documents(user: User) -> bool:
    """Whether some kind of document is verified at a desk the user verifies for."""
    codes = verified_desk_type_codes(user)
    return bool(codes) and DocumentType.objects.filter(desk_type_code__in=codes).exists()


def documents_to_verify(user: User, today: datetime.date) -> list[PersonDocument]:
    """The documents waiting for verification that the user may verify (their desk's kinds),
    of the office's current records, oldest upload first. An expired one is left out: it
    cannot be verified, a new one is needed."""
    codes = verified_desk_type_codes(user)
    if not codes:
        return []
    documents = (
        visible_documents(user)
        .filter(
            verification_status=VerificationStatus.PENDING,
            document_type__desk_type_code__in=codes,
            person__merged_into__isnull=True,
            person__anonymised_at__isnull=True,
        )
        .order_by("uploaded_at", "pk")
    )
    return [
        document
        for document in documents
        if not document_is_expired(document, today)
        and user.has_perm("people.verify_document", document)
    ]
