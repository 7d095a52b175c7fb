from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.regions.services import (
    DEFAULT_DATA_DIR,
    RegionDataError,
    load_regions,
    read_source_info,
)


class Command(BaseCommand):
    help = "Load or update the Kemendagri regions (provinces to villages) shipped with SatuAtap."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="directory with the gzip CSVs and SOURCE.json (default: the shipped data)",
        )
        parser.add_argument(
            "--prefix",
            action="append",
            dest="prefixes",
            metavar="CODE",
            help="load only regions inside this code (and its ancestors); repeatable",
        )

    def handle(self, *args, data_dir: Path, prefixes: list[str] | None, **options):
        source = read_source_info(data_dir=data_dir)
        if source:
            self.stdout.write(
                _("Loading regions from %(package)s %(version)s")
                % {"package": source.get("package"), "version": source.get("version")}
            )
        try:
            counts = load_regions(data_dir=data_dir, prefixes=prefixes, stdout=self.stdout)
        except RegionDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Regions loaded: %(counts)s")
                % {"counts": ", ".join(f"{level.label} {n}" for level, n in counts.items())}
            )
        )
