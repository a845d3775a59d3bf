"""`padu generate population`: a synthetic population in the registry import layout."""

from pathlib import Path

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from padu.synth.inject import BROKEN_KINDS
from padu.synth.population import generate_population


class Command(BaseCommand):
    help = (
        "Synthetic data: `padu generate population --people N --out FILE` writes a realistic "
        "population (Kota Padang by default) in the registry import layout (docs/import-layout.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        pop = sub.add_parser(
            "population",
            help="families and people as CSV or XLSX in the import layout",
            description=(
                "Writes exactly N people (whole families) plus the requested duplicate and broken "
                "rows. Family columns are filled on the head's row only. Deterministic for a seed."
            ),
        )
        pop.add_argument(
            "--people", type=int, default=20_000, help="number of people (default 20000)"
        )
        pop.add_argument("--out", type=Path, required=True, help="output file (.csv or .xlsx)")
        pop.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        pop.add_argument(
            "--format",
            choices=("csv", "xlsx"),
            default=None,
            help="file format (default: from the file name, else csv)",
        )
        pop.add_argument(
            "--duplicates",
            type=int,
            default=0,
            help="extra rows repeating a person under a name variant and a new NIK (dedup work)",
        )
        pop.add_argument(
            "--broken",
            type=int,
            default=0,
            help=f"extra rows with one error each; {len(BROKEN_KINDS)} or more cover every kind",
        )
        pop.add_argument(
            "--region",
            default="13.71",
            help="region code whose kelurahan/desa to use (default 13.71)",
        )

    def handle(self, *args, what, **options):
        people = int(options["people"])
        out = Path(options["out"])
        quiet = int(options.get("verbosity", 1)) == 0
        err = self.stderr
        err.style_func = None  # progress and summary are not errors: no red
        tty = err.isatty()
        last = [-1]

        def progress(done, total):
            pct = 100 * done // max(total, 1)
            step = pct if tty else pct // 10 * 10
            if quiet or step == last[0]:
                return
            last[0] = step
            line = _("%(done)s / %(total)s people (%(pct)d %%)") % {
                "done": intcomma(done),
                "total": intcomma(total),
                "pct": pct,
            }
            err.write(f"\r{line}" if tty else line, ending="" if tty else "\n")
            err.flush()

        try:
            report = generate_population(
                out,
                people=people,
                seed=int(options.get("seed") if options.get("seed") is not None else 1),
                fmt=options.get("format"),
                duplicates=int(options.get("duplicates") or 0),
                broken=int(options.get("broken") or 0),
                region=str(options.get("region") or "13.71"),
                progress=progress,
            )
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            err.write(("\n" if tty else "") + report.summary())
        return None
