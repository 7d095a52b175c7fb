"""The case timeline's events: what each kind is called and how its parameters are put into
words, in the language of whoever reads it (the page and the API alike). Every service writes
its event (`services.record_event`) as a kind and parameters, never as words.

An event holds no sensitive detail: its parameters are codes (a status, an outcome, why a
referral ended), counts and a partner's name. What a person wrote (a reason, a note) is a
`CaseNote`, encrypted, never an event's parameter. Events written before parameters existed
keep their `detail`, in the words of the language they were written in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from satuatap.cases.models import CaseEvent, CaseStatus, ContactKind, Outcome

LABELS = {
    "opened": gettext_lazy("Case opened"),
    "assigned": gettext_lazy("Case worker assigned"),
    "unassigned": gettext_lazy("Case worker taken off"),
    "action": gettext_lazy("Action planned"),
    "action_done": gettext_lazy("Action done"),
    "status": gettext_lazy("Status changed"),
    "closure_requested": gettext_lazy("Closure requested"),
    "closed": gettext_lazy("Case closed"),
    "closure_refused": gettext_lazy("Closure sent back"),
    "reopened": gettext_lazy("Case reopened"),
    "restricted": gettext_lazy("Case restricted"),
    "unrestricted": gettext_lazy("Restriction lifted"),
    "consent": gettext_lazy("Consent recorded"),
    "consent_withdrawn": gettext_lazy("Consent withdrawn"),
    "referral": gettext_lazy("Referral sent"),
    "referral_accepted": gettext_lazy("Referral accepted"),
    "referral_declined": gettext_lazy("Referral declined"),
    "referral_update": gettext_lazy("Partner's update"),
    "referral_completed": gettext_lazy("Referral completed"),
    "referral_revoked": gettext_lazy("Referral revoked"),
    "attachment": gettext_lazy("Attachment added"),
    "note": gettext_lazy("Note added"),
    "contact": gettext_lazy("Follow-up contact"),
    "restricted_contact": gettext_lazy("Follow-up contact"),
    "referral_reminder": gettext_lazy("Reminder sent to the partner"),
    "legal_hold_set": gettext_lazy("Legal hold set"),
    "legal_hold_lifted": gettext_lazy("Legal hold lifted"),
    "safe_contact": gettext_lazy("Safe contact marked"),
}

# Kinds whose words, in events written before parameters, only repeated the label (in the
# writer's language): not shown again.
_OLD_DETAIL_REPEATS_LABEL = frozenset(
    {
        "opened",
        "note",
        "action_done",
        "attachment",
        "closed",
        "closure_refused",
        "consent_withdrawn",
    }
)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _closed(params: dict) -> str:
    parts = []
    if ended := params.get("referrals_ended", 0):
        parts.append(
            ngettext(
                "%(count)d partner's access ended",
                "%(count)d partners' access ended",
                ended,
            )
            % {"count": ended}
        )
    if done := params.get("actions_done", 0):
        parts.append(
            ngettext(
                "%(count)d open action marked done",
                "%(count)d open actions marked done",
                done,
            )
            % {"count": done}
        )
    if left := params.get("actions_left_open", 0):
        parts.append(
            ngettext("%(count)d action left open", "%(count)d actions left open", left)
            % {"count": left}
        )
    return "; ".join(parts)


def _reopened(params: dict) -> str:
    if not params.get("outcome"):
        return ""
    return _("outcome of the closure: %(outcome)s") % {
        "outcome": _label(Outcome, params["outcome"])
    }


def _consent_withdrawn(params: dict) -> str:
    ended = params.get("referrals_ended", 0)
    text = params.get("partner", "")
    if ended:
        text += " · " + ngettext("%(count)d referral ended", "%(count)d referrals ended", ended) % {
            "count": ended
        }
    return text


def _due(params: dict) -> str:
    try:
        day = datetime.date.fromisoformat(params.get("due_on", ""))
    except ValueError:
        return ""
    return _("due %(date)s") % {"date": date_format(day, "SHORT_DATE_FORMAT")}


def _partner(params: dict) -> str:
    return params.get("partner", "")


def _reason_in_notes(params: dict) -> str:
    return _("the reason is in the case notes") if params.get("note") else ""


# Kind → its parameters in words (the label alone says enough for the other kinds).
DETAILS: dict[str, Callable[[dict], str]] = {
    "assigned": lambda p: p.get("worker", ""),
    "unassigned": lambda p: p.get("worker", ""),
    "contact": lambda p: _label(ContactKind, p.get("kind")),
    "restricted_contact": lambda p: _label(ContactKind, p.get("kind")),
    "action": _due,
    "consent": _partner,
    "referral": _partner,
    "referral_accepted": _partner,
    "referral_declined": _partner,
    "referral_update": _partner,
    "referral_completed": _partner,
    "referral_revoked": _partner,
    "referral_reminder": _partner,
    "restricted": _reason_in_notes,
    "unrestricted": _reason_in_notes,
    "closure_refused": _reason_in_notes,
    "status": lambda p: _label(CaseStatus, p.get("status")),
    "closure_requested": lambda p: _label(Outcome, p.get("outcome")),
    "closed": _closed,
    "reopened": _reopened,
    "consent_withdrawn": _consent_withdrawn,
}


def label(event: CaseEvent) -> str:
    return str(LABELS.get(event.kind, event.kind))


def detail(event: CaseEvent) -> str:
    """The event's detail in the reader's language: from its parameters when it has them (or
    its kind needs none), else the words stored when it was written."""
    if event.params and event.kind in DETAILS:
        return DETAILS[event.kind](event.params)
    if event.kind in _OLD_DETAIL_REPEATS_LABEL or event.detail == label(event):
        return ""
    return event.detail
