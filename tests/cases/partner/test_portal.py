"""The partner portal: a partner case worker sees only referrals sent to their organisation and
only what the client consented to share; nothing else of the office is reachable."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from satuatap.cases import services
from satuatap.cases.models import (
    Case,
    CaseConsent,
    CaseEvent,
    Category,
    Channel,
    Referral,
    ReferralState,
    SharedItem,
)
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.partner import services as partner_services
from satuatap.core.models import PartnerType
from satuatap.core.roles import Role
from satuatap.people.models import Phone
from tests import purpose as purpose_form
from tests.factories import PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db

NARRATIVE = "Dipukul oleh majikan di Taipei."
SAFETY_NOTES = "Tinggal di rumah kakak, jangan hubungi nomor lama."


def refer(case, by, partner, items=(SharedItem.IDENTITY, SharedItem.SUMMARY), **extra):
    services.record_consent(
        case=case,
        by=by,
        recipient=partner,
        items=items,
        given_on=case.office.today(),
        method="signed",
    )
    return services.send_referral(
        case=case,
        by=by,
        partner=partner,
        service=extra.pop("service", "Pendampingan psikososial"),
        due_on=case.office.today() + datetime.timedelta(days=extra.pop("due_in", 7)),
        **extra,
    )


@pytest.fixture
def other_partner(office):
    partner = PartnerFactory(
        slug="lbh-cirebon", name="LBH Cirebon", partner_type=PartnerType.LEGAL_AID
    )
    partner.partner_offices.add(office)
    return partner


@pytest.fixture
def employer_case(make_case):
    return make_case(employer="Majikan Wong", country="HK")


@pytest.fixture
def referral(employer_case, counsellor, partner):
    """An ordinary case referred to the partner with identity and summary consented only."""
    Phone.objects.create(person=employer_case.client, number="+6281234567890")
    return refer(employer_case, counsellor, partner)


@pytest.fixture
def portal(client, partner_worker):
    client.force_login(partner_worker)
    return client


def _detail(referral) -> str:
    return reverse("cases:partner-referral-detail", args=[referral.pk])


# --- List -------------------------------------------------------------------------------------


def test_the_list_shows_only_referrals_sent_to_the_partner(
    portal, referral, make_case, counsellor, other_partner
):
    elsewhere = refer(make_case(), counsellor, other_partner, service="Bantuan hukum")

    response = portal.get(reverse("cases:partner-referral-list"))

    assert response.status_code == 200
    shown = [row["referral"].pk for row in response.context["rows"]]
    assert shown == [referral.pk]
    html = response.content.decode()
    assert _detail(referral) in html
    assert _detail(elsewhere) not in html
    assert "Bantuan hukum" not in html


def test_the_list_filters_by_state(
    portal, referral, make_case, counsellor, partner, partner_worker
):
    accepted = refer(make_case(), counsellor, partner)
    partner_services.answer_referral(referral=accepted, by=partner_worker, accept=True)
    url = reverse("cases:partner-referral-list")

    sent = [r["referral"].pk for r in portal.get(url, {"state": "sent"}).context["rows"]]
    taken = [r["referral"].pk for r in portal.get(url, {"state": "accepted"}).context["rows"]]

    assert sent == [referral.pk]
    assert taken == [accepted.pk]


def test_the_list_names_no_client_even_when_identity_was_consented(
    portal, make_case, counsellor, partner, client_person
):
    """The client's name is read with a purpose, on the referral's page, never in a list."""
    refer(make_case(), counsellor, partner, items=[SharedItem.IDENTITY, SharedItem.SUMMARY])

    response = portal.get(reverse("cases:partner-referral-list"))

    assert len(response.context["rows"]) == 1
    assert client_person.full_name not in response.content.decode()


def test_the_list_of_many_referrals_takes_a_fixed_number_of_queries(
    portal, make_case, counsellor, partner, django_assert_max_num_queries
):
    case = make_case()
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=case.office.today(),
        method="signed",
    )
    for number in range(30):
        services.send_referral(
            case=case,
            by=counsellor,
            partner=partner,
            service=f"Layanan {number}",
            due_on=case.office.today(),
        )
    with django_assert_max_num_queries(12):
        response = portal.get(reverse("cases:partner-referral-list"))
    assert len(response.context["rows"]) == 30


# --- Detail: only what was consented ----------------------------------------------------------


def test_the_detail_asks_why_before_it_shows_anything(portal, referral, client_person):
    asked = portal.get(_detail(referral))
    assert purpose_form.is_purpose_page(asked)
    assert client_person.full_name not in asked.content.decode()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_detail_shows_only_the_consented_fields(portal, referral, client_person):
    response = purpose_form.read(portal, _detail(referral), "case")

    assert response.status_code == 200
    html = response.content.decode()
    assert client_person.full_name in html  # identity consented
    assert "Majikan Wong" in html  # summary consented
    assert "Pendampingan psikososial" in html  # the service asked for
    assert referral.case.number in html
    assert "Gaji tidak dibayar" not in html  # the narrative was not consented
    assert "+6281234567890" not in html  # contact details were not consented
    assert client_person.nik not in html and client_person.masked_nik not in html
    assert response.context["shared"].keys() == partner_selectors.shared_view(referral).keys()


def test_the_detail_shows_the_story_and_safety_only_when_consented(
    portal, gbv_case, counsellor, partner
):
    without = refer(gbv_case, counsellor, partner, items=[SharedItem.IDENTITY])
    html = purpose_form.read(portal, _detail(without), "case").content.decode()
    assert NARRATIVE not in html and SAFETY_NOTES not in html

    services.withdraw_consent(consent=without.consent, by=counsellor)
    with_story = refer(
        gbv_case,
        counsellor,
        partner,
        items=[SharedItem.NARRATIVE, SharedItem.SAFETY],
        message="Mohon hubungi lewat WhatsApp.",
    )
    html = purpose_form.read(portal, _detail(with_story), "case").content.decode()
    assert NARRATIVE in html and SAFETY_NOTES in html
    assert "Mohon hubungi lewat WhatsApp." in html


def test_reading_a_referral_through_the_portal_is_logged_with_the_partners_purpose(
    portal, gbv_case, counsellor, partner, partner_worker
):
    shared = refer(gbv_case, counsellor, partner, items=[SharedItem.NARRATIVE])

    purpose_form.read(portal, _detail(shared), "legal")
    portal.get(_detail(shared))  # within the grant window: not asked again, logged again

    reads = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Referral),
        object_pk=str(shared.pk),
    )
    # (A partner case worker's reads are case work: core.trail.)
    assert [(r.actor, r.additional_data) for r in reads] == [
        (partner_worker, {"purpose": "legal", "case_work": True}),
        (partner_worker, {"purpose": "legal", "case_work": True}),
    ]
    assert not LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, content_type=ContentType.objects.get_for_model(Case)
    ).exists()


# --- Nothing else ---------------------------------------------------------------------------


def test_another_partners_referral_is_not_found(portal, make_case, counsellor, other_partner):
    elsewhere = refer(make_case(), counsellor, other_partner)

    assert portal.get(_detail(elsewhere)).status_code == 404
    for action in ("accept", "decline", "update"):
        url = reverse(f"cases:partner-referral-{action}", args=[elsewhere.pk])
        assert portal.post(url, {"reason": "x", "feedback": "x"}).status_code == 404
    letter = reverse("cases:referral-letter-pdf", args=[elsewhere.pk])
    assert portal.get(letter).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == ReferralState.SENT


def test_a_case_id_used_as_a_referral_id_is_not_found(portal, referral, make_case):
    cases = [make_case() for _ in range(3)]
    ours = set(Referral.objects.filter(partner=referral.partner).values_list("pk", flat=True))
    case = next(c for c in cases if c.pk not in ours)

    detail = portal.get(reverse("cases:partner-referral-detail", args=[case.pk]))
    letter = portal.get(reverse("cases:referral-letter-pdf", args=[case.pk]))

    assert detail.status_code == 404 and letter.status_code == 404
    assert not purpose_form.is_purpose_page(detail)  # not even asked why: nothing is there
    assert not letter.content.startswith(b"%PDF")
    for response in (detail, letter):
        body = response.content.decode()
        assert case.number not in body and case.client.full_name not in body
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_after_consent_is_withdrawn_the_partner_sees_nothing_more(
    portal, referral, counsellor, client_person, partner_worker
):
    partner_worker.language = "en"
    partner_worker.save(update_fields=["language"])
    services.withdraw_consent(consent=referral.consent, by=counsellor)

    listing = portal.get(reverse("cases:partner-referral-list"))
    [row] = listing.context["rows"]
    assert row["referral"] == referral and row["has_ended"]
    assert client_person.full_name not in listing.content.decode()
    assert referral.service not in listing.content.decode()
    page = portal.get(_detail(referral))
    assert page.status_code == 200
    html = page.content.decode()
    assert "This referral has ended." in html
    for personal in (client_person.full_name, "+6281234567890", referral.case.number):
        assert personal not in html
    # Not told that the client withdrew: only that the office ended it.
    assert "The office ended this referral" in html and "withdr" not in html.lower()
    accept = reverse("cases:partner-referral-accept", args=[referral.pk])
    refused = portal.post(accept)
    assert refused.status_code == 409
    assert client_person.full_name not in refused.content.decode()
    letter = reverse("cases:referral-letter-pdf", args=[referral.pk])
    assert portal.get(letter).status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


# --- Answering --------------------------------------------------------------------------------


def test_the_partner_accepts_reports_and_completes(portal, referral, partner_worker):
    accept = reverse("cases:partner-referral-accept", args=[referral.pk])
    update = reverse("cases:partner-referral-update", args=[referral.pk])

    assert portal.post(accept).status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert referral.answered_by == partner_worker

    portal.post(update, {"feedback": "Konseling pertama sudah dilakukan."})
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert "Konseling pertama sudah dilakukan." in referral.feedback

    portal.post(update, {"feedback": "Klien sudah aman di rumah.", "complete": "1"})
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    assert referral.completed_at is not None
    html = purpose_form.read(portal, _detail(referral), "case").content.decode()
    assert "Konseling pertama sudah dilakukan." in html and "Klien sudah aman di rumah." in html
    kinds = list(CaseEvent.objects.filter(case=referral.case).values_list("kind", flat=True))
    assert {"referral_accepted", "referral_update", "referral_completed"} <= set(kinds)


def test_declining_needs_a_reason(portal, referral, partner_worker):
    partner_worker.language = "en"
    partner_worker.save()
    decline = reverse("cases:partner-referral-decline", args=[referral.pk])
    purpose_form.read(portal, _detail(referral), "case")  # the partner opened the referral

    response = portal.post(decline, {"reason": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT

    portal.post(decline, {"reason": "Di luar wilayah layanan kami."})
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED
    assert referral.decline_reason == "Di luar wilayah layanan kami."


def test_an_answered_referral_cannot_be_answered_again(portal, referral, partner_worker):
    partner_worker.language = "en"
    partner_worker.save()
    partner_services.answer_referral(
        referral=referral, by=partner_worker, accept=False, reason="Penuh"
    )

    response = portal.post(
        reverse("cases:partner-referral-accept", args=[referral.pk]), follow=True
    )

    assert "This referral was already answered." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED


def test_an_update_before_accepting_is_refused(portal, referral):
    portal.post(reverse("cases:partner-referral-update", args=[referral.pk]), {"feedback": "Halo"})
    referral.refresh_from_db()
    assert referral.feedback == "" and referral.state == ReferralState.SENT


# --- Home page ------------------------------------------------------------------------------

# Pages of the partner's own account and the API's description: they hold no office record.
OWN_ACCOUNT_TILES = {"core:api-tokens", "api:openapi-view", "core:two-factor"}


def test_the_partners_home_shows_only_the_portal_tiles(portal):
    response = portal.get(reverse("home"))

    tiles = {action["url"] for action in response.context["actions"]}
    assert tiles == {
        reverse("cases:partner-referral-list"),
        reverse("cases:partner-inbound-list"),
    } | {reverse(name) for name in OWN_ACCOUNT_TILES}


def test_office_staff_do_not_get_the_portal_tile(client, counsellor):
    client.force_login(counsellor)
    tiles = {a["url"] for a in client.get(reverse("home")).context["actions"]}
    assert reverse("cases:partner-referral-list") not in tiles


# --- Every URL of the project -----------------------------------------------------------------

# A referral sent to the partner that has ended (consent withdrawn) may be opened by it: the page
# says that it ended and shows nothing of the client (checked in the sweep below).
ENDED_REFERRAL_PAGES = {"cases:partner-referral-detail", "api:get_partner_referral"}

# Pages any anonymous visitor may see (sign-in, language, about, health and readiness checks,
# the public job board, the paired waiting-room screen and kiosk, the survey behind its token):
# not tested here.
# The set-password page is public: the one-time link is its credential (core.staff).
PUBLIC = {
    "login",
    "logout",
    "set-language",
    "healthz",
    "readyz",
    "core:about",
    "core:set-password",
    "admin:login",
    "admin:logout",
    # The offline page's service worker and manifest: the same code for everyone, no data.
    "outreach:offline-worker",
    "outreach:offline-manifest",
}
# The workers' self-service portal is public: a worker reaches a file only with a one-time code.
PUBLIC_NAMESPACES = {"public", "public_jobs", "portal"}
# What a partner case worker may open: the home page and the portal (its record pages are
# opened with other partners' ids below, so they must answer 404 too), the partner's own
# account (API tokens, who am I), the API's description and the public region reference data.
PARTNER_PAGES = {
    "home",
    "cases:partner-referral-list",
    "cases:partner-inbound-list",
    "cases:partner-inbound-create",
    "api:list_partner_referrals",
    "core:api-tokens",
    # The partner's own two-factor sign-in (set-up, code, recovery codes): no office record.
    "core:two-factor",
    "core:two-factor-setup",
    "core:two-factor-verify",
    "core:two-factor-recovery-codes",
    "api:me",
    "api:openapi-json",
    "api:openapi-view",
    "api:regions_list",
    "api:regions_detail",
}


def _leaf_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _leaf_patterns(
                pattern,
                prefix + str(pattern.pattern),
                f"{namespace}:{inner}" if namespace and inner else inner or namespace,
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern), pattern.callback


def _group_value(name: str, regex: str, candidates: dict) -> list[str]:
    if name in candidates:
        return [str(v) for v in candidates[name]]
    if "|" in regex:  # an alternation such as admin's app labels
        return [regex.split("|")[0]]
    if regex in ("[0-9]+", r"\d+"):  # an id in a regex route (a breach's notices)
        return ["1"]
    return ["x"]


def _urls(route: str, candidates: dict) -> list[str]:
    """Every URL of the route with its parameters filled from the candidates."""
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>([^)]*)\)", route)
    values = [
        _group_value(a or b, regex, candidates) if b else [str(v) for v in candidates.get(a, [1])]
        for a, b, regex in params
    ]
    urls = []
    for combination in itertools.islice(itertools.product(*values), 24):
        chosen = iter(combination)  # the parameters in the order they appear in the route
        url = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", lambda _m, c=chosen: next(c), route)
        urls.append("/" + url)
    return urls


@pytest.fixture
def office_records(
    make_case, gbv_case, counsellor, supervisor, partner, other_partner, other_office, make_user
):
    """Records of the office (and of another office) the partner must never reach."""
    from satuatap.cases.models import Contact
    from satuatap.placement.files import services as files

    ordinary = make_case(employer="Majikan Lain")
    elsewhere = refer(ordinary, counsellor, other_partner)
    action = services.add_action(
        case=ordinary,
        description="Hubungi agensi",
        owner=counsellor,
        due_on=ordinary.office.today(),
        by=counsellor,
    )
    services.add_note(case=ordinary, text="Catatan kasus", by=counsellor)
    contact = services.record_contact(
        by=counsellor,
        kind="information",
        channel=Channel.WALK_IN,
        topic="documents",
        occurred_on=ordinary.office.today(),
        case=ordinary,
    )
    withdrawn = refer(gbv_case, counsellor, partner, items=[SharedItem.NARRATIVE])
    services.withdraw_consent(consent=withdrawn.consent, by=counsellor)
    # A case referred to this partner: its office pages stay closed all the same.
    ours_case = make_case(categories=(Category.FEES,))
    ours = refer(ours_case, counsellor, partner)

    their_counsellor = make_user(Role.COUNSELLOR, organisation=other_office)
    their_client = PersonFactory(office=other_office, nik="3504015403950001")
    their_case = services.open_case(
        by=their_counsellor, client=their_client, channel=Channel.PHONE, categories=["wages"]
    )
    officer = make_user(Role.PLACEMENT_OFFICER)
    placement_file = files.open_file(
        person=ordinary.client, by=officer, values={"scheme": "individual", "employer": "Wong"}
    )

    case_ids = [ordinary.pk, gbv_case.pk, ours_case.pk, their_case.pk]
    partner_referrals = set(Referral.objects.filter(partner=partner).values_list("pk", flat=True))
    foreign_ids = [pk for pk in Case.objects.values_list("pk", flat=True)]
    not_ours = next(pk for pk in foreign_ids + [10_000] if pk not in partner_referrals)
    return {
        "ours": ours,
        "elsewhere": elsewhere,
        "withdrawn": withdrawn,
        "secrets": [gbv_case.client.full_name, gbv_case.number, NARRATIVE, withdrawn.service],
        "candidates": {
            "case_id": case_ids,
            "referral_id": [elsewhere.pk, withdrawn.pk, not_ours],
            "person_id": [ordinary.client_id, their_client.pk],
            "action_id": [action.pk],
            "consent_id": list(CaseConsent.objects.values_list("pk", flat=True)),
            "contact_id": [contact.pk, Contact.objects.order_by("pk").first().pk],
            "attachment_id": [action.pk],
            "file_id": [placement_file.pk],
            "office_id": [ordinary.office_id, other_office.pk],
            "code": ["32.09"],
            "fmt": ["json"],
            "object_id": [counsellor.pk],
            "id": [counsellor.pk],
            "content_type_id": [ContentType.objects.get_for_model(Case).pk],
            "url": ["x"],
        },
    }


def _reaches_nothing(response) -> bool:
    status = response.status_code
    if status in (400, 401, 403, 404, 405, 409, 422):
        return True
    # The admin site sends everyone without staff status to its sign-in page. (Any other
    # redirect to a sign-in page would mean the partner was signed out: that fails.)
    if status == 302:
        return response.get("Location", "").startswith(reverse("admin:login"))
    # An API list that answers with no row at all (the people and office lists answer a
    # caller without rights with `[]` rather than 403) shows nothing either.
    return (
        status == 200
        and response.get("Content-Type", "").startswith("application/json")
        and response.json() == []
    )


def test_a_partner_reaches_no_page_of_the_office(client, partner_worker, office_records):
    """Every URL pattern of the project, with ids of the office's cases, people, files and
    other partners' referrals: a partner gets nothing but the portal and the home page."""
    candidates = office_records["candidates"]
    before = {
        "events": CaseEvent.objects.count(),
        "states": dict(Referral.objects.values_list("pk", "state")),
        "consents": CaseConsent.objects.filter(withdrawn_on__isnull=True).count(),
    }
    seen = set()
    reached = []
    missed = []
    ended_id = str(office_records["withdrawn"].pk)
    for name, route, view in _leaf_patterns():
        namespace = name.split(":")[0] if ":" in name else ""
        if name in PUBLIC or namespace in PUBLIC_NAMESPACES:
            continue
        seen.add(name)
        client.force_login(partner_worker)  # no page may have signed the partner out
        for url in _urls(route, candidates):
            match = resolve(url)  # the URL must reach this very pattern (or its twin route)
            if match.func is not view and match.route != route:
                missed.append((name, url, match.route))
            for method in ("get", "post", "patch", "delete"):
                if url.startswith("/api/"):
                    response = client.generic(method.upper(), url, "{}", "application/json")
                elif method in ("get", "post"):
                    response = getattr(client, method)(url)
                else:
                    continue
                if name in PARTNER_PAGES or _reaches_nothing(response):
                    continue
                if name in ENDED_REFERRAL_PAGES and method == "get" and ended_id in url:
                    # The partner's own referral, ended: it may say so, and nothing more.
                    body = response.content.decode()
                    if not any(secret in body for secret in office_records["secrets"]):
                        continue
                reached.append((name, method, url, response.status_code))
    assert reached == [], "\n".join(map(str, reached))
    assert missed == [], "\n".join(map(str, missed))
    assert {"cases:case-detail", "people:detail", "cases:partner-referral-detail"} <= seen
    assert CaseEvent.objects.count() == before["events"]
    assert dict(Referral.objects.values_list("pk", "state")) == before["states"]
    assert CaseConsent.objects.filter(withdrawn_on__isnull=True).count() == before["consents"]


def test_the_partner_pages_do_open_for_their_own_referral(client, partner_worker, office_records):
    """The other side of the sweep above: the partner's own referral is reachable."""
    client.force_login(partner_worker)
    ours = office_records["ours"]

    detail = purpose_form.read(client, _detail(ours), "case")
    letter = purpose_form.read(client, reverse("cases:referral-letter-pdf", args=[ours.pk]), "case")
    listing = client.get(reverse("cases:partner-referral-list"))

    assert detail.status_code == 200
    html = detail.content.decode()
    assert ours.case.number in html and ours.case.client.full_name in html  # identity consented
    assert ours.service in html
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    assert listing.status_code == 200
    assert ours in [row["referral"] for row in listing.context["rows"]]
    assert _detail(ours) in listing.content.decode()
