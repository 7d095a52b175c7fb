"""`satuatap import_agencies FILE [--user USERNAME]`: the national list of agencies from a
spreadsheet, recorded as a ministry placement administrator (the only role that changes it)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core.attribution import acting_as
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.placement.agency_import.services import import_agencies


class Command(BaseCommand):
    help = (
        "Import the list of licensed agencies (P3MI) from an XLSX or CSV file. Rows are matched "
        "to agencies by licence (SIP3MI) number, so importing a file again changes nothing. "
        "Prints the counts and each row with problems; exits with status 1 when a row had one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the list of agencies: .xlsx or .csv")
        parser.add_argument(
            "--user",
            help=(
                "username of the person the changes are recorded as (a ministry placement "
                "administrator); by default the first active one"
            ),
        )

    def handle(self, *args, file: Path, user: str | None, **options):
        by = self._user(user)
        if not file.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": file})
        try:
            with file.open("rb") as handle, acting_as(by, command="import_agencies"):
                report = import_agencies(uploaded_file=File(handle, name=file.name), by=by)
        except DomainError as error:
            raise CommandError(error.message) from error

        for row in report.error_rows:
            label = row.licence_number or row.name
            self.stdout.write(_("Row %(row)s:") % {"row": row.row} + (f" {label}" if label else ""))
            for message in row.errors:
                self.stdout.write(f"  {_('error')}: {message}")
        summary = _(
            "Created %(created)s, updated %(updated)s, unchanged %(unchanged)s, "
            "rows with errors %(errors)s."
        ) % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": report.error_count,
        }
        if report.error_count:
            self.stdout.write(summary)
            raise CommandError(
                _("%(count)s rows were not imported.") % {"count": report.error_count}
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            by = users.filter(username=username).first()
            if by is None:
                raise CommandError(_("There is no user %(name)s.") % {"name": username})
        else:
            by = users.filter(role_assignments__role=Role.NATIONAL_PLACEMENT).order_by("pk").first()
            if by is None:
                raise CommandError(
                    _("There is no active ministry placement administrator; name one with --user.")
                )
        if not by.has_perm("placement.manage_agencies"):
            raise CommandError(_("%(name)s may not manage agencies.") % {"name": by.username})
        return by
