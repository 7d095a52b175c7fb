"""An office runs itself: its head adds, deactivates and re-roles the office's own staff; the
administrator creates offices and their first head.

Who may do what is in `core/rules.py`; `services.py` holds the writes and their rules, and
`selectors.py` the reads (a user's roles and open grants, the office's heads, who may send
whom a password link, the regencies without an office):

- A head grants the office roles (`roles.OFFICE_ROLES`) and nothing else, to colleagues of the
  own office who hold nothing but office roles (an account with a ministry or partner role, or
  a staff or superuser flag, is the administrator's). A head never changes their own roles,
  never deactivates themselves and never removes the office's last active head.
- A role that opens every restricted case (`roles.CONFIRMED_ROLES`: case supervisor) given by a
  head waits as a `RoleGrant` until a second person confirms it — a case supervisor of the
  office or the administrator, neither the head who asked nor the colleague. The head may not
  read restricted cases; without this, a head could give herself that role through an account
  she made.
- New accounts have no password: the colleague sets one through a one-time link (Django's
  password-reset token: it works once, and for `PASSWORD_RESET_TIMEOUT`). The link is mailed
  when the account has an e-mail address, else shown once to whoever made the account. A head
  may send a new link (which ends the current password) only to a colleague who has no
  password yet or who is not under the two-factor rule: for a counsellor or a supervisor that
  would let the head sign in as them.
- Every change is audited: auditlog records the account and role changes (`core.audit`), with
  `additional_data["event"]` saying which change of this module made them; a new link and a
  two-factor reset, which change no audited field, get an entry of their own. No password,
  token or link is ever written to the trail.
"""

from __future__ import annotations

from satuatap.core.models import RoleAssignment, RoleGrant, User


def register_office_records() -> None:
    """The office's staff accounts, their roles and role grants in the office head's trail
    (`core.trail`): who added, changed, deactivated or reset whom, and when."""
    from satuatap.core.trail import OFFICE
    from satuatap.core.trail import register_office_records as register

    def staff_of(viewer: User):
        return User.objects.filter(organisation_id=viewer.office_id_or_none)

    register(User, records=staff_of, url_name="core:staff-detail", parent=OFFICE)
    register(
        RoleAssignment,
        records=lambda viewer: RoleAssignment.objects.filter(user__in=staff_of(viewer)),
        parent=("user", staff_of),
    )
    register(
        RoleGrant,
        records=lambda viewer: RoleGrant.objects.filter(user__in=staff_of(viewer)),
        parent=("user", staff_of),
    )
