"""`padu demo`: a working Padu on this machine in one command.

Migrates, loads the national region tree, upserts one demo user per role in the demo's region
(Kota Padang unless `--region` names another province or kab/kota: `--region 64`,
`--region 32.04`), generates and imports a population of that region while the registry is
empty (with two earlier desil rankings of it, for the desil history, and the assessments of its
disabilities and PPKS categories, synth.records), then serves the site on
127.0.0.1 together with a task worker (so uploaded imports are processed). Every step is safe to
repeat.

The server is Django's own `runserver --noreload`, supervised beside `db_worker`: the demo runs
on one laptop for one person, static files come from WhiteNoise, and it needs no extra
dependency. Production runs `padu serve` instead (gunicorn beside the same worker).
"""

import os
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from faker import Faker

from padu.accounts.capabilities import Role
from padu.accounts.models import RegionScope, User
from padu.core.audit import audit_record
from padu.core.errors import DomainError
from padu.core.processes import check_port_free, run_together
from padu.core.scoping import subtree_q
from padu.regions import national
from padu.regions.management.commands.regions import report_line
from padu.regions.models import Region
from padu.regions.services import regions_load_national

from ...demo_accounts import DemoAccount, demo_accounts

# One password for every demo account; it passes the configured password validators.
DEMO_PASSWORD = "demo-padu-2025"  # noqa: S105
# The demo users who take a change request through the workflow (updates.demo).
REQUEST_ROLES = ("psm", "tksk", "kelurahan", "operator")
# The demo users who target, check, approve and deliver the programs (programs.demo).
PROGRAM_ROLES = ("operator", "pimpinan", "tksk", "psm", "psm2")
DEMO_SALT = "PaduDemoKotaPadang1371x"  # long enough that Django never asks to rehash
DEFAULT_PEOPLE = 20_000
DEFAULT_SEED = 1371
# The release dates of the earlier DTSEN rankings the demo imports before its population's own
# (whose periods are synth.dwellings.DESIL_PERIODS).
EARLIER_DESIL_PERIODS = ("2023-07-20", "2024-07-20")


