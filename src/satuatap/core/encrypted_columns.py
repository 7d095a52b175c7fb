"""Data migrations that turn plain text columns into `EncryptedTextField` columns.

A migration first alters the column (`AlterField` to `EncryptedTextField`: a text column), then
calls `encrypt_columns` to encrypt the values already stored and `drop_from_audit_trail` to take
the plain values out of the audit trail's earlier change entries (auditlog copied them there
while the column was plain). Values are read and written as stored text, so the historical
model's field never tries to decrypt plain text. The reverse (`decrypt_columns`) makes a column
plain again before the reverse `AlterField` narrows it.
"""

from __future__ import annotations

import json

from satuatap.core.encryption import PREFIX, decrypt, encrypt

BATCH = 500


def _rewrite(connection, table: str, columns: list[str], convert) -> int:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {names} FROM {quote(table)}")  # noqa: S608
        rows = cursor.fetchall()
    updates = []
    for pk, *values in rows:
        converted = [convert(value) if value else value for value in values]
        if converted != values:
            updates.append([*converted, pk])
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(updates), BATCH):
            cursor.executemany(
                f"UPDATE {quote(table)} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608
                updates[start : start + BATCH],
            )
    return len(updates)


def _encrypted(value: str) -> str:
    return value if value.startswith(PREFIX) else encrypt(value)


def _plain(value: str) -> str:
    return decrypt(value) if value.startswith(PREFIX) else value


def encrypt_columns(connection, table: str, columns: list[str]) -> int:
    """Encrypt every stored value of `columns` that is not encrypted yet; the rows changed."""
    return _rewrite(connection, table, columns, _encrypted)


def decrypt_columns(connection, table: str, columns: list[str]) -> int:
    """The reverse: store every value of `columns` as plain text again."""
    return _rewrite(connection, table, columns, _plain)


def drop_from_audit_trail(apps, app_label: str, model: str, fields: list[str]) -> int:
    """Remove `fields` from the changes auditlog recorded for `app_label.model`; the entries
    (who changed which record when) stay. Returns the number of entries rewritten."""
    ContentType = apps.get_model("contenttypes", "ContentType")  # noqa: N806
    LogEntry = apps.get_model("auditlog", "LogEntry")  # noqa: N806
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    if content_type is None:
        return 0
    rewritten = []
    for entry in LogEntry.objects.filter(content_type=content_type).only(
        "pk", "changes", "changes_text"
    ):
        changes = entry.changes
        if isinstance(changes, str):
            try:
                changes = json.loads(changes)
            except ValueError:
                changes = None
        if not isinstance(changes, dict) or not set(fields) & set(changes):
            continue
        entry.changes = {key: value for key, value in changes.items() if key not in fields}
        entry.changes_text = ""
        rewritten.append(entry)
    LogEntry.objects.bulk_update(rewritten, ["changes", "changes_text"], batch_size=BATCH)
    return len(rewritten)
