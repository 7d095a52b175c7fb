"""`satuatap import_people FILE --office SLUG --user USERNAME [--map field=Heading ...]`."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core.attribution import acting_as
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation
from satuatap.people.import_worker import services as import_worker
from satuatap.people.imports import selectors, services
from satuatap.people.imports.mapping import IMPORT_FIELDS
from satuatap.people.models import ImportStatus


class Command(BaseCommand):
    help = (
        "Import an office's existing register (XLSX or CSV) into the person registry, as one "
        "of the office's staff. Columns are recognised by their headings; --map overrides."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the register: .xlsx or .csv")
        parser.add_argument("--office", required=True, help="short name (slug) of the office")
        parser.add_argument(
            "--user",
            required=True,
            help="username of the office's staff member the people are registered by",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            dest="mappings",
            metavar="FIELD=HEADING",
            help=(
                "take FIELD from the column HEADING (FIELD= leaves it out); repeatable. "
                f"Fields: {', '.join(IMPORT_FIELDS)}"
            ),
        )

    def handle(self, *args, file: Path, office: str, user: str, mappings: list[str], **options):
        by = self._user(office, user)
        overrides = self._overrides(mappings)
        if not file.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": file})
        # The people are registered by the staff member named: so says the audit trail.
        with acting_as(by, command="import_people"):
            self._import(file, by, overrides)

    def _import(self, file: Path, by, overrides: dict[str, str]) -> None:
        job = None
        try:
            with file.open("rb") as handle:
                job = services.create_import_job(uploaded_file=File(handle, name=file.name), by=by)
            services.set_mapping(job=job, mapping={**job.mapping, **overrides}, by=by)
            services.start_import(job=job, by=by, run_in_background=False)
        except DomainError as error:
            details = "".join(
                f"\n  {name}: {message}" for name, message in (error.details or {}).items()
            )
            if job is not None and error.code == "invalid_mapping":
                details += "\n" + _("Columns in the file: %(columns)s") % {
                    "columns": ", ".join(job.columns)
                }
            raise CommandError(f"{error.message}{details}") from error

        self.stdout.write(
            _("Import #%(id)s: %(rows)s rows.") % {"id": job.pk, "rows": job.total_rows}
        )
        for name, column in job.mapping.items():
            self.stdout.write(f"  {name} ← {column}")
        job = import_worker.run_import(job.pk, on_progress=self._progress)
        self._report(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.failure)

    def _user(self, office_slug: str, username: str):
        office = Organisation.objects.filter(slug=office_slug).first()
        if office is None or not office.is_office:
            raise CommandError(_("There is no office %(slug)s.") % {"slug": office_slug})
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(_("There is no user %(name)s.") % {"name": username})
        if by.office_id_or_none != office.pk:
            raise CommandError(
                _("%(name)s does not work at %(slug)s.") % {"name": username, "slug": office_slug}
            )
        if not by.has_perm("people.list_person"):
            raise CommandError(_("%(name)s may not register people.") % {"name": username})
        return by

    def _overrides(self, mappings: list[str]) -> dict[str, str]:
        overrides: dict[str, str] = {}
        for item in mappings:
            name, sep, column = item.partition("=")
            name = name.strip()
            if not sep or name not in IMPORT_FIELDS:
                raise CommandError(
                    _("--map takes FIELD=HEADING with FIELD one of: %(fields)s")
                    % {"fields": ", ".join(IMPORT_FIELDS)}
                )
            overrides[name] = column.strip()
        return overrides

    def _progress(self, job) -> None:
        self.stdout.write(
            _("%(done)s/%(total)s rows (%(percent)s%%)")
            % {"done": job.processed_rows, "total": job.total_rows, "percent": job.percent_done}
        )

    def _report(self, job) -> None:
        for entry in job.error_rows:
            self.stdout.write(_("Row %(row)s:") % {"row": entry["row"]})
            for message in entry.get("errors", []):
                self.stdout.write(f"  {_('error')}: {message}")
            for message in entry.get("warnings", []):
                self.stdout.write(f"  {_('warning')}: {message}")
        summary = _(
            "Created %(created)s, unchanged %(unchanged)s, rows with errors %(errors)s."
        ) % {
            "created": job.created_count,
            "unchanged": job.unchanged_count,
            "errors": selectors.error_count(job),
        }
        self.stdout.write(
            self.style.SUCCESS(summary) if job.status == ImportStatus.DONE else summary
        )
