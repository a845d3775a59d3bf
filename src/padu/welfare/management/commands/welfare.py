"""`padu welfare recompute`: compute every family's welfare score again with the active weights,
at once (the weights page queues the same work as a background job)."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from padu.welfare.models import Recompute
from padu.welfare.services import recompute_now


class Command(BaseCommand):
    help = "Welfare score: recompute every family's score with the active weights."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("recompute", help="recompute every family's score now")

    def handle(self, *args, what, **options):
        started = time.perf_counter()
        job = recompute_now()
        if job.status != Recompute.Status.DONE:
            self.stderr.write(job.message)
            raise SystemExit(1)
        self.stdout.write(
            _("Weights version %(version)d: %(message)s (%(seconds).1f s)")
            % {
                "version": job.weight_set.version,
                "message": job.message,
                "seconds": time.perf_counter() - started,
            }
        )
