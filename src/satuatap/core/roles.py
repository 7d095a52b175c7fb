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
