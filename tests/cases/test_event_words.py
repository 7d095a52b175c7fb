"""Every kind of case event is stored as a kind and parameters and read in the reader's language:
an event written in Indonesian reads in English for an English reader, and the other way round;
every kind any service writes has its words; events written in words before are given their
parameters by the migration where their words can be read back."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.utils import translation

from satuatap.cases import events
from satuatap.cases.models import CaseEvent, CaseStatus, ContactKind, Outcome
from satuatap.cases.services import record_event

pytestmark = pytest.mark.django_db

SOURCES = Path(events.__file__).parent

# One event of every kind, with the parameters its service writes.
EVERY_KIND = {
    "opened": {},
    "assigned": {"worker": "Rina Marlina"},
    "unassigned": {"worker": "Rina Marlina"},
    "action": {"due_on": "2026-03-02"},
    "action_done": {},
    "status": {"status": CaseStatus.PENDING_PARTNER},
    "closure_requested": {"outcome": Outcome.PARTLY},
    "closed": {"referrals_ended": 1, "actions_done": 2, "actions_left_open": 1},
    "closure_refused": {"note": True},
    "reopened": {"outcome": Outcome.NOT_RESOLVED},
    "restricted": {"note": True},
    "unrestricted": {"note": True},
    "consent": {"partner": "WCC Mawar Balqis"},
    "consent_withdrawn": {"partner": "WCC Mawar Balqis", "referrals_ended": 2},
    "referral": {"partner": "WCC Mawar Balqis"},
    "referral_accepted": {"partner": "WCC Mawar Balqis"},
    "referral_declined": {"partner": "WCC Mawar Balqis"},
    "referral_update": {"partner": "WCC Mawar Balqis"},
    "referral_completed": {"partner": "WCC Mawar Balqis"},
    "referral_revoked": {"partner": "WCC Mawar Balqis"},
    "referral_reminder": {"referral": 7, "partner": "WCC Mawar Balqis", "on": "2026-03-02"},
    "attachment": {},
    "note": {},
    "contact": {"kind": ContactKind.COUNSELLING},
    "restricted_contact": {"kind": ContactKind.INFORMATION},
    "legal_hold_set": {},
    "legal_hold_lifted": {},
    "safe_contact": {"channel": "whatsapp"},
}

# What an English reader reads of the events above (label, detail).
IN_ENGLISH = {
    "status": ("Status changed", "Pending partner"),
    "closure_requested": ("Closure requested", "Partly resolved"),
    "closed": (
        "Case closed",
        "1 partner's access ended; 2 open actions marked done; 1 action left open",
    ),
    "reopened": ("Case reopened", "outcome of the closure: Not resolved"),
    "contact": ("Follow-up contact", "Counselling session"),
    "restricted": ("Case restricted", "the reason is in the case notes"),
    "consent_withdrawn": ("Consent withdrawn", "WCC Mawar Balqis · 2 referrals ended"),
    "referral_reminder": ("Reminder sent to the partner", "WCC Mawar Balqis"),
    "assigned": ("Case worker assigned", "Rina Marlina"),
}


def _strings(node: ast.expr) -> list[str] | None:
    """The strings an expression can be: a literal, or either side of `"a" if x else "b"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _kinds_written_in_source() -> set[str]:
    """The kind of every `record_event(case, "<kind>", …)` in the MRC's code: literals, either
    side of a conditional, or a name assigned one of those in the same module."""
    kinds: set[str] = set()
    for path in SOURCES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        names: dict[str, list[str]] = {}
        calls: list[ast.expr] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and (strings := _strings(node.value)) is not None:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        names[target.id] = strings
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record_event"
                and len(node.args) >= 2
            ):
                calls.append(node.args[1])
        for kind in calls:
            strings = _strings(kind)
            if strings is None and isinstance(kind, ast.Name):
                strings = names.get(kind.id)
            # A kind the test cannot read is named as written, and fails below.
            kinds.update(strings if strings is not None else [ast.unparse(kind)])
    return kinds


def test_every_kind_a_service_writes_has_a_label_and_is_tested_here():
    written = _kinds_written_in_source()

    assert len(written) >= 25
    assert written <= set(events.LABELS), written - set(events.LABELS)
    assert written <= set(EVERY_KIND), written - set(EVERY_KIND)


def test_an_event_written_in_indonesian_reads_in_english(make_case, counsellor):
    case = make_case()
    with translation.override("id"):
        written = [
            record_event(case, kind, counsellor, params=params)
            for kind, params in EVERY_KIND.items()
        ]
        in_indonesian = {e.kind: (events.label(e), events.detail(e)) for e in written}

    with translation.override("en"):
        in_english = {e.kind: (events.label(e), events.detail(e)) for e in written}

    for kind, words in IN_ENGLISH.items():
        assert in_english[kind] == words, kind
    for event in written:
        assert event.detail == ""
        assert in_indonesian[event.kind][0] != in_english[event.kind][0], event.kind
    assert in_english["action"][1].startswith("due ")
    assert in_indonesian["status"][1] == "Menunggu mitra"


def test_an_event_written_in_english_reads_in_indonesian(make_case, counsellor):
    case = make_case()
    with translation.override("en"):
        event = record_event(case, "status", counsellor, params={"status": CaseStatus.CLOSED})
        reminder = record_event(
            case, "referral_reminder", None, params=EVERY_KIND["referral_reminder"]
        )

    with translation.override("id"):
        assert (events.label(event), events.detail(event)) == ("Status diubah", "Ditutup")
        assert events.detail(reminder) == "WCC Mawar Balqis"
        assert events.label(reminder) != "Reminder sent to the partner"


def test_the_migration_gives_old_events_their_parameters_in_either_language(make_case, counsellor):
    from django.apps import apps

    migration = importlib.import_module("satuatap.cases.migrations.0010_typed_legacy_events")
    case = make_case()
    old = {
        ("status", "Menunggu mitra"): {"status": "pending_partner"},
        ("status", "In progress"): {"status": "in_progress"},
        ("closure_requested", "Terselesaikan sebagian"): {"outcome": "partly"},
        ("contact", "Sesi konseling"): {"kind": "counselling"},
        ("consent", "Persetujuan berbagi informasi dengan WCC Mawar Balqis"): {
            "partner": "WCC Mawar Balqis"
        },
        ("referral", "Referred to LBH Cirebon"): {"partner": "LBH Cirebon"},
        ("referral_accepted", "LBH Cirebon"): {"partner": "LBH Cirebon"},
        ("action", "Tindakan direncanakan, tenggat 2026-03-02"): {"due_on": "2026-03-02"},
        ("assigned", "Rina Marlina"): {"worker": "Rina Marlina"},
        ("referral_reminder", "#12 → LBH Cirebon · 2026-03-02"): {
            "referral": 12,
            "partner": "LBH Cirebon",
            "on": "2026-03-02",
        },
        ("status", "Something else"): {},
        ("opened", "Dibuka"): {},
    }
    written = {
        key: CaseEvent.objects.create(case=case, kind=key[0], detail=key[1], by=counsellor)
        for key in old
    }

    migration.forwards(apps, None)

    for key, params in old.items():
        event = CaseEvent.objects.get(pk=written[key].pk)
        assert event.params == params, key
    with translation.override("en"):
        kept = CaseEvent.objects.get(pk=written[("status", "Something else")].pk)
        assert events.detail(kept) == "Something else"
        status = CaseEvent.objects.get(pk=written[("status", "Menunggu mitra")].pk)
        assert events.detail(status) == "Pending partner"
