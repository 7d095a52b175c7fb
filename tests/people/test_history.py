"""A person's correction history reads as words: field labels, old → new values, the name of
who made each change and the office's own clock — never ids, `None` or relation placeholders."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst

from satuatap.core.attribution import acting_as
from satuatap.core.clock import on_clock
from satuatap.core.models import OfficeTimeZone
from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.history import readable_history
from satuatap.people.models import MaritalStatus, Person, Phone, Sex
from satuatap.regions.models import Region

pytestmark = pytest.mark.django_db

# 09:30 in a WITA office, 08:30 on the server's clock (Jakarta).
MOMENT = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)
NIK = "3209015403950001"


@pytest.fixture
def office(office):
    office.time_zone = OfficeTimeZone.WITA
    office.save(update_fields=["time_zone"])
    return office


@pytest.fixture
def officer(make_user, office):
    return make_user(Role.FRONTDESK, full_name="Rina Marlina", language="en")


@pytest.fixture
def corrected(officer):
    """Registered and corrected by an officer working in Indonesian; every entry at MOMENT."""
    with translation.override("id"), acting_as(officer):
        person = services.register_person(
            by=officer,
            full_name="Dewi Kartika",
            sex=Sex.FEMALE,
            nik=NIK,
            birth_date=datetime.date(1995, 3, 14),
            marital_status=MaritalStatus.SINGLE,
            phones=["+6281234567890"],
        )
        services.update_person(
            person=person,
            by=officer,
            marital_status=MaritalStatus.MARRIED,
            village=Region.objects.get(code="32.09.01.2008"),
            phones=["+6285711112222"],
        )
    LogEntry.objects.update(timestamp=MOMENT)
    return person


def _history(client, user, person) -> str:
    client.force_login(user)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    start = page.index('data-testid="correction-history"')
    return page[start : page.index("</table>", start)]


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def test_the_history_says_what_changed_in_words_by_whom_and_when_on_the_offices_clock(
    client, officer, corrected
):
    history = _history(client, officer, corrected)

    assert "Registered" in history and "Corrected" in history
    assert "Marital status: Single → Married" in history
    village = Region.objects.get(code="32.09.01.2008")
    assert f"Village: — → {village.name} (32.09.01.2008)" in history
    assert "Phone number added" in history and "+6285711112222" in history
    assert "Phone number removed" in history and "+6281234567890" in history
    with translation.override("en"):
        born = date_format(datetime.date(1995, 3, 14), "DATE_FORMAT")
    assert f"Date of birth: {born}" in history
    assert "NIK: hidden" in history and NIK not in history and "********" not in history
    assert history.count("Rina Marlina") >= 3 and officer.username not in history
    with translation.override("en"):
        assert on_clock(MOMENT, OfficeTimeZone.WITA) in history
        assert on_clock(MOMENT, OfficeTimeZone.WIB) not in history
    assert "WITA" in history


def test_the_history_holds_no_ids_placeholders_or_field_names(client, officer, corrected):
    history = _history(client, officer, corrected)

    phone_ids = LogEntry.objects.filter(action=LogEntry.Action.DELETE).values_list(
        "object_pk", flat=True
    )
    for leak in (
        "people.Phone",
        "Phone.None",
        "person #",
        "phone #",
        "create",
        "update",
        "marital_status",
        "updated_at",
        "name_key",
        f"person #{corrected.pk}",
        f">{officer.pk}<",
        *[f"#{pk}" for pk in phone_ids],
    ):
        assert leak not in history, leak
    # "None" only as a label (no disability), never as a missing value.
    assert history.count("None") == history.count("Disability: None")


def test_the_history_reads_in_the_readers_language_not_the_writers(client, officer, corrected):
    officer.language = "id"
    officer.save(update_fields=["language"])

    history = _history(client, officer, corrected)

    with translation.override("id"):
        marital = _label(Person, "marital_status")
        single, married = MaritalStatus.SINGLE.label, MaritalStatus.MARRIED.label
        expected = f"{marital}: {single} → {married}"
        assert on_clock(MOMENT, OfficeTimeZone.WITA) in history
    assert expected != "Marital status: Single → Married"
    assert expected in history
    assert "Marital status" not in history and "Phone number added" not in history


def test_a_merged_record_names_the_record_it_went_into(officer, office):
    survivor = services.register_person(by=officer, full_name="Siti Aminah", sex=Sex.FEMALE)
    duplicate = services.register_person(by=officer, full_name="Siti Aminah", sex=Sex.FEMALE)
    services.merge_people(survivor=survivor, merged=duplicate, by=officer, reason="Sama.")

    with translation.override("en"):
        [merged, *_] = readable_history(officer, duplicate)
        changes = {change.label: (change.old, change.new) for change in merged.changes}

    assert changes["Merged into"] == ("", "Siti Aminah")


def test_phone_changes_of_another_record_are_not_in_the_history(officer):
    dewi = services.register_person(
        by=officer, full_name="Dewi", sex=Sex.FEMALE, phones=["+6281111111111"]
    )
    sri = services.register_person(
        by=officer, full_name="Sri", sex=Sex.FEMALE, phones=["+6282222222222"]
    )
    services.update_person(person=sri, by=officer, phones=[])

    with translation.override("en"):
        rows = readable_history(officer, dewi)

    numbers = [change.new or change.old for row in rows for change in row.changes]
    assert "+6281111111111" in numbers and "+6282222222222" not in numbers
    assert not Phone.objects.filter(person=sri).exists()


def test_a_counsellors_phone_correction_is_kept_from_the_heads_history(make_user, officer):
    """Case work (`core.trail`) stays out of the phone entries as out of the record's."""
    counsellor = make_user(Role.COUNSELLOR, full_name="Wulan Sari")
    head = make_user(Role.OFFICE_HEAD)
    supervisor = make_user(Role.CASE_SUPERVISOR)
    with acting_as(officer):
        person = services.register_person(
            by=officer, full_name="Dewi", sex=Sex.FEMALE, phones=["+6281111111111"]
        )
    with acting_as(counsellor):
        services.update_person(person=person, by=counsellor, phones=["+6289999999999"])

    def seen_by(viewer) -> tuple[set[str], set[str]]:
        rows = readable_history(viewer, person)
        numbers = {change.new or change.old for row in rows for change in row.changes}
        return {row.who for row in rows}, numbers

    by_head, head_numbers = seen_by(head)
    by_supervisor, supervisor_numbers = seen_by(supervisor)
    assert "Wulan Sari" not in by_head and "+6289999999999" not in head_numbers
    assert "Wulan Sari" in by_supervisor and "+6289999999999" in supervisor_numbers


