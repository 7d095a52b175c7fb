"""Importing an office's existing register (XLSX or CSV): service, worker, command and pages."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people.import_worker import services as import_worker
from satuatap.people.imports import selectors, services
from satuatap.people.imports.mapping import propose_mapping
from satuatap.people.models import ImportJob, ImportStatus, Person, Phone
from satuatap.people.services import register_person
from tests.factories import PersonFactory
from tests.people.conftest import MERAUKE_1995

pytestmark = pytest.mark.django_db

HEADINGS = [
    "No.",
    "Nama Lengkap",
    "NIK",
    "L/P",
    "Tgl. Lahir",
    "Tempat Lahir",
    "No. HP",
    "Kode Desa",
    "Alamat",
    "Status Perkawinan",
    "Pendidikan",
]
# Woman born 14 Mar 1995 in 32.09.01 (day + 40); man born 12 Mar 1990; man born 1 May 1985.
SITI_NIK, BUDI_NIK, AGUS_NIK = "3209015403950001", "3209011203900002", "3209010105850003"
GOOD_ROWS = 4  # rows 2, 3, 4 and 10
ERROR_ROWS = [5, 6, 7, 9]


def register_rows(*, excel_dates: bool) -> list[list]:
    """The rows of a register after its heading row; spreadsheet row numbers in comments."""

    def date(day: int, month: int, year: int, text: str):
        return datetime.datetime(year, month, day) if excel_dates else text

    return [
        # 2: good, two phones, village code dotted
        [
            1,
            "Siti Aminah",
            SITI_NIK,
            "P",
            date(14, 3, 1995, "14/03/1995"),
            "Cirebon",
            "0812-3456-7890 / 0857 1111 2222",
            "32.09.01.2008",
            "Jl. Mawar 1",
            "Kawin",
            "SMP",
        ],
        # 3: good, ISO date, village code as 10 digits
        [
            2,
            "Budi Santoso",
            BUDI_NIK,
            "Laki-laki",
            "1990-03-12",
            "Cirebon",
            "081298765432",
            "3209012008",
            "",
            "Belum kawin",
            "SMK",
        ],
        # 4: good, no NIK, D/M/YYYY
        [3, "Dewi Lestari", "", "Perempuan", "1/2/2000", "", "", "32.09.01.2008", "", "", ""],
        # 5: bad NIK, impossible date, bad phone, unknown village
        [4, "Rudi Hartono", "12345", "L", "31/02/1990", "", "12", "32.09.01.9999", "", "", ""],
        # 6: missing name, unreadable sex
        [5, "", "", "X", "", "", "", "", "", "", ""],
        # 7: the same NIK as row 2
        [6, "Siti A.", SITI_NIK, "W", date(14, 3, 1995, "14-03-1995"), "", "", "", "", "", ""],
        # 8: blank, skipped (row numbers still count it)
        [None, None, None, None, None, None, None, None, None, None, None],
        # 9: born in the future
        [7, "Rina Wati", "", "P", "01/01/2099", "", "", "", "", "", ""],
        # 10: NIK says born 1 May, the register 2 May: a warning, still imported
        [8, "Agus Salim", AGUS_NIK, "M", "02/05/1985", "", "", "", "", "Cerai mati", "S1"],
    ]


def make_xlsx(rows: list[list], headings: list[str] = HEADINGS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_csv(
    rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADINGS)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK, language="en")


@pytest.fixture
def import_file(officer, django_capture_on_commit_callbacks):
    """Upload, map automatically, start in the background (huey runs it at once in tests)."""

    def run(name: str, data: bytes, *, by=None) -> ImportJob:
        by = by or officer
        job = services.create_import_job(uploaded_file=upload(name, data), by=by)
        services.set_mapping(job=job, mapping=job.mapping, by=by)
        with django_capture_on_commit_callbacks(execute=True):
            services.start_import(job=job, by=by)
        job.refresh_from_db()
        return job

    return run


def errors_by_row(job: ImportJob) -> dict[int, list[str]]:
    return {entry["row"]: entry["errors"] for entry in job.error_rows if entry["errors"]}


# --- Reading and mapping ---------------------------------------------------------------------


def test_headings_are_mapped_by_indonesian_and_english_synonyms():
    columns = ["No.", "NAMA  LENGKAP", "No KTP", "JK", "tgl lahir", "Telepon", "Desa", "Address"]
    assert propose_mapping(columns) == {
        "full_name": "NAMA  LENGKAP",
        "nik": "No KTP",
        "sex": "JK",
        "birth_date": "tgl lahir",
        "phone": "Telepon",
        "village": "Desa",
        "address": "Address",
    }


def test_upload_reads_headings_proposes_mapping_and_counts_rows(officer):
    data = make_xlsx(register_rows(excel_dates=True))
    job = services.create_import_job(uploaded_file=upload("Daftar CPMI.xlsx", data), by=officer)
    assert job.columns == HEADINGS
    assert job.mapping == {
        "full_name": "Nama Lengkap",
        "nik": "NIK",
        "sex": "L/P",
        "birth_date": "Tgl. Lahir",
        "birth_place": "Tempat Lahir",
        "phone": "No. HP",
        "village": "Kode Desa",
        "address": "Alamat",
        "marital_status": "Status Perkawinan",
        "education": "Pendidikan",
    }
    assert job.total_rows == 8  # the blank row is not counted
    assert (job.status, job.office, job.original_name) == (
        ImportStatus.UPLOADED,
        officer.office,
        "Daftar CPMI.xlsx",
    )
    assert "Daftar" not in job.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("register.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("register.xlsx", b"<!doctype html><html><body>Nama,NIK</body></html>"),
        ("register.xlsx", b"PK\x03\x04 not really a zip"),
        ("register.csv", b"<html><body><table><tr><td>Nama</td></tr></table></html>"),
        ("register.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("register.pdf", b"%PDF-1.7"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_translated_message(officer, name, data):
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.create_import_job(uploaded_file=upload(name, data), by=officer)
    assert error.value.code == "unsupported_file_type"
    assert "not an Excel workbook (.xlsx) or a CSV file" in error.value.message
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(officer, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError) as error:
        services.create_import_job(uploaded_file=upload("big.csv", b"Nama,L/P\n" * 50), by=officer)
    assert (error.value.code, error.value.status) == ("file_too_large", 413)


def test_someone_without_registry_access_cannot_import(analyst):
    with pytest.raises(DomainError) as error:
        services.create_import_job(uploaded_file=upload("r.csv", b"Nama,L/P\nAni,P\n"), by=analyst)
    assert error.value.status == 403


def test_mapping_needs_name_and_sex_existing_columns_and_each_column_once(officer):
    job = services.create_import_job(uploaded_file=upload("r.csv", b"Nama,JK,NIK\n"), by=officer)
    with pytest.raises(DomainError) as error:
        services.set_mapping(
            job=job, mapping={"full_name": "Nama", "nik": "Nama", "address": "Alamat"}, by=officer
        )
    assert set(error.value.details) == {"sex", "nik", "address"}
    job.refresh_from_db()
    assert job.mapping == {"full_name": "Nama", "sex": "JK", "nik": "NIK"}


# --- Rows, batches, de-duplication -----------------------------------------------------------


def test_an_old_merauke_nik_is_imported_with_a_warning_naming_todays_code(import_file, papua):
    rows = [
        [1, "Maria Gebze", MERAUKE_1995, "P", "14/03/1995", "", "", "93.01.01.1002", "", "", ""]
    ]

    job = import_file("register.csv", make_csv(rows))

    assert (job.created_count, errors_by_row(job)) == (1, {})
    [warning] = {entry["row"]: entry["warnings"] for entry in job.error_rows}[2]
    assert "now 93.01.01 Merauke, in 93.01 Kabupaten Merauke" in warning
    assert Person.objects.get().nik == MERAUKE_1995


def test_a_nik_in_arabic_indic_digits_is_a_row_error_naming_the_digits(import_file):
    arabic_indic = SITI_NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    rows = [[1, "Siti Aminah", arabic_indic, "P", "14/03/1995", "", "", "", "", "", ""]]

    job = import_file("register.csv", make_csv(rows))

    [message] = errors_by_row(job)[2]
    assert "Not allowed here: “٣”" in message and "has 16" not in message
    assert not Person.objects.exists()


def test_workbook_good_rows_are_registered_and_each_bad_row_reports_all_its_errors(import_file):
    job = import_file("register.xlsx", make_xlsx(register_rows(excel_dates=True)))

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.unchanged_count, job.processed_rows) == (GOOD_ROWS, 0, 8)
    assert selectors.error_count(job) == len(ERROR_ROWS)
    errors = errors_by_row(job)
    assert sorted(errors) == ERROR_ROWS
    assert len(errors[5]) == 4  # NIK, date, phone and village, all at once
    assert any("16 digits" in message for message in errors[5])
    assert any("not a real date" in message for message in errors[5])
    assert any("32.09.01.9999" in message for message in errors[5])
    assert errors[6] == ["The name is missing.", "The sex must be L (laki-laki) or P (perempuan)."]
    assert errors[7] == ["The same NIK is on row 2 of this file."]
    assert errors[9] == ["The date of birth is in the future."]
    warnings = {entry["row"]: entry["warnings"] for entry in job.error_rows}
    assert len(warnings[10]) == 1 and not errors.get(10)

    siti = Person.objects.get(nik=SITI_NIK)
    assert (siti.full_name, siti.sex, siti.birth_date, siti.village_id) == (
        "Siti Aminah",
        "F",
        datetime.date(1995, 3, 14),
        "32.09.01.2008",
    )
    assert (siti.marital_status, siti.education, siti.office) == ("married", "smp", job.office)
    assert set(siti.phones.values_list("number", flat=True)) == {
        "+6281234567890",
        "+6285711112222",
    }
    budi = Person.objects.get(nik=BUDI_NIK)
    assert (budi.sex, budi.village_id, budi.education) == ("M", "32.09.01.2008", "sma")
    dewi = Person.objects.get(full_name="Dewi Lestari")
    assert (dewi.nik, dewi.birth_date) == (None, datetime.date(2000, 2, 1))
    assert Person.objects.get(nik=AGUS_NIK).marital_status == "widowed"
    assert Person.objects.count() == GOOD_ROWS


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(",", "utf-8", False), (";", "utf-8", True), (";", "cp1252", False)],
)
def test_csv_is_read_like_the_workbook_whatever_its_delimiter_and_encoding(
    import_file, delimiter, encoding, bom
):
    rows = register_rows(excel_dates=False)
    rows[0][8] = "Jl. Café 1"  # a character that differs between UTF-8 and cp1252
    data = make_csv(rows, delimiter=delimiter, encoding=encoding, bom=bom)
    job = import_file("register.csv", data)

    assert job.columns == HEADINGS
    assert (job.created_count, sorted(errors_by_row(job))) == (GOOD_ROWS, ERROR_ROWS)
    assert Person.objects.get(nik=SITI_NIK).address == "Jl. Café 1"


def test_running_the_same_file_again_creates_nothing(import_file):
    data = make_xlsx(register_rows(excel_dates=True))
    import_file("register.xlsx", data)
    people = list(Person.objects.values_list("pk", "updated_at").order_by("pk"))
    phones = Phone.objects.count()

    again = import_file("register.xlsx", data)

    assert (again.created_count, again.unchanged_count) == (0, GOOD_ROWS)
    assert sorted(errors_by_row(again)) == ERROR_ROWS
    assert list(Person.objects.values_list("pk", "updated_at").order_by("pk")) == people
    assert Phone.objects.count() == phones


def test_nik_registered_at_another_office_is_unchanged_and_left_untouched(
    import_file, make_user, other_office
):
    elsewhere = make_user(Role.FRONTDESK, organisation=other_office)
    theirs = register_person(by=elsewhere, full_name="Siti Lama", sex="F", nik=SITI_NIK)
    job = import_file("register.xlsx", make_xlsx(register_rows(excel_dates=True)))

    assert (job.created_count, job.unchanged_count) == (GOOD_ROWS - 1, 1)
    theirs.refresh_from_db()
    assert (theirs.office, theirs.full_name, theirs.birth_date) == (other_office, "Siti Lama", None)
    assert not theirs.phones.exists()
    assert "Siti Lama" not in str(job.error_rows)


def test_person_without_nik_matching_name_birth_date_and_village_is_unchanged(import_file, office):
    PersonFactory(
        office=office,
        nik=None,
        full_name="DEWI  LESTARI",
        name_key="dewi lestari",
        birth_date=datetime.date(2000, 2, 1),
        village_id="32.09.01.2008",
    )
    job = import_file("register.xlsx", make_xlsx(register_rows(excel_dates=True)))
    assert (job.created_count, job.unchanged_count) == (GOOD_ROWS - 1, 1)
    assert Person.objects.filter(name_key="dewi lestari").count() == 1


def test_rows_are_committed_per_batch_and_progress_is_saved(import_file, monkeypatch):
    monkeypatch.setattr(import_worker, "BATCH_SIZE", 3)
    progress = []
    original = import_worker._import_batch

    def spy(job, *args):
        outcome = original(job, *args)
        progress.append(ImportJob.objects.get(pk=job.pk).processed_rows)
        return outcome

    monkeypatch.setattr(import_worker, "_import_batch", spy)
    job = import_file("register.xlsx", make_xlsx(register_rows(excel_dates=True)))
    assert progress == [0, 3, 6]  # read before each batch saved its own progress
    assert (job.processed_rows, job.percent_done, job.created_count) == (8, 100, GOOD_ROWS)


def test_unexpected_error_rolls_back_its_batch_keeps_earlier_ones_and_fails_generically(
    import_file, monkeypatch
):
    monkeypatch.setattr(import_worker, "BATCH_SIZE", 3)
    original = import_worker.register_person

    def flaky(**kwargs):
        if kwargs["full_name"] == "Agus Salim":
            raise RuntimeError(f"database fell over on {kwargs['nik']}")
        return original(**kwargs)

    monkeypatch.setattr(import_worker, "register_person", flaky)
    job = import_file("register.xlsx", make_xlsx(register_rows(excel_dates=True)))

    assert job.status == ImportStatus.FAILED
    assert job.failure.startswith("The import stopped because of an unexpected error.")
    assert AGUS_NIK not in job.failure and "Agus" not in job.failure
    assert (job.processed_rows, job.created_count) == (6, 3)  # two batches committed
    assert Person.objects.count() == 3

    monkeypatch.setattr(import_worker, "register_person", original)
    services.start_import(job=job, by=job.uploaded_by, run_in_background=False)
    job = import_worker.run_import(job.pk)
    assert (job.status, job.created_count, job.unchanged_count) == (ImportStatus.DONE, 1, 3)


def test_a_job_is_run_only_once(import_file):
    job = import_file("register.xlsx", make_xlsx(register_rows(excel_dates=True)))
    again = import_worker.run_import(job.pk)
    assert (again.status, again.created_count) == (ImportStatus.DONE, GOOD_ROWS)
    assert Person.objects.count() == GOOD_ROWS


# --- The command -----------------------------------------------------------------------------


def test_command_imports_a_file_and_prints_progress_report_and_summary(officer, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(make_xlsx(register_rows(excel_dates=True)))
    out = io.StringIO()
    call_command(
        "import_people", str(path), "--office", "cirebon", "--user", officer.username, stdout=out
    )
    text = out.getvalue()
    assert "8/8 rows (100%)" in text
    assert "Row 7:\n  error: The same NIK is on row 2 of this file." in text
    assert "Row 6:\n  error: The name is missing." in text
    assert "Created 4, unchanged 0, rows with errors 4." in text
    assert Person.objects.count() == GOOD_ROWS


def test_command_takes_column_overrides(officer, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(b"Nama Ibu,Nama Peserta,Kelamin Peserta\nIbu Ani,Sari,P\n")
    out = io.StringIO()
    call_command(
        "import_people",
        str(path),
        "--office=cirebon",
        f"--user={officer.username}",
        "--map",
        "full_name=Nama Peserta",
        "--map",
        "sex=Kelamin Peserta",
        stdout=out,
    )
    assert Person.objects.get().full_name == "Sari"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--office", "tulungagung"], "does not work at tulungagung"),
        (["--office", "nowhere"], "There is no office nowhere"),
        (["--map", "colour=Warna"], "--map takes FIELD=HEADING"),
        (["--map", "sex="], "Choose the column that holds this field"),
        (["--user", "nobody"], "There is no user nobody"),
    ],
)
def test_command_refuses_bad_arguments_with_a_clear_message(
    officer, other_office, tmp_path, arguments, message
):
    path = tmp_path / "register.csv"
    path.write_bytes(b"Nama,JK\nAni,P\n")
    options = {"--office": "cirebon", "--user": officer.username}
    options.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    with pytest.raises(CommandError, match=message):
        call_command("import_people", str(path), *[f"{k}={v}" for k, v in options.items()])
    assert not Person.objects.exists()


# --- The pages -------------------------------------------------------------------------------


def test_upload_map_start_and_follow_progress_through_the_pages(
    client, officer, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    page = client.get(reverse("people:import-list"))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    data = make_xlsx(register_rows(excel_dates=True))
    response = client.post(reverse("people:import-list"), {"file": upload("r.xlsx", data)})
    job = ImportJob.objects.get()
    detail = reverse("people:import-detail", args=[job.pk])
    assert response.status_code == 302 and response.url == detail

    page = client.get(detail).content.decode()
    assert '<option value="Nama Lengkap" selected>' in page  # prefilled from the headings

    mapping = {**job.mapping, "address": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, mapping)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, "address" in job.mapping) == (
        ImportStatus.DONE,
        GOOD_ROWS,
        False,
    )

    full = client.get(detail).content.decode()
    fragment = client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full and "<html" not in fragment
    for content in (full, fragment):
        assert 'role="progressbar"' in content and 'aria-valuenow="100"' in content
        assert "hx-trigger" not in content  # finished: no more polling
        assert "The same NIK is on row 2 of this file." in content


def test_progress_fragment_polls_every_second_while_the_import_runs(client, officer):
    job = services.create_import_job(
        uploaded_file=upload("r.csv", b"Nama,JK\nAni,P\nBudi,L\n"), by=officer
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed_rows=1)
    client.force_login(officer)
    detail = reverse("people:import-detail", args=[job.pk])
    fragment = client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert f'hx-get="{detail}"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="50"' in fragment


def test_mapping_errors_are_shown_on_their_fields(client, officer):
    job = services.create_import_job(uploaded_file=upload("r.csv", b"Nama,JK\nAni,P\n"), by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("people:import-detail", args=[job.pk]), {"full_name": "Nama", "nik": "Nama"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"sex", "nik"}
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


def test_a_refused_retry_of_a_failed_import_is_a_message_on_its_page(client, officer):
    job = services.create_import_job(uploaded_file=upload("r.csv", b"Nama,JK\nAni,P\n"), by=officer)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, mapping={})
    client.force_login(officer)
    detail = reverse("people:import-detail", args=[job.pk])

    response = client.post(detail, follow=True)

    assert response.redirect_chain == [(detail, 302)]
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Choose the columns to import first."]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_non_spreadsheet_upload_is_refused_on_the_page(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("people:import-list"), {"file": upload("r.xlsx", b"<html>hello</html>")}
    )
    assert response.status_code == 200
    assert "not an Excel workbook (.xlsx) or a CSV file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_another_office_cannot_see_the_job(client, officer, make_user, other_office):
    job = services.create_import_job(uploaded_file=upload("r.csv", b"Nama,JK\nAni,P\n"), by=officer)
    urls = [
        reverse("people:import-detail", args=[job.pk]),
        reverse("people:import-errors", args=[job.pk]),
    ]
    client.force_login(make_user(Role.FRONTDESK, organisation=other_office))
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert job not in client.get(reverse("people:import-list")).context["jobs"]
    client.logout()
    assert client.get(urls[0]).status_code == 302


def test_error_report_csv_has_a_bom_and_cannot_inject_formulas(client, officer):
    job = services.create_import_job(uploaded_file=upload("r.csv", b"Nama,JK\nAni,P\n"), by=officer)
    job.error_rows = [
        {"row": 2, "errors": ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)"], "warnings": []},
        {"row": 3, "errors": [], "warnings": ["plain"]},
    ]
    job.save()
    client.force_login(officer)
    response = client.get(reverse("people:import-errors", args=[job.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"import-{job.pk}-errors.csv" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1:] == [
        ["2", "error", '\'=HYPERLINK("http://x")'],
        ["2", "error", "'+1"],
        ["2", "error", "'-1"],
        ["2", "error", "'@SUM(A1)"],
        ["3", "warning", "plain"],
    ]


def test_command_refuses_a_missing_file(officer, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command(
            "import_people",
            str(tmp_path / "nope.xlsx"),
            "--office=cirebon",
            f"--user={officer.username}",
        )


def test_a_zip_bomb_named_xlsx_is_refused(officer, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 10_000_000)
    with pytest.raises(DomainError) as error:
        services.create_import_job(uploaded_file=upload("r.xlsx", out.getvalue()), by=officer)
    assert error.value.code == "unsupported_file_type"


def test_import_list_query_count_does_not_grow_with_jobs(
    client, officer, django_assert_max_num_queries
):
    for _ in range(30):
        services.create_import_job(uploaded_file=upload("r.csv", b"Nama,JK\nAni,P\n"), by=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:import-list"))
    assert len(response.context["jobs"]) == 30


def test_registry_list_links_to_the_imports(client, officer):
    client.force_login(officer)
    page = client.get(reverse("people:list")).content.decode()
    assert reverse("people:import-list") in page
