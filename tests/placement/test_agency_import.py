"""Importing the list of agencies from a spreadsheet: created, updated, unchanged, refused rows."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.placement.agency_import.services import import_agencies
from satuatap.placement.models import Agency, AgencyStatus

pytestmark = pytest.mark.django_db

HEADINGS_ID = [
    "Nama",
    "Nomor SIP3MI",
    "Berlaku dari",
    "Berlaku sampai",
    "Status",
    "Cabang",
    "Alamat",
    "Telepon",
    "Email",
    "Narahubung",
]
ROWS = [
    [
        "PT Bina Karya",
        "SIP3MI/001",
        "01/02/2025",
        "2030-01-31",
        "Aktif",
        "Cirebon; Indramayu",
        "Jl. Merdeka 1, Jakarta",
        "021-555-0101",
        "info@binakarya.example",
        "Ibu Sari",
    ],
    [
        "PT Maju Jaya",
        "SIP3MI/002",
        "2024-06-01",
        "31/05/2029",
        "dicabut",
        "",
        "",
        "",
        "",
        "",
    ],
]


def _csv(rows, headings=HEADINGS_ID, *, name="agencies.csv", delimiter=","):
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), "text/csv")


def _xlsx(rows, headings, *, name="agencies.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def manager(make_user, ministry):
    """The ministry placement administrator: the import of the national list is theirs."""
    return make_user(
        Role.NATIONAL_PLACEMENT,
        organisation=ministry,
        username="national.placement",
        language="en",
    )


def test_a_valid_file_creates_the_agencies_with_every_field(manager):
    report = import_agencies(uploaded_file=_csv(ROWS), by=manager)
    assert (report.created, report.updated, report.unchanged, report.error_count) == (2, 0, 0, 0)
    bina = Agency.objects.get(licence_number="SIP3MI/001")
    assert bina.name == "PT Bina Karya"
    assert bina.licence_valid_from == datetime.date(2025, 2, 1)
    assert bina.licence_valid_until == datetime.date(2030, 1, 31)
    assert bina.status == AgencyStatus.ACTIVE
    assert bina.branch_list() == ["Cirebon", "Indramayu"]
    assert (bina.address, bina.phone, bina.email, bina.contact_person) == (
        "Jl. Merdeka 1, Jakarta",
        "021-555-0101",
        "info@binakarya.example",
        "Ibu Sari",
    )
    maju = Agency.objects.get(licence_number="SIP3MI/002")
    assert maju.status == AgencyStatus.REVOKED
    assert maju.licence_valid_until == datetime.date(2029, 5, 31)


def test_semicolon_separated_csv_is_read(manager):
    report = import_agencies(uploaded_file=_csv(ROWS, delimiter=";"), by=manager)
    assert report.created == 2
    assert Agency.objects.get(licence_number="SIP3MI/001").branch_list() == [
        "Cirebon",
        "Indramayu",
    ]


def test_workbook_with_english_headings_and_real_excel_dates_is_read(manager):
    headings = ["Name", "Licence number", "Valid from", "Valid until", "Status", "Branches"]
    rows = [
        [
            "PT Sejahtera",
            "SIP3MI/100",
            datetime.datetime(2025, 3, 1),
            datetime.date(2028, 2, 29),
            "suspended",
            "Blitar;Kediri",
        ],
        # Dates typed as numbers: Excel's day serials.
        ["PT Serial", 12345, 45658, 47119, "aktif", None],
    ]
    report = import_agencies(uploaded_file=_xlsx(rows, headings), by=manager)
    assert report.created == 2, report.error_rows
    serial = Agency.objects.get(licence_number="12345")
    assert serial.licence_valid_from == datetime.date(2025, 1, 1)
    assert serial.licence_valid_until == datetime.date(2029, 1, 1)
    agency = Agency.objects.get(licence_number="SIP3MI/100")
    assert agency.licence_valid_from == datetime.date(2025, 3, 1)
    assert agency.licence_valid_until == datetime.date(2028, 2, 29)
    assert agency.status == AgencyStatus.SUSPENDED
    assert agency.branch_list() == ["Blitar", "Kediri"]


def test_formula_cells_are_read_as_values_never_as_formulas(manager):
    headings = ["Nama", "Nomor SIP3MI", "Berlaku dari", "Berlaku sampai"]
    rows = [
        ['=HYPERLINK("http://evil.example","Click")', "SIP3MI/F1", "01/01/2025", "01/01/2030"],
        ["PT Aman", "SIP3MI/F2", "01/01/2025", "01/01/2030"],
    ]
    with translation.override("en"):
        report = import_agencies(uploaded_file=_xlsx(rows, headings), by=manager)
    # A formula without a computed value is an empty cell: the row is refused, not saved.
    assert report.created == 1
    assert [(r.row, r.errors) for r in report.error_rows] == [(2, ["The name is missing."])]
    assert not Agency.objects.filter(name__startswith="=").exists()
    assert not Agency.objects.filter(licence_number="SIP3MI/F1").exists()


def test_importing_the_same_file_again_changes_nothing(manager):
    import_agencies(uploaded_file=_csv(ROWS), by=manager)
    entries = LogEntry.objects.count()
    before = list(Agency.objects.order_by("pk").values())

    report = import_agencies(uploaded_file=_csv(ROWS), by=manager)

    assert (report.created, report.updated, report.unchanged, report.error_count) == (0, 0, 2, 0)
    assert list(Agency.objects.order_by("pk").values()) == before
    assert LogEntry.objects.count() == entries


def test_a_changed_row_updates_its_agency_and_says_what_changed(manager):
    import_agencies(uploaded_file=_csv(ROWS), by=manager)
    changed = [list(ROWS[0]), list(ROWS[1])]
    changed[0][3] = "31/12/2031"
    changed[0][7] = "021-555-0199"
    with translation.override("en"):
        report = import_agencies(uploaded_file=_csv(changed), by=manager)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.saved_rows[0].changed == ["Licence valid until", "Phone"]
    bina = Agency.objects.get(licence_number="SIP3MI/001")
    assert bina.licence_valid_until == datetime.date(2031, 12, 31)
    assert bina.phone == "021-555-0199"
    assert LogEntry.objects.get_for_object(bina).count() == 2  # created, then updated


def test_an_empty_optional_cell_keeps_the_agencys_value(manager):
    import_agencies(uploaded_file=_csv(ROWS), by=manager)
    row = list(ROWS[0])
    row[5] = row[7] = ""
    report = import_agencies(uploaded_file=_csv([row]), by=manager)
    assert report.unchanged == 1
    bina = Agency.objects.get(licence_number="SIP3MI/001")
    assert bina.phone == "021-555-0101" and bina.branch_list() == ["Cirebon", "Indramayu"]


def test_bad_rows_are_reported_with_their_reasons_and_nothing_of_them_is_saved(manager):
    good = ["PT Baik", "SIP3MI/OK", "01/01/2025", "01/01/2030", "", "", "", "", "", ""]
    bad = [
        ["", "SIP3MI/B1", "01/01/2025", "01/01/2030", "", "", "", "", "", ""],
        ["PT Tanggal", "SIP3MI/B2", "31/02/2025", "01/01/2030", "", "", "", "", "", ""],
        ["PT Terbalik", "SIP3MI/B3", "01/01/2030", "01/01/2025", "", "", "", "", "", ""],
        ["PT Status", "SIP3MI/B4", "01/01/2025", "01/01/2030", "entah", "", "", "", "", ""],
        ["PT Surel", "SIP3MI/B5", "01/01/2025", "01/01/2030", "", "", "", "", "bukan-email", ""],
        ["PT Kembar", "SIP3MI/OK", "01/01/2025", "01/01/2030", "", "", "", "", "", ""],
        ["PT Tanpa Nomor", "", "", "01/01/2030", "", "", "", "", "", ""],
    ]
    with translation.override("en"):
        report = import_agencies(uploaded_file=_csv([good, *bad]), by=manager)
    assert report.created == 1 and report.error_count == 7
    reasons = {row.row: row.errors for row in report.error_rows}
    assert reasons[3] == ["The name is missing."]
    assert "The date the licence is valid from is not a real date" in reasons[4][0]
    assert reasons[5] == ["The licence cannot end before it starts."]
    assert "The status must be active" in reasons[6][0]
    assert reasons[7] == ["Email: Enter a valid email address."]
    assert reasons[8] == ["The same licence number is on row 2 of this file."]
    assert reasons[9] == [
        "The licence (SIP3MI) number is missing.",
        "The date the licence is valid from is missing.",
    ]
    assert list(Agency.objects.values_list("licence_number", flat=True)) == ["SIP3MI/OK"]
    assert Agency.objects.get().name == "PT Baik"


def test_reasons_are_in_the_users_language(manager):
    officer = manager
    row = ["", "SIP3MI/B1", "01/01/2025", "01/01/2030", "", "", "", "", "", ""]
    with translation.override("en"):
        english = import_agencies(uploaded_file=_csv([row]), by=officer).error_rows[0].errors
    assert english == ["The name is missing."]
    with translation.override("id"):
        indonesian = import_agencies(uploaded_file=_csv([row]), by=officer).error_rows[0].errors
    # The registry import's message is already translated; the same sentence is reused here.
    assert indonesian != english


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("agencies.xlsx", b"%PDF-1.4 not a workbook"),
        ("agencies.xlsx", b"PK\x03\x04broken zip"),
        ("agencies.csv", b"\x00\x01\x02\x89PNG\r\n\x1a\n"),
        ("agencies.csv", b"<html><body>not a list</body></html>"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_clear_message(manager, name, content):
    with translation.override("en"), pytest.raises(DomainError) as raised:
        import_agencies(uploaded_file=SimpleUploadedFile(name, content), by=manager)
    assert raised.value.code == "unsupported_file_type"
    assert "not an Excel workbook (.xlsx) or a CSV file" in raised.value.message
    assert not Agency.objects.exists()


def test_a_file_without_a_required_column_is_refused_naming_it(manager):
    upload = _csv([["PT A", "SIP3MI/1", "01/01/2025"]], ["Nama", "Nomor SIP3MI", "Berlaku dari"])
    with translation.override("en"), pytest.raises(DomainError) as raised:
        import_agencies(uploaded_file=upload, by=manager)
    assert raised.value.code == "missing_columns"
    assert "Licence valid until" in raised.value.message
    assert not Agency.objects.exists()


def test_a_file_over_the_size_limit_is_refused(manager, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError) as raised:
        import_agencies(uploaded_file=_csv(ROWS), by=manager)
    assert raised.value.code == "file_too_large"
    assert not Agency.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.FRONTDESK, Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD, Role.ADMINISTRATOR]
)
def test_only_the_ministry_placement_administrator_imports(make_user, ministry, agency, role):
    organisation = ministry if role == Role.ADMINISTRATOR else None
    user = make_user(role, organisation=organisation)
    revoking = [[agency.name, agency.licence_number, "01/01/2025", "01/01/2030", "dicabut"]]
    with pytest.raises(DomainError) as raised:
        import_agencies(uploaded_file=_csv(revoking, HEADINGS_ID[:5]), by=user)
    assert raised.value.status == 403
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE
    assert Agency.objects.count() == 1


def test_the_role_held_outside_the_ministry_gives_no_right_to_import(make_user):
    """The role granted by mistake to an office's user is not the ministry's."""
    user = make_user(Role.NATIONAL_PLACEMENT, username="cirebon.misgranted")
    with pytest.raises(DomainError) as raised:
        import_agencies(uploaded_file=_csv(ROWS), by=user)
    assert raised.value.status == 403
    assert not Agency.objects.exists()


# --- The page -------------------------------------------------------------------------------


def test_the_page_imports_and_shows_the_report(client, manager):
    client.force_login(manager)
    url = reverse("placement:agency-import")
    assert client.get(url).status_code == 200
    bad = ["", "SIP3MI/B1", "01/01/2025", "01/01/2030", "", "", "", "", "", ""]
    response = client.post(url, {"file": _csv([*ROWS, bad])})
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    assert (report.created, report.error_count) == (2, 1)
    assert 'data-testid="agency-import-report"' in page
    assert "The name is missing." in page
    assert "SIP3MI/B1" in page
    assert Agency.objects.count() == 2


def test_the_page_refuses_a_file_that_is_not_a_spreadsheet(client, manager):
    client.force_login(manager)
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    response = client.post(reverse("placement:agency-import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "not an Excel workbook (.xlsx) or a CSV file" in response.content.decode()
    assert not Agency.objects.exists()


def test_the_agency_list_offers_the_import_only_to_the_ministry(client, make_user, manager):
    link = reverse("placement:agency-import")
    client.force_login(manager)
    assert link in client.get(reverse("placement:agency-list")).content.decode()
    for role in (Role.FRONTDESK, Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD):
        client.force_login(make_user(role))
        assert link not in client.get(reverse("placement:agency-list")).content.decode()


# --- The command ----------------------------------------------------------------------------


def _write(tmp_path, upload) -> str:
    path = tmp_path / upload.name
    path.write_bytes(upload.read())
    return str(path)


def test_command_prints_the_counts_and_succeeds(tmp_path, administrator, manager):
    path = _write(tmp_path, _csv(ROWS))
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_agencies", path, stdout=out)
    assert "Created 2, updated 0, unchanged 0, rows with errors 0." in out.getvalue()
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_agencies", path, stdout=out)
    assert "Created 0, updated 0, unchanged 2, rows with errors 0." in out.getvalue()
    entry = LogEntry.objects.get_for_object(Agency.objects.get(licence_number="SIP3MI/001")).get()
    assert entry.actor == manager  # by default the ministry placement administrator, not admin


def test_command_without_a_ministry_placement_administrator_refuses(tmp_path, administrator):
    path = _write(tmp_path, _csv(ROWS))
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_agencies", path)
    assert "no active ministry placement administrator" in str(raised.value)
    assert not Agency.objects.exists()


def test_command_reports_bad_rows_and_exits_with_an_error(tmp_path, manager):
    bad = ["PT Tanggal", "SIP3MI/B2", "kemarin", "01/01/2030", "", "", "", "", "", ""]
    path = _write(tmp_path, _csv([ROWS[0], bad]))
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_agencies", path, "--user", manager.username, stdout=out)
    assert raised.value.returncode == 1
    text = out.getvalue()
    assert "Row 3: SIP3MI/B2" in text
    assert "The date the licence is valid from is not a real date" in text
    assert "Created 1, updated 0, unchanged 0, rows with errors 1." in text
    assert list(Agency.objects.values_list("licence_number", flat=True)) == ["SIP3MI/001"]


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD])
def test_command_refuses_a_user_who_may_not_manage_agencies(tmp_path, make_user, role):
    user = make_user(role)
    path = _write(tmp_path, _csv(ROWS))
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_agencies", path, "--user", user.username)
    assert "may not manage agencies" in str(raised.value)
    assert not Agency.objects.exists()


def test_command_refuses_a_missing_or_unreadable_file(tmp_path, manager):
    with pytest.raises(CommandError):
        call_command("import_agencies", str(tmp_path / "none.csv"))
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"not a workbook")
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_agencies", str(path))
    assert "not an Excel workbook" in str(raised.value)
