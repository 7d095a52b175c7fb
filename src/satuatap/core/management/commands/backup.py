"""Write a backup archive: the database (SQLite online backup, or pg_dump) and the private files.

    satuatap backup [--output PATH]

The field-encryption keys and the secret key are not in the archive: back them up separately.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the private files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: <data directory>/backups/satuatap-<engine>-<time>"
            ".tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s (%(engine)s, %(size)s bytes, %(files)s files, "
                    "%(migrations)s migrations applied)."
                )
                % {
                    "path": result.path,
                    "engine": result.engine,
                    "size": f"{result.size:,}",
                    "files": result.files,
                    "migrations": result.migrations,
                }
            )
        )
        if result.files_kept_in:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The private files (scans, attachments, exports) are kept in object "
                        "storage (%(storage)s) and are not in this archive: back up the bucket "
                        "itself (versioning or replication)."
                    )
                    % {"storage": result.files_kept_in}
                )
            )
        self.stdout.write(
            self.style.WARNING(
                _(
                    "The archive holds personal data: keep it as safe as the database. It does "
                    "NOT hold FIELD_ENCRYPTION_KEYS or SECRET_KEY: back those up separately, or "
                    "the encrypted case data in this backup cannot be read after a restore."
                )
            )
        )
