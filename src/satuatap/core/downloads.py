"""Sending a private upload (a scan, an attachment, a regulation) to the one who may read it.

Uploads live in the private storage (`MEDIA_ROOT`, or an S3 bucket: core/storage.py), which is
never served directly and hands out no public or signed link: a view checks who may read the
record (and asks the purpose through `core.sensitive` where the record needs one), then answers
with `private_file_response`, which streams the file (decrypted, for the encrypted kinds). A
storage that cannot be reached is a 503 with a translated message (`StorageUnavailable`,
answered by `core.errors.DomainErrorMiddleware`), a file gone from it a 404.
"""

from __future__ import annotations

from collections.abc import Container

from django.core.files import File
from django.http import FileResponse, Http404


def private_file_response(
    file: File, *, filename: str, content_type: str, allowed_content_types: Container[str]
) -> FileResponse:
    """`file` as a download named `filename`; Http404 when the stored file is gone.

    The content type is the stored one only if it is one of `allowed_content_types` (the kinds
    the upload was checked to be), else `application/octet-stream`."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    if content_type not in allowed_content_types:
        content_type = "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    # Never rendered by the browser as a page of ours, never kept in a shared cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
