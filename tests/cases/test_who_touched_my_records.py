"""Who touched my records (issue 17 point 4), without telling the office head of a restricted case.

The office head sees the change trail of the office's records and the access log of each person;
the case supervisor sees the access log of each case. What MRC staff did outside the MRC's own
records (reading or correcting a client's registry record) and every read "for handling a case"
would tell the head that a person is an MRC client, so it is *case work* (`core.trail`): shown
only to the case supervisors and to its author, whoever the person is — the head cannot tell a
client of a restricted case from anyone else by what she is shown, nor by how many entries.
"""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import Case, CaseNote, Category, GbvType, SharedItem
from satuatap.core import sensitive
from satuatap.core.attribution import acting_as
from satuatap.core.audit import ReadPurpose
from satuatap.core.models import RoleAssignment
from satuatap.core.roles import Role
from satuatap.core.selectors import office_trail_entries
from satuatap.core.services import issue_api_token
from satuatap.core.trail import access_row
from satuatap.people import services as people
from satuatap.people.models import Person, Sex
from satuatap.people.selectors import correction_history, person_access_log
from tests import purpose as purpose_form
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def neighbour(office):
    """Someone in no case at all, to compare the survivor's record with."""
    return PersonFactory(office=office, sex="F", full_name="Dewi Lestari")


def _open_person(client, user, person, purpose="service"):
    client.force_login(user)
    response = purpose_form.read(client, reverse("people:detail", args=[person.pk]), purpose)
    assert response.status_code == 200
    return response


def _seen_by(viewer, person) -> list[tuple[str, str]]:
    return [(row.reader, row.purpose) for row in map(access_row, person_access_log(viewer, person))]


def _refer(case, by, partner):
    services.record_consent(
        case=case,
        by=by,
        recipient=partner,
        items=[SharedItem.IDENTITY, SharedItem.SUMMARY],
        given_on=case.office.today(),
        method="signed",
    )
    return services.send_referral(
        case=case,
        by=by,
        partner=partner,
        service="Pendampingan",
        due_on=case.office.today() + datetime.timedelta(days=7),
    )


# --- The side channel: the person's access log ------------------------------------------------


def test_the_head_cannot_tell_a_restricted_case_client_from_anyone_else_by_the_access_log(
    client, head, supervisor, counsellor, frontdesk, gbv_case, neighbour
):
    """Fails without the rule: the counsellor's reads of the survivor's record would be listed
    to the head, who may not read the case, telling her that this woman is an MRC client."""
    survivor = gbv_case.client
    for person in (survivor, neighbour):
        _open_person(client, frontdesk, person)
    # The case worker opens her record, and reads it for handling her case.
    _open_person(client, counsellor, survivor)
    sensitive.record_read(user=counsellor, record=survivor, purpose=ReadPurpose.CASE_HANDLING)

    assert _seen_by(head, survivor) == _seen_by(head, neighbour) == [(str(frontdesk), "")]
    # The page, its count and the API say the same.
    client.force_login(head)
    pages = [client.get(reverse("people:access-log", args=[p.pk])) for p in (survivor, neighbour)]
    assert [page.content.decode().count('data-testid="access-row"') for page in pages] == [2, 2]
    assert str(counsellor) not in pages[0].content.decode()
    api = [client.get(f"/api/v1/people/{p.pk}/access-log").json() for p in (survivor, neighbour)]
    assert [len(entries) for entries in api] == [3, 3]  # the head's two page reads are in
    # The case supervisor, who may read every case, sees every read.
    readers = [reader for reader, _purpose in _seen_by(supervisor, survivor)]
    assert readers.count(str(counsellor)) == 2
    assert (str(counsellor), ReadPurpose.CASE_HANDLING) in _seen_by(supervisor, survivor)


def test_a_read_for_handling_a_case_is_case_work_whoever_made_it(
    head, supervisor, frontdesk, neighbour
):
    sensitive.record_read(user=frontdesk, record=neighbour, purpose=ReadPurpose.CASE_HANDLING)
    sensitive.record_read(user=frontdesk, record=neighbour, purpose=ReadPurpose.SERVICE)

    assert _seen_by(head, neighbour) == [(str(frontdesk), ReadPurpose.SERVICE)]
    assert len(_seen_by(supervisor, neighbour)) == 2


