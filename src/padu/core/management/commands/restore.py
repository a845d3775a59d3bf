"""`padu restore FILE`: a `padu backup` archive back into an empty, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from padu.core.backup import backup_restore
from padu.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Restore a `padu backup` archive into an empty database that `padu migrate` has made "
        "(--force: delete everything in the database first), and its files into MEDIA_ROOT and "
        "PADU_EVIDENCE_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive `padu backup` wrote")
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete all data in this database before restoring",
        )

    def handle(self, *args, file, force, **options):
        try:
            manifest = backup_restore(file, force=force)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored the backup of %(created)s (Padu %(version)s, %(vendor)s).")
            % {
                "created": manifest["created_at"],
                "version": manifest["padu"],
                "vendor": manifest["database"],
            }
        )
