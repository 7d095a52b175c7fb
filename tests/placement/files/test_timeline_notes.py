"""The steps a placement file writes on the person's migration timeline (the departure, the
return and its reason) are stored as a kind and codes and read in the reader's language, on the
person page too; the notes written in words before are given their kind by the migration."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from satuatap.people.models import MigrationStatus, StatusEvent
from satuatap.placement.files import services as files
from satuatap.placement.files import timeline
from satuatap.placement.files.models import PlacementFile, ReturnReason, Stage
from satuatap.placement.models import Scheme
from tests.placement.files.test_readiness import give_complete_documents

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def ready_file(make_worker, make_job_order, agency, officer, today):
    job_order = make_job_order("SIP2MI/HK", agency=agency, scheme=Scheme.P3MI)
    placement_file = files.open_file(
        person=make_worker(), by=officer, values={"job_order": job_order}
    )
    give_complete_documents(placement_file, today)
    files.change_stage(placement_file=placement_file, to_stage=Stage.READY, by=officer)
    return placement_file


@pytest.fixture
def returned(ready_file, officer, today):
    """Departed and returned, recorded by an officer working in Indonesian."""
    PlacementFile.objects.filter(pk=ready_file.pk).update(stage_since=today - 2 * DAY)
    with translation.override("id"):
        files.record_departure(placement_file=ready_file, by=officer, departure_date=today - DAY)
        files.record_return(
            placement_file=ready_file, by=officer, return_date=today, reason=ReturnReason.SICK
        )
    return ready_file


def _steps(placement_file) -> list[StatusEvent]:
    return list(placement_file.person.status_events.order_by("effective_date", "pk"))


def test_the_steps_are_stored_as_codes_and_read_in_the_readers_language(returned):
    departure, back = _steps(returned)

    assert (departure.note_kind, departure.note_params, departure.notes) == (
        timeline.DEPARTURE,
        {"file": returned.pk},
        "",
    )
    assert (back.note_kind, back.note_params, back.notes) == (
        timeline.RETURN,
        {"reason": ReturnReason.SICK},
        "",
    )
    with translation.override("en"):
        assert departure.system_note() == f"Departed under placement file #{returned.pk}."
        assert back.system_note() == "Reason for the return: Sick"
    with translation.override("id"):
        assert departure.system_note() == f"Berangkat melalui berkas penempatan #{returned.pk}."
        assert back.system_note() == "Alasan kepulangan: Sakit"


def test_the_person_page_shows_the_steps_in_the_readers_language(client, returned, officer):
    officer.language = "en"
    officer.save(update_fields=["language"])
    client.force_login(officer)

    page = client.get(reverse("people:detail", args=[returned.person_id])).content.decode()

    assert f"Departed under placement file #{returned.pk}." in page
    assert "Reason for the return: Sick" in page
    assert "Berangkat" not in page and "Sakit" not in page


def test_the_migration_gives_old_notes_their_kind_and_keeps_other_notes(returned):
    from django.apps import apps

    migration = importlib.import_module("satuatap.placement.migrations.0007_typed_timeline_notes")
    departure, back = _steps(returned)
    StatusEvent.objects.filter(pk=departure.pk).update(
        note_kind="", note_params={}, notes=f"Berangkat melalui berkas penempatan #{returned.pk}."
    )
    StatusEvent.objects.filter(pk=back.pk).update(note_kind="", note_params={}, notes="Sakit")
    typed_by_hand = StatusEvent.objects.create(
        person=returned.person,
        status=MigrationStatus.RETURNED,
        effective_date=back.effective_date,
        notes="Dijemput keluarga di bandara.",
    )

    migration.forwards(apps, None)

    departure, back, by_hand = _steps(returned)
    assert (departure.note_kind, departure.note_params, departure.notes) == (
        timeline.DEPARTURE,
        {"file": returned.pk},
        "",
    )
    assert (back.note_kind, back.note_params) == (timeline.RETURN, {"reason": "sick"})
    assert by_hand.pk == typed_by_hand.pk
    assert (by_hand.note_kind, by_hand.notes) == ("", "Dijemput keluarga di bandara.")
