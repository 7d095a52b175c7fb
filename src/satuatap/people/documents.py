"""A person's documents (KTP, KK, passport, certificates…): upload, verification, reads.

A scan is accepted by what its bytes are, never by its file name: only PDF, JPEG and PNG, each
recognised by puremagic and confirmed by its own signature at the start of the file. The file is
encrypted and kept in the private storage (MEDIA_ROOT or the bucket, never served directly;
core/storage.py) under a random name, and it is only ever returned by the permission-checked
view in `views/documents.py`.
Every change of a `PersonDocument` is audited by django-auditlog in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import read_upload
from satuatap.people.models import DocumentType, Person, PersonDocument, VerificationStatus
from satuatap.people.selectors import visible_people


@dataclass(frozen=True)
class AllowedKind:
    content_type: str
    extension: str
    signature: bytes


# The only kinds of file a scan may be. Anything else (HTML, SVG, scripts, executables, office
# files, archives…) is refused, whatever its name says.
ALLOWED_KINDS = (
    AllowedKind("application/pdf", ".pdf", b"%PDF-"),
    AllowedKind("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    AllowedKind("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
)
ALLOWED_CONTENT_TYPES = frozenset(kind.content_type for kind in ALLOWED_KINDS)


def _unsupported_file_type() -> DomainError:
    return DomainError(
        "unsupported_file_type",
        _("This file is not a PDF, JPEG or PNG. Upload the scan as a PDF, JPEG or PNG file."),
    )


def detect_content_type(data: bytes) -> tuple[str, str]:
    """Return (content type, extension) of `data` if it is an allowed kind of scan."""
    if not data:
        raise _unsupported_file_type()
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError) as error:
        raise _unsupported_file_type() from error
    if not matches:
        raise _unsupported_file_type()
    # Only the most confident guesses count: a file that looks more like something else
    # than like a PDF, JPEG or PNG is refused.
    best = matches[0].confidence
    best_types = {match.mime_type for match in matches if match.confidence >= best}
    for kind in ALLOWED_KINDS:
        if kind.content_type in best_types and data.startswith(kind.signature):
            return kind.content_type, kind.extension
    raise _unsupported_file_type()


def _too_large() -> DomainError:
    megabytes = settings.DOCUMENT_MAX_BYTES / (1024 * 1024)
    return DomainError(
        "file_too_large",
        _("The file is too large. A scan may be at most %(size)s MB.") % {"size": f"{megabytes:g}"},
        status=413,
    )


def read_scan(file) -> tuple[bytes, str, str]:
    """Read an uploaded scan within DOCUMENT_MAX_BYTES and recognise it by its content:
    (bytes, content type, extension), or a translated DomainError. Every upload of a scan in
    the project (documents, case attachments, village regulations) goes through here."""
    limit = settings.DOCUMENT_MAX_BYTES
    if getattr(file, "size", None) is not None and file.size > limit:
        raise _too_large()
    data = read_upload(file, limit)
    if len(data) > limit:
        raise _too_large()
    if not data:
        raise DomainError("empty_file", _("The file is empty. Choose the scan again."))
    content_type, extension = detect_content_type(data)
    return data, content_type, extension


def upload_document(
    *,
    person: Person,
    document_type: DocumentType,
    file,
    by,
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


def _decidable_document(document: PersonDocument, by) -> None:
    if not by.has_perm("people.view_document", document):
        raise DomainError("not_found", _("This document was not found."), status=404)
    if not by.has_perm("people.verify_document", document):
        raise DomainError(
            "forbidden",
            _("Only an officer of the desk that handles this kind of document may verify it."),
            status=403,
        )


def verify_document(*, document: PersonDocument, by) -> PersonDocument:
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


def reject_document(*, document: PersonDocument, reason: str, by) -> PersonDocument:
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


# --- Reads ---------------------------------------------------------------------------------


def visible_documents(user) -> QuerySet[PersonDocument]:
    """Documents of the people the user may see; nothing of another office."""
    return PersonDocument.objects.filter(person__in=visible_people(user)).select_related(
        "person", "document_type", "verified_by", "uploaded_by"
    )


def get_visible_document(user, *, person_id: int, document_id: int) -> PersonDocument | None:
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


def documents_for_person(user, person: Person) -> list[DocumentRow]:
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


def download_filename(document: PersonDocument) -> str:
    """A safe name for the browser: the type code and id, never the stored path."""
    return f"{document.document_type.code}-{document.pk}{document.extension}"
