"""The files blocked at the readiness gate, on the home page of placement officers and of the
office head (`placement/work.py`), and the ministry's open concerns."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from satuatap.core.roles import Role
from satuatap.placement import services as placement_services
from satuatap.placement.files import services as files
from satuatap.placement.files.models import Stage
from satuatap.placement.models import ConcernKind, Scheme
from tests.placement.files.test_readiness import give_complete_documents
from tests.work import home_panels, item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def gate_files(officer, make_worker, make_job_order, agency, today):
    """At the last step (OPP): one with every document, one without its police certificate;
    in training: one with no document at all."""
    job_order = make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI, quota_women=5)

    def make(name: str, stage: str, *, skip=None):
        placement_file = files.open_file(
            person=make_worker(full_name=name), by=officer, values={"job_order": job_order}
        )
        if skip is not None:
            give_complete_documents(placement_file, today, skip=skip)
        files.change_stage(placement_file=placement_file, to_stage=stage, by=officer)
        return placement_file

    return {
        "ready": make("Ani Suryani", Stage.OPP, skip=()),
        "blocked": make("Dewi Lestari", Stage.OPP, skip={"skck"}),
        "training": make("Citra Dewi", Stage.TRAINING),
    }


@pytest.mark.parametrize("role", [Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD])
def test_files_blocked_at_the_gate_are_listed_with_the_reason(client, make_user, gate_files, role):
    user = make_user(role, username=f"cirebon.{role}-en", language="en")
    panels, _html = home_panels(client, user)

    panel = panels["placement-gate"]
    at_gate = item(panel, "at the last step (OPP)")
    assert at_gate.count == 2
    assert item(panel, "blocked").count == 1
    [row] = panel.rows
    blocked = gate_files["blocked"]
    assert row.text == f"File #{blocked.pk}: Dewi Lestari"
    assert row.url == reverse("placement:file-detail", args=[blocked.pk])
    assert row.detail == "Police certificate (SKCK): missing."
    listed = client.get(at_gate.url).content.decode()
    assert "Dewi Lestari" in listed and "Ani Suryani" in listed and "Citra Dewi" not in listed


def test_the_reason_says_how_many_more_problems_there_are(gate_files, officer, today):
    from satuatap.placement.files.readiness import readiness
    from satuatap.placement.work import blocking_reason

    with translation.override("en"):
        result = readiness(gate_files["training"], today)
        reason = blocking_reason(result)
    assert reason.endswith(f"(and {len(result.blocking()[0].problems) - 1} more)")


def test_another_offices_files_are_not_counted(client, make_user, other_office, gate_files):
    panels, _html = home_panels(
        client, make_user(Role.PLACEMENT_OFFICER, organisation=other_office, language="en")
    )
    assert item(panels["placement-gate"], "at the last step (OPP)").count == 0


@pytest.mark.parametrize("role", [Role.FRONTDESK, Role.COUNSELLOR, Role.DESK_OFFICER])
def test_who_does_not_manage_files_gets_no_gate_panel(client, make_user, gate_files, role):
    panels, _html = home_panels(client, make_user(role, username=f"cirebon.{role}-x"))
    assert "placement-gate" not in panels


def test_the_ministry_sees_the_open_concerns(client, national_placement, officer, agency):
    placement_services.raise_concern(
        agency=agency, by=officer, kind=ConcernKind.FEES, text="Biaya ditagih di muka."
    )
    national_placement.language = "en"
    national_placement.save()
    panels, _html = home_panels(client, national_placement)

    concerns = item(panels["placement-concerns"], "open")
    assert concerns.count == 1
    assert concerns.url == reverse("placement:agency-concern-list")
    panels, _html = home_panels(client, officer)
    assert "placement-concerns" not in panels
