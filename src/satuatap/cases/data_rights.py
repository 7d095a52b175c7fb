"""A person's registry record cannot be erased while an MRC case about them is open or must be
kept: the case file is the evidence the client may need (people.data_rights hook)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def _open_cases_block_erasure(person) -> str | None:
    from satuatap.cases.models import Case, CaseStatus

    cases = Case.objects.filter(client=person) | Case.objects.filter(complainant=person)
    if cases.exclude(status=CaseStatus.CLOSED).exists():
        return _("An MRC case about this person is still open.")
    if cases.exists():
        return _("This person is in a closed MRC case, which is kept as the client's record.")
    return None


def register() -> None:
    from satuatap.people.data_rights import register_erasure_blocker

    register_erasure_blocker(_open_cases_block_erasure)
