"""`padu programs seed [--file FILE]`: load the program catalogue (the seeded one, or an office's
own file in the same form), as the system. Programs, rules and pairs that exist are kept."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from padu.programs.seed import programs_seed


class Command(BaseCommand):
    help = "Programs: load the program catalogue and its default compatibility table."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        seed = sub.add_parser("seed", help="create the catalogue's programs that do not exist")
        seed.add_argument(
            "--file", type=Path, default=None, help="a catalogue in the same JSON form"
        )

    def handle(self, *args, what, file=None, **options):
        seeded = programs_seed(actor=None, path=file)
        self.stdout.write(
            _("Programs seeded: %(programs)d programs, %(rules)d rule sets, %(pairs)d pairs")
            % {"programs": seeded.programs, "rules": seeded.rule_sets, "pairs": seeded.pairs}
        )
