"""`padu updates lapse`: lapse the objections nobody verified in time (run daily by
deploy/padu-updates-lapse.timer)."""

from django.core.management.base import BaseCommand

from padu.updates.services.lapse import requests_lapse


class Command(BaseCommand):
    help = "Change requests: lapse the objections nobody verified in time."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("lapse", help="lapse the objections whose verification period has passed")

    def handle(self, *args, action, **options):
        lapsed = requests_lapse()
        self.stdout.write(f"{len(lapsed)} objection(s) lapsed.")
