"""Reading uploaded files safely."""

from __future__ import annotations


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
