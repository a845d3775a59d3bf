"""`padu backup [FILE]`: the database, the uploaded files and the evidence files in one .tar.gz
(core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from padu.core.backup import backup_write


class Command(BaseCommand):
    help = (
        "Write the database, the uploaded files (MEDIA_ROOT) and the evidence files "
        "(PADU_EVIDENCE_ROOT) into one archive (.tar.gz); "
        "`padu restore FILE` brings them back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="the archive to write, or a directory for padu-backup-<date-time>.tar.gz "
            "(default: the working directory)",
        )

    def handle(self, *args, file, **options):
        target = file or Path.cwd()
        if target.is_dir():
            target = target / f"padu-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        if not target.parent.is_dir():
            raise CommandError(_("The directory %(dir)s does not exist.") % {"dir": target.parent})
        summary = backup_write(target)
        self.stdout.write(
            _(
                "Backup written to %(file)s (%(size)s MB): database rows: %(rows)s, "
                "files: %(files)s."
            )
            % {
                "file": summary.path,
                "rows": number_format(summary.rows, force_grouping=True),
                "files": number_format(summary.files, force_grouping=True),
                "size": number_format(summary.bytes / 1e6, decimal_pos=1, force_grouping=True),
            }
        )
