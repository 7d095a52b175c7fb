"""A person's correction history as the office reads it: what was registered and corrected on
the record and its phone numbers, each field by its label, old → new in words, by whom (their
name) and when (on the office's clock) — never an id, `None` or a relation placeholder.

The entries are django-auditlog's (`selectors.correction_history`, which leaves out the case
work the reader may not see); `core.changes` puts them into words. A record named in a value (the
record this one was merged into) is named only when the reader may see it, else "another
record"; the NIK is masked in the trail itself and reads "hidden".
"""

from __future__ import annotations

import json

from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy

from satuatap.core.changes import Namer, ReadableEntry, namer_of, readable_entries
from satuatap.core.models import Organisation, User
from satuatap.people.models import Person, Phone
from satuatap.people.selectors import correction_history, visible_people
from satuatap.regions.models import Region

ACTIONS = {
    (Person, LogEntry.Action.CREATE): gettext_lazy("Registered"),
    (Person, LogEntry.Action.UPDATE): gettext_lazy("Corrected"),
    (Person, LogEntry.Action.DELETE): gettext_lazy("Deleted"),
    (Phone, LogEntry.Action.CREATE): gettext_lazy("Phone number added"),
    (Phone, LogEntry.Action.UPDATE): gettext_lazy("Phone number changed"),
    (Phone, LogEntry.Action.DELETE): gettext_lazy("Phone number removed"),
}

# The NIK warnings an officer confirmed (`nik.py`), by code.
NIK_WARNINGS = {
    "sex_mismatch": gettext_lazy("the sex differs from the NIK"),
    "birth_date_mismatch": gettext_lazy("the date of birth differs from the NIK"),
    "unknown_district": gettext_lazy("the NIK's district is not in the region list"),
}

# The search key is derived from the name; a phone's person is the record itself.
SKIPPED = ("name_key", "person")


def _nik_warnings(value) -> str:
    try:
        codes = json.loads(value) if value else []
    except ValueError:
        return ""
    if not isinstance(codes, list):
        return ""
    return ", ".join(str(NIK_WARNINGS.get(code, code)) for code in codes)


def _villages(pks: set[str]) -> dict[str, str]:
    return {
        region.code: f"{region.name} ({region.code})"
        for region in Region.objects.filter(code__in=pks)
    }


def _people_seen_by(viewer: User) -> Namer:
    """Another record (the one this was merged into) by name when the reader may see it."""

    def names(pks: set[str]) -> dict[str, str]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        return {
            str(pk): name
            for pk, name in visible_people(viewer).filter(pk__in=ids).values_list("pk", "full_name")
        }

    return names


def readable_history(
    viewer: User, person: Person, *, limit: int | None = 50
) -> list[ReadableEntry]:
    """The person's correction history, newest first, in the reader's language and on the
    clock of the person's office."""
    return readable_entries(
        correction_history(viewer, person, limit=limit),
        zone=person.office.zone,
        namers={
            Person: _people_seen_by(viewer),
            Region: _villages,
            Organisation: namer_of(Organisation),
            User: namer_of(User),
        },
        words={(Person, "confirmed_nik_warnings"): _nik_warnings},
        actions=ACTIONS,
        skip=SKIPPED,
    )
