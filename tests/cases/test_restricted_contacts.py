"""A contact on a sensitive topic (violence, trafficking, a child at risk) that names a person is
restricted like a restricted case: only who recorded it, the workers assigned to its case and the
office's case supervisors see it. Before, the office head and every counsellor saw it, with the
name, in the contact list, its counts and the API; only contacts of a restricted case were hidden.
Aggregate reports keep counting it."""

from __future__ import annotations

import importlib
import itertools

import pytest
from django.apps import apps
from django.urls import reverse

from satuatap.cases import selectors, services
from satuatap.cases.models import SENSITIVE_TOPICS, Channel, Contact, ContactKind, Topic
from satuatap.core.roles import Role
from satuatap.people.models import Sex
from satuatap.reports import selectors as report_selectors
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NAME = "Wulan Sekarsari"


def _contact(by, *, topic=Topic.GBV, person=None, participants=(), case=None, **extra):
    return services.record_contact(
        by=by,
        kind=extra.pop("kind", ContactKind.COUNSELLING),
        channel=Channel.PHONE,
        topic=topic,
        occurred_on=by.office.today(),
        person=person,
        is_group=bool(participants) or extra.pop("is_group", False),
        participants=participants,
        case=case,
        notes="Suami mengancam; klien tinggal di rumah bibinya.",
        **extra,
    )


@pytest.fixture
def named_gbv(counsellor, office):
    return _contact(counsellor, person=PersonFactory(office=office, full_name=NAME, sex="F"))


@pytest.fixture
def people(make_user, counsellor, head, supervisor, other_office, analyst, partner):
    return {
        "recorder": counsellor,
        "other counsellor": make_user(Role.COUNSELLOR, username="cirebon.counsellor3"),
        "office head": head,
        "case supervisor": supervisor,
        "other office supervisor": make_user(Role.CASE_SUPERVISOR, organisation=other_office),
        "national analyst": analyst,
        "partner case worker": make_user(Role.PARTNER_CASEWORKER, organisation=partner),
        "front desk": make_user(Role.FRONTDESK),
    }


# --- Which contacts are restricted ------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "named", "restricted"),
    [
        *((t, True, True) for t in sorted(SENSITIVE_TOPICS)),
        *((t, False, False) for t in sorted(SENSITIVE_TOPICS)),
        (Topic.RIGHTS, True, False),
        (Topic.JOBS, True, False),
    ],
)
def test_a_sensitive_topic_with_a_named_person_restricts_the_contact(
    counsellor, office, topic, named, restricted
):
    person = PersonFactory(office=office) if named else None
    assert _contact(counsellor, topic=topic, person=person).is_restricted is restricted


def test_a_group_on_a_sensitive_topic_is_restricted_when_it_names_participants(counsellor, office):
    named = _contact(counsellor, participants=[PersonFactory(office=office)])
    counted = services.record_contact(
        by=counsellor,
        kind=ContactKind.INFORMATION,
        channel=Channel.OUTREACH,
        topic=Topic.TRAFFICKING,
        occurred_on=office.today(),
        is_group=True,
        counts=[(Sex.FEMALE, "25-39", 12)],
    )
    assert named.is_restricted and not counted.is_restricted


def test_the_new_topics_are_offered(counsellor, client):
    client.force_login(counsellor)
    choices = dict(
        client.get(reverse("cases:contact-create")).context["form"].fields["topic"].choices
    )
    assert {Topic.TRAFFICKING, Topic.CHILD_AT_RISK} <= set(choices)


# --- Who sees it: one rule, the same in the selector and the permission -----------------------


def test_the_selector_and_the_rule_agree_for_every_role_and_contact(
    people, counsellor, office, make_case, woman_counsellor, supervisor
):
    person = PersonFactory(office=office, full_name=NAME)
    case = make_case()  # not restricted, assigned to the counsellor
    other_case = make_case(by=supervisor, assign_to=woman_counsellor)
    contacts = [
        _contact(counsellor, person=person),  # restricted, no case
        _contact(counsellor, topic=Topic.RIGHTS, person=person),  # not sensitive
        _contact(counsellor),  # sensitive, nobody named
        _contact(counsellor, participants=[person]),  # restricted group
        _contact(counsellor, person=person, case=case),  # restricted, of an open case
        _contact(woman_counsellor, topic=Topic.CHILD_AT_RISK, person=person, case=other_case),
        _contact(supervisor, topic=Topic.TRAFFICKING, person=person),
    ]
    users = [*people.values(), woman_counsellor]
    for user, contact in itertools.product(users, contacts):
        listed = selectors.visible_contacts(user).filter(pk=contact.pk).exists()
        assert listed == user.has_perm("cases.view_contact", contact), (user.username, contact.pk)

    def sees(user):
        return {c.pk for c in selectors.visible_contacts(user)}

    restricted = {c.pk for c in contacts if c.is_restricted}
    assert len(restricted) == 5
    assert sees(people["case supervisor"]) == {c.pk for c in contacts}
    assert sees(people["recorder"]) == {c.pk for c in contacts} - {contacts[5].pk, contacts[6].pk}
    # The woman counsellor recorded one and is assigned to its case.
    assert sees(woman_counsellor) == {c.pk for c in contacts} - restricted | {contacts[5].pk}
    for who in ("other counsellor", "office head"):
        assert sees(people[who]) == {c.pk for c in contacts} - restricted, who
    for who in ("other office supervisor", "national analyst", "partner case worker", "front desk"):
        assert sees(people[who]) == set(), who


