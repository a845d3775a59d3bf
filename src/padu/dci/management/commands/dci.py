"""`padu dci prune`: remove the DCI transactions older than their retention period
(`PADU_DCI_TRANSACTION_RETENTION_DAYS`). Run it daily (deploy/ runs it with the access log's
pruning)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from padu.dci.services import transactions_prune


class Command(BaseCommand):
    help = "Remove DCI transactions older than PADU_DCI_TRANSACTION_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["prune"])

    def handle(self, *args, action, **options):
        removed = transactions_prune()
        self.stdout.write(
            _("%(rows)s DCI transactions older than %(days)s days removed.")
            % {"rows": removed, "days": settings.PADU_DCI_TRANSACTION_RETENTION_DAYS}
        )
