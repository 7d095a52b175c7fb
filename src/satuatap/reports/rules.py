"""Who may see reports.

- Office staff (every office role: head, case supervisor, placement officer, counsellor,
  front desk, desk officer, outreach worker) see their own office's reports, unsuppressed:
  the numbers do not leave the office.
- The national analyst and the administrator see every office's reports and the national
  roll-up, as aggregates only, with small case-related counts suppressed (`suppression.py`).
  They never reach a personal record through reports.
- Nobody else (a partner case worker) sees reports.
"""

from __future__ import annotations

import rules

from satuatap.core.roles import NATIONAL_ROLES
from satuatap.core.rules import is_office_staff


@rules.predicate
def is_national_viewer(user) -> bool:
    return user.is_authenticated and user.has_role(*NATIONAL_ROLES)


@rules.predicate
def is_own_office_or_none(user, office) -> bool:
    """Without an office: any office staff; with one: only its own staff."""
    return office is None or user.office_id_or_none == getattr(office, "pk", office)


rules.add_perm("reports.view_office_reports", is_office_staff & is_own_office_or_none)
rules.add_perm("reports.view_national_reports", is_national_viewer)
