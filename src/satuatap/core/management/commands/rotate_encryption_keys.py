"""Re-encrypt every encrypted column, and every encrypted file (identity-document scans, case
attachments, uploaded registers: `core.storage.EncryptedStorage`), with the newest key (the first
of FIELD_ENCRYPTION_KEYS).

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after it), restart,
run this command, then remove the old key. Values are read and written as stored text, so no
decrypted value is ever kept in memory longer than one row, and a value no key decrypts stops
the command with a translated error naming the row (nothing is written for that table; tables
done before it keep their new encryption, which both keys still read) instead of being re-saved
as garbage. Files are rewritten one at a time, each in place and whole (a renamed temporary
file on disk, one PUT in a bucket); a file no key decrypts stops the command the same way (the
files done before it are readable by both keys), a file that is missing is reported and skipped.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from satuatap.core.encryption import EncryptedTextField, UndecryptableValue, rotate
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
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            columns = [connection.ops.quote_name(f.column) for f in fields]
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")  # noqa: S608
                    rows = cursor.fetchall()
                updates = []
                for row in rows:
                    try:
                        values = [rotate(value) if value else value for value in row[1:]]
                    except UndecryptableValue as error:
                        raise CommandError(
                            _(
                                "%(model)s %(pk)s: no key in FIELD_ENCRYPTION_KEYS decrypts it. "
                                "Nothing in %(model)s was re-encrypted; put back the key it "
                                "was written with (after the new one) and run this again."
                            )
                            % {"model": model._meta.label, "pk": row[0]}
                        ) from error
                    updates.append([*values, row[0]])
                assignments = ", ".join(f"{column} = %s" for column in columns)
                with connection.cursor() as cursor:
                    for start in range(0, len(updates), BATCH):
                        cursor.executemany(
                            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                            updates[start : start + BATCH],
                        )
            total += len(rows)
            self.stdout.write(
                _("%(model)s: %(rows)s rows re-encrypted")
                % {"model": model._meta.label, "rows": len(rows)}
            )
        files = sum(self.rotate_files(model) for model in apps.get_models())
        self.stdout.write(
            self.style.SUCCESS(
                _("Done: %(rows)s rows, %(files)s files.") % {"rows": total, "files": files}
            )
        )

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
