"""The access matrix: every page and API operation of SatuAtap, who may use it, and how to ask.

tests/security/test_access_matrix.py requests every entry below as every role (front desk, desk
officer, placement officer, counsellor, case supervisor, outreach worker, office head — all of
office A, Cirebon —, a partner case worker, the national analyst, the ministry placement
administrator, the administrator, and an anonymous visitor), once with the ids of office A's
records and once with the ids of office B's (Tulungagung), and checks the answer against the
entry:

Two more callers are devices, not users: the office's paired calling screen (`screen`) and exit
kiosk (`kiosk`), each with its credential cookie and no session. A device may use what an
anonymous visitor may, and the entries that name it in `devices`; everything else refuses it as
it refuses an anonymous visitor.

- a role in `allow` gets what it asked for: not 401/403/404 and no server error (2xx/3xx for a
  page; for a POST, the form's own answer to empty data: 200, 302, 400, 409 or 422);
- everyone else is refused: 403 or 404 when signed in, the sign-in page for an anonymous visitor
  of a page, 401 for an anonymous API call — and the database is unchanged;
- with another office's ids, only the roles in `other` are let through (public pages, reference
  data, what national roles see of every office); a role allowed in its own office gets **404**
  there (another office's record does not exist for it), never 403;
- a refused API call answers with the API's error code (`not_authenticated`, `forbidden`,
  `not_found`), and a POST-only page answers a GET with 405.

An entry can pin the answers exactly where "allowed" or "refused" is not enough:
- `status`: the one status every role in `allow` gets with its own office's ids (200, 302…);
- `redirects`: allowed roles sent elsewhere instead, `{roles: "<URL name>"}` (302 to that page);
- `refused` / `other_refused`: the exact refusal of signed-in roles with their own / another
  office's ids, `{403: roles, 404: roles}` (roles left out may get either).

Adding a route? The test fails and names it until it has an entry here:

1. Pages: `page("<namespace>:<url name>", <roles>)`. POST-only views take `method="post"` (the
   test posts empty data). Path parameters are filled from the shared records by name
   (`PARAMS` below); when a name means another record on this route, map it with
   `params={"link_id": "device_link"}`. A page with no record in its path that reads an office
   from the query string says so with `query="office=@office"`.
2. API operations: `api("GET /api/v1/<path>", <roles>)`, with `body={...}` for writes: a valid
   payload, so the refusal comes from the permission check and not from input validation.
   `"@key"` in a body or query is the requested office's record id (`"@today"`: its date).
3. If the records the route needs do not exist yet, add them to `access_matrix_records.py`.
4. Say in `note` why an entry differs from the rule it seems to break (a national role reading
   every office, a 403 where a 404 is usual).
"""

from __future__ import annotations

from dataclasses import dataclass, field

FRONTDESK = "frontdesk"
DESK_OFFICER = "deskofficer"
PLACEMENT = "placement"
COUNSELLOR = "counsellor"
SUPERVISOR = "supervisor"
OUTREACH = "outreach"
HEAD = "head"
PARTNER = "caseworker"
ANALYST = "analyst"
PLACEMENT_ADMIN = "placementadmin"  # the ministry placement administrator: agencies only
ADMIN = "admin"
ANONYMOUS = "anonymous"
SCREEN = "screen"  # a paired calling screen of office A (a device: a cookie, no user)
KIOSK = "kiosk"  # a paired exit kiosk of office A
DEVICES = frozenset({SCREEN, KIOSK})

OFFICE = frozenset({FRONTDESK, DESK_OFFICER, PLACEMENT, COUNSELLOR, SUPERVISOR, OUTREACH, HEAD})
NATIONAL = frozenset({ANALYST, ADMIN})
SIGNED_IN = OFFICE | NATIONAL | {PARTNER, PLACEMENT_ADMIN}
PUBLIC = SIGNED_IN | {ANONYMOUS}
ROLES = (*sorted(OFFICE), PARTNER, ANALYST, PLACEMENT_ADMIN, ADMIN, ANONYMOUS, KIOSK, SCREEN)

NOBODY: frozenset[str] = frozenset()
CHECK_IN = frozenset({FRONTDESK, DESK_OFFICER, PLACEMENT, COUNSELLOR})
LABOUR_DESK = frozenset({DESK_OFFICER, PLACEMENT})  # the desk officer is bound to this desk
CONSOLE = frozenset({DESK_OFFICER, PLACEMENT, COUNSELLOR, SUPERVISOR})
PLACEMENT_MANAGERS = frozenset({PLACEMENT, HEAD})
AGENCY_READERS = OFFICE | {ADMIN, PLACEMENT_ADMIN}
CONCERN_RAISERS = frozenset({PLACEMENT, HEAD, COUNSELLOR, SUPERVISOR})
CASES = frozenset({COUNSELLOR, SUPERVISOR, HEAD})
# On the ordinary case the counsellor is the assigned case worker; the restricted case belongs
# to another counsellor, so only the case supervisor reaches it.
CASE_WORKERS = frozenset({COUNSELLOR, SUPERVISOR})
OUTREACH_MANAGERS = frozenset({OUTREACH, HEAD, COUNSELLOR, SUPERVISOR})
REPORT_READERS = OFFICE | NATIONAL
OUTSIDE = SIGNED_IN - OFFICE  # signed in, of no office: partner, ministry, administrator

# Exact refusals (`refused=`, `other_refused=`): the status each refused signed-in role gets.
ALL_403 = {403: SIGNED_IN}
ALL_404 = {404: SIGNED_IN}  # the record does not exist for whoever may not see it
NO_OFFICE_404 = {403: OFFICE, 404: OUTSIDE}  # office staff 403; no office: it does not exist
OFFICE_404 = {403: OUTSIDE, 404: OFFICE}  # another office's staff 404; no office: 403

