"""Re-encrypt every encrypted column, and every encrypted file (identity-document scans, case
attachments, uploaded registers: `core.storage.EncryptedStorage`), with the newest key (the first
of FIELD_ENCRYPTION_KEYS).

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after it), restart,
run this command, then remove the old key. Values are read and written as stored text, so no
decrypted value is ever kept in memory longer than one row, and a value no key decrypts stops
the command with a translated error naming the row (every value of a table is checked before
any of it is written, so nothing is written for that table; tables done before it keep their
new encryption, which both keys still read) instead of being re-saved as garbage. A table is
rewritten 500 rows per transaction, each batch's rows locked while they are rewritten, so the
command can run while the offices work: a large table is never locked whole and no change made
meanwhile is overwritten.

Files are rewritten one at a time, each in place and whole (a renamed temporary file on disk,
one PUT in a bucket); a file no key decrypts stops the command the same way (the files done
before it are readable by both keys), a file that is missing is reported and skipped.

Then the steps apps registered (`core.encryption.register_rotation_step`) run: the keyed hashes
of the notifications' addresses (HMAC under SECRET_KEY) are recomputed, so a rotation of
SECRET_KEY (new key in SECRET_KEY, the old one in SECRET_KEY_FALLBACKS, then this command) keeps
opt-outs and safe-contact marks matching.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from satuatap.core.encryption import (
    EncryptedTextField,
    UndecryptableValue,
    rotate,
    rotation_steps,
)
from satuatap.core.storage import EncryptedStorage, StorageUnavailable

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column and file with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            self.check_table(model, fields)
            rows = self.rotate_table(model, fields)
            total += rows
            self.stdout.write(
                _("%(model)s: %(rows)s rows re-encrypted")
                % {"model": model._meta.label, "rows": rows}
            )
        files = sum(self.rotate_files(model) for model in apps.get_models())
        for name, step in rotation_steps().items():
            counts = step()
            self.stdout.write(
                _("%(step)s: %(counts)s")
                % {
                    "step": name,
                    "counts": ", ".join(f"{key} {value}" for key, value in counts.items()),
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Done: %(rows)s rows, %(files)s files.") % {"rows": total, "files": files}
            )
        )

    def batches(self, model, fields, *, lock: bool):
        """The table's rows in primary-key order, BATCH at a time: (pk, stored values…) lists.
        Each batch is read inside the caller's transaction; `lock` takes its rows' locks on
        PostgreSQL (SQLite's IMMEDIATE transaction already holds the write lock)."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        for_update = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
        last = None
        while True:
            after = "" if last is None else f" WHERE {pk} > %s"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {columns} FROM {table}{after} "  # noqa: S608
                    f"ORDER BY {pk} LIMIT {BATCH}{for_update}",
                    [] if last is None else [last],
                )
                rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    def undecryptable(self, model, pk) -> CommandError:
        return CommandError(
            _(
                "%(model)s %(pk)s: no key in FIELD_ENCRYPTION_KEYS decrypts it. "
                "Nothing in %(model)s was re-encrypted; put back the key it "
                "was written with (after the new one) and run this again."
            )
            % {"model": model._meta.label, "pk": pk}
        )

    def check_table(self, model, fields) -> None:
        """Every value of the table decrypts with some key, or nothing of it is rewritten."""
        for rows in self.batches(model, fields, lock=False):
            for row in rows:
                try:
                    for value in row[1:]:
                        if value:
                            rotate(value)
                except UndecryptableValue as error:
                    raise self.undecryptable(model, row[0]) from error

    def rotate_table(self, model, fields) -> int:
        """Rewrite the table BATCH rows per transaction: a large table is never locked whole,
        and a row the application changes meanwhile is either rewritten after its change or
        changed after its rewrite (its batch's rows are locked while they are rewritten), never
        overwritten with what was read before."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        done = 0
        batches = self.batches(model, fields, lock=True)
        while True:
            with transaction.atomic():
                rows = next(batches, None)
                if rows is None:
                    return done
                updates = []
                for row in rows:
                    try:
                        values = [rotate(value) if value else value for value in row[1:]]
                    except UndecryptableValue as error:  # written since the check: not by us
                        raise self.undecryptable(model, row[0]) from error
                    updates.append([*values, row[0]])
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        updates,
                    )
            done += len(rows)

    def rotate_files(self, model) -> int:
        fields = [
            f
            for f in model._meta.fields
            if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedStorage)
        ]
        done = 0
        for field in fields:
            storage = field.storage
            assert isinstance(storage, EncryptedStorage)  # as filtered above, for the type checker
            rows = model._base_manager.exclude(**{field.name: ""}).order_by("pk")
            for pk, name in rows.values_list("pk", field.attname).iterator():
                try:
                    storage.rotate(name)
                except FileNotFoundError:
                    self.stderr.write(
                        _("%(model)s %(pk)s: its file is missing; skipped.")
                        % {"model": model._meta.label, "pk": pk}
                    )
                    continue
                except UndecryptableValue as error:
                    raise CommandError(
                        _(
                            "%(model)s %(pk)s: no key in FIELD_ENCRYPTION_KEYS decrypts its "
                            "file. The files before it were re-encrypted; put back the key it "
                            "was written with (after the new one) and run this again."
                        )
                        % {"model": model._meta.label, "pk": pk}
                    ) from error
                except StorageUnavailable as error:
                    raise CommandError(error.message) from error
                if not rows.filter(pk=pk, **{field.attname: name}).exists():
                    # Deleted (erasure, retention) while it was being rewritten: the rewrite
                    # must not bring the file back.
                    storage.delete(name)
                    continue
                done += 1
        if fields:
            self.stdout.write(
                _("%(model)s: %(files)s files re-encrypted")
                % {"model": model._meta.label, "files": done}
            )
        return done
