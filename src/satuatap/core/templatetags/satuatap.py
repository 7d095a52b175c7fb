"""Formatting for the language in use: money in rupiah, masked identifiers, a time on the
office's clock (`on_clock`)."""

from __future__ import annotations

from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language

from satuatap.core.audit import stored_value
from satuatap.core.clock import on_clock
from satuatap.core.currencies import format_money

register = template.Library()
register.filter("on_clock", on_clock)


def _locale() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id_ID"


@register.filter
def idr(amount) -> str:
    """Integer rupiah as `Rp 1.250.000` (id) or `IDR 1,250,000` (en)."""
    if amount is None or amount == "":
        return ""
    return format_money(int(amount), "IDR")


@register.filter
def money(amount, currency: str) -> str:
    """A foreign amount as `KRW 2.060.740` (id) or `KRW 2,060,740` (en): `format_money`."""
    return format_money(amount, currency)


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=_locale())


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field, old value, new value) of each change of an audit entry.

    Read here rather than with `entry.changes_dict.items` in a template: the template language
    looks `items` up as a key first, so a model with a field called `items` (a case consent)
    broke the audit page. A many-to-many change shows its operation and the objects."""
    rows: list[tuple[str, object, object]] = []
    for field, change in (entry.changes_dict or {}).items():
        if isinstance(change, dict):
            objects = ", ".join(str(o) for o in change.get("objects", []))
            rows.append((field, change.get("operation", ""), objects))
        elif isinstance(change, list | tuple) and len(change) == 2:
            rows.append((field, stored_value(change[0]), stored_value(change[1])))
        else:
            rows.append((field, "", stored_value(change)))
    return rows


def _audit_data(entry) -> dict:
    return entry.additional_data if isinstance(entry.additional_data, dict) else {}


@register.filter
def audit_author(entry) -> str:
    """Who made the change: the user (by user name: the administrator's trail), else the job,
    command or public page it was made for (`core.attribution`); a dash only for entries
    older than the attribution."""
    from satuatap.core.changes import on_behalf_of

    if entry.actor_id is not None:
        return entry.actor.username
    return on_behalf_of(entry) or "—"


@register.filter
def audit_context(entry) -> list[str]:
    """How the change was made: with which API token, in which background job or command, and
    why tokens were revoked."""
    from django.utils.translation import gettext as _

    from satuatap.core.services import TokenRevocation

    data = _audit_data(entry)
    notes = []
    if data.get("api_token") is not None:
        notes.append(_("API token #%(id)s") % {"id": data["api_token"]})
    if data.get("job"):
        notes.append(_("background job %(job)s") % {"job": data["job"]})
    if data.get("command"):
        notes.append(_("command %(command)s") % {"command": data["command"]})
    if data.get("os_user"):
        notes.append(_("server account %(name)s") % {"name": data["os_user"]})
    reason = data.get("tokens_revoked_because")
    if reason:
        label = TokenRevocation(reason).label if reason in TokenRevocation.values else reason
        notes.append(_("API tokens revoked: %(reason)s") % {"reason": label})
    return notes
