"""Background exports: asked for on the exports page, made by huey (immediate in tests) with
progress, downloaded by the person who asked and by nobody else."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from satuatap.core.exceptions import DomainError
from satuatap.core.models import RoleAssignment
from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.export_models import ExportJob, ExportStatus
from satuatap.reports.exports import builders, dhis2
from satuatap.reports.exports import services as jobs
from satuatap.reports.exports.common import ExportParameters
from satuatap.reports.exports.worker import services as worker
from satuatap.reports.retention import RETENTION_DAYS
from tests.reports.core_fixture import MARCH
from tests.reports.exports_support import find_table, read_workbook
from tests.reports.test_exports_dhis2 import assert_data_value_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def march(**extra):
    return ExportParameters(date_from=MARCH[0], date_to=MARCH[1], **extra)


def ask(client, user, captured, **data):
    client.force_login(user)
    form = {"kind": "xlsx", "office": "", "month_from": "2026-03", "month_to": "2026-03", **data}
    with captured(execute=True):
        return client.post(reverse("reports:export-list"), form)


def test_national_export_runs_in_the_background_and_is_downloadable(
    client, world, national, django_capture_on_commit_callbacks, private_media
):
    response = ask(client, national, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.progress, job.office, job.kind) == ("done", 100, None, "xlsx")
    assert job.finished_at is not None
    assert job.file.path.startswith(str(private_media))
    download = client.get(reverse("reports:export-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="satuatap-national-2026-03.xlsx"'
    )
    assert download["Cache-Control"] == "private, no-store"
    book = read_workbook(b"".join(download.streaming_content))
    assert book["Registry"]["B2"].value == "National (all offices)"
    with translation.override("en"):
        registrations = selectors.indicator_result(
            code="registrations", viewer=national, date_from=MARCH[0], date_to=MARCH[1]
        )
        comparison = dict(
            selectors.office_comparison(
                code="registrations", viewer=national, date_from=MARCH[0], date_to=MARCH[1]
            )
        )
    total = find_table(book["Registry"], "Registrations")["Total"]
    assert total["Total"] == registrations.total.total.value == 6  # 5 in Cirebon, Siti
    offices = find_table(book["Offices"], "Registrations")
    assert offices[world.office.name]["Total"] == comparison[world.office].value == 5
    assert offices[world.other_office.name]["Total"] == comparison[world.other_office].value == 1
    # A case-related indicator: Tulungagung's one complaint is hidden, and so is Cirebon's count
    # (else the national total would give it away).
    with translation.override("en"):
        complaints = dict(
            selectors.office_comparison(
                code="complaints_received", viewer=national, date_from=MARCH[0], date_to=MARCH[1]
            )
        )
    assert complaints[world.other_office].suppressed
    offices = find_table(book["Offices"], "Complaints received")
    for office in (world.office, world.other_office):
        cell = complaints[office]
        assert offices[office.name]["Total"] == (cell.display() if cell.suppressed else cell.value)


def test_job_goes_from_queued_to_done_with_progress(world, national, monkeypatch):
    job = jobs.start_export(by=national, kind="csv", params=march())  # not committed: queued
    assert (job.status, job.progress) == (ExportStatus.QUEUED, 0)
    seen = []
    original = selectors.indicator_result

    def watching(**kwargs):
        seen.append(ExportJob.objects.get(pk=job.pk).progress)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "indicator_result", watching)
    job = worker.run_export(job.pk)
    assert (job.status, job.progress) == (ExportStatus.DONE, 100)
    assert seen[0] == 0 and seen == sorted(seen) and 0 < seen[-1] < 100
    assert ExportJob.objects.get(pk=job.pk).progress == 100
    # Running it again does nothing.
    assert worker.run_export(job.pk).status == ExportStatus.DONE


def test_only_the_owner_downloads_the_file(
    client, world, national, make_user, ministry, head, django_capture_on_commit_callbacks
):
    ask(client, national, django_capture_on_commit_callbacks, kind="csv")
    job = ExportJob.objects.get()
    url = reverse("reports:export-download", args=[job.pk])
    other_analyst = make_user(Role.NATIONAL_ANALYST, organisation=ministry, username="analyst2")
    for outsider in (other_analyst, head):
        client.force_login(outsider)
        refused = client.get(url)
        assert refused.status_code == 404, outsider
        assert not refused.streaming and not refused.has_header("Content-Disposition")
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    client.force_login(national)
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    with job.file.open("rb") as stored:
        assert b"".join(download.streaming_content) == stored.read()


def test_download_of_an_unfinished_job_is_404(client, world, national):
    job = jobs.start_export(by=national, kind="xlsx", params=march())
    client.force_login(national)

    response = client.get(reverse("reports:export-download", args=[job.pk]))

    assert response.status_code == 404
    assert not response.streaming and not response.has_header("Content-Disposition")
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED and not job.file


def test_export_list_polls_while_a_job_runs_and_links_the_file_when_done(
    client, world, national, django_capture_on_commit_callbacks
):
    waiting = jobs.start_export(by=national, kind="pdf", params=march())
    client.force_login(national)
    page = client.get(reverse("reports:export-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and f"export-job-{waiting.pk}" in html
    fragment = client.get(reverse("reports:export-list"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert 'aria-valuenow="0"' in fragment.content.decode()
    worker.run_export(waiting.pk)
    fragment = client.get(reverse("reports:export-list"), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "hx-trigger" not in html
    assert reverse("reports:export-download", args=[waiting.pk]) in html
    assert 'aria-valuenow="100"' in html


def test_nobody_sees_another_persons_jobs_on_the_page(client, world, national, head):
    job = jobs.start_export(by=national, kind="xlsx", params=march())
    client.force_login(head)
    assert f"export-job-{job.pk}" not in client.get(reverse("reports:export-list")).content.decode()


def test_page_is_prefilled_from_the_dashboard_link(client, world, national):
    client.force_login(national)
    page = client.get(reverse("reports:export-list"), {"month": "2026-02", "sex": "F"})
    form = page.context["form"]
    assert form.initial["month_from"] == form.initial["month_to"] == "2026-02"
    assert form.initial["sex"] == "F"


def test_office_staff_export_their_own_office_only(
    client, world, head, django_capture_on_commit_callbacks
):
    response = ask(client, head, django_capture_on_commit_callbacks, office="")
    assert response.status_code == 200 and response.context["form"].errors
    response = ask(
        client, head, django_capture_on_commit_callbacks, office=str(world.other_office.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not ExportJob.objects.exists()
    response = ask(client, head, django_capture_on_commit_callbacks, office=str(world.office.pk))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.office, job.status) == (world.office, ExportStatus.DONE)


def test_service_refuses_what_the_user_may_not_export(world, head, make_user, partner):
    with pytest.raises(DomainError) as national:
        jobs.start_export(by=head, kind="xlsx", params=march())
    assert national.value.status == 403
    with pytest.raises(DomainError) as other:
        jobs.start_export(by=head, kind="xlsx", params=march(office_id=world.other_office.pk))
    assert other.value.status == 404
    caseworker = make_user(Role.PARTNER_CASEWORKER, organisation=partner)
    with pytest.raises(DomainError):
        jobs.start_export(by=caseworker, kind="xlsx", params=march(office_id=world.office.pk))


def test_a_person_may_have_only_a_few_exports_running(world, national):
    for _n in range(jobs.MAX_RUNNING_PER_USER):
        jobs.start_export(by=national, kind="xlsx", params=march())
    with pytest.raises(DomainError) as error:
        jobs.start_export(by=national, kind="xlsx", params=march())
    assert error.value.status == 429


def test_job_fails_when_the_person_lost_the_right_to_export(world, national):
    job = jobs.start_export(by=national, kind="xlsx", params=march())
    RoleAssignment.objects.filter(user=national).delete()
    job = worker.run_export(job.pk)
    assert job.status == ExportStatus.FAILED and job.failure
    assert not job.file


def test_job_fails_cleanly_on_an_unexpected_error(world, national, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(builders.BUILDERS, "xlsx", broken)
    monkeypatch.setattr(worker, "build_export", lambda kind, *a, **k: broken())
    job = jobs.start_export(by=national, kind="xlsx", params=march())
    job = worker.run_export(job.pk)
    assert job.status == ExportStatus.FAILED
    assert "boom" not in job.failure


def test_national_dhis2_export_has_every_office_and_month(world, national):
    params = ExportParameters(
        date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 3, 31)
    )
    job = worker.run_export(jobs.start_export(by=national, kind="dhis2", params=params).pk)
    assert job.status == ExportStatus.DONE and job.filename.endswith(".json")
    with job.file.open("rb") as handle:
        document = json.load(handle)
    assert_data_value_set(document)
    assert {v["orgUnit"] for v in document["dataValues"]} == {
        dhis2.org_unit_id(world.office.region_id),
        dhis2.org_unit_id(world.other_office.region_id),
    }
    assert {v["period"] for v in document["dataValues"]} == {"202602", "202603"}
    # The analyst sees Cirebon from outside: its March registrations (5) are not small.
    registrations = [
        v
        for v in document["dataValues"]
        if v["dataElement"] == dhis2.data_element_id("registrations")
        and v["period"] == "202603"
        and v["orgUnit"] == dhis2.org_unit_id(world.office.region_id)
    ]
    assert [v["value"] for v in registrations] == ["5"]
    assert "<5" not in json.dumps(document)


def test_national_pdf_and_csv_exports(world, national):
    for kind in ("pdf", "csv"):
        job = worker.run_export(jobs.start_export(by=national, kind=kind, params=march()).pk)
        assert job.status == ExportStatus.DONE, job.failure
        with job.file.open("rb") as handle:
            content = handle.read()
        if kind == "pdf":
            assert content.startswith(b"%PDF")
        else:
            text = content.decode("utf-8-sig")
            assert world.office.name in text and world.other_office.name in text


def test_old_exports_and_their_files_are_purged(world, national):
    job = worker.run_export(jobs.start_export(by=national, kind="csv", params=march()).pk)
    path = job.file.path
    assert jobs.purge_old_exports() == 0
    later = timezone.now() + datetime.timedelta(days=RETENTION_DAYS + 1)
    assert jobs.purge_old_exports(now=later) == 1
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)
