"""What the registry puts in "Your work" on the home page (`core.work`): the documents waiting
for verification at the desk the user verifies for (a desk officer's desk; the labour desk for
a placement officer)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satuatap.core.models import User
from satuatap.core.work import (
    ROW_LIMIT,
    WorkItem,
    WorkLink,
    WorkPanel,
    WorkRow,
    register_work_panel,
)
from satuatap.people.documents import selectors


def documents_panel(user: User) -> WorkPanel | None:
    if user.office is None or not selectors.verifies_documents(user):
        return None
    today = user.office.today()
    documents = selectors.documents_to_verify(user, today)
    oldest_first = documents[:ROW_LIMIT]
    rows = tuple(
        WorkRow(
            text=document.person.full_name,
            url=reverse("people:detail", args=[document.person_id]) + "#documents-heading",
            detail=_("%(document)s, uploaded %(date)s")
            % {
                "document": document.document_type.name,
                "date": date_format(
                    timezone.localtime(document.uploaded_at, user.office.zone),
                    "SHORT_DATE_FORMAT",
                ),
            },
        )
        for document in oldest_first
    )
    listing = reverse("people:documents-to-verify")
    return WorkPanel(
        title=_("Documents to verify"),
        items=(WorkItem(_("waiting for verification"), len(documents), listing),),
        rows=rows,
        rows_title=_("Oldest first") if len(documents) > 1 else "",
        empty_text=_("No document waits for your desk."),
        more=WorkLink(_("All documents to verify"), listing)
        if len(documents) > ROW_LIMIT
        else None,
    )


def register() -> None:
    register_work_panel("people-documents", documents_panel, order=30)
