"""`padu periods close YYYY-MM`: close a period at once, as the system (the periods page queues
the same work as a background job for an operator)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from padu.core.errors import DomainError, ValidationFailed
from padu.periods.models import Period
from padu.periods.services import period_close


class Command(BaseCommand):
    help = "Periods: close a month (its registry state is frozen) now, as the system."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        close = sub.add_parser("close", help="close the period MONTH (YYYY-MM) now")
        close.add_argument("month")

    def handle(self, *args, what, month, **options):
        started = time.perf_counter()
        try:
            period = period_close(actor=None, month=month, run_now=True)
        except ValidationFailed as exc:
            raise CommandError(" ".join(str(m) for ms in exc.errors.values() for m in ms)) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if period.status != Period.Status.CLOSED:
            raise CommandError(period.message)
        self.stdout.write(
            _(
                "Period %(period)s closed: %(families)d family and %(people)d person versions "
                "stored (%(seconds).1f s)"
            )
            % {
                "period": period.text,
                "families": period.stored_families,
                "people": period.stored_people,
                "seconds": time.perf_counter() - started,
            }
        )
