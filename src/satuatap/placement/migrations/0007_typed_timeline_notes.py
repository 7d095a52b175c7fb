"""The departures and returns placement files wrote on the migration timeline in words (in the
language of whoever recorded them) become a kind and codes, read in the reader's language
(`placement/files/timeline.py`). Notes that are not such words stay as they are.

The words below are those of the time, frozen here.
"""

import re

from django.db import migrations

DEPARTURE = "placement_departure"
RETURN = "placement_return"
DEPARTED = re.compile(
    r"^(?:Departed under placement file|Berangkat melalui berkas penempatan) #(?P<file>\d+)\.$"
)
RETURN_REASONS = {
    "contract_finished": ("Contract finished", "Kontrak selesai"),
    "early_return": ("Early return", "Pulang sebelum kontrak berakhir"),
    "deported": ("Deported", "Dideportasi"),
    "sick": ("Sick", "Sakit"),
    "deceased": ("Deceased", "Meninggal dunia"),
    "problem": (
        "Problem (complaint, abuse, dispute)",
        "Bermasalah (pengaduan, kekerasan, perselisihan)",
    ),
}


def typed_note(status: str, notes: str) -> tuple[str, dict] | None:
    text = notes.strip()
    found = DEPARTED.match(text)
    if status == "abroad" and found:
        return DEPARTURE, {"file": int(found["file"])}
    if status == "returned":
        for reason, words in RETURN_REASONS.items():
            if text in words:
                return RETURN, {"reason": reason}
    return None


def forwards(apps, schema_editor):
    StatusEvent = apps.get_model("people", "StatusEvent")
    steps = StatusEvent.objects.filter(note_kind="", status__in=["abroad", "returned"])
    for step in steps.exclude(notes="").only("pk", "status", "notes").iterator(chunk_size=1000):
        typed = typed_note(step.status, step.notes)
        if typed is not None:
            kind, params = typed
            StatusEvent.objects.filter(pk=step.pk).update(
                note_kind=kind, note_params=params, notes=""
            )


def backwards(apps, schema_editor):
    StatusEvent = apps.get_model("people", "StatusEvent")
    for step in StatusEvent.objects.filter(note_kind__in=[DEPARTURE, RETURN]).iterator():
        if step.note_kind == DEPARTURE:
            notes = f"Departed under placement file #{step.note_params.get('file')}."
        else:
            notes = RETURN_REASONS.get(step.note_params.get("reason"), ("",))[0]
        StatusEvent.objects.filter(pk=step.pk).update(note_kind="", note_params={}, notes=notes)


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0006_agency_concern"),
        ("people", "0008_statusevent_typed_notes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
