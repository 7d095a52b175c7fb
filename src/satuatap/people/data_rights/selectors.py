"""Reads of the data-subject rights (UU 27/2022): a person's copy of everything the registry
holds on them, with who read it, and an erasure request still waiting for review."""

from __future__ import annotations

from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.trail import access_row, may_see_case_work
from satuatap.people.data_rights.hooks import data_sections
from satuatap.people.history import readable_history
from satuatap.people.models import ErasureRequest, ErasureRequestStatus, FamilyLink, Person
from satuatap.people.selectors import person_access_log


def person_data(person: Person, *, viewer: User) -> dict:
    """Everything the registry holds on a person, as plain JSON-ready data, with who read the
    record (UU 27/2022 Pasal 7). `viewer` produces the copy: the correction history and the
    access log leave out the case work they may not see (`core.trail`), so a copy made by the
    office head tells her of no MRC case; the case supervisor's copy holds everything."""
    family = FamilyLink.objects.filter(person=person).select_related("relative")
    family_of = FamilyLink.objects.filter(relative=person).select_related("person")
    history = reversed(readable_history(viewer, person, limit=None))
    reads = [access_row(entry) for entry in person_access_log(viewer, person)]
    data = {
        "id": person.pk,
        "office": person.office.name,
        "nik": person.nik,
        "cpmi_id": person.cpmi_id,
        "full_name": person.full_name,
        "sex": person.get_sex_display(),
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "birth_place": person.birth_place,
        "village": {"code": person.village_id, "name": person.village.name}
        if person.village
        else None,
        "address": person.address,
        "marital_status": person.get_marital_status_display(),
        "education": person.get_education_display(),
        "languages": person.languages,
        "disability": person.get_disability_display(),
        "registered_at": person.created_at.isoformat(),
        "phones": [{"number": p.number, "kind": p.get_kind_display()} for p in person.phones.all()],
        "migration_timeline": [
            {
                "status": e.get_status_display(),
                "since": e.effective_date.isoformat(),
                "country": e.country.name if e.country else "",
                "employer": e.employer,
                "sector": e.get_sector_display(),
            }
            for e in person.status_events.all()
        ],
        "family": [
            {"relation": link.get_relation_display(), "name": link.relative.full_name}
            for link in family
        ]
        + [
            {"relation_of": link.get_relation_display(), "name": link.person.full_name}
            for link in family_of
        ],
        "documents": [
            {
                "type": d.document_type.name,
                "number": d.number,
                "issued_on": d.issued_on.isoformat() if d.issued_on else None,
                "expires_on": d.expires_on.isoformat() if d.expires_on else None,
                "verification": d.get_verification_status_display(),
            }
            for d in person.documents.select_related("document_type")
        ],
        "consents": [
            {
                "purpose": c.get_purpose_display(),
                "given_on": c.given_on.isoformat(),
                "method": c.get_method_display(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in person.consents.all()
        ],
        "correction_history": [
            {
                "when": row.at.isoformat(),
                "when_local": row.when,
                "who": row.who,
                "action": row.action,
                "changes": [
                    {
                        "field": change.field,
                        "label": change.label,
                        "old": change.old,
                        "new": change.new,
                        "summary": change.summary,
                    }
                    for change in row.changes
                ],
            }
            for row in history
        ],
        "access_log": [
            {
                "at": read.at.isoformat(),
                "reader": read.reader,
                "organisation": read.organisation,
                "purpose": read.purpose,
                "purpose_label": read.purpose_label,
                "channel": read.channel,
                "read": read.read,
            }
            for read in reads
        ],
        "access_log_complete": may_see_case_work(viewer, person.office),
    }
    data.update(data_sections(person, viewer))
    return data


def export_person_data(*, person: Person, by: User) -> dict:
    """The person's copy of their data. The caller has passed the sensitive-data policy's gate
    (core.sensitive), which asked the reader's purpose and logged the read with it."""
    if not by.has_perm("people.view_person", person):
        raise DomainError("not_found", _("No such record."), status=404)
    return person_data(person, viewer=by)


def own_pending_request(person: Person, user: User) -> ErasureRequest | None:
    """The user's own request for this record still waiting for review (shown only to them)."""
    return ErasureRequest.objects.filter(
        person=person, requested_by=user, status=ErasureRequestStatus.PENDING
    ).first()
