from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from padu.core.errors import DomainError
from padu.regions.services import regions_load_file


class Command(BaseCommand):
    help = "Region tree: `padu regions load FILE [FILE ...]` loads Kemendagri codes from CSV."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="load one or more CSV files (kode,nama,level,kode_induk,kode_pos), in order; a "
            "bare file name that is not in the current folder is one Padu ships "
            "(00_provinsi.csv, 1371_kota_padang.csv)",
        )
        load.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, action, files, **options):
        """Each file is loaded whole or not at all; a file with errors lists them by line and
        the command exits with status 1 (files before it stay loaded)."""
        failed = []
        files = [self._shipped(path) for path in files]
        for path in files:
            if not path.is_file():
                self.stderr.write(_("%(path)s: file not found") % {"path": path})
                failed.append(path)
                continue
            try:
                report = regions_load_file(actor=None, path=path)
            except DomainError as exc:
                self.stderr.write(f"{path}: {exc}")
                self.stderr.write(_("%(path)s: nothing written") % {"path": path})
                failed.append(path)
                continue
            if report.ok:
                self.stdout.write(
                    _("%(path)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                    % {
                        "path": path,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    }
                )
            else:
                for line, message in report.errors:
                    self.stderr.write(f"{path}:{line}: {message}")
                self.stderr.write(
                    ngettext(
                        "%(path)s: nothing written (%(count)d error)",
                        "%(path)s: nothing written (%(count)d errors)",
                        len(report.errors),
                    )
                    % {"path": path, "count": len(report.errors)}
                )
                failed.append(path)
        if failed:
            raise CommandError(
                ngettext(
                    "%(failed)d of %(count)d file was not loaded",
                    "%(failed)d of %(count)d files were not loaded",
                    len(files),
                )
                % {"failed": len(failed), "count": len(files)}
            )

    @staticmethod
    def _shipped(path: Path) -> Path:
        """A bare name missing here is looked up among the CSVs Padu ships (settings.DATA_DIR),
        so that an installed Padu loads them without knowing where pip put them."""
        shipped = Path(settings.DATA_DIR) / "wilayah" / path.name
        if not path.is_file() and path.name == str(path) and shipped.is_file():
            return shipped
        return path