class Command(BaseCommand):
    help = (
        "Prepare a demo: migrate, load the national region tree, create one user per role in the "
        "demo's region (Kota Padang by default), import a generated population, then serve on "
        "127.0.0.1 with a task worker. Safe to run again."
    )
    requires_system_checks = []  # migrate first; the server runs the checks when it starts

    def add_arguments(self, parser):
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"people to import into an empty registry (default {DEFAULT_PEOPLE}; 0: none)",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="seed of the generated population"
        )
        parser.add_argument(
            "--region",
            default=None,
            help="province or kab/kota of the demo office, e.g. 64 (Kalimantan Timur) or 32.04 "
            "(Kabupaten Bandung); default PADU_ROOT_REGION (13.71, Kota Padang)",
        )
        parser.add_argument(
            "--only-region",
            action="store_true",
            help="load only that region's part of the national tree (quicker), not all Indonesia",
        )
        parser.add_argument(
            "--no-serve", dest="serve", action="store_false", help="prepare everything, then exit"
        )
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)"
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="port to serve on (default 8000)"
        )

    def handle(self, *args, people, seed, serve, host, port, region, only_region, **options):
        started = time.monotonic()
        if people < 0:
            raise CommandError(_("--people cannot be negative."))
        region = (region or settings.PADU_ROOT_REGION).strip()
        if region.count(".") > 1 or region not in national.national_codes():
            raise CommandError(
                _(
                    "--region: %(code)s is no province or kab/kota of the national list "
                    "(%(decree)s), e.g. 64 or 32.04."
                )
                % {"code": region, "decree": national.DECREE}
            )
        if serve:
            check_port_free(host, port)
        self._step(_("Migrating the database (%(vendor)s)…") % {"vendor": connection.vendor})
        call_command("migrate", interactive=False, verbosity=0)
        self._load_regions(within=region if only_region else "")
        office = Region.objects.get(code=region)
        # The office of the demo: its area and name, for the served site as a deployment sets them.
        office_env = {}
        if region != settings.PADU_ROOT_REGION:
            office_env = {
                "PADU_ROOT_REGION": region,
                "PADU_OFFICE_NAME": f"Dinas Sosial {office.name}",
                "PADU_OFFICE_GOVERNMENT": f"Pemerintah {office.name}",
            }
        accounts = self._upsert_accounts(
            demo_accounts(office), office_env.get("PADU_OFFICE_NAME", settings.PADU_OFFICE_NAME)
        )
        # A system import covers PADU_ROOT_REGION; another region's, the demo operator's area.
        self._load_population(
            people=people, seed=seed, region=region, user="operator" if office_env else None
        )
        self._score_welfare()
        self._demo_requests()
        self._close_period()
        self._demo_programs(region)
        self._collect_static()
        self._print_logins(accounts, f"http://{host}:{port}/", served=serve)
        self.stdout.write(
            _("Prepared in %(seconds)s s.")
            % {"seconds": number_format(time.monotonic() - started, decimal_pos=1)}
        )
        if serve:
            self._serve(host, port, office_env)

    # --- steps -------------------------------------------------------------------------------

    def _step(self, message: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(message))

    def _load_regions(self, *, within: str) -> None:
        """The national list, all Indonesia (or the part `within`); skipped when every code of it
        is loaded already."""
        self._step(_("Loading the region tree…"))
        wanted = national.national_size(within)
        loaded = Region.objects.filter(decree__number=national.DECREE)
        if within:
            loaded = loaded.filter(subtree_q("code", [within]))
        if loaded.count() >= wanted:
            self.stdout.write(
                "  " + _("%(count)s regions loaded already") % {"count": intcomma(wanted)}
            )
            return
        try:
            report = regions_load_national(actor=None, within=within)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            line, message = report.errors[0]
            raise CommandError(f"{national.DECREE}:{line}: {message}")
        self.stdout.write("  " + report_line(national.DECREE, report))

    def _upsert_accounts(
        self, demo: tuple[DemoAccount, ...], office_name: str
    ) -> list[tuple[DemoAccount, User]]:
        """Create or restore each demo account: role, area, password, active, not locked out."""
        self._step(_("Creating the demo users…"))
        missing = [
            a.region for a in demo if a.region and not Region.objects.filter(code=a.region).exists()
        ]
        if missing:
            raise CommandError(
                _("Regions missing from the loaded tree: %(codes)s") % {"codes": ", ".join(missing)}
            )
        faker = Faker("id_ID")
        # One hash for all accounts (a shared salt): comparing strings then tells whether a
        # password needs resetting, instead of eight slow checks on every run.
        password_hash = make_password(DEMO_PASSWORD, salt=DEMO_SALT)
        out, changed = [], []
        with transaction.atomic():
            for index, account in enumerate(demo):
                faker.seed_instance(DEFAULT_SEED + index)  # the same names on every run
                fields = {
                    "role": account.role,
                    "first_name": faker.first_name(),
                    "last_name": faker.last_name(),
                    "organisation": account.organisation or office_name,
                    "is_active": True,
                }
                user = User.objects.select_for_update().filter(username=account.username).first()
                created = user is None
                if created:
                    user = User(username=account.username)
                dirty = [name for name, value in fields.items() if getattr(user, name) != value]
                for name in dirty:
                    setattr(user, name, fields[name])
                try:
                    validate_password(DEMO_PASSWORD, user)
                except ValidationError as exc:
                    raise CommandError(f"{account.username}: {' '.join(exc.messages)}") from exc
                if user.password != password_hash:
                    user.password = password_hash
                    dirty.append("password")
                if created:
                    user.save()
                elif dirty:
                    user.save(update_fields=dirty)
                wanted = {account.region} if account.region else set()
                stale = user.scopes.exclude(region_id__in=wanted)
                if stale.exists():
                    stale.delete()
                    dirty.append("scopes")
                have = set(user.scopes.values_list("region_id", flat=True))
                if wanted - have:
                    RegionScope.objects.bulk_create(
                        [RegionScope(user=user, region_id=c) for c in wanted - have]
                    )
                    dirty.append("scopes")
                if created or dirty:
                    changed.append(account.username)
                out.append((account, user))
            if changed:
                audit_record(
                    actor=None,
                    action="core.demo.users_prepared",
                    object_type="accounts.user",
                    object_repr="padu demo",
                    after={"users": changed},
                    source="padu demo",
                    only_changes=False,
                )
        self._unlock([a.username for a in demo])
        self.stdout.write("  " + _("%(count)d users created or updated") % {"count": len(changed)})
        return out

    def _unlock(self, usernames: list[str]) -> None:
        """Forget failed logins, so a demo user locked out by typos can sign in again."""
        from axes.utils import reset

        for username in usernames:
            reset(username=username)

    def _score_welfare(self) -> None:
        """Every family's welfare score, with the weights in use (version 1 on a new demo)."""
        from padu.welfare.services import recompute_now

        self._step(_("Computing the welfare scores…"))
        job = recompute_now()
        self.stdout.write(
            "  "
            + _("Weights version %(version)d: %(message)s")
            % {"version": job.weight_set.version, "message": job.message}
        )

    def _demo_requests(self) -> None:
        """A change request in every state of the workflow, and the two Muskel sessions that
        decided some of them (updates.demo)."""
        from padu.updates.demo import demo_requests

        users = {u.username: u for u in User.objects.filter(username__in=REQUEST_ROLES)}
        region = users["psm"].scope_codes()[0]
        self._step(_("Making change requests in every state…"))
        made = demo_requests(users, region=region)
        self.stdout.write("  " + _("%(count)d change requests made.") % {"count": made})

    def _demo_programs(self, office: str) -> None:
        """The catalogue, and cohorts in several states with what followed their targeting: a
        decree, a course, equipment, a KUBE's grant (programs.demo)."""
        from padu.programs.demo import demo_programs

        users = {u.username: u for u in User.objects.filter(username__in=PROGRAM_ROLES)}
        self._step(_("Making program cohorts, decrees and benefits…"))
        made = demo_programs(users, office=office)
        self.stdout.write(
            "  "
            + _(
                "%(cohorts)d cohorts with %(candidates)d candidates, %(decrees)d decrees, "
                "%(groups)d groups made."
            )
            % {
                "cohorts": made.cohorts,
                "candidates": made.candidates,
                "decrees": made.decrees,
                "groups": made.groups,
            }
        )

    def _close_period(self) -> None:
        """Last month closed (the registry frozen as that period), unless a period is closed."""
        from padu.periods import months
        from padu.periods.models import Period
        from padu.periods.services import period_close

        if Period.objects.filter(status=Period.Status.CLOSED).exists():
            return
        last = months.preceding(months.current())
        self._step(_("Closing period %(period)s…") % {"period": months.text(last)})
        period_close(actor=None, month=last, run_now=True)

    def _load_population(self, *, people: int, seed: int, region: str, user: str | None) -> None:
        from padu.registry.models import Person

        if people == 0:
            return
        present = Person.objects.unscoped().count()  # the demo prepares the whole registry
        if present:
            self.stdout.write(
                _("The registry already holds %(count)s people; no population is imported.")
                % {"count": f"{present:,}".replace(",", ".")}
            )
            return
        commands = get_commands()
        if "generate" not in commands or "import" not in commands:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "`padu generate` or `padu import` is not available yet: "
                        "the registry stays empty."
                    )
                )
            )
            return
        name = f"population-{people}-seed{seed}-{region.replace('.', '')}.csv"
        path = Path(settings.VAR_DIR) / "demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._step(_("Generating %(count)s people…") % {"count": f"{people:,}".replace(",", ".")})
        call_command(
            "generate",
            "population",
            "--people",
            str(people),
            "--out",
            str(path),
            "--seed",
            str(seed),
            "--region",
            region,
            stdout=self.stdout._out,
            stderr=self.stderr._out,
        )
        from padu.synth.rankings import earlier_rankings

        # Earlier DTSEN rankings of the same families first, so that the desil history holds
        # several periods and families move between desils; the population's own file last.
        earlier = earlier_rankings(path, list(EARLIER_DESIL_PERIODS), seed=seed)
        for number, file in enumerate([*earlier, path], start=1):
            self._step(
                _("Importing them into the registry (file %(number)d of %(count)d)…")
                % {"number": number, "count": len(earlier) + 1}
            )
            call_command(
                "import",
                "registry",
                str(file),
                *(["--user", user] if user else []),
                stdout=self.stdout._out,
                stderr=self.stderr._out,
            )
        self._load_assessments(path, user)

    def _load_assessments(self, path: Path, user: str | None) -> None:
        """The dates, sources and assessors of the population's disabilities and PPKS categories,
        generated beside its file (the import layout cannot carry them)."""
        from padu.synth.records import load_assessments

        self._step(_("Recording the assessments of disabilities and PPKS categories…"))
        actor = User.objects.get(username=user) if user else None
        loaded = load_assessments(path, actor=actor)
        self.stdout.write(
            "  "
            + _(
                "%(disabilities)s disability records assessed (%(replaced)s earlier ones), "
                "%(ppks)s PPKS assessments"
            )
            % {
                "disabilities": intcomma(loaded.disabilities),
                "replaced": intcomma(loaded.replaced),
                "ppks": intcomma(loaded.ppks),
            }
        )

    def _collect_static(self) -> None:
        """The hashed-name storage of production needs its manifest before any page renders."""
        from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

        if isinstance(staticfiles_storage, ManifestFilesMixin):
            self._step(_("Collecting static files…"))
            call_command("collectstatic", interactive=False, verbosity=0)

    def _print_logins(
        self, accounts: list[tuple[DemoAccount, User]], url: str, *, served: bool
    ) -> None:
        """The accounts, and where the demo is served (after --no-serve: how to serve it)."""
        names = dict(
            Region.objects.filter(
                code__in=[a.region for a, _u in accounts if a.region]
            ).values_list("code", "name")
        )
        rows = [(_("username"), _("role"), _("area"), _("name"))]
        for account, user in accounts:
            area = (
                f"{account.region} {names[account.region]}"
                if account.region
                else account.organisation
            )
            rows.append(
                (account.username, str(Role(account.role).label), area, user.get_full_name())
            )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        if served:
            self.stdout.write(self.style.SUCCESS(_("Padu demo: %(url)s") % {"url": url}))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "The demo is prepared, not served. Start it with `padu demo` (or "
                        "`make demo`), with the same --host and --port: it serves on %(url)s."
                    )
                    % {"url": url}
                )
            )
        self.stdout.write(
            _("Password for every demo user: %(password)s") % {"password": DEMO_PASSWORD}
        )
        self.stdout.write("")
        for number, row in enumerate(rows):
            self.stdout.write(
                "  "
                + "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")

    # --- serving -----------------------------------------------------------------------------

    def _serve(self, host: str, port: int, office: dict[str, str]) -> None:
        """Run the web server and the task worker as children; when one stops, stop both."""
        env = {**os.environ, **office, "PADU_DEMO": "1", "PYTHONUNBUFFERED": "1"}
        padu = [sys.executable, "-m", "padu"]
        self.stdout.write(
            _("Serving on http://%(host)s:%(port)d/ with a task worker; Ctrl+C stops both.")
            % {"host": host, "port": port}
        )
        self.stdout.flush()
        failed = run_together(
            {
                "worker": [*padu, "db_worker", "--no-reload"],
                "server": [*padu, "runserver", "--noreload", f"{host}:{port}"],
            },
            env,
        )
        if failed:
            name, code = failed
            message = (
                _("The web server stopped (exit code %(code)s); the demo is shut down.")
                if name == "server"
                else _("The task worker stopped (exit code %(code)s); the demo is shut down.")
            )
            raise CommandError(message % {"code": code})
        self.stdout.write(_("Demo stopped."))
