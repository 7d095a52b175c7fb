"""The office head's change trail (`core:office-trail`, `core.trail`): who created, changed or
deleted the office's records, and when — the office's own records only, the values of records
about a person never, the MRC's case work not at all (tests/cases/test_who_touched_my_records.py).
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from satuatap.core.attribution import acting_as
from satuatap.core.models import DeskType, RoleAssignment, User
from satuatap.core.roles import Role
from satuatap.core.selectors import office_trail_entries
from satuatap.frontdesk import services as frontdesk_services
from satuatap.frontdesk.models import Service, Visit
from satuatap.people import services as people
from satuatap.people.models import FamilyLink, Person, Sex
from tests.factories import DeskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


def _register(by, name: str) -> Person:
    with acting_as(by):
        return people.register_person(by=by, full_name=name, sex=Sex.FEMALE, address="Jl. Mawar 1")


def test_the_head_sees_who_changed_the_offices_records_and_when(client, head, frontdesk, office):
    person = _register(frontdesk, "Sulastri Wening")
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    with acting_as(head):
        service = Service.objects.create(
            office=office, desk=desk, name_id="Pendaftaran CPMI", target_minutes=20
        )
    with acting_as(frontdesk):
        people.update_person(person=person, by=frontdesk, address="Jl. Melati 9")
        frontdesk_services.check_in(by=frontdesk, services=[service], person=person)

    client.force_login(head)
    page = client.get(reverse("core:office-trail")).content.decode()

    assert (
        page.count('data-testid="trail-row"')
        == LogEntry.objects.exclude(action=LogEntry.Action.ACCESS)
        .filter(content_type__in=_kinds(Person, Service, Visit, User, RoleAssignment))
        .count()
    )
    assert f"#{person.pk}" in page and frontdesk.username in page
    assert reverse("people:detail", args=[person.pk]) in page
    # A person's record: which field changed, never the values.
    assert "alamat" in page
    for value in ("Sulastri Wening", "Jl. Mawar 1", "Jl. Melati 9"):
        assert value not in page
    # The service catalogue holds nobody's data: its values are shown, an empty one in words
    # of no language ("—"), never the "None" the audit entry stores for it.
    assert "Pendaftaran CPMI" in page
    assert "None →" not in page and "→ None" not in page and ": — → " in page
    # The office's staff accounts are the office's records too (core.staff).
    assert reverse("core:staff-detail", args=[frontdesk.pk]) in page


def _kinds(*models):
    return [ContentType.objects.get_for_model(model) for model in models]


def test_another_offices_records_are_not_in_the_trail(head, make_user, other_office, frontdesk):
    other_frontdesk = make_user(Role.FRONTDESK, organisation=other_office)
    ours = _register(frontdesk, "Ani")
    theirs = _register(other_frontdesk, "Budi")

    pks = {
        entry.object_pk
        for entry in office_trail_entries(head).filter(content_type__in=_kinds(Person))
    }

    assert str(ours.pk) in pks and str(theirs.pk) not in pks


def test_reads_are_not_in_the_change_trail(client, head, frontdesk):
    person = _register(frontdesk, "Ani")
    client.force_login(frontdesk)
    client.get(reverse("people:detail", args=[person.pk]))
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    assert {entry.action for entry in office_trail_entries(head)} == {LogEntry.Action.CREATE}


def test_only_the_office_head_has_the_trail_and_its_tile(client, head, make_user):
    client.force_login(head)
    assert reverse("core:office-trail") in client.get(reverse("home")).content.decode()
    for role in (Role.FRONTDESK, Role.CASE_SUPERVISOR, Role.COUNSELLOR, Role.PLACEMENT_OFFICER):
        user = make_user(role)
        client.force_login(user)
        assert client.get(reverse("core:office-trail")).status_code == 403
        assert reverse("core:office-trail") not in client.get(reverse("home")).content.decode()
        assert not office_trail_entries(user).exists()


def test_the_trail_filters_by_kind_of_record_and_user(client, head, frontdesk, make_user):
    placement = make_user(Role.PLACEMENT_OFFICER)
    by_desk = _register(frontdesk, "Ani")
    by_placement = _register(placement, "Budi")
    person_kind = ContentType.objects.get_for_model(Person)

    client.force_login(head)
    url = reverse("core:office-trail")
    fragment = client.get(
        url, {"actor": placement.username, "model": person_kind.pk}, headers={"HX-Request": "true"}
    )

    assert "core/_office_trail_rows.html" in [t.name for t in fragment.templates]
    assert "core/office_trail.html" not in [t.name for t in fragment.templates]
    text = fragment.content.decode()
    assert f"#{by_placement.pk}" in text and f"#{by_desk.pk}<" not in text


def test_the_trail_page_reads_a_bounded_number_of_queries(
    client, head, frontdesk, django_assert_max_num_queries
):
    for n in range(60):
        person = _register(frontdesk, f"Orang {n}")
        with acting_as(frontdesk):
            people.update_person(person=person, by=frontdesk, address=f"Jl. {n}")
    client.force_login(head)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("core:office-trail"))
    assert response.content.decode().count('data-testid="trail-row"') == 50


def test_a_record_deleted_since_is_listed_without_a_link(client, head, office):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    with acting_as(head):
        kept = Service.objects.create(office=office, desk=desk, name_id="Tetap", target_minutes=5)
        gone = Service.objects.create(office=office, desk=desk, name_id="Hapus", target_minutes=5)
        gone_pk = gone.pk
        gone.delete()

    client.force_login(head)
    page = client.get(reverse("core:office-trail")).content.decode()

    assert reverse("frontdesk:service-edit", args=[kept.pk]) in page
    assert reverse("frontdesk:service-edit", args=[gone_pk]) not in page
    # Created and deleted: two rows name it (another kind of record may have the same id).
    with translation.override("id"):
        label = f"{ContentType.objects.get_for_model(Service).name} #{gone_pk}"
    assert page.count(label) == 2


def test_a_removed_family_link_is_in_the_trail_and_another_offices_is_not(
    head, frontdesk, make_user, other_office
):
    other_frontdesk = make_user(Role.FRONTDESK, organisation=other_office)
    links = []
    for user in (frontdesk, other_frontdesk):
        person, relative = _register(user, "Ibu"), _register(user, "Anak")
        with acting_as(user):
            link = people.link_family(person=person, relative=relative, relation="child", by=user)
            links.append(link.pk)
            people.unlink_family(link=link, by=user)
    link_kind = ContentType.objects.get_for_model(FamilyLink)

    seen = {
        (entry.object_pk, entry.action)
        for entry in office_trail_entries(head)
        if entry.content_type == link_kind
    }

    ours, theirs = (str(pk) for pk in links)
    assert seen == {(ours, LogEntry.Action.CREATE), (ours, LogEntry.Action.DELETE)}
    assert theirs not in {pk for pk, _action in seen}


def test_every_linked_kind_of_record_has_a_page_of_one_record():
    from satuatap.core.trail import office_records

    linked = [source for source in office_records() if source.url_name]
    assert linked
    for source in linked:
        assert reverse(source.url_name, args=[1])