def test_a_nik_reads_as_changed_never_its_digits_and_no_nik_is_not_called_hidden(officer):
    with acting_as(officer):
        person = services.register_person(
            by=officer, full_name="Sri", sex=Sex.FEMALE, nik_missing_reason="Belum punya KTP"
        )
        services.update_person(
            person=person, by=officer, nik=NIK, birth_date=datetime.date(1995, 3, 14)
        )

    with translation.override("en"):
        corrected, registered = readable_history(officer, person)

    assert "nik" not in [change.field for change in registered.changes]
    [nik] = [change for change in corrected.changes if change.field == "nik"]
    assert (nik.old, nik.new, nik.summary) == ("", "", "changed (not shown)")
    assert NIK not in str(corrected.entry.changes)


def test_a_long_history_reads_in_a_fixed_number_of_queries(officer, django_assert_max_num_queries):
    villages = list(Region.objects.filter(code__startswith="32.09.01.")[:12])
    with acting_as(officer):
        person = services.register_person(by=officer, full_name="Dewi", sex=Sex.FEMALE)
        for number, village in enumerate(villages):
            services.update_person(
                person=person,
                by=officer,
                village=village,
                address=f"Jl. Melati {number}",
                phones=[f"+62812000000{number:02d}"],
            )

    # The record's entries, its phones' (current, removed, their entries), one query per kind
    # of related record named (villages, offices): however long the history.
    with django_assert_max_num_queries(8):
        rows = readable_history(officer, person, limit=None)

    assert len(rows) >= 3 * len(villages)
