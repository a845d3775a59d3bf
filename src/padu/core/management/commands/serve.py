"""`padu serve`: Padu as in production, the web server (gunicorn) beside the task worker.

It first refuses unsafe settings and a database that is out of date, collects the static files
(WhiteNoise serves them from the application), then runs gunicorn on `padu.wsgi` and `db_worker`
as its children. SIGTERM (systemd's stop) or Ctrl+C stops both; when one of them stops by itself,
the other is stopped too and the command fails, so systemd restarts the pair (deploy/padu.service).
"""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from padu.core.deployment import insecure_settings
from padu.core.processes import check_port_free, run_together


class Command(BaseCommand):
    help = (
        "Run Padu for real: gunicorn and the task worker, after checking the settings and the "
        "database and collecting the static files. SIGTERM or Ctrl+C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on (default 127.0.0.1: only the reverse proxy on this machine)",
        )
        parser.add_argument("--port", type=int, default=8001, help="port (default 8001)")
        parser.add_argument(
            "--workers", type=int, default=3, help="gunicorn worker processes (default 3)"
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=120,
            help="seconds a request may take before its worker is restarted (default 120)",
        )

    def handle(self, *args, host, port, workers, timeout, **options):
        problems = insecure_settings()
        if problems:
            raise CommandError(
                "\n".join(
                    [_("Padu does not start with these settings:"), *(f"- {p}" for p in problems)]
                )
            )
        if workers < 1 or timeout < 1:
            raise CommandError(_("--workers and --timeout must be at least 1."))
        self._check_database()
        check_port_free(host, port)
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.stdout.write(
            _("Padu serves on http://%(host)s:%(port)d/ with a task worker; SIGTERM stops both.")
            % {"host": host, "port": port}
        )
        self.stdout.flush()
        stopped = run_together(
            {
                "worker": [sys.executable, "-m", "padu", "db_worker", "--no-reload"],
                "server": [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "padu.wsgi:application",
                    f"--bind={host}:{port}",
                    f"--workers={workers}",
                    f"--timeout={timeout}",
                    # No access log here: URLs can carry a NIK; Padu keeps its own access log.
                    "--error-logfile=-",
                ],
            },
            env,
        )
        if stopped:
            name, code = stopped
            message = (
                _("The web server stopped (exit code %(code)s); Padu is shut down.")
                if name == "server"
                else _("The task worker stopped (exit code %(code)s); Padu is shut down.")
            )
            raise CommandError(message % {"code": code})
        self.stdout.write(_("Padu stopped."))

    def _check_database(self) -> None:
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            raise CommandError(
                _("Cannot reach the database (DATABASE_URL): %(error)s") % {"error": exc}
            ) from exc
        if pending:
            raise CommandError(
                ngettext(
                    "The database is not up to date: %(count)d migration is not applied. "
                    "Run `padu migrate` first.",
                    "The database is not up to date: %(count)d migrations are not applied. "
                    "Run `padu migrate` first.",
                    len(pending),
                )
                % {"count": len(pending)}
            )
