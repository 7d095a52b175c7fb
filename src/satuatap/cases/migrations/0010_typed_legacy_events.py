"""Timeline events written before they kept parameters get them, where their words can be read
back: a status, an outcome or a kind of contact from its label (in English or Indonesian, as
the writer's language was), a partner's or a case worker's name, a due date, a reminder's
referral and day. `cases/events.py` then words them in the reader's language. An event whose
words cannot be read back keeps them (`detail`), shown as they were written.

The labels below are those of the time the old events were written, frozen here: the model's
choices may change, these events will not.
"""

import re

from django.db import migrations

STATUS = {
    "open": ("Open", "Dibuka"),
    "in_progress": ("In progress", "Sedang ditangani"),
    "pending_partner": ("Pending partner", "Menunggu mitra"),
    "resolved": ("Resolved, waiting for closure", "Selesai, menunggu penutupan"),
    "closed": ("Closed", "Ditutup"),
}
OUTCOME = {
    "resolved": ("Resolved", "Terselesaikan"),
    "partly": ("Partly resolved", "Terselesaikan sebagian"),
    "not_resolved": ("Not resolved", "Tidak terselesaikan"),
    "withdrew": ("Client withdrew", "Klien mengundurkan diri"),
    "referred_on": ("Referred on", "Dirujuk lebih lanjut"),
}
CONTACT_KIND = {
    "information": ("Information request", "Permintaan informasi"),
    "counselling": ("Counselling session", "Sesi konseling"),
}
CONSENT = re.compile(
    r"^(?:Consent to share with|Persetujuan berbagi informasi dengan) (?P<partner>.+)$"
)
REFERRAL = re.compile(r"^(?:Referred to|Dirujuk ke) (?P<partner>.+)$")
DUE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})")
REMINDER = re.compile(r"^#(?P<referral>\d+) → (?P<partner>.*) · (?P<on>\d{4}-\d{2}-\d{2})$")
PARTNER_KINDS = {
    "referral_accepted",
    "referral_declined",
    "referral_update",
    "referral_completed",
    "referral_revoked",
}


def _code(labels: dict, text: str, key: str) -> dict | None:
    for code, words in labels.items():
        if text in words:
            return {key: code}
    return None


def _match(pattern: re.Pattern, text: str, key: str) -> dict | None:
    found = pattern.match(text)
    return {key: found["partner"]} if found else None


def params_of(kind: str, text: str) -> dict | None:
    """The parameters the old words stand for, or None when they cannot be read back."""
    if kind in ("contact", "restricted_contact"):
        return _code(CONTACT_KIND, text, "kind")
    if kind == "status":
        return _code(STATUS, text, "status")
    if kind == "closure_requested":
        return _code(OUTCOME, text, "outcome")
    if kind in ("assigned", "unassigned"):
        return {"worker": text}
    if kind == "consent":
        return _match(CONSENT, text, "partner")
    if kind == "referral":
        return _match(REFERRAL, text, "partner")
    if kind in PARTNER_KINDS:
        return {"partner": text}
    if kind == "action":
        found = DUE.search(text)
        return {"due_on": found["date"]} if found else None
    if kind == "referral_reminder":
        found = REMINDER.match(text)
        if found is None:
            return None
        return {
            "referral": int(found["referral"]),
            "partner": found["partner"],
            "on": found["on"],
        }
    return None


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    events = CaseEvent.objects.exclude(detail="").only("pk", "kind", "detail", "params")
    for event in events.iterator(chunk_size=1000):
        if event.params:
            continue
        params = params_of(event.kind, event.detail.strip())
        if params:
            CaseEvent.objects.filter(pk=event.pk).update(params=params)


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_partner_directory")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
