"""Who may read and change records in the person registry."""

import rules

from satuatap.core.roles import REGISTRY_ROLES, Role
from satuatap.core.rules import is_administrator, is_case_supervisor, is_office_head


@rules.predicate
def works_with_registry(user) -> bool:
    return (
        user.is_authenticated
        and user.office is not None
        and bool(user.roles.intersection(REGISTRY_ROLES))
    )


@rules.predicate
def is_same_office_as_person(user, person) -> bool:
    return person is not None and user.office_id_or_none == person.office_id


rules.add_perm("people.list_person", works_with_registry)
rules.add_perm("people.view_person", works_with_registry & is_same_office_as_person)


@rules.predicate
def is_active_record(user, person) -> bool:
    return person is not None and person.merged_into_id is None and person.anonymised_at is None


rules.add_perm(
    "people.change_person", works_with_registry & is_same_office_as_person & is_active_record
)


# Who read the record (core.trail): the office head, and the case supervisors, who alone see the
# reads made in the MRC's case work.
rules.add_perm(
    "people.view_access_log",
    works_with_registry & is_same_office_as_person & (is_office_head | is_case_supervisor),
)

rules.add_perm("people.reverse_merge", is_administrator)
rules.add_perm("people.erase_person", is_office_head & is_same_office_as_person & is_active_record)


# --- Documents (people/documents/) -----------------------------------------------------------

# Documents of these desks may also be verified by a placement officer (Disnaker staff).
PLACEMENT_DESK_TYPE_CODE = "ketenagakerjaan"


@rules.predicate
def is_same_office_as_document(user, document) -> bool:
    return document is not None and is_same_office_as_person(user, document.person)


@rules.predicate
def is_officer_of_document_desk(user, document) -> bool:
    """A desk officer working at this office's desk that verifies this kind of document."""

    if document is None or not user.has_role(Role.DESK_OFFICER):
        return False
    desk = user.desk
    desk_type_code = document.document_type.desk_type_code
    return (
        desk is not None
        and desk.is_active
        and desk.office_id == user.office_id_or_none
        and bool(desk_type_code)
        and desk.desk_type.code == desk_type_code
    )


@rules.predicate
def is_placement_officer_for_document(user, document) -> bool:

    return (
        document is not None
        and user.has_role(Role.PLACEMENT_OFFICER)
        and document.document_type.desk_type_code == PLACEMENT_DESK_TYPE_CODE
    )


def verified_desk_type_codes(user) -> frozenset[str]:
    """The desk types whose documents the user verifies (the predicates above, before any
    document): their own desk's as a desk officer, the labour desk's as a placement officer."""
    if not works_with_registry(user):
        return frozenset()
    codes = set()
    desk = user.desk if user.has_role(Role.DESK_OFFICER) else None
    if desk is not None and desk.is_active and desk.office_id == user.office_id_or_none:
        codes.add(desk.desk_type.code)
    if user.has_role(Role.PLACEMENT_OFFICER):
        codes.add(PLACEMENT_DESK_TYPE_CODE)
    return frozenset(codes)


# `upload_document` is checked against the person, the others against the document.
rules.add_perm("people.upload_document", works_with_registry & is_same_office_as_person)
rules.add_perm("people.view_document", works_with_registry & is_same_office_as_document)
rules.add_perm(
    "people.verify_document",
    works_with_registry
    & is_same_office_as_document
    & (is_officer_of_document_desk | is_placement_officer_for_document),
)
