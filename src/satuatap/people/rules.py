"""Who may read and change records in the person registry."""

import rules

from satuatap.core.roles import REGISTRY_ROLES


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
