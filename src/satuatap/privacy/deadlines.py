"""How long the office has to answer each kind of data-subject request, and when a breach must
have been notified: the table behind every due date of the registers.

UU 27/2022 counts several deadlines as "3 x 24 (tiga kali dua puluh empat) jam" from the moment
the controller receives the request: 72 hours of the clock, weekends and holidays included, from
the moment written on the request (`received_at`), not a number of days. The defaults below
are what we read in the law; where no article gives a deadline, a default of SatuAtap's own,
marked as such (docs/security.md, "Data-subject requests"). Each can be changed with
`SATUATAP_REQUEST_DEADLINES`, e.g. `erasure=7d,objection=72h`: hours (`72h`) or days (`14d`).
`satuatap check` refuses an unknown request type or an unreadable period (satuatap.E002).

A request's due date is computed once, when it is registered (or its type or time of receipt
corrected), and stored: changing the table later does not move the deadline of a request
already received.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from satuatap.privacy.models import RequestType

BREACH_NOTICE_HOURS = 72  # Pasal 46(1): 3 x 24 hours, counted here from the discovery
MAX_HOURS = 365 * 24
_PERIOD = re.compile(r"^(\d{1,5})\s*([hd])$")


@dataclass(frozen=True)
class DeadlineRule:
    request_type: str
    default: str
    basis: Promise  # where the default comes from, shown beside the deadline
    from_the_law: bool  # False: a default of SatuAtap's own where the law gives none


RULES: dict[str, DeadlineRule] = {
    rule.request_type: rule
    for rule in (
        DeadlineRule(
            RequestType.ACCESS,
            "72h",
            _("UU 27/2022 Pasal 32(2): access within 3 × 24 hours of the request"),
            True,
        ),
        DeadlineRule(
            RequestType.CORRECTION,
            "72h",
            _("UU 27/2022: correction within 3 × 24 hours of the request"),
            True,
        ),
        DeadlineRule(
            RequestType.WITHDRAWAL,
            "72h",
            _("UU 27/2022: processing stops within 3 × 24 hours of the withdrawal"),
            True,
        ),
        DeadlineRule(
            RequestType.RESTRICTION,
            "72h",
            _("UU 27/2022 Pasal 41(1): restriction within 3 × 24 hours of the request"),
            True,
        ),
        DeadlineRule(
            RequestType.ERASURE,
            "14d",
            _("The law sets no deadline: SatuAtap's default, to be confirmed by the ministry"),
            False,
        ),
        DeadlineRule(
            RequestType.OBJECTION,
            "14d",
            _("The law sets no deadline: SatuAtap's default, to be confirmed by the ministry"),
            False,
        ),
    )
}


def parse_period(value: object) -> datetime.timedelta:
    """`72h` → 72 hours, `14d` → 14 days; at least an hour, at most a year."""
    text = str(value).strip().lower()
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(f"not a deadline: {value!r} (use hours like 72h or days like 14d)")
    number, unit = int(match.group(1)), match.group(2)
    hours = number * 24 if unit == "d" else number
    if not 1 <= hours <= MAX_HOURS:
        raise ValueError(f"not a deadline: {value!r} (between 1h and 365d)")
    return datetime.timedelta(hours=hours)


def configured_overrides() -> dict[str, str]:
    return {
        str(key).strip(): str(value)
        for key, value in (getattr(settings, "SATUATAP_REQUEST_DEADLINES", None) or {}).items()
    }


def configuration_errors() -> list[str]:
    """What is wrong with `SATUATAP_REQUEST_DEADLINES` (unknown types, unreadable periods)."""
    errors = []
    for key, value in configured_overrides().items():
        if key not in RULES:
            errors.append(f"unknown request type {key!r} (known: {', '.join(sorted(RULES))})")
            continue
        try:
            parse_period(value)
        except ValueError as error:
            errors.append(f"{key}: {error}")
    return errors


def setting_of(request_type: str) -> str:
    """The period in force for a request type, as written (`72h`, `14d`)."""
    return configured_overrides().get(request_type, RULES[request_type].default)


def period_of(request_type: str) -> datetime.timedelta:
    return parse_period(setting_of(request_type))


def due_at(request_type: str, received_at: datetime.datetime) -> datetime.datetime:
    """When a request of this type received at this moment must be answered."""
    return received_at + period_of(request_type)


def breach_notice_due(discovered_at: datetime.datetime) -> datetime.datetime:
    return discovered_at + datetime.timedelta(hours=BREACH_NOTICE_HOURS)


def describe(value: str) -> str:
    """A period for people: "3 × 24 hours", "14 days", "36 hours"."""
    hours = int(parse_period(value).total_seconds() // 3600)
    if value.strip().lower().endswith("d"):
        days = hours // 24
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if hours % 24 == 0:
        return ngettext("%(count)d × 24 hours", "%(count)d × 24 hours", hours // 24) % {
            "count": hours // 24
        }
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


@dataclass(frozen=True)
class DeadlineRow:
    request_type: str
    label: str
    period: str
    basis: str
    is_default: bool  # the default of the table, not changed by the setting


def deadline_table() -> list[DeadlineRow]:
    """Every request type with the deadline in force, for the register's pages."""
    labels = dict(RequestType.choices)
    overrides = configured_overrides()
    rows = []
    for request_type, rule in RULES.items():
        is_default = request_type not in overrides
        rows.append(
            DeadlineRow(
                request_type=request_type,
                label=str(labels[request_type]),
                period=describe(setting_of(request_type)),
                basis=str(rule.basis) if is_default else str(_("Set for this installation")),
                is_default=is_default,
            )
        )
    return rows
