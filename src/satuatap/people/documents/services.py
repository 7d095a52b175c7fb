"""Writes on a person's documents (KTP, KK, passport, certificates…): upload and verification.

A scan is accepted by what its bytes are, never by its file name (`core.uploads.read_scan`).
The file is encrypted and kept in the private storage (MEDIA_ROOT or the bucket, never served
directly; core/storage.py) under a random name, and it is only ever returned by the
permission-checked view in `views.py`.
Every change of a `PersonDocument` is audited by django-auditlog in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.uploads import read_scan
from satuatap.people.documents.selectors import document_is_expired
from satuatap.people.models import DocumentType, Person, PersonDocument, VerificationStatus


def upload_document(
    *,
    person: Person,
    document_type: DocumentType,
    file: File,
    by: User,
    number: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> PersonDocument:
    """Store a scan of one of `person`'s documents. A new scan never changes an older one."""
    if not by.has_perm("people.view_person", person):
        raise DomainError("not_found", _("This person was not found."), status=404)
    if not by.has_perm("people.upload_document", person):
        raise DomainError(
            "forbidden", _("You may not upload documents for this person."), status=403
        )
    if not person.is_active_record:
        raise DomainError(
            "inactive_record",
            _("This record was merged or anonymised; add documents to the current record."),
            status=409,
        )
    if document_type.validity_days and issued_on is None:
        raise DomainError(
            "issue_date_required",
            _("A %(document)s is valid for %(days)s days after issue: give the date of issue.")
            % {"document": document_type.name, "days": document_type.validity_days},
        )
    if issued_on and expires_on and expires_on < issued_on:
        raise DomainError(
            "expiry_before_issue", _("The expiry date cannot be before the date of issue.")
        )
    data, content_type, extension = read_scan(file)

    document = PersonDocument(
        person=person,
        document_type=document_type,
        number=" ".join(number.split()),
        issued_on=issued_on,
        expires_on=expires_on,
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    # The name passed here is ignored by `document_upload_path`, which makes a random one. The
    # file is stored first (a storage failure leaves no row); if the row fails, it goes again.
    document.file.save(f"scan{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _lock_and_refresh(document: PersonDocument) -> None:
    """Lock the row and read its current state into the caller's instance."""
    document.refresh_from_db(
        from_queryset=PersonDocument.objects.select_for_update().select_related(
            "person", "document_type"
        )
    )


def _decidable_document(document: PersonDocument, by: User) -> None:
    if not by.has_perm("people.view_document", document):
        raise DomainError("not_found", _("This document was not found."), status=404)
    if not by.has_perm("people.verify_document", document):
        raise DomainError(
            "forbidden",
            _("Only an officer of the desk that handles this kind of document may verify it."),
            status=403,
        )


def verify_document(*, document: PersonDocument, by: User) -> PersonDocument:
    """Mark a waiting document as checked against the original by the responsible desk."""
    with transaction.atomic():
        _lock_and_refresh(document)
        _decidable_document(document, by)
        if document.verification_status != VerificationStatus.PENDING:
            raise DomainError(
                "already_decided",
                _("This document was already verified or rejected; upload a new scan instead."),
                status=409,
            )
        today = by.office.today() if by.office else timezone.localdate()
        if document_is_expired(document, today):
            raise DomainError(
                "document_expired", _("This document has expired and cannot be verified.")
            )
        document.verification_status = VerificationStatus.VERIFIED
        document.rejection_reason = ""
        document.verified_by = by
        document.verified_at = timezone.now()
        document.save(
            update_fields=["verification_status", "rejection_reason", "verified_by", "verified_at"]
        )
    return document


def reject_document(*, document: PersonDocument, reason: str, by: User) -> PersonDocument:
    """Refuse a waiting document, saying why (shown to the officers who upload a new scan)."""
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        _lock_and_refresh(document)
        _decidable_document(document, by)
        if not reason:
            raise DomainError("reason_required", _("Say why the document is rejected."))
        if document.verification_status != VerificationStatus.PENDING:
            raise DomainError(
                "already_decided",
                _("This document was already verified or rejected; upload a new scan instead."),
                status=409,
            )
        document.verification_status = VerificationStatus.REJECTED
        document.rejection_reason = reason[:255]
        # verified_by/verified_at record who decided, whichever way.
        document.verified_by = by
        document.verified_at = timezone.now()
        document.save(
            update_fields=["verification_status", "rejection_reason", "verified_by", "verified_at"]
        )
    return document