# --- Nowhere to others: list, counts, filter, API, the case's timeline ------------------------


@pytest.mark.parametrize("who", ["other counsellor", "office head"])
def test_a_restricted_contact_is_in_no_list_count_or_api_answer_for(
    client, people, named_gbv, counsellor, office, who
):
    _contact(counsellor, topic=Topic.RIGHTS, person=PersonFactory(office=office))
    client.force_login(people[who])

    for query in ({}, {"topic": Topic.GBV}, {"kind": ContactKind.COUNSELLING}):
        response = client.get(reverse("cases:contact-list"), query)
        html = response.content.decode()
        assert NAME not in html
        assert named_gbv.pk not in [c.pk for c in response.context["page"]]
    response = client.get(reverse("cases:contact-list"))
    assert response.context["contact_count"] == 1 and response.context["total"] == 1

    api = client.get("/api/v1/contacts").json()
    assert named_gbv.pk not in [c["id"] for c in api] and len(api) == 1
    assert named_gbv.person_id not in [c["person_id"] for c in api]


@pytest.mark.parametrize("who", ["recorder", "case supervisor"])
def test_who_may_see_it_finds_it_with_the_name_marked_restricted(client, people, named_gbv, who):
    client.force_login(people[who])
    response = client.get(reverse("cases:contact-list"))
    html = response.content.decode()
    assert NAME in html and 'data-testid="restricted-contact"' in html
    api = client.get("/api/v1/contacts").json()
    assert [(c["id"], c["is_restricted"]) for c in api] == [(named_gbv.pk, True)]


def test_a_restricted_follow_up_leaves_no_trace_in_the_timeline_of_an_open_case(
    client, people, make_case, counsellor
):
    case = make_case()
    assert not case.is_restricted
    contact = _contact(counsellor, person=case.client, case=case, kind=ContactKind.INFORMATION)
    assert contact.is_restricted
    detail = reverse("cases:case-detail", args=[case.pk])
    timeline = f"/api/v1/cases/{case.pk}/timeline"

    for who in ("other counsellor", "office head"):
        client.force_login(people[who])
        page = client.get(detail)
        assert page.status_code == 200
        assert [r for r in page.context["timeline"] if "contact" in r["kind"]] == []
        kinds = [e["kind"] for e in client.get(timeline).json()]
        assert "opened" in kinds and not any("contact" in k for k in kinds), who

    for who in ("recorder", "case supervisor"):
        client.force_login(people[who])
        page = client.get(detail)
        assert [r["kind"] for r in page.context["timeline"] if "contact" in r["kind"]] == [
            "contact"
        ]
        kinds = [e["kind"] for e in client.get(timeline).json()]
        assert "restricted_contact" in kinds, who


# --- Reports keep counting it -----------------------------------------------------------------


def test_the_office_reports_still_count_restricted_contacts(named_gbv, counsellor, head, office):
    _contact(counsellor, topic=Topic.RIGHTS, person=PersonFactory(office=office, sex="M"))
    today = office.today()
    result = report_selectors.indicator_result(
        code="counselling_contacts",
        viewer=head,
        date_from=today,
        date_to=today,
        office_ids=[office.pk],
    )
    assert result.total.total.value == 2
    assert result.total.by_sex["F"].value == 1 and result.total.by_sex["M"].value == 1


# --- Contacts recorded before -----------------------------------------------------------------


def test_the_migration_restricts_named_contacts_recorded_before(counsellor, office):
    person = PersonFactory(office=office)
    named = _contact(counsellor, person=person)
    group = _contact(counsellor, participants=[person])
    anonymous = _contact(counsellor)
    other = _contact(counsellor, topic=Topic.DOCUMENTS, person=person)
    Contact.objects.update(is_restricted=False)

    importlib.import_module("satuatap.cases.migrations.0005_restricted_contacts").mark_restricted(
        apps, None
    )

    restricted = set(Contact.objects.filter(is_restricted=True).values_list("pk", flat=True))
    assert restricted == {named.pk, group.pk}
    assert anonymous.pk not in restricted and other.pk not in restricted


def test_contact_ids_are_drawn_at_random_so_their_gaps_count_nothing(counsellor):
    ids = [_contact(counsellor, topic=Topic.JOBS).pk for _ in range(6)]
    assert all(100_000_000 <= i < 1_000_000_000 for i in ids)
    assert any(later - earlier != 1 for earlier, later in itertools.pairwise(ids))
    # A day's contacts are listed newest first by the time they were recorded.
    assert list(Contact.objects.values_list("pk", flat=True)) == ids[::-1]
