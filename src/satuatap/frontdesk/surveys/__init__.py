"""The IKM survey a visitor answers at the exit kiosk or through the QR code on the ticket.

Visitors have no account: the visit's survey token (printed as a QR code on the ticket) or the
paired exit kiosk plus a ticket number of today is what lets them answer. One survey per visit,
and only once a desk has served it: a visitor still waiting, or one who left without being
served, has no service to rate, and such answers would count in the office's IKM.

The package: the limits and the ticket code's shape here, `selectors.py` (the visit a token or
a ticket code names, whether it was served or answered), `services.py` (recording the answers).
"""

from __future__ import annotations

import re

COMMENT_MAX_LENGTH = 1000
TICKET_CODE = re.compile(r"^\s*([A-Za-z]{1,2})\s*-?\s*(\d{1,4})\s*$")


def parse_ticket_code(code: str) -> tuple[str, int] | None:
    """`A-012`, `a12` or `A 12` → ("A", 12); None when it is not a ticket code."""
    match = TICKET_CODE.match(code or "")
    if match is None:
        return None
    return match.group(1).upper(), int(match.group(2))
