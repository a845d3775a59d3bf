"""`padu verification remind`: tell PSMs of their tasks due soon, and PSMs and their TKSK of
overdue ones (run daily by deploy/padu-verification-remind.timer; safe to repeat)."""

from django.core.management.base import BaseCommand

from padu.updates.services.notices import tasks_remind


class Command(BaseCommand):
    help = "Field verification: notify the tasks due soon and overdue."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("remind", help="notify the tasks due soon and overdue (idempotent)")

    def handle(self, *args, action, **options):
        written = tasks_remind()
        self.stdout.write(f"{written} notification(s) written.")
