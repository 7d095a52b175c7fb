"""Queue numbers: sequential per desk per office day, never duplicated, never skipped.

The counter row is incremented with one upsert statement (`INSERT … ON CONFLICT DO UPDATE …
RETURNING`) inside the transaction that creates the ticket: PostgreSQL locks the row until the
transaction ends and SQLite holds its write lock for the whole (IMMEDIATE) transaction, so two
check-ins can never read the same number, and a failed check-in rolls its number back.
"""

from __future__ import annotations

import datetime

from django.db import connection

from satuatap.core.models import Desk
from satuatap.frontdesk.models import DeskDayCounter

_UPSERT = (
    "INSERT INTO {table} (desk_id, day, last_number) VALUES (%s, %s, 1) "
    "ON CONFLICT (desk_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
    "RETURNING last_number"
)


def next_number(desk: Desk, day: datetime.date) -> int:
    """Take the next number for `desk` on `day`. Call inside `transaction.atomic()`."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    table = connection.ops.quote_name(DeskDayCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [desk.pk, day])
        return cursor.fetchone()[0]
