"""`core.downloads.private_file_response`: how every private upload leaves the server (person
documents, case attachments, village regulations)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404

from satuatap.core.downloads import private_file_response

ALLOWED = frozenset({"application/pdf", "image/png"})

# Closing a response sends `request_finished`, which checks the worker's database connection
# when an earlier test left one open.
pytestmark = pytest.mark.django_db


class StoredFile:
    """A file in a storage, opened the way a model's `FieldFile` opens it."""

    def __init__(self, storage: FileSystemStorage, name: str):
        self.storage, self.name = storage, name

    def open(self, mode: str = "rb"):
        return self.storage.open(self.name, mode)


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def test_a_stored_file_is_an_attachment_no_browser_renders_or_caches(storage):
    name = storage.save("scan.pdf", ContentFile(b"%PDF-1.7 scan"))

    response = private_file_response(
        StoredFile(storage, name),
        filename="KTP-7.pdf",
        content_type="application/pdf",
        allowed_content_types=ALLOWED,
    )

    assert b"".join(response.streaming_content) == b"%PDF-1.7 scan"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="KTP-7.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
    response.close()


def test_a_stored_type_outside_the_allowed_ones_is_sent_as_plain_bytes(storage):
    name = storage.save("page.html", ContentFile(b"<script>alert(1)</script>"))

    response = private_file_response(
        StoredFile(storage, name),
        filename="doc-1.html",
        content_type="text/html",
        allowed_content_types=ALLOWED,
    )

    assert response["Content-Type"] == "application/octet-stream"
    response.close()


def test_a_file_gone_from_the_storage_is_not_found(storage):
    with pytest.raises(Http404):
        private_file_response(
            StoredFile(storage, "gone.pdf"),
            filename="KTP-7.pdf",
            content_type="application/pdf",
            allowed_content_types=ALLOWED,
        )
