"""The registry's records under the sensitive-data policy (core.sensitive): a person flagged
sensitive (a child, a disability, specific data under UU 27/2022) and a document of specific data
or of such a person are read with a purpose; a document's read is about its person."""

from __future__ import annotations

from satuatap.core import sensitive
from satuatap.people.documents.selectors import document_requires_read_purpose
from satuatap.people.models import Person, PersonDocument


def register() -> None:
    sensitive.register(
        Person,
        may_read=lambda user, person: user.has_perm("people.view_person", person),
        needs_purpose=lambda person: person.is_sensitive,
    )
    sensitive.register(
        PersonDocument,
        may_read=lambda user, document: (
            user.has_perm("people.view_document", document)
            and user.has_perm("people.view_person", document.person)
        ),
        needs_purpose=document_requires_read_purpose,
        subject=lambda document: document.person,
    )
