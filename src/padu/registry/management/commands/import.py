"""`padu import registry FILE [--user USERNAME]`: import a registry file in the terminal.
`padu import prune-uploads`: remove the uploads nobody confirmed on the mapping page that are
older than PADU_IMPORT_UPLOAD_ABANDON_HOURS (the worker does it after every upload too).

With `--user` the import runs with that user's capability and area. Without it, it is a system
import (recorded with no user) limited to `settings.PADU_ROOT_REGION`, for the office's own
setup and the demo. Progress goes to stderr: a bar when stderr is a terminal, a line per 10 %
otherwise; then the counts and the path of the report.
"""

import time

from django.contrib.auth import get_user_model
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from padu.core.errors import DomainError
from padu.registry.importer.heartbeat import imports_interrupt_stale
from padu.registry.importer.services import import_error_report_path, import_local_file
from padu.registry.importer.uploads import uploads_prune
from padu.registry.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import a registry file (CSV or XLSX, docs/import-layout.md): `padu import registry FILE`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        registry = sub.add_parser("registry", help="families and people in the import layout")
        registry.add_argument("file", help="CSV (UTF-8) or XLSX file")
        registry.add_argument(
            "--user",
            default=None,
            help="import as this user (his area); default: a system import of PADU_ROOT_REGION",
        )
        sub.add_parser(
            "prune-uploads",
            help="remove the uploads never confirmed on the mapping page, older than "
            "PADU_IMPORT_UPLOAD_ABANDON_HOURS",
        )

    def handle(self, *args, what, file=None, user=None, **options):
        if what == "prune-uploads":
            removed = uploads_prune()
            self.stdout.write(
                _("%(count)s abandoned uploads removed.") % {"count": intcomma(removed)}
            )
            return
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("No active user %(name)s.") % {"name": user})
        # An earlier import killed in its write shows as interrupted from now on.
        imports_interrupt_stale()
        err = self.stderr
        err.style_func = None
        tty = err.isatty()
        quiet = int(options.get("verbosity", 1)) == 0
        started = time.monotonic()
        last = [-1]

        def progress(batch: ImportBatch) -> None:
            pct = batch.percent
            step = pct if tty else pct // 10 * 10
            if quiet or (step == last[0] and batch.phase != ImportBatch.Phase.WRITING):
                return
            last[0] = step
            rate = batch.processed_rows / max(time.monotonic() - started, 1e-6)
            if batch.phase == ImportBatch.Phase.WRITING:
                line = _("%(rows)s rows checked; writing to the registry…") % {
                    "rows": intcomma(batch.processed_rows)
                }
            else:
                bar = "#" * (pct // 5)
                line = f"[{bar:<20}] {pct:3d} %  "
                line += f"{intcomma(batch.processed_rows)}/{intcomma(batch.total_rows)}  "
                line += _("%(rate)s rows/s") % {"rate": intcomma(round(rate))}
            err.write(f"\r{line}" if tty else line, ending="" if tty else "\n")
            err.flush()

        try:
            batch = import_local_file(actor=actor, path=file, progress=progress)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if tty and not quiet:
            err.write("")
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(batch.message)
        self.stdout.write(
            _(
                "Import #%(id)d: %(rows)s rows in %(seconds)s s — families %(fc)s created, "
                "%(fu)s updated; people %(pc)s created, %(pu)s updated; %(same)s unchanged; "
                "%(errors)s rows with errors, %(warnings)s with warnings."
            )
            % {
                "id": batch.pk,
                "rows": intcomma(batch.total_rows),
                "seconds": number_format(time.monotonic() - started, decimal_pos=1),
                "fc": intcomma(batch.families_created),
                "fu": intcomma(batch.families_updated),
                "pc": intcomma(batch.people_created),
                "pu": intcomma(batch.people_updated),
                "same": intcomma(batch.unchanged_rows),
                "errors": intcomma(batch.error_rows),
                "warnings": intcomma(batch.warning_rows),
            }
        )
        report = import_error_report_path(batch)
        if report:
            self.stdout.write(_("Report: %(path)s") % {"path": report})
