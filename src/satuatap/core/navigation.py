"""What each role can do, as tiles on its home page and entries in the menu.

Apps add their entries here by URL name; an entry shows only when the user has its permission.
The menu groups the entries by task (`GROUPS`, in their order): a group the user has one entry
of is a plain link, else a dropdown, so that the menu of the role with the most entries fits
on one line at 1366 px; the account's entries (two-factor sign-in, API tokens and their
documentation) go into the account menu with the language and signing out.
A tile may also say what waits behind it ("3 open, 1 overdue"): the app that owns the page
registers `register_tile_status(url_name, fn)` in its AppConfig, `fn(user)` returning a
`TileStatus` or None; core knows no domain app. Statuses are computed for the home page only,
never for the menu on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from satuatap.core.models import User


@dataclass(frozen=True)
class Action:
    label: Promise
    description: Promise
    url_name: str
    permission: str
    needs_office: bool = False
    group: str = "office"  # a key of GROUPS, or ACCOUNT


ACCOUNT = "account"
# The menu's groups, in their order on the bar.
GROUPS: dict[str, Promise] = {
    "frontdesk": pgettext_lazy("menu group", "Front desk"),
    "people": pgettext_lazy("menu group", "People"),
    "mrc": pgettext_lazy("menu group", "MRC"),
    "placement": pgettext_lazy("menu group", "Placement"),
    "outreach": pgettext_lazy("menu group", "Outreach"),
    "reports": pgettext_lazy("menu group", "Reports"),
    "office": pgettext_lazy("menu group", "Office"),
    "national": pgettext_lazy("menu group", "National"),
}


ACTIONS: tuple[Action, ...] = (
    Action(
        _("Check-in"),
        _("Find or register the visitor, choose services and print queue tickets."),
        "frontdesk:check-in",
        "frontdesk.check_in",
        group="frontdesk",
    ),
    Action(
        _("Check in a booking"),
        _("Scan the QR code of a visit booked in the portal: the person gets the desk's ticket."),
        "frontdesk:booking-scan",
        "frontdesk.check_in",
        group="frontdesk",
    ),
    Action(
        _("Desk console"),
        _("Call the next visitor, serve, transfer and record what was done."),
        "frontdesk:desk-list",
        "frontdesk.use_console",
        group="frontdesk",
    ),
    Action(
        _("Queues today"),
        _("People waiting, waiting and service times per desk against the target."),
        "frontdesk:today",
        "frontdesk.view_office_stats",
        needs_office=True,
        group="frontdesk",
    ),
    Action(
        _("Satisfaction index (IKM)"),
        _("The IKM per element and overall, per period and per desk."),
        "frontdesk:ikm",
        "frontdesk.view_office_stats",
        needs_office=True,
        group="frontdesk",
    ),
    Action(
        _("Person registry"),
        _("Find, register and update the people the office serves."),
        "people:list",
        "people.list_person",
        group="people",
    ),
    Action(
        _("Merged records"),
        _("Review merges of duplicate records and reverse a wrong one."),
        "people:merge-list",
        "people.reverse_merge",
        group="people",
    ),
    Action(
        _("Record a contact"),
        _("An information or counselling contact, with one person or a group."),
        "cases:contact-create",
        "cases.record_contact",
        group="mrc",
    ),
    Action(
        _("Cases"),
        _("Complaints and cases of the MRC: intake, my cases, overdue items, referrals."),
        "cases:case-list",
        "cases.list_cases",
        group="mrc",
    ),
    Action(
        _("Team cases"),
        _("Every open case of the office with its case workers; closures to approve."),
        "cases:team-cases",
        "cases.view_team_cases",
        group="mrc",
    ),
    Action(
        _("Erasure requests"),
        _("Requests to erase the record of someone in an MRC case, waiting for your review."),
        "cases:erasure-requests",
        "cases.review_erasure",
        group="mrc",
    ),
    Action(
        _("Data-subject requests"),
        _("Requests to see, correct, erase or restrict personal data, and their deadlines."),
        "privacy:subject-request-list",
        "privacy.register_subject_request",
        group="people",
    ),
    Action(
        _("Placement files"),
        _("Each worker's way to departure: checklist, readiness, departure and return."),
        "placement:file-list",
        "placement.list_files",
        group="placement",
    ),
    Action(
        _("Job orders"),
        _("The office's job orders (SIP2MI) and its public job board."),
        "placement:job-order-list",
        "placement.view_job_orders",
        group="placement",
    ),
    Action(
        _("Fraud signals"),
        _("Warnings about the office's placement files: licences, fees, age, stuck files."),
        "placement:fraud-signals",
        "placement.view_fraud_signals",
        needs_office=True,
        group="placement",
    ),
    Action(
        _("Training and OPP"),
        _("Courses and pre-departure orientation: enrolment, attendance, results, certificates."),
        "placement:course-list",
        "placement.view_courses",
        group="placement",
    ),
    Action(
        _("Outreach"),
        _("Village outreach events and who came, village focal points and regulations (Perdes)."),
        "outreach:event-list",
        "outreach.view_outreach",
        group="outreach",
    ),
    Action(
        _("Office dashboard"),
        _("This month against last, twelve-month trends and breakdowns, by sex; downloads."),
        "reports:office-dashboard",
        "reports.view_office_reports",
        needs_office=True,
        group="reports",
    ),
    Action(
        _("National dashboard"),
        _("Offices compared and national trends, as aggregates with small counts hidden."),
        "reports:national-dashboard",
        "reports.view_national_reports",
        group="reports",
    ),
    Action(
        _("Placement agencies (P3MI)"),
        _("Licensed agencies and whether their SIP3MI licence is valid today."),
        "placement:agency-list",
        "placement.view_agencies",
        group="placement",
    ),
    Action(
        _("Concerns about agencies"),
        _("What offices raised about agencies: acknowledge, act and resolve with a note."),
        "placement:agency-concern-list",
        "placement.review_agency_concerns",
        group="placement",
    ),
    Action(
        _("National placement system (SISKOP2MI)"),
        _("Send new registrations and stage changes; take in SISKOP2MI's status updates."),
        "placement:national-exchange",
        "placement.exchange_national",
        needs_office=True,
        group="placement",
    ),
    Action(
        _("Import the agency list"),
        _("Update the national list of agencies and their licences from a spreadsheet."),
        "placement:agency-import",
        "placement.manage_agencies",
        group="placement",
    ),
    Action(
        _("Service catalogue"),
        _("Which services each desk offers, with target service times."),
        "frontdesk:services",
        "frontdesk.configure_services",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Visit times"),
        _("The times each desk takes visits booked in the public portal, and how many."),
        "frontdesk:slots",
        "frontdesk.configure_services",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Screens and kiosks"),
        _("Pair the waiting-room TV and the exit kiosk by the code they show; revoke them."),
        "frontdesk:devices",
        "frontdesk.manage_devices",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Office desks"),
        _("Choose which desks (loket) the office has and their ticket letters."),
        "core:office-desks",
        "core.configure_office",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Office staff"),
        _("Add colleagues, change their roles and desk, deactivate, reset two-factor sign-in."),
        "core:staff-list",
        "core.manage_staff",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Role grants to confirm"),
        _("Case supervisor roles a head gave, waiting for a second person to confirm."),
        "core:role-grants",
        "core.decide_role_grants",
        group="office",
    ),
    Action(
        _("Offices"),
        _("Create an office with its first head; appoint a head where none is left."),
        "core:office-list",
        "core.create_office",
        group="national",
    ),
    Action(
        _("Refer a client to an office"),
        _("A client you met first, with her consent: to the MRC of an office you work with."),
        "cases:partner-inbound-list",
        "cases.refer_to_office",
        group="mrc",
    ),
    Action(
        _("Referrals to us"),
        _("Referrals offices sent to your organisation: accept, decline, report and complete."),
        "cases:partner-referral-list",
        "cases.use_partner_portal",
        group="mrc",
    ),
    Action(
        _("Personal-data breaches"),
        _("Report a suspected breach; the register and the written notices (3 × 24 hours)."),
        "privacy:breach-list",
        "privacy.report_breach",
        group="people",
    ),
    Action(
        _("Office change trail"),
        _("Who changed the office's records (people, visits, files, outreach, cases), and when."),
        "core:office-trail",
        "core.view_office_trail",
        group="office",
    ),
    Action(
        _("Audit trail"),
        _("Who changed or read which record, when and why."),
        "core:audit-trail",
        "core.view_audit_trail",
        group="national",
    ),
    Action(
        _("Retention"),
        _("How long each kind of record is kept, and what each night's run anonymised."),
        "core:retention",
        "core.view_retention_report",
        group="national",
    ),
    Action(
        _("Users and configuration"),
        _("Accounts, roles, organisations and desk types."),
        "admin:index",
        "core.manage_users",
        group="national",
    ),
    Action(
        _("Messages that could not be sent"),
        _("Messages to people and staff the providers refused: the error, and send again."),
        "notifications:outbox",
        "notifications.view_outbox",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Messages to visitors"),
        _("Tell visitors on their phone when their number is near and called (off by default)."),
        "notifications:office-settings",
        "notifications.configure_office",
        needs_office=True,
        group="office",
    ),
    Action(
        _("Messages about cases"),
        _("Messages to clients at safe numbers and to partners, by case; send failed ones again."),
        "cases:case-messages",
        "cases.view_case_messages",
        needs_office=True,
        group="mrc",
    ),
    Action(
        _("Daily digest"),
        _("The office's counts of the day before, each morning by e-mail."),
        "notifications:digest",
        "notifications.subscribe_digest",
        needs_office=True,
        group="account",
    ),
    Action(
        _("Two-factor sign-in"),
        _("Your authenticator app and recovery codes."),
        "core:two-factor",
        "core.manage_own_two_factor",
        group="account",
    ),
    Action(
        _("API tokens"),
        _("Tokens for the REST API, and revoking them."),
        "core:api-tokens",
        "core.use_api",
        group="account",
    ),
    Action(
        _("API documentation"),
        _("The REST API under /api/v1/ and its OpenAPI document."),
        "api:openapi-view",
        "core.use_api",
        group="account",
    ),
)


@dataclass(frozen=True)
class TileStatus:
    text: str
    needs_attention: bool = False  # shown in the warning colour (something is overdue)


TileStatusFunction = Callable[["User"], TileStatus | None]
_tile_statuses: dict[str, TileStatusFunction] = {}


def register_tile_status(url_name: str, status: TileStatusFunction) -> None:
    _tile_statuses[url_name] = status


def unregister_tile_status(url_name: str) -> None:
    _tile_statuses.pop(url_name, None)


def actions_for(user, *, with_status: bool = False) -> list[dict]:
    """The tiles the user may use; `with_status`: each with what its app says waits there."""
    visible = []
    for action in ACTIONS:
        target = user.office if action.needs_office else None
        if target is None and action.needs_office:
            continue
        allowed = (
            user.has_perm(action.permission, target) if target else user.has_perm(action.permission)
        )
        if not allowed:
            continue
        try:
            url = reverse(action.url_name)
        except NoReverseMatch:
            continue
        entry = {
            "label": action.label,
            "description": action.description,
            "url": url,
            "group": action.group,
        }
        if with_status and action.url_name in _tile_statuses:
            entry["status"] = _tile_statuses[action.url_name](user)
        visible.append(entry)
    return visible


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: Promise
    entries: list[dict]

    @property
    def is_single(self) -> bool:
        """One entry: the bar shows it as a plain link, under its own name."""
        return len(self.entries) == 1


def menu_for(user) -> tuple[list[MenuGroup], list[dict]]:
    """The menu's groups of the user's entries, in `GROUPS` order, and the account's entries."""
    by_group: dict[str, list[dict]] = {}
    for entry in actions_for(user):
        by_group.setdefault(entry["group"], []).append(entry)
    groups = [
        MenuGroup(key, label, by_group[key]) for key, label in GROUPS.items() if key in by_group
    ]
    return groups, by_group.get(ACCOUNT, [])