def test_the_author_sees_their_own_case_work(head, neighbour):
    sensitive.record_read(user=head, record=neighbour, purpose=ReadPurpose.CASE_HANDLING)
    assert _seen_by(head, neighbour) == [(str(head), ReadPurpose.CASE_HANDLING)]


def test_case_work_stays_hidden_after_the_counsellor_changes_role(
    head, counsellor, gbv_case, neighbour
):
    """The entry is marked when written: moving the counsellor to the front desk later does
    not open her reads of MRC clients to the head."""
    survivor = gbv_case.client
    sensitive.record_read(user=counsellor, record=survivor, purpose="")
    RoleAssignment.objects.filter(user=counsellor).update(role=Role.FRONTDESK)

    assert _seen_by(head, survivor) == []
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, actor=counsellor)
    assert entry.additional_data["case_work"] is True


def test_an_unmarked_entry_of_someone_who_does_case_work_now_is_hidden(head, counsellor, gbv_case):
    """Entries written before entries were marked: the author's roles today decide."""
    survivor = gbv_case.client
    entry = sensitive.record_read(user=counsellor, record=survivor, purpose="")
    LogEntry.objects.filter(pk=entry.pk).update(additional_data={"purpose": ""})
    assert _seen_by(head, survivor) == []


# --- The person's access log: page and API ----------------------------------------------------


def test_the_person_access_log_shows_who_read_when_why_and_how(client, head, frontdesk, neighbour):
    _open_person(client, frontdesk, neighbour)
    raw, token = issue_api_token(user=frontdesk)
    assert (
        client.get(
            f"/api/v1/people/{neighbour.pk}?purpose=verification",
            headers={"Authorization": f"Bearer {raw}"},
        ).status_code
        == 200
    )
    client.logout()

    client.force_login(head)
    detail = client.get(reverse("people:detail", args=[neighbour.pk])).content.decode()
    assert reverse("people:access-log", args=[neighbour.pk]) in detail
    page = client.get(reverse("people:access-log", args=[neighbour.pk])).content.decode()

    assert page.count('data-testid="access-row"') == 4  # the head's two reads too
    assert "Verifikasi dokumen atau identitas" in page  # the purpose, translated
    assert f"Token API #{token.pk}" in page
    assert str(frontdesk) in page


def test_the_access_log_api_gives_the_reads_with_their_channel(client, head, frontdesk, neighbour):
    raw, token = issue_api_token(user=frontdesk)
    client.get(f"/api/v1/people/{neighbour.pk}", headers={"Authorization": f"Bearer {raw}"})
    head_raw, head_token = issue_api_token(user=head)

    response = client.get(
        f"/api/v1/people/{neighbour.pk}/access-log",
        headers={"Authorization": f"Bearer {head_raw}"},
    )

    assert response.status_code == 200
    newest, oldest = response.json()
    # Reading the log is a read of the person, logged like any other.
    assert (newest["reader"], newest["channel"], newest["api_token_id"]) == (
        str(head),
        "api",
        head_token.pk,
    )
    assert (oldest["reader"], oldest["channel"], oldest["api_token_id"]) == (
        str(frontdesk),
        "api",
        token.pk,
    )
    assert oldest["purpose"] == "" and oldest["purpose_label"]


def test_the_access_log_of_a_sensitive_person_asks_a_purpose(client, head, office):
    person = PersonFactory(office=office, has_specific_data=True)
    client.force_login(head)
    url = reverse("people:access-log", args=[person.pk])

    assert purpose_form.is_purpose_page(client.get(url))
    assert client.get(f"/api/v1/people/{person.pk}/access-log").json()["code"] == (
        "purpose_required"
    )
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()

    purpose_form.read(client, url, ReadPurpose.SUPERVISION)
    read = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (read.actor, read.additional_data["purpose"]) == (head, ReadPurpose.SUPERVISION)


def test_only_the_head_and_the_case_supervisors_are_offered_the_access_log(
    client, head, supervisor, counsellor, frontdesk, neighbour
):
    """Who may open it (page and API, 403 or 404): tests/security/access_matrix.py."""
    url = reverse("people:access-log", args=[neighbour.pk])
    detail = reverse("people:detail", args=[neighbour.pk])
    for user in (frontdesk, counsellor):
        client.force_login(user)
        assert url not in client.get(detail).content.decode()
    for user in (head, supervisor):
        client.force_login(user)
        assert url in client.get(detail).content.decode()


