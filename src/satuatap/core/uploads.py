"""Reading uploaded files safely: at most the limit (`read_upload`), and a scan recognised by its
content (`read_scan`).

A scan is accepted by what its bytes are, never by its file name: only PDF, JPEG and PNG, each
recognised by puremagic and confirmed by its own signature at the start of the file. Every
upload of a scan in the project (a person's documents, case attachments, training
certificates, village regulations) goes through `read_scan`.
"""

from __future__ import annotations

from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError


def read_upload(file, limit: int) -> bytes:
    """At most `limit` + 1 bytes of an upload, so a file over the limit is never read whole."""
    if hasattr(file, "seek"):
        file.seek(0)
    if not hasattr(file, "chunks"):
        return file.read(limit + 1)
    parts, total = [], 0
    for chunk in file.chunks():
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(parts)


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
    (bytes, content type, extension), or a translated DomainError."""
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
