"""Module fixtures that build their records once in an outer transaction (rolled back at the
module's end) while each test runs in a savepoint inside it."""

from __future__ import annotations

from django.db import connection


def fire_deferred_checks() -> None:
    """Check the outer transaction's deferred foreign keys now, once.

    Django ends every test with `check_constraints()` (on PostgreSQL `SET CONSTRAINTS ALL
    IMMEDIATE`), which fires the checks still pending in the transaction; the test's savepoint
    is then rolled back, and PostgreSQL puts the checks fired inside it back in the queue. So
    without this every test would check every row the module fixture wrote again: minutes of
    PostgreSQL time per module when the fixture is the whole demo."""
    connection.check_constraints()