def test_the_access_log_includes_the_records_merged_into_the_person(
    head, frontdesk, office, neighbour
):
    duplicate = PersonFactory(office=office, sex="F", full_name="Dewi L.")
    sensitive.record_read(user=frontdesk, record=duplicate, purpose="")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=neighbour)
    assert _seen_by(head, neighbour) == [(str(frontdesk), "")]


# --- The data-subject copy -------------------------------------------------------------------


def _copy(client, user, person, fmt="json"):
    client.force_login(user)
    url = reverse("people:export", args=[person.pk, fmt])
    return purpose_form.read(client, url, ReadPurpose.DATA_SUBJECT_REQUEST)


def test_the_copy_holds_the_access_log_without_case_work_when_the_head_makes_it(
    client, head, supervisor, counsellor, frontdesk, gbv_case
):
    survivor = gbv_case.client
    _open_person(client, frontdesk, survivor)
    sensitive.record_read(user=counsellor, record=survivor, purpose=ReadPurpose.CASE_HANDLING)

    by_head = json.loads(_copy(client, head, survivor).content)
    assert [read["reader"] for read in by_head["access_log"]] == [str(head), str(frontdesk)]
    assert by_head["access_log"][0]["purpose"] == ReadPurpose.DATA_SUBJECT_REQUEST
    assert by_head["access_log_complete"] is False

    by_supervisor = json.loads(_copy(client, supervisor, survivor).content)
    readers = [read["reader"] for read in by_supervisor["access_log"]]
    assert str(counsellor) in readers and by_supervisor["access_log_complete"] is True

    page = _copy(client, head, survivor, "html").content.decode()
    assert 'data-testid="export-access-log"' in page and str(frontdesk) in page
    assert str(counsellor) not in page


def test_a_counsellors_correction_of_a_client_is_hidden_from_the_heads_history(
    client, head, supervisor, counsellor, gbv_case
):
    survivor = gbv_case.client
    with acting_as(counsellor):
        people.update_person(person=survivor, by=counsellor, address="Jl. Kenanga 7")

    assert counsellor not in [entry.actor for entry in correction_history(head, survivor)]
    assert counsellor in [entry.actor for entry in correction_history(supervisor, survivor)]
    client.force_login(head)
    page = client.get(reverse("people:detail", args=[survivor.pk])).content.decode()
    assert "Jl. Kenanga 7" in page  # the record itself, as it is now
    assert counsellor.username not in page
    by_head = json.loads(_copy(client, head, survivor).content)["correction_history"]
    by_supervisor = json.loads(_copy(client, supervisor, survivor).content)["correction_history"]
    assert len(by_supervisor) == len(by_head) + 1


# --- The office trail -------------------------------------------------------------------------


def _trail(head) -> list[LogEntry]:
    return list(office_trail_entries(head))


def _case_entries(entries, case) -> list[LogEntry]:
    case_type = ContentType.objects.get_for_model(Case)
    return [e for e in entries if e.content_type == case_type and e.object_pk == str(case.pk)]


def test_a_restricted_case_changes_nothing_in_the_heads_trail(
    head, counsellor, partner, make_case, office, frontdesk
):
    """Not an entry, not a count: opening a restricted case, with notes and a referral, for a
    person already in the registry leaves the head's trail exactly as it was."""
    with acting_as(frontdesk):
        survivor = people.register_person(by=frontdesk, full_name="Siti Aminah", sex=Sex.FEMALE)
    before = [entry.pk for entry in _trail(head)]
    assert before

    with acting_as(counsellor):
        case = make_case(
            client=survivor, categories=(Category.GBV,), gbv=(GbvType.PHYSICAL_ASSAULT,)
        )
        note = services.add_note(case=case, text="Dipukul.", by=counsellor)
        _refer(case, counsellor, partner)
        people.update_person(person=survivor, by=counsellor, address="Rumah aman")
        note.delete()  # a record of the case deleted since: found through its case
    sensitive.record_read(user=counsellor, record=survivor, purpose=ReadPurpose.CASE_HANDLING)
    assert case.is_restricted

    assert [entry.pk for entry in _trail(head)] == before
    assert office_trail_entries(head).count() == len(before)


