from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from padu.core.errors import DomainError
from padu.regions.services import regions_load_file


class Command(BaseCommand):
    help = "Region tree: `padu regions load FILE [FILE ...]` loads Kemendagri codes from CSV."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="load one or more CSV files (kode,nama,level,kode_induk,kode_pos), in order",
        )
        load.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, action, files, **options):
        """Each file is loaded whole or not at all; a file with errors lists them by line and
        the command exits with status 1 (files before it stay loaded)."""
        failed = []
        for path in files:
            if not path.is_file():
                self.stderr.write(f"{path}: file not found")
                failed.append(path)
                continue
            try:
                report = regions_load_file(actor=None, path=path)
            except DomainError as exc:
                self.stderr.write(f"{path}: {exc}")
                self.stderr.write(f"{path}: nothing written")
                failed.append(path)
                continue
            if report.ok:
                self.stdout.write(
                    f"{path}: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged"
                )
            else:
                for line, message in report.errors:
                    self.stderr.write(f"{path}:{line}: {message}")
                self.stderr.write(f"{path}: nothing written ({len(report.errors)} errors)")
                failed.append(path)
        if failed:
            raise CommandError(f"{len(failed)} of {len(files)} files were not loaded")
