"""The largest numbers the integer columns hold, the same on SQLite and PostgreSQL.

An input beyond them names no record and fits no column: forms, API schemas and services refuse
it with a translated error (422) before it reaches the database, where it would be a 500
(SQLite's OverflowError, PostgreSQL's "out of range"). Lookups with such ids match nothing
(`core/lookups.py`).
"""

MAX_SMALLINT = 2**15 - 1  # PositiveSmallIntegerField
MAX_INTEGER = 2**31 - 1  # PositiveIntegerField
MAX_BIGINT = 2**63 - 1  # ids (BigAutoField), PositiveBigIntegerField, LIMIT/OFFSET