# Path parameter → the record it names, unless an entry maps it otherwise.
PARAMS = {
    "person_id": "person",
    "link_id": "family_link",
    "consent_id": "person_consent",
    "document_id": "document",
    "job_id": "import_job",
    "visit_id": "visit",
    "ticket_id": "ticket",
    "desk_id": "desk",
    "device_id": "device",
    "service_id": "service",
    "slot_id": "visit_slot",
    "code": "village",
    "agency_id": "agency",
    "concern_id": "concern",
    "job_order_id": "job_order",
    "file_id": "placement_file",
    "course_id": "course",
    "enrolment_id": "enrolment",
    "case_id": "case",
    "action_id": "action",
    "attachment_id": "attachment",
    "referral_id": "referral",
    "event_id": "event",
    "follow_up_id": "follow_up",
    "conflict_id": "sync_conflict",
    "focal_point_id": "focal_point",
    "regulation_id": "regulation",
    "office_id": "office",
    "office_slug": "office_slug",
    "hold_id": "legal_hold",
    "request_id": "erasure_request",
    "run_id": "retention_run",
    "subject_request_id": "subject_request",
    "breach_id": "breach",
    "notice_id": "breach_notice",
    "user_id": "staff_member",
    "grant_id": "role_grant",
    "partner_id": "partner",
    "contact_id": "partner_contact",
    "template_id": "consent_template",
    "message_id": "failed_message",
}
CASE_PARAMS = {"consent_id": "case_consent"}


@dataclass(frozen=True)
class Entry:
    route: str  # "<namespace>:<url name>", "admin:*", or "<METHOD> /api/v1/<path>"
    allow: frozenset[str]  # who may use it on their own office's records
    method: str = "get"
    params: dict[str, str] = field(default_factory=dict)
    query: str = ""
    body: dict | None = None
    other: frozenset[str] = NOBODY  # who also may with another office's ids
    variant: str = ""  # when one route is tested more than once
    signs_out: bool = False  # answers with the sign-in page on purpose (signing out)
    answers: frozenset[int] = frozenset()  # more statuses that count as "allowed"
    refusal: frozenset[int] = frozenset()  # the only refusal, for everyone (anonymous too)
    machine: bool = False  # for machines: anonymous gets 401 (as from the API), not sign-in
    devices: frozenset[str] = frozenset()  # paired devices that may use it (beyond `allow`)
    status: int = 0  # the exact answer to `allow` with its own office's ids (0: any allowed one)
    redirects: dict[frozenset[str], str] = field(default_factory=dict)  # roles → URL name (302)
    refused: dict[int, frozenset[str]] = field(default_factory=dict)  # exact refusals, own office
    other_refused: dict[int, frozenset[str]] = field(default_factory=dict)  # … another office
    note: str = ""

    @property
    def is_api(self) -> bool:
        return " " in self.route

    @property
    def key(self) -> str:
        return f"{self.route}[{self.variant}]" if self.variant else self.route

    def redirect_of(self, role: str) -> str:
        """The URL name an allowed `role` is sent to, or "" when it is answered in place."""
        return next((name for roles, name in self.redirects.items() if role in roles), "")

    def refusal_of(self, role: str, office: str) -> int:
        """The exact status `role` is refused with, or 0 when 403 and 404 both do."""
        codes = self.refused if office == "own" else self.other_refused
        return next((code for code, roles in codes.items() if role in roles), 0)


def page(route: str, allow, **options) -> Entry:
    return Entry(route=route, allow=frozenset(allow), **options)


def api(route: str, allow, **options) -> Entry:
    method = route.split(" ", 1)[0].lower()
    if method != "get" and options.get("body") is None:
        options["body"] = {}
    return Entry(route=route, allow=frozenset(allow), method=method, **options)


def public(route: str, **options) -> Entry:
    return page(route, PUBLIC, other=PUBLIC, **options)


