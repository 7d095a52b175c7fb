"""The exchange with the national placement system (SISKOP2MI): the export of registrations
and stage changes, the import of its status updates row by row, and who may do it."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.placement.files import services as files
from satuatap.placement.national import EXPORT_COLUMNS, LAYOUT
from satuatap.placement.national import services as national
from satuatap.placement.national.models import NationalExchange
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NIK = "3209015403950001"


@pytest.fixture
def worker(make_worker):
    return make_worker(nik=NIK, full_name="Siti Rahayu")


@pytest.fixture
def placement_file(worker, officer, make_job_order, agency):
    job_order = make_job_order("SIP2MI/7", agency=agency)
    opened = files.open_file(person=worker, by=officer, values={"job_order": job_order})
    files.change_stage(placement_file=opened, to_stage="selection", by=officer)
    return opened


def _csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _export(client, user, **params):
    client.force_login(user)
    return client.get(reverse("placement:national-export"), params)


def _upload(client, user, name: str, content: bytes):
    client.force_login(user)
    return client.post(
        reverse("placement:national-import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_export_holds_the_registrations_and_stage_changes_of_the_period(
    client, officer, office, worker, placement_file, today
):
    other = PersonFactory(office=office, full_name='=HYPERLINK("http://x")', nik=None)
    files.open_file(person=other, by=officer, values={"job_order": placement_file.job_order})
    # Registered for another reason (an MRC client, a family member): never sent.
    not_a_worker = PersonFactory(office=office, full_name="Klien MRC", nik="3209015403950009")

    response = _export(client, officer, date_from=today, date_to=today, file_format="csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="satuatap-siskop2mi-')
    rows = _csv(response.content)
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    registrations = [r for r in rows if r["record_type"] == "registration"]
    changes = [r for r in rows if r["record_type"] == "stage_change"]
    assert {r["satuatap_person_id"] for r in registrations} == {str(worker.pk), str(other.pk)}
    assert not [r for r in rows if r["satuatap_person_id"] == str(not_a_worker.pk)]
    worker_changes = [c for c in changes if c["satuatap_person_id"] == str(worker.pk)]
    assert [(c["stage_from"], c["stage_to"]) for c in worker_changes] == [
        ("", "registration"),
        ("registration", "selection"),
    ]
    change = worker_changes[-1]
    assert (change["nik"], change["full_name"], change["sex"]) == (NIK, "Siti Rahayu", "F")
    assert change["satuatap_file_id"] == str(placement_file.pk)
    assert (change["destination_country"], change["agency_licence"]) == ("HK", "SIP3MI/VALID")
    assert change["office_code"] == office.region_id and change["occurred_on"] == str(today)
    # A name that a spreadsheet would run as a formula is written as text.
    assert {r["full_name"] for r in registrations} >= {'\'=HYPERLINK("http://x")'}
    # Logged and audited, counts only.
    exchange = NationalExchange.objects.get()
    assert (exchange.direction, exchange.rows, exchange.by) == ("export", len(rows), officer)
    assert LogEntry.objects.get_for_object(exchange).exists()


def test_the_json_export_names_its_layout_and_leaves_other_periods_out(
    client, officer, worker, placement_file, today
):
    yesterday = today - datetime.timedelta(days=1)
    response = _export(client, officer, date_from=yesterday, date_to=yesterday, file_format="json")
    document = json.loads(response.content)
    assert document["layout"] == LAYOUT and document["records"] == []

    document = json.loads(
        _export(client, officer, date_from=today, date_to=today, file_format="json").content
    )
    assert {r["record_type"] for r in document["records"]} == {"registration", "stage_change"}
    assert set(document["records"][0]) == set(EXPORT_COLUMNS)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-03-10", "date_to": "2026-03-01", "file_format": "csv"}, "date_to"),
        ({"date_from": "2024-01-01", "date_to": "2025-06-01", "file_format": "csv"}, "date_to"),
        ({"date_from": "kemarin", "date_to": "2026-03-01", "file_format": "csv"}, "date_from"),
        ({"date_from": "2026-03-01", "date_to": "2026-03-01", "file_format": "xls"}, "file_format"),
    ],
)
def test_a_bad_period_or_format_is_refused_beside_its_field(client, officer, params, field):
    response = _export(client, officer, **params)
    assert response.status_code == 422
    assert response.context["export_form"].errors[field]
    assert not NationalExchange.objects.exists()


def _updates_csv(*rows: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=[
            "satuatap_file_id",
            "nik",
            "national_reference",
            "cpmi_id",
            "ekpmi_number",
            "national_status",
            "status_date",
        ],
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_status_updates_are_applied_row_by_row_and_a_bad_row_changes_nothing(
    client, officer, office, worker, placement_file, make_worker, today
):
    someone = make_worker(nik="3209015403950002")
    someone.cpmi_id = "CPMI-0001"
    someone.save()
    good = {
        "satuatap_file_id": placement_file.pk,
        "nik": NIK,
        "national_reference": "SISKO/2026/123",
        "cpmi_id": "CPMI-7788",
        "ekpmi_number": "EKPMI-55",
        "national_status": "Verifikasi dokumen",
        "status_date": today.strftime("%d/%m/%Y"),
    }
    content = _updates_csv(
        good,
        {**good, "nik": "3209015403959999"},  # another worker's NIK
        {**good, "satuatap_file_id": 999999},  # no such file
        {**good, "cpmi_id": "CPMI-0001"},  # someone else's CPMI ID
        {**good, "status_date": "31/02/2026"},  # not a date
        {**good, "status_date": (today + datetime.timedelta(days=2)).isoformat()},  # future
        {**good, "satuatap_file_id": ""},  # missing
    )

    response = _upload(client, officer, "updates.csv", content)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.applied == [(2, placement_file.pk)]
    assert [line for line, _problems in report.problems] == [3, 4, 5, 6, 7, 8]
    page = response.content.decode()
    assert "NIK bukan milik pekerja berkas ini" in page  # Indonesian first
    placement_file.refresh_from_db()
    worker.refresh_from_db()
    assert (placement_file.national_reference, placement_file.ekpmi_number) == (
        "SISKO/2026/123",
        "EKPMI-55",
    )
    assert (placement_file.national_status, placement_file.national_status_on) == (
        "Verifikasi dokumen",
        today,
    )
    assert worker.cpmi_id == "CPMI-7788"
    exchange = NationalExchange.objects.get()
    assert (exchange.rows, exchange.applied, exchange.errors) == (7, 1, 6)

    # The same file again: nothing changes, the good row is "already up to date".
    again = _upload(client, officer, "updates.csv", content).context["report"]
    assert again.applied == [] and again.unchanged == [(2, placement_file.pk)]


def test_updates_come_as_json_too(client, officer, worker, placement_file):
    content = json.dumps(
        {"updates": [{"satuatap_file_id": placement_file.pk, "nik": NIK, "cpmi_id": "CPMI-9"}]}
    ).encode()
    report = _upload(client, officer, "updates.json", content).context["report"]
    assert report.applied == [(2, placement_file.pk)]
    worker.refresh_from_db()
    assert worker.cpmi_id == "CPMI-9"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("updates.txt", b"satuatap_file_id,nik\n1,2\n"),
        ("updates.json", b"{not json"),
        ("updates.json", b'{"rows": 3}'),
        ("updates.csv", b"file,person\n1,2\n"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_error_and_changes_nothing(
    client, officer, placement_file, name, content
):
    response = _upload(client, officer, name, content)
    assert response.status_code == 422
    assert response.context["import_form"].errors["file"]
    assert not NationalExchange.objects.exists()


def test_another_offices_file_is_not_found(officer, other_office, make_user, placement_file):
    from satuatap.placement.national.adapters import StatusUpdate

    stranger = make_user(Role.PLACEMENT_OFFICER, organisation=other_office)
    with pytest.raises(DomainError) as refused:
        national.apply_status_update(
            update=StatusUpdate(line=2, file_id=placement_file.pk, nik=NIK, cpmi_id="X"),
            by=stranger,
        )
    assert refused.value.code == "invalid_row"
    placement_file.refresh_from_db()
    assert placement_file.person.cpmi_id == ""


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.COUNSELLOR, Role.DESK_OFFICER])
def test_only_whoever_manages_the_offices_files_exchanges(client, make_user, role, today):
    user = make_user(role)
    client.force_login(user)
    assert client.get(reverse("placement:national-exchange")).status_code == 403
    response = _export(client, user, date_from=today, date_to=today, file_format="csv")
    assert response.status_code == 403
    assert _upload(client, user, "u.csv", _updates_csv()).status_code == 403


def test_the_ids_show_on_the_file_and_person_pages_and_leave_with_erasure(
    client, officer, head, worker, placement_file
):
    from satuatap.people.data_rights import services as data_rights

    placement_file.national_reference = "SISKO/2026/123"
    placement_file.save()
    worker.cpmi_id = "CPMI-7788"
    worker.save()
    client.force_login(officer)
    file_page = client.get(reverse("placement:file-detail", args=[placement_file.pk]))
    assert "SISKO/2026/123" in file_page.content.decode()

    data_rights.anonymise_person(person=worker, by=head, reason="person")
    worker.refresh_from_db()
    assert worker.cpmi_id == ""