def test_the_head_sees_that_an_ordinary_case_changed_by_whom_and_when_but_not_what(
    client, head, counsellor, make_case
):
    with acting_as(counsellor):
        case = make_case(employer="Keluarga Tanoto")
        services.add_note(case=case, text="Majikan menahan paspor.", by=counsellor)

    entries = _trail(head)
    assert _case_entries(entries, case)
    note_type = ContentType.objects.get_for_model(CaseNote)
    assert any(e.content_type == note_type for e in entries)
    client.force_login(head)
    page = client.get(reverse("core:office-trail")).content.decode()
    assert f"#{case.pk}" in page and counsellor.username in page
    assert "Keluarga Tanoto" not in page and "paspor" not in page
    assert reverse("cases:case-detail", args=[case.pk]) in page


def test_a_case_restricted_later_leaves_the_heads_trail(head, counsellor, make_case):
    case = make_case()
    assert _case_entries(_trail(head), case)

    services.restrict_case(case=case, by=counsellor, reason="Kekerasan terungkap.")

    assert _case_entries(_trail(head), case) == []


def test_the_heads_trail_lists_the_registrations_made_by_the_front_desk_only(
    make_user, head, counsellor, frontdesk
):
    """A record the MRC registered is case work too: the head sees that the MRC worked on
    someone no more than she sees it for anyone else. A head who is also a case supervisor
    (who reads every case) sees both."""
    with acting_as(frontdesk):
        by_desk = people.register_person(by=frontdesk, full_name="Rina", sex=Sex.FEMALE)
    with acting_as(counsellor):
        by_mrc = people.register_person(by=counsellor, full_name="Sari", sex=Sex.FEMALE)
    person_type = ContentType.objects.get_for_model(Person)
    head_and_supervisor = make_user(Role.OFFICE_HEAD, username="cirebon.head2")
    RoleAssignment.objects.create(user=head_and_supervisor, role=Role.CASE_SUPERVISOR)

    def people_in(viewer):
        entries = office_trail_entries(viewer)
        return {int(e.object_pk) for e in entries if e.content_type == person_type}

    assert people_in(head) == {by_desk.pk}
    assert people_in(head_and_supervisor) == {by_desk.pk, by_mrc.pk}


def test_the_administrators_trail_keeps_every_entry(client, administrator, counsellor, gbv_case):
    """/audit/ is the whole trail, case work included (values still withheld)."""
    sensitive.record_read(
        user=counsellor, record=gbv_case.client, purpose=ReadPurpose.CASE_HANDLING
    )
    client.force_login(administrator)
    page = client.get(reverse("core:audit-trail")).content.decode()
    assert f"#{gbv_case.pk}" in page and f"#{gbv_case.client_id}" in page
    assert "cirebon.counsellor" in page
    assert 'data-testid="values-withheld"' in page


# --- The case's access log --------------------------------------------------------------------


def test_the_supervisor_sees_who_read_the_case_and_its_referrals(
    client, supervisor, counsellor, partner_worker, partner, gbv_case
):
    referral = _refer(gbv_case, counsellor, partner)
    client.force_login(counsellor)
    purpose_form.read(
        client, reverse("cases:case-detail", args=[gbv_case.pk]), ReadPurpose.CASE_HANDLING
    )
    client.force_login(partner_worker)
    assert client.get(f"/api/v1/partner/referrals/{referral.pk}?purpose=legal").status_code == 200

    client.force_login(supervisor)
    url = reverse("cases:case-access-log", args=[gbv_case.pk])
    assert purpose_form.is_purpose_page(client.get(url))  # a restricted case asks why
    page = purpose_form.read(client, url, ReadPurpose.SUPERVISION).content.decode()

    assert page.count('data-testid="access-row"') == 3  # and the supervisor's own read
    assert str(counsellor) in page and str(partner_worker) in page
    assert f"#{referral.pk}" in page
    detail = purpose_form.read(
        client, reverse("cases:case-detail", args=[gbv_case.pk]), ReadPurpose.SUPERVISION
    ).content.decode()
    assert url in detail


def test_nobody_but_the_supervisors_reads_a_cases_access_log(
    client, head, counsellor, make_user, make_case, gbv_case
):
    ordinary = make_case()
    for user, case, status in (
        (head, ordinary, 403),
        (head, gbv_case, 404),  # a restricted case does not exist for her
        (counsellor, ordinary, 403),  # its own case worker
        (make_user(Role.COUNSELLOR, username="c2"), gbv_case, 404),
    ):
        client.force_login(user)
        response = client.get(reverse("cases:case-access-log", args=[case.pk]))
        assert response.status_code == status, (user, case)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