ENTRIES: list[Entry] = [
    # --- Shell, sign-in, account ----------------------------------------------------------------
    page("home", SIGNED_IN),
    public("healthz"),
    public("readyz", note="a load balancer's probe: which components are ready, by name only"),
    page(
        "metrics",
        {ADMIN},
        machine=True,
        note="the operator's: Prometheus with SATUATAP_METRICS_TOKEN (401 without), or an "
        "administrator signed in",
        status=200,
        refused=ALL_403,
    ),
    public("login", note="a signed-in user is sent on to the home page"),
    public("logout", method="post", signs_out=True),
    public("set-language", method="post"),
    public("core:about"),
    page("core:office-desks", {HEAD}, status=200, refused=ALL_403),
    page("core:staff-list", {HEAD}, note="the office's own staff, for its head"),
    page("core:staff-add", {HEAD}),
    page("core:staff-detail", {HEAD}),
    page("core:staff-active", {HEAD}, method="post"),
    page("core:staff-password-link", {HEAD}, method="post"),
    page("core:staff-two-factor-reset", {HEAD}),
    page(
        "core:role-grants",
        {SUPERVISOR, ADMIN},
        note="a second person confirms a head's grant of the case supervisor role",
    ),
    page(
        "core:role-grant-decide",
        {SUPERVISOR, ADMIN},
        method="post",
        other={ADMIN},
        note="the office's case supervisors, and the administrator for every office",
    ),
    page("core:office-list", {ADMIN}, note="the administrator creates offices and first heads"),
    page("core:office-create", {ADMIN}),
    page(
        "core:office-head",
        {ADMIN},
        other={ADMIN},
        note="a head for an office with none left: the administrator's, for every office",
    ),
    page(
        "core:office-head-password-link",
        {ADMIN},
        method="post",
        params={"user_id": "new_head"},
        other={ADMIN},
        note="a new link for an office's head with no password yet: the administrator's",
    ),
    public(
        "core:set-password",
        params={"uidb64": "=MQ", "token": "=not-a-token"},
        note="the one-time link is the credential: a wrong one shows that it does not work",
    ),
    page("core:audit-trail", {ADMIN}, status=200, refused=ALL_403),
    page("core:office-trail", {HEAD}, note="the office's own records, for its head"),
    page(
        "core:read-purpose",
        SIGNED_IN,
        method="post",
        answers=frozenset({404}),
        note="the purpose form's answer: an empty form names no record, a 404 for everyone",
    ),
    page("core:retention", {ADMIN}),
    page(
        "core:retention-run",
        {ADMIN},
        other={ADMIN},
        note="a retention run covers every office: counts per office, no record",
    ),
    page("core:api-tokens", SIGNED_IN),
    page("core:two-factor", SIGNED_IN),
    page("core:two-factor-setup", SIGNED_IN),
    page("core:two-factor-verify", SIGNED_IN),
    page("core:two-factor-recovery-codes", SIGNED_IN, method="post"),
    page("admin:*", {ADMIN}, note="the admin site sends everyone else to its own sign-in page"),
    # --- Registry -------------------------------------------------------------------------------
    page("people:list", OFFICE, status=200, refused=ALL_403),
    page("people:create", OFFICE, status=200, refused=ALL_403),
    page("people:detail", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page("people:edit", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page(
        "people:export",
        OFFICE,
        params={"fmt": "=json"},
        status=200,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    page("people:erase", {HEAD}, status=200, refused=NO_OFFICE_404, other_refused=ALL_404),
    page(
        "people:access-log",
        {HEAD, SUPERVISOR},
        note="who read the record: the head, and the case supervisors who also see case work",
        status=200,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page("people:status-add", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page("people:family-add", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page(
        "people:family-remove",
        OFFICE,
        method="post",
        status=302,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    page("people:consent-add", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page(
        "people:consent-withdraw",
        OFFICE,
        method="post",
        status=302,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    page("people:merge", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page(
        "people:merge-list",
        {ADMIN},
        note="merged records, for the administrator to reverse",
        status=200,
        refused=ALL_403,
    ),
    page("people:document-upload", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page("people:document-file", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404),
    page(
        "people:document-verify",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "people:document-reject",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "people:documents-to-verify",
        LABOUR_DESK,
        note="the scans waiting at the desk the user verifies for (a desk officer, placement)",
        status=200,
        refused=ALL_403,
    ),
    page("people:import-list", OFFICE, status=200, refused=ALL_403),
    page("people:import-detail", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    page("people:import-errors", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    # --- Front desk -----------------------------------------------------------------------------
    page("frontdesk:check-in", CHECK_IN, status=200, refused=ALL_403),
    page(
        "frontdesk:check-in-register",
        CHECK_IN,
        status=200,
        refused=ALL_403,
        note="registering a walk-in inside the check-in (the registry's form, same rules)",
    ),
    page("frontdesk:visit", CHECK_IN, status=200, refused=ALL_403, other_refused=ALL_403),
    page("frontdesk:visit-print", CHECK_IN, status=200, refused=ALL_403, other_refused=ALL_403),
    page("frontdesk:services", {HEAD}, status=200, refused=ALL_403),
    page("frontdesk:service-new", {HEAD}, status=200, refused=ALL_403),
    page("frontdesk:services-defaults", {HEAD}, method="post", status=302, refused=ALL_403),
    page("frontdesk:service-edit", {HEAD}, status=200, refused=ALL_403, other_refused=ALL_403),
    page(
        "frontdesk:service-active",
        {HEAD},
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("frontdesk:desk-list", OFFICE, refused=ALL_403),
    page(
        "frontdesk:console", LABOUR_DESK, status=200, refused=NO_OFFICE_404, other_refused=ALL_404
    ),
    page(
        "frontdesk:console-call-next",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "frontdesk:console-call",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "frontdesk:console-start",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "frontdesk:console-finish",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "frontdesk:console-no-show",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page(
        "frontdesk:console-transfer",
        LABOUR_DESK,
        method="post",
        status=302,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    page("frontdesk:slots", {HEAD}, status=200, refused=ALL_403),
    page("frontdesk:slot-open", {HEAD}, method="post", status=302, refused=ALL_403),
    page("frontdesk:booking-scan", CHECK_IN, status=200, refused=ALL_403),
    page(
        "frontdesk:booking",
        CHECK_IN,
        params={"token": "booking_token"},
        status=200,
        refused=ALL_403,
        note="the page a booking's QR code opens; another office's booking does not exist (404)",
    ),
    page("frontdesk:devices", {HEAD}, status=200, refused=ALL_403),
    page("frontdesk:device-pair", {HEAD}, status=200, refused=ALL_403),
    page(
        "frontdesk:device-pair", {HEAD}, method="post", variant="post", status=200, refused=ALL_403
    ),
    page(
        "frontdesk:device-revoke",
        {HEAD},
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("frontdesk:ikm", OFFICE, status=200, refused=ALL_403),
    page("frontdesk:today", OFFICE),
    public(
        "public:display",
        note="the calling screen for a paired screen; anyone else gets a pairing code",
    ),
    page(
        "public:display-now",
        NOBODY,
        devices={SCREEN},
        refusal=frozenset({404}),
        note="the paired calling screen only (its credential cookie): 404 for everyone else",
    ),
    public("public:device-pairing", note="polled by a pairing page: tells it when to reload"),
    public("public:survey", params={"token": "survey_token"}),
    public("public:survey-thanks", params={"token": "survey_token"}),
    public(
        "public:kiosk", note="the exit kiosk for a paired kiosk; anyone else gets a pairing code"
    ),
    public(
        "public:kiosk-survey",
        params={"code": "ticket_code"},
        note="the paired kiosk's questionnaire; anyone else is sent to the pairing code",
    ),
    public("public:kiosk-thanks", note="as kiosk-survey"),
    public(
        "public:arrival",
        note="the arrival kiosk for a paired arrival kiosk (tests/portal/test_arrival_kiosk.py: "
        "its credential opens nothing else); anyone else gets a pairing code",
    ),
    # --- Placement ------------------------------------------------------------------------------
    page("placement:agency-list", AGENCY_READERS, status=200, refused=ALL_403),
    page(
        "placement:agency-create",
        {PLACEMENT_ADMIN},
        note="the national list: the ministry's",
        status=200,
        refused=ALL_403,
    ),
    page("placement:agency-detail", AGENCY_READERS, other=AGENCY_READERS, note="national"),
    page(
        "placement:agency-edit",
        {PLACEMENT_ADMIN},
        other={PLACEMENT_ADMIN},
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("placement:agency-import", {PLACEMENT_ADMIN}, status=200, refused=ALL_403),
    page(
        "placement:agency-concern-create",
        CONCERN_RAISERS,
        other=CONCERN_RAISERS,
        note="an office raises a concern about any agency of the national list",
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("placement:agency-concern-list", {PLACEMENT_ADMIN}, status=200, refused=ALL_403),
    page(
        "placement:agency-concern-detail",
        {PLACEMENT_ADMIN},
        other={PLACEMENT_ADMIN},
        note="the ministry reviews every office's concerns",
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("placement:job-order-list", OFFICE, status=200, refused=ALL_403),
    page("placement:job-order-create", PLACEMENT_MANAGERS, status=200, refused=ALL_403),
    page(
        "placement:job-order-edit",
        PLACEMENT_MANAGERS,
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page(
        "placement:checklist-rules",
        OFFICE | {ADMIN},
        note="office staff read the rules; the administrator edits them",
        status=200,
        refused=ALL_403,
    ),
    page("placement:fraud-signals", PLACEMENT_MANAGERS, status=200, refused=ALL_403),
    page("placement:national-exchange", PLACEMENT_MANAGERS, status=200, refused=ALL_403),
    page(
        "placement:national-export",
        PLACEMENT_MANAGERS,
        status=422,
        refused=ALL_403,
        note="without a period the form answers 422; the export itself is tested in "
        "tests/placement/national",
    ),
    page(
        "placement:national-import",
        PLACEMENT_MANAGERS,
        method="post",
        status=422,
        refused=ALL_403,
        note="an empty upload answers 422",
    ),
    page("placement:file-list", OFFICE, status=200, refused=ALL_403),
    page("placement:file-create", PLACEMENT_MANAGERS, query="person=@person"),
    page("placement:file-detail", OFFICE),
    page("placement:file-edit", PLACEMENT_MANAGERS),
    page("placement:file-stage", PLACEMENT_MANAGERS, method="post"),
    page("placement:file-cancel", PLACEMENT_MANAGERS, method="post"),
    page("placement:file-override", {HEAD}, method="post"),
    page("placement:file-departure", PLACEMENT_MANAGERS, method="post"),
    page("placement:file-return", PLACEMENT_MANAGERS, method="post"),
    page("placement:returnee-list", OFFICE, status=200, refused=ALL_403),
    page("placement:override-list", {HEAD}, status=200, refused=ALL_403),
    page("placement:course-list", OFFICE, status=200, refused=ALL_403),
    page("placement:course-create", PLACEMENT_MANAGERS, status=200, refused=ALL_403),
    page("placement:training-counts", OFFICE, status=200, refused=ALL_403),
    page("placement:course-detail", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    page(
        "placement:course-edit",
        PLACEMENT_MANAGERS,
        status=200,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "placement:course-enrol",
        PLACEMENT_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "placement:course-attendance",
        PLACEMENT_MANAGERS,
        status=200,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page("placement:enrolment-detail", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    public("public_jobs:board", note="each office's public job board"),
    public(
        "public_jobs:agencies",
        note="the agencies with a valid licence, linked from each office's public job board",
    ),
    # --- The public portal (issue 21): no staff sign-in; a person's own records only after the
    # NIK, date of birth and one-time code, in the portal's own session (none here: every
    # caller is sent to identify) ------------------------------------------------------------
    public("portal:home"),
    public("portal:identify"),
    public("portal:code", note="without a challenge in the session: back to identify"),
    public("portal:status", note="without the portal's session: back to identify"),
    public("portal:sign-out", method="post"),
    public("portal:book", note="without the portal's session: back to identify"),
    public(
        "portal:booking",
        params={"reference": "booking_reference"},
        note="only the booking's person, in the portal's session; everyone else to identify",
    ),
    public(
        "portal:booking-cancel",
        method="post",
        params={"reference": "booking_reference"},
        note="as portal:booking",
    ),
    public("portal:agencies", note="the national list of agencies is public"),
    public("portal:report"),
    public("portal:help"),
    public("portal:thanks", note="the same neutral page for everyone, nothing of a request"),
    # --- MRC ------------------------------------------------------------------------------------
    page("cases:contact-list", CASES, status=200, refused=ALL_403),
    page("cases:contact-create", CASE_WORKERS, status=200, refused=ALL_403),
    page(
        "cases:portal-request",
        CASE_WORKERS,
        params={"contact_id": "portal_contact"},
        note="a request for help from the portal: the purpose page first, then the text",
    ),
    page(
        "cases:contact-offline-form",
        CASE_WORKERS,
        status=200,
        refused=ALL_403,
        note="the contact form of the offline page, as a fragment",
    ),
    page("cases:case-list", CASES),
    page("cases:my-cases", CASES),
    page("cases:team-cases", {SUPERVISOR}),
    page("cases:overdue", CASES),
    page("cases:case-create", CASE_WORKERS),
    page("cases:case-detail", CASES),
    page(
        "cases:case-detail",
        {SUPERVISOR},
        params={"case_id": "restricted_case"},
        variant="restricted",
        note="a restricted case: its assigned workers and the supervisors only, not the head",
    ),
    page("cases:case-access-log", {SUPERVISOR}, note="who read the case: its supervisors"),
    page(
        "cases:case-access-log",
        {SUPERVISOR},
        params={"case_id": "restricted_case"},
        variant="restricted",
        note="the head and the counsellor not on it get 404: the case does not exist for them",
    ),
    page("cases:case-messages-of-case", CASES, note="through the sensitive-data gate"),
    page(
        "cases:case-messages-of-case",
        {SUPERVISOR},
        params={"case_id": "restricted_case"},
        variant="restricted",
        note="a restricted case's messages: its workers and the supervisors, after a purpose",
    ),
    page("cases:safe-contact-add", CASE_WORKERS, method="post", status=302),
    page(
        "cases:case-messages",
        {SUPERVISOR},
        status=200,
        refused=ALL_403,
        note="the office's messages about cases; restricted cases' only behind their gate",
    ),
    page("cases:case-assign", {SUPERVISOR}, method="post"),
    page("cases:action-add", CASE_WORKERS, method="post"),
    page("cases:action-done", CASE_WORKERS, method="post"),
    page("cases:note-add", CASE_WORKERS, method="post"),
    page(
        "cases:note-add",
        {SUPERVISOR},
        method="post",
        params={"case_id": "restricted_case"},
        variant="restricted",
    ),
    page("cases:attachment-upload", CASE_WORKERS, method="post"),
    page("cases:attachment-file", CASES),
    page("cases:consent-add", CASE_WORKERS, method="post"),
    page("cases:consent-withdraw", CASE_WORKERS, method="post", params=CASE_PARAMS),
    page("cases:referral-send", CASE_WORKERS, method="post"),
    page("cases:referral-revoke", CASE_WORKERS, method="post"),
    page("cases:case-status", CASE_WORKERS, method="post"),
    page("cases:closure-request", CASE_WORKERS, method="post"),
    page("cases:closure-decide", {SUPERVISOR}, method="post"),
    page("cases:case-reopen", {SUPERVISOR}, method="post"),
    page("cases:case-restrict", CASE_WORKERS, method="post"),
    page("cases:case-unrestrict", {SUPERVISOR}, method="post"),
    page(
        "cases:case-unrestrict",
        {SUPERVISOR},
        method="post",
        params={"case_id": "restricted_case"},
        variant="restricted",
        note="the head and the counsellor not on it get 404: the case does not exist for them",
    ),
    page("cases:partner-directory", CASES),
    page("cases:partner-new", {HEAD}, note="the office's partner directory: its head keeps it"),
    page("cases:partner-edit", {HEAD}),
    page("cases:partner-stop", {HEAD}, method="post"),
    page("cases:partner-contact-new", {HEAD}),
    page("cases:partner-contact-edit", {HEAD}),
    page("cases:partner-contact-delete", {HEAD}, method="post"),
    page("cases:consent-template-new", {HEAD}),
    page("cases:consent-template-edit", {HEAD}),
    page("cases:legal-hold-set", {SUPERVISOR}, method="post"),
    page("cases:legal-hold-lift", {SUPERVISOR}, method="post"),
    page("cases:erasure-requests", {SUPERVISOR}),
    page("cases:erasure-decide", {SUPERVISOR}, method="post"),
    page("cases:partner-referral-list", {PARTNER}, status=200, refused=ALL_403),
    page("cases:partner-inbound-list", {PARTNER}, status=200, refused=ALL_403),
    page("cases:partner-inbound-create", {PARTNER}, status=200, refused=ALL_403),
    page(
        "cases:partner-inbound-create",
        {PARTNER},
        method="post",
        variant="post",
        status=422,
        refused=ALL_403,
        note="an empty referral answers 422",
    ),
    page(
        "cases:partner-referral-detail",
        {PARTNER},
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("cases:partner-referral-accept", {PARTNER}, method="post"),
    page("cases:partner-referral-decline", {PARTNER}, method="post"),
    page("cases:partner-referral-update", {PARTNER}, method="post"),
    page("cases:case-summary-pdf", CASES),
    page(
        "cases:case-summary-pdf",
        {SUPERVISOR},
        params={"case_id": "restricted_case"},
        query="purpose=supervision",
        variant="restricted",
    ),
    page("cases:referral-letter-pdf", CASES | {PARTNER}),
    # --- Outreach -------------------------------------------------------------------------------
    page("outreach:event-list", OFFICE, status=200, refused=ALL_403),
    page("outreach:event-create", OUTREACH_MANAGERS, status=200, refused=ALL_403),
    page("outreach:event-detail", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    page(
        "outreach:event-edit",
        OUTREACH_MANAGERS,
        status=200,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "outreach:participant-add",
        OUTREACH_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "outreach:participant-remove",
        OUTREACH_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "outreach:follow-up-add",
        OUTREACH_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "outreach:follow-up-delete",
        OUTREACH_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page("outreach:village-list", OFFICE, status=200, refused=ALL_403),
    page("outreach:village-detail", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    page(
        "outreach:focal-point-add",
        OUTREACH_MANAGERS,
        status=200,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "outreach:focal-point-end",
        OUTREACH_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page(
        "outreach:regulation-upload",
        OUTREACH_MANAGERS,
        status=200,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    page("outreach:regulation-file", OFFICE, status=200, refused=ALL_403, other_refused=ALL_403),
    page(
        "outreach:offline-app",
        OUTREACH_MANAGERS | CASE_WORKERS,
        status=200,
        refused=ALL_403,
        note="the offline field capture: whoever records outreach events or MRC contacts",
    ),
    public(
        "outreach:offline-worker",
        note="the offline page's service worker: code, the same for everyone",
    ),
    public("outreach:offline-manifest", note="the offline page's web app manifest"),
    page("outreach:sync-conflicts", OFFICE, status=200, refused=ALL_403),
    page(
        "outreach:sync-conflict-review",
        OUTREACH_MANAGERS,
        method="post",
        status=302,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    # --- Personal-data protection: data-subject requests and breaches ----------------------------
    page("privacy:subject-request-list", OFFICE, note="the head: the office's; others: their own"),
    page("privacy:subject-request-create", OFFICE),
    page(
        "privacy:subject-request-detail",
        {HEAD, FRONTDESK},
        note="the office head, and whoever recorded the request (the front desk here)",
    ),
    page("privacy:subject-request-edit", {HEAD}),
    page("privacy:subject-request-start", {HEAD}, method="post"),
    page("privacy:subject-request-close", {HEAD}),
    page("privacy:subject-request-erase", {HEAD}, method="post"),
    page("privacy:breach-list", OFFICE | {ADMIN}, note="the register, or the reports one made"),
    page("privacy:breach-report", OFFICE | {ADMIN}),
    page(
        "privacy:breach-detail",
        {ADMIN, HEAD},
        other={ADMIN},
        note="national: the administrator reads every office's, the reporter (the head) theirs",
    ),
    page("privacy:breach-edit", {ADMIN}, other={ADMIN}),
    page("privacy:breach-decide", {ADMIN}, other={ADMIN}, method="post"),
    page("privacy:breach-notice-record", {ADMIN}, other={ADMIN}, method="post"),
    page("privacy:breach-notice-draft", {ADMIN}, other={ADMIN}, params={"recipient": "=subjects"}),
    page("privacy:breach-notice-letter", {ADMIN}, other={ADMIN}),
    # --- Notifications --------------------------------------------------------------------------
    page(
        "notifications:outbox",
        {HEAD, SUPERVISOR},
        status=200,
        refused=ALL_403,
        note="the head: failed messages not about a case; the supervisor: a link to the MRC's",
    ),
    page(
        "notifications:office-settings",
        {HEAD},
        status=200,
        refused=ALL_403,
        note="the office head turns the queue's messages to visitors on or off",
    ),
    page(
        "notifications:digest",
        OFFICE,
        status=200,
        refused=ALL_403,
        note="every office staff member may ask for the office's daily digest (counts only)",
    ),
    page(
        "notifications:resend",
        {HEAD},
        method="post",
        status=302,
        note="the shared failed message is not about a case: the supervisor gets 404",
    ),
    page(
        "notifications:person-opt-out",
        OFFICE,
        method="post",
        status=302,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    page(
        "notifications:person-language",
        OFFICE,
        method="post",
        status=302,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    page(
        "notifications:whatsapp-webhook",
        NOBODY,
        refusal=frozenset({403}),
        note="the provider's: a GET without Meta's verify token and an unsigned POST get 403",
    ),
    page(
        "notifications:whatsapp-webhook",
        NOBODY,
        method="post",
        variant="post",
        refusal=frozenset({403}),
        note="an unsigned delivery receipt changes nothing: 403 for everyone",
    ),
    page(
        "notifications:sms-webhook",
        NOBODY,
        method="post",
        refusal=frozenset({403}),
        note="the SMS gateway's, signed with the shared secret: 403 without",
    ),
    # --- Reports --------------------------------------------------------------------------------
    page(
        "reports:office-dashboard",
        REPORT_READERS,
        note="national roles are sent on to the national dashboard",
        status=200,
        redirects={NATIONAL: "reports:national-dashboard"},
        refused=ALL_403,
    ),
    page(
        "reports:office-indicator",
        REPORT_READERS,
        params={"code": "=registrations"},
        other=REPORT_READERS,
        note="as the office dashboard (national roles are sent on to the national dashboard); "
        "an indicator code belongs to no office: the page shows the reader's own office",
        status=200,
        redirects={NATIONAL: "reports:national-dashboard"},
        refused=ALL_403,
    ),
    page("reports:national-dashboard", NATIONAL, status=200, refused=ALL_403),
    page("reports:village-list", REPORT_READERS, status=200, refused=ALL_403),
    page(
        "reports:village-profile",
        REPORT_READERS,
        other=NATIONAL,
        note="national roles see every office's villages, as aggregates",
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    page("reports:export-list", REPORT_READERS, status=200, refused=ALL_403),
    page(
        "reports:export-download",
        {HEAD},
        params={"job_id": "export_job"},
        note="only the person who asked for the export downloads it",
        status=200,
        refused={403: SIGNED_IN - REPORT_READERS, 404: REPORT_READERS},
        other_refused={403: SIGNED_IN - REPORT_READERS, 404: REPORT_READERS},
    ),
    page(
        "reports:export-monthly-xlsx",
        REPORT_READERS,
        status=200,
        redirects={NATIONAL: "reports:export-list"},
        refused=ALL_403,
    ),
    page(
        "reports:export-monthly-pdf",
        REPORT_READERS,
        status=200,
        redirects={NATIONAL: "reports:export-list"},
        refused=ALL_403,
    ),
    page(
        "reports:export-indicator-csv",
        REPORT_READERS,
        query="indicator=registrations",
        status=200,
        refused=ALL_403,
    ),
    page(
        "reports:export-dhis2",
        REPORT_READERS,
        status=200,
        redirects={NATIONAL: "reports:export-list"},
        refused=ALL_403,
    ),
    # --- API: the caller, offices, reference data -----------------------------------------------
    page(
        "api:api-root",
        NOBODY,
        refusal=frozenset({404}),
        note="django-ninja's root: 404 for everyone (the reference is at /api/v1/docs)",
    ),
    page("api:openapi-json", PUBLIC, other=PUBLIC, note="the API's description is public"),
    page("api:openapi-view", PUBLIC, other=PUBLIC),
    api("POST /api/v1/auth/token", PUBLIC, note="empty credentials: 422 for everyone"),
    api(
        "POST /api/v1/auth/token/revoke",
        SIGNED_IN,
        body={"token": "not-a-token"},
        answers=frozenset({404}),
        note="an unknown token: 404 to whoever asks",
    ),
    api("GET /api/v1/auth/me", SIGNED_IN),
    api("GET /api/v1/offices", OFFICE | NATIONAL),
    api("GET /api/v1/offices/{office_id}", OFFICE | NATIONAL, other=NATIONAL),
    api("GET /api/v1/offices/{office_id}/partners", OFFICE | NATIONAL, other=NATIONAL),
    api(
        "GET /api/v1/offices/{office_id}/ikm",
        OFFICE | NATIONAL,
        other=NATIONAL,
        note="the satisfaction index: an aggregate of anonymous answers",
        status=200,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    api("GET /api/v1/regions", SIGNED_IN),
    api("GET /api/v1/regions/search", SIGNED_IN),
    api("GET /api/v1/regions/{code}", SIGNED_IN, params={"code": "region"}, other=SIGNED_IN),
    # --- API: registry --------------------------------------------------------------------------
    api("GET /api/v1/people", OFFICE, status=200, refused=ALL_403),
    api(
        "POST /api/v1/people",
        OFFICE,
        body={"full_name": "Ratna", "sex": "F"},
        status=201,
        refused=ALL_403,
    ),
    api(
        "GET /api/v1/people/{person_id}", OFFICE, status=200, refused=ALL_404, other_refused=ALL_404
    ),
    api(
        "PATCH /api/v1/people/{person_id}",
        OFFICE,
        body={"address": "Jl. Melati 1"},
        status=200,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    api(
        "GET /api/v1/people/{person_id}/timeline",
        OFFICE,
        status=200,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    api(
        "GET /api/v1/people/{person_id}/access-log",
        {HEAD, SUPERVISOR},
        note="who read the record: the head, and the case supervisors who also see case work",
        status=200,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    # --- API: front desk ------------------------------------------------------------------------
    api(
        "GET /api/v1/services",
        OFFICE,
        query="office_id=@office",
        note="the office's service catalogue (what check-in takes); another office's is 404",
        status=200,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    api(
        "POST /api/v1/visits",
        CHECK_IN,
        body={"service_ids": ["@service"], "person_id": "@person"},
        status=201,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api(
        "GET /api/v1/desks/{desk_id}/queue",
        OFFICE,
        note="ticket numbers, as on the waiting-room screen; calling needs the desk",
    ),
    api(
        "POST /api/v1/desks/{desk_id}/call-next",
        LABOUR_DESK,
        status=200,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    api("POST /api/v1/tickets/{ticket_id}/finish", LABOUR_DESK),
    api(
        "POST /api/v1/surveys",
        PUBLIC,
        other=PUBLIC,
        body={"token": "@survey_token", "answers": {f"u{n}": 4 for n in range(1, 10)}},
        note="no sign-in: the visit's survey token is the credential",
    ),
    # --- API: placement -------------------------------------------------------------------------
    api("GET /api/v1/agencies", AGENCY_READERS, status=200, refused=ALL_403),
    api(
        "POST /api/v1/agencies",
        {PLACEMENT_ADMIN},
        other={PLACEMENT_ADMIN},
        body={
            "name": "PT Baru",
            "licence_number": "SIP3MI/NEW",
            "licence_valid_from": "@today",
            "licence_valid_until": "@today",
        },
        status=201,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api(
        "GET /api/v1/agencies/{agency_id}",
        AGENCY_READERS,
        other=AGENCY_READERS,
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api(
        "PATCH /api/v1/agencies/{agency_id}",
        {PLACEMENT_ADMIN},
        other={PLACEMENT_ADMIN},
        body={"status": "revoked"},
        note="a licence is changed for the whole country: by the ministry only",
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api("GET /api/v1/agencies/concerns", {PLACEMENT_ADMIN}, status=200, refused=ALL_403),
    api(
        "POST /api/v1/agencies/concerns/{concern_id}/status",
        {PLACEMENT_ADMIN},
        other={PLACEMENT_ADMIN},
        body={"status": "acknowledged"},
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api(
        "GET /api/v1/agencies/{agency_id}/concerns",
        CONCERN_RAISERS | {PLACEMENT_ADMIN},
        other=CONCERN_RAISERS | {PLACEMENT_ADMIN},
        note="an office reads its own concerns about the agency, the ministry every office's",
        status=200,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api(
        "POST /api/v1/agencies/{agency_id}/concerns",
        CONCERN_RAISERS,
        other=CONCERN_RAISERS,
        body={"kind": "fees", "text": "Biaya pelatihan ditagih di muka."},
        status=201,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api("GET /api/v1/job-orders", OFFICE, status=200, refused=ALL_403),
    api(
        "POST /api/v1/job-orders",
        PLACEMENT_MANAGERS,
        other=PLACEMENT_MANAGERS,
        body={
            "agency_id": "@agency",
            "scheme": "p3mi",
            "permit_number": "SIP2MI/NEW",
            "permit_valid_from": "@today",
            "permit_valid_until": "@today",
            "country": "HK",
            "employer": "Keluarga Wong",
            "sector": "domestic",
            "occupation": "Domestic worker",
            "salary_amount": "4990",
            "salary_currency": "HKD",
            "contract_months": 24,
            "closing_date": "@today",
        },
        status=201,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api("GET /api/v1/job-orders/{job_order_id}", OFFICE),
    api(
        "PATCH /api/v1/job-orders/{job_order_id}",
        PLACEMENT_MANAGERS,
        body={"quota_women": 9},
        status=200,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    api("GET /api/v1/placement-files", OFFICE, status=200, refused=ALL_403),
    api(
        "POST /api/v1/placement-files",
        PLACEMENT_MANAGERS,
        body={"person_id": "@person", "scheme": "individual", "employer": "Wong"},
        status=201,
        refused=ALL_403,
        other_refused=OFFICE_404,
    ),
    api("GET /api/v1/placement-files/{file_id}", OFFICE),
    api(
        "PATCH /api/v1/placement-files/{file_id}",
        PLACEMENT_MANAGERS,
        body={"occupation": "Cook"},
        status=200,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    api("GET /api/v1/placement-files/{file_id}/checklist", OFFICE),
    api("GET /api/v1/placement-files/{file_id}/readiness", OFFICE),
    api("GET /api/v1/placement-files/{file_id}/history", OFFICE),
    api(
        "POST /api/v1/placement-files/{file_id}/stage",
        PLACEMENT_MANAGERS,
        body={"to_stage": "selection"},
        status=200,
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    api(
        "POST /api/v1/placement-files/{file_id}/overrides",
        {HEAD},
        body={"gate": "documents", "reason": "Dokumen menyusul"},
    ),
    api(
        "POST /api/v1/placement-files/{file_id}/departure",
        PLACEMENT_MANAGERS,
        body={"departure_date": "@today"},
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    api(
        "POST /api/v1/placement-files/{file_id}/return",
        PLACEMENT_MANAGERS,
        body={"return_date": "@today", "reason": "contract_finished"},
        refused=NO_OFFICE_404,
        other_refused=ALL_404,
    ),
    # --- API: MRC -------------------------------------------------------------------------------
    api("GET /api/v1/contacts", CASES, status=200, refused=ALL_403),
    api(
        "POST /api/v1/contacts/sync",
        CASE_WORKERS,
        other=CASE_WORKERS,
        body={"contacts": []},
        status=200,
        refused=ALL_403,
        note="contacts recorded offline: the caller's own office, whatever ids are asked",
    ),
    api(
        "POST /api/v1/outreach/sync",
        OUTREACH_MANAGERS,
        other=OUTREACH_MANAGERS,
        body={"events": []},
        status=200,
        refused=ALL_403,
        note="events recorded offline: the caller's own office, whatever ids are asked",
    ),
    api(
        "POST /api/v1/contacts",
        CASE_WORKERS,
        other=CASE_WORKERS,
        body={
            "kind": "information",
            "channel": "walk_in",
            "topic": "documents",
            "occurred_on": "@today",
        },
        status=201,
        refused=ALL_403,
        other_refused=ALL_403,
    ),
    api("GET /api/v1/cases", CASES),
    api(
        "POST /api/v1/cases",
        CASE_WORKERS,
        body={"client_id": "@person", "channel": "walk_in", "categories": ["wages"]},
    ),
    api("GET /api/v1/cases/{case_id}", CASES),
    api(
        "GET /api/v1/cases/{case_id}",
        {SUPERVISOR},
        params={"case_id": "restricted_case"},
        variant="restricted",
    ),
    api("GET /api/v1/cases/{case_id}/timeline", CASES),
    api("POST /api/v1/cases/{case_id}/notes", CASE_WORKERS, body={"text": "Catatan"}),
    api(
        "POST /api/v1/cases/{case_id}/actions",
        CASE_WORKERS,
        body={"description": "Telepon", "owner_id": "@counsellor_id", "due_on": "@today"},
    ),
    api("POST /api/v1/cases/{case_id}/actions/{action_id}/done", CASE_WORKERS),
    api(
        "POST /api/v1/cases/{case_id}/assignments",
        {SUPERVISOR},
        body={"worker_id": "@counsellor2_id"},
    ),
    api("POST /api/v1/cases/{case_id}/status", CASE_WORKERS, body={"status": "in_progress"}),
    api("POST /api/v1/cases/{case_id}/closure-request", CASE_WORKERS, body={"outcome": "resolved"}),
    api("POST /api/v1/cases/{case_id}/closure-decision", {SUPERVISOR}, body={"approve": False}),
    api("POST /api/v1/cases/{case_id}/reopen", {SUPERVISOR}, body={"reason": "Klien kembali"}),
    api("POST /api/v1/cases/{case_id}/restrict", CASE_WORKERS, body={"reason": "Kekerasan"}),
    api("POST /api/v1/cases/{case_id}/unrestrict", {SUPERVISOR}, body={"reason": "Salah catat"}),
    api(
        "POST /api/v1/cases/{case_id}/unrestrict",
        {SUPERVISOR},
        params={"case_id": "restricted_case"},
        body={"reason": "Salah catat"},
        variant="restricted",
        note="a case about violence stays restricted: the supervisor's answer is 409",
    ),
    api("GET /api/v1/cases/{case_id}/consents", CASES),
    api(
        "POST /api/v1/cases/{case_id}/consents",
        CASE_WORKERS,
        body={
            "recipient_id": "@partner",
            "items": ["identity"],
            "given_on": "@today",
            "method": "signed",
        },
    ),
    api(
        "POST /api/v1/cases/{case_id}/consents/{consent_id}/withdraw",
        CASE_WORKERS,
        params=CASE_PARAMS,
    ),
    api("GET /api/v1/cases/{case_id}/referrals", CASES),
    api(
        "POST /api/v1/cases/{case_id}/referrals",
        CASE_WORKERS,
        body={"partner_id": "@partner", "service": "Bantuan hukum", "due_on": "@today"},
    ),
    api(
        "POST /api/v1/cases/{case_id}/referrals/{referral_id}/revoke",
        CASE_WORKERS,
        body={"reason": "Mitra tidak aman"},
    ),
    api("GET /api/v1/partner/referrals", {PARTNER}, status=200, refused=ALL_403),
    api(
        "GET /api/v1/partner/referrals/{referral_id}",
        {PARTNER},
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    api(
        "POST /api/v1/partner/referrals/{referral_id}/accept",
        {PARTNER},
        status=200,
        refused=ALL_404,
        other_refused=ALL_404,
    ),
    api(
        "POST /api/v1/partner/referrals/{referral_id}/decline", {PARTNER}, body={"reason": "Penuh"}
    ),
    api(
        "POST /api/v1/partner/referrals/{referral_id}/feedback",
        {PARTNER},
        body={"feedback": "Sudah didampingi"},
    ),
    # --- API: reports ---------------------------------------------------------------------------
    api("GET /api/v1/indicators", REPORT_READERS, status=200, refused=ALL_403),
    api("GET /api/v1/reports/indicators", REPORT_READERS, status=200, refused=ALL_403),
]
