"""Attachments of a case: scans and photos (PDF, JPEG or PNG, decided by the file's content).

The file is encrypted and kept in the private storage (MEDIA_ROOT or the bucket, never served
directly; core/storage.py) under a random name; its title is encrypted like the rest of what a
client tells. It is only returned by the
permission-checked view `cases:attachment-file`, to those who may see the case.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.cases import events
from satuatap.cases.models import Case, CaseAttachment
from satuatap.cases.selectors import get_visible_case
from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.people.documents import ALLOWED_CONTENT_TYPES, read_scan

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "download_filename",
    "get_visible_attachment",
    "upload_attachment",
]


def upload_attachment(*, case: Case, by: User, title: str, file) -> CaseAttachment:
    """Attach a PDF, JPEG or PNG file to an open case the user works on."""
    if not by.has_perm("cases.view_case", case):
        raise DomainError("not_found", _("No such record."), status=404)
    if case.is_closed:
        raise DomainError("case_closed", _("This case is closed."), status=409)
    if not by.has_perm("cases.work_on_case", case):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("title_required", _("Give the attachment a title."), status=422)
    data, content_type, extension = read_scan(file)
    attachment = CaseAttachment(
        case=case,
        title=title[:200],
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    # The name given here is ignored by `attachment_path`, which makes a random one. The file
    # is stored first (a storage failure leaves no row); if the row fails, it goes again.
    attachment.file.save(f"attachment{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            events.record(case, "attachment", by)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def get_visible_attachment(user, *, case_id: int, attachment_id: int) -> CaseAttachment | None:
    """The attachment, if its case is one the user may see (else None: a 404)."""
    case = get_visible_case(user, case_id)
    if case is None or not user.has_perm("cases.view_case", case):
        return None
    return case.attachments.filter(pk=attachment_id).first()


def download_filename(attachment: CaseAttachment) -> str:
    """A neutral file name: nothing of the title (which may be sensitive) leaves in it."""
    return f"{attachment.case.number}-attachment-{attachment.pk}{attachment.extension}"
