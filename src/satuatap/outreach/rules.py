"""Who may see and record village outreach: events, focal points, village regulations.

Every office role sees its own office's outreach (a front-desk officer answers a villager who
asks about last week's socialisation); outreach workers, counsellors, case supervisors and the
office head record it. Another office's records are never listed and are a 404 (selectors).
The national analyst and the administrator reach outreach only as aggregates, through reports.
"""

import rules

from satuatap.core.roles import Role
from satuatap.core.rules import is_office_staff

OUTREACH_MANAGERS = frozenset(
    {Role.OUTREACH_WORKER, Role.OFFICE_HEAD, Role.COUNSELLOR, Role.CASE_SUPERVISOR}
)


@rules.predicate
def manages_outreach_of(user, office) -> bool:
    """`office` is the record's office (or the caller's own, to create one)."""
    return (
        office is not None
        and user.is_authenticated
        and user.office_id_or_none == office.pk
        and user.has_role(*OUTREACH_MANAGERS)
    )


rules.add_perm("outreach.view_outreach", is_office_staff)
rules.add_perm("outreach.manage_outreach", is_office_staff & manages_outreach_of)
