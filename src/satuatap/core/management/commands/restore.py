"""Restore a backup archive written by `satuatap backup`.

    satuatap restore PATH [--yes]

The archive is checked first (format, checksums, engine, migrations); a database that already
holds data is only replaced with --yes. Stop the app servers and the task consumer first.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Replace the database and the private files with those of a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Archive written by `satuatap backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that already holds data.",
        )

    def handle(self, *args, path, yes=False, **options):
        try:
            result = restore_backup(path, replace_existing=yes)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored the backup of %(created)s (SatuAtap %(version)s, %(engine)s): "
                    "%(tables)s tables, %(rows)s rows, %(files)s files."
                )
                % {
                    "created": result.created_at,
                    "version": result.satuatap_version,
                    "engine": result.engine,
                    "tables": result.tables,
                    "rows": f"{result.rows:,}",
                    "files": result.files,
                }
            )
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The backup is older than this code: run `satuatap migrate` now (%(n)s "
                        "migrations to apply)."
                    )
                    % {"n": len(result.pending_migrations)}
                )
            )
        if result.key_warning:
            self.stdout.write(self.style.WARNING(result.key_warning))
        if result.files_warning:
            self.stdout.write(self.style.WARNING(result.files_warning))
