"""`padu accesslog prune`: remove the access log's rows older than the retention period
(`PADU_ACCESS_LOG_RETENTION_DAYS`). Run it daily (deploy/ has a systemd timer)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.models import AccessLog


class Command(BaseCommand):
    help = "Remove access-log rows older than PADU_ACCESS_LOG_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["prune"])

    def handle(self, *args, action, **options):
        days = settings.PADU_ACCESS_LOG_RETENTION_DAYS
        cutoff = timezone.now() - datetime.timedelta(days=days)
        removed, _detail = AccessLog.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(
            _("%(rows)s access-log rows older than %(days)s days removed.")
            % {"rows": removed, "days": days}
        )
