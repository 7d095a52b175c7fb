"""The contact pages: the quick form (individual, registry person, group with counts, follow-up
of a case) and the office's list with its counts by sex."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import AgeBand, Channel, Contact, ContactKind, Topic
from satuatap.core.roles import Role
from satuatap.people.models import Sex
from satuatap.people.services import register_person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = "/mrc/contacts/new/"


@pytest.fixture
def english_counsellor(make_user):
    return make_user(Role.COUNSELLOR, username="cirebon.counsellor-en", language="en")


def _post(client, **data):
    values = {
        "kind": ContactKind.INFORMATION,
        "channel": Channel.WALK_IN,
        "topic": Topic.SAFE_MIGRATION,
        "occurred_on": "",
        "person": "",
        "sex": Sex.NOT_RECORDED,
        "age_band": AgeBand.NOT_RECORDED,
        **data,
    }
    return client.post(reverse("cases:contact-create"), values)


def test_the_form_has_sensible_defaults(client, counsellor, office):
    client.force_login(counsellor)
    response = client.get(reverse("cases:contact-create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["kind"].value() == ContactKind.INFORMATION
    assert form["channel"].value() == Channel.WALK_IN
    assert form["occurred_on"].value() == office.today()
    assert reverse("cases:contact-create") == URL


def test_an_anonymous_information_contact_is_recorded_with_sex_and_age_band(
    client, counsellor, office
):
    client.force_login(counsellor)
    response = _post(
        client,
        occurred_on=office.today().isoformat(),
        sex=Sex.FEMALE,
        age_band=AgeBand.ADULT,
        topic=Topic.DOCUMENTS,
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:contact-list")
    contact = Contact.objects.get()
    assert (contact.kind, contact.channel, contact.topic) == (
        ContactKind.INFORMATION,
        Channel.WALK_IN,
        Topic.DOCUMENTS,
    )
    assert (contact.sex, contact.age_band, contact.person, contact.is_group) == (
        Sex.FEMALE,
        AgeBand.ADULT,
        None,
        False,
    )
    assert contact.recorded_by == counsellor and contact.office == office


def test_a_counselling_contact_with_a_registry_person_found_by_the_search(
    client, counsellor, office
):
    person = register_person(by=counsellor, full_name="Wartini Suhendar", sex=Sex.FEMALE)
    client.force_login(counsellor)
    found = client.get(reverse("cases:contact-create"), {"q": "wartini"}, HTTP_HX_REQUEST="true")
    assert [t.name for t in found.templates] == ["people/_person_choices.html"]
    assert f'name="person" id="person-{person.pk}" value="{person.pk}"' in found.content.decode()

    response = _post(
        client,
        kind=ContactKind.COUNSELLING,
        channel=Channel.PHONE,
        occurred_on=office.today().isoformat(),
        person=str(person.pk),
        notes="Bertanya tentang kontrak.",
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.person == person and contact.sex == Sex.FEMALE
    assert contact.notes == "Bertanya tentang kontrak."


def test_a_person_of_another_office_cannot_be_chosen(client, counsellor, office, other_office):
    stranger = PersonFactory(office=other_office)
    client.force_login(counsellor)
    response = _post(client, occurred_on=office.today().isoformat(), person=str(stranger.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert not Contact.objects.exists()


def test_a_group_session_is_recorded_with_counts_by_sex_and_age_band(client, counsellor, office):
    named = PersonFactory(office=office, full_name="Karsinah")
    client.force_login(counsellor)
    form = client.get(reverse("cases:contact-create")).context["form"]
    names = {label: fields for label, fields in form.grid_fields}
    women_18_24, men_18_24, _ = names[AgeBand.YOUNG.label]
    women_25_39 = names[AgeBand.ADULT.label][0]
    response = _post(
        client,
        kind=ContactKind.COUNSELLING,
        channel=Channel.OUTREACH,
        topic=Topic.RIGHTS,
        occurred_on=office.today().isoformat(),
        is_group="on",
        participants=[str(named.pk)],
        **{women_18_24: "12", men_18_24: "3", women_25_39: "7"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.is_group and contact.person is None
    counts = {(c.sex, c.age_band): c.count for c in contact.counts.all()}
    assert counts == {
        (Sex.FEMALE, AgeBand.YOUNG): 12,
        (Sex.MALE, AgeBand.YOUNG): 3,
        (Sex.FEMALE, AgeBand.ADULT): 7,
    }
    assert list(contact.participants.all()) == [named]


def test_a_group_session_without_anyone_counted_is_refused(client, counsellor, office):
    client.force_login(counsellor)
    response = _post(client, occurred_on=office.today().isoformat(), is_group="on")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Contact.objects.exists()


def test_a_negative_count_is_refused(client, counsellor, office):
    client.force_login(counsellor)
    response = _post(client, occurred_on=office.today().isoformat(), is_group="on", count_F_1="-2")
    assert response.status_code == 200
    assert response.context["form"].errors["count_F_1"]
    assert not Contact.objects.exists()


def test_a_follow_up_contact_of_a_case_goes_back_to_the_case(client, counsellor, office, make_case):
    case = make_case()
    client.force_login(counsellor)
    page = client.get(reverse("cases:contact-create"), {"case": case.pk})
    assert page.context["chosen"] == case.client
    response = client.post(
        reverse("cases:contact-create"),
        {
            "case": case.pk,
            "kind": ContactKind.COUNSELLING,
            "channel": Channel.PHONE,
            "topic": Topic.RIGHTS,
            "occurred_on": office.today().isoformat(),
            "person": case.client_id,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:case-detail", args=[case.pk])
    assert Contact.objects.get().case == case
    assert case.events.filter(kind="contact").exists()


def test_follow_up_of_a_case_the_user_may_not_see_is_a_404(client, make_user, gbv_case):
    other = make_user(Role.COUNSELLOR, username="cirebon.counsellor9")
    client.force_login(other)
    response = client.get(reverse("cases:contact-create"), {"case": gbv_case.pk})
    assert response.status_code == 404
    body = response.content.decode()
    assert gbv_case.number not in body and gbv_case.client.full_name not in body
    posted = client.post(
        reverse("cases:contact-create"),
        {
            "case": gbv_case.pk,
            "kind": ContactKind.COUNSELLING,
            "channel": Channel.PHONE,
            "topic": Topic.RIGHTS,
            "occurred_on": gbv_case.office.today().isoformat(),
            "person": gbv_case.client_id,
        },
    )
    assert posted.status_code == 404
    assert not Contact.objects.exists()
    assert not gbv_case.events.filter(kind="contact").exists()


def test_the_list_filters_and_counts_people_reached_by_sex(
    client, english_counsellor, counsellor, office
):
    today = office.today()
    common = {"by": counsellor, "channel": Channel.WALK_IN, "occurred_on": today}
    services.record_contact(
        kind=ContactKind.INFORMATION, topic=Topic.JOBS, sex=Sex.FEMALE, **common
    )
    services.record_contact(kind=ContactKind.INFORMATION, topic=Topic.JOBS, sex=Sex.MALE, **common)
    services.record_contact(
        kind=ContactKind.COUNSELLING,
        topic=Topic.RIGHTS,
        is_group=True,
        counts=[(Sex.FEMALE, AgeBand.ADULT, 10), (Sex.MALE, AgeBand.ADULT, 2)],
        **common,
    )
    client.force_login(english_counsellor)

    everything = client.get(reverse("cases:contact-list"))
    assert dict((str(label), n) for label, n in everything.context["totals"]) == {
        "Woman": 11,
        "Man": 3,
        "Not recorded": 0,
    }
    assert everything.context["contact_count"] == 3

    counselling = client.get(reverse("cases:contact-list"), {"kind": ContactKind.COUNSELLING})
    assert counselling.context["contact_count"] == 1
    assert dict((str(label), n) for label, n in counselling.context["totals"])["Woman"] == 10
    jobs = client.get(reverse("cases:contact-list"), {"topic": Topic.JOBS, "channel": "walk_in"})
    assert jobs.context["contact_count"] == 2
    earlier = client.get(reverse("cases:contact-list"), {"date_to": "2000-01-01"})
    assert earlier.context["contact_count"] == 0


def test_the_contact_list_needs_a_fixed_number_of_queries(
    client, counsellor, office, django_assert_max_num_queries
):
    people = [PersonFactory(office=office) for _ in range(5)]
    for index in range(30):
        services.record_contact(
            by=counsellor,
            kind=ContactKind.INFORMATION,
            channel=Channel.WALK_IN,
            topic=Topic.JOBS,
            occurred_on=office.today(),
            person=people[index % 5] if index % 3 else None,
            is_group=index % 3 == 0,
            counts=[(Sex.FEMALE, AgeBand.ADULT, 4)] if index % 3 == 0 else [],
        )
    client.force_login(counsellor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("cases:contact-list"))
    assert response.status_code == 200
    assert response.context["contact_count"] == 30
    assert len(response.context["page"]) == 30  # every row drawn within the budget
    html = response.content.decode()
    assert all(person.full_name in html for person in people)
