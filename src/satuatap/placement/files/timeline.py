"""The steps a placement file writes on the person's migration timeline (`people/timeline.py`):
the departure and the return, kept as a kind and codes, read in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from satuatap.people.timeline import register_note
from satuatap.placement.files.models import ReturnReason

DEPARTURE = "placement_departure"  # params: {"file": the placement file's number}
RETURN = "placement_return"  # params: {"reason": a ReturnReason}


def _departure(params: dict) -> str:
    return _("Departed under placement file #%(id)s.") % {"id": int(params["file"])}


def _return(params: dict) -> str:
    reason = params.get("reason", "")
    label = ReturnReason(reason).label if reason in ReturnReason.values else reason
    return _("Reason for the return: %(reason)s") % {"reason": label}


def register() -> None:
    register_note(DEPARTURE, _departure)
    register_note(RETURN, _return)
