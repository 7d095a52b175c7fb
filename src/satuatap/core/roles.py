"""The roles of the domain brief (section 7). One place that names them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONTDESK = "frontdesk", _("Front desk")
    DESK_OFFICER = "deskofficer", _("Desk officer")
    PLACEMENT_OFFICER = "placement", _("Placement officer")
    COUNSELLOR = "counsellor", _("MRC counsellor / case worker")
    CASE_SUPERVISOR = "supervisor", _("Case supervisor")
    PARTNER_CASEWORKER = "caseworker", _("Partner case worker")
    OUTREACH_WORKER = "outreach", _("Outreach worker / village focal point")
    OFFICE_HEAD = "head", _("Office head")
    NATIONAL_ANALYST = "analyst", _("National analyst")
    NATIONAL_PLACEMENT = "placementadmin", _("Ministry placement administrator")
    ADMINISTRATOR = "admin", _("Administrator")


# Which organisation each role belongs to: every role is in exactly one of OFFICE_ROLES,
# PARTNER_ROLES and MINISTRY_ROLES (tests/core/test_roles.py). An office head grants the
# office roles, and only those, to the office's own staff (`core.staff`); a partner's and the
# ministry's roles are the administrator's to grant.
OFFICE_ROLES = frozenset(
    {
        Role.FRONTDESK,
        Role.DESK_OFFICER,
        Role.PLACEMENT_OFFICER,
        Role.COUNSELLOR,
        Role.CASE_SUPERVISOR,
        Role.OUTREACH_WORKER,
        Role.OFFICE_HEAD,
    }
)
PARTNER_ROLES = frozenset({Role.PARTNER_CASEWORKER})
MINISTRY_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.NATIONAL_PLACEMENT, Role.ADMINISTRATOR})


def roles_of_organisation_kind(kind: str) -> frozenset[str]:
    """The roles an account of an organisation of this kind (`OrganisationKind`) may hold."""
    return {"office": OFFICE_ROLES, "partner": PARTNER_ROLES, "ministry": MINISTRY_ROLES}.get(
        kind, frozenset()
    )


# The national roles that read every office's reports (as aggregates). The ministry placement
# administrator (`NATIONAL_PLACEMENT`) is a ministry role too but not one of these: it keeps the
# national list of agencies (P3MI) and their licences, and reads no registry, case or report.
NATIONAL_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.ADMINISTRATOR})

# Office roles that work with people's personal records in the registry.
REGISTRY_ROLES = frozenset(
    {
        Role.FRONTDESK,
        Role.DESK_OFFICER,
        Role.PLACEMENT_OFFICER,
        Role.COUNSELLOR,
        Role.CASE_SUPERVISOR,
        Role.OUTREACH_WORKER,
        Role.OFFICE_HEAD,
    }
)

# The roles of the MRC's case work: whoever holds one of them works with survivors' cases (or,
# at a partner, with what a survivor consented to share). What they read or change in the rest
# of the system (a person's record, a visit) can tell that the person is an MRC client, so the
# audit trail marks their entries and shows them only to who may read every case of the office
# (`core.trail`, docs/security.md "Side channels").
CASE_WORK_ROLES = frozenset({Role.COUNSELLOR, Role.CASE_SUPERVISOR, Role.PARTNER_CASEWORKER})

# Office roles that open every restricted case of the office (`cases.rules`). An office head may
# not read restricted cases, so a grant of one of these by a head waits until a second person
# confirms it: a case supervisor of the office or the administrator (`core.staff`).
CONFIRMED_ROLES = frozenset({Role.CASE_SUPERVISOR})
