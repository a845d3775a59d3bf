"""The DCI endpoints' upkeep:

- `padu dci prune`: remove the DCI transactions older than their retention period
  (`PADU_DCI_TRANSACTION_RETENTION_DAYS`); deploy/ runs it daily with the access log's pruning;
- `padu dci key-add CLIENT KEY_ID PUBLIC_KEY --by ADMIN`: register a client's ed25519 signing key
  (base64 of its 32 bytes): from then on the client signs every request;
- `padu dci key-revoke CLIENT KEY_ID --by ADMIN`;
- `padu dci signing-key`: print a new private key for PADU_DCI_SIGNING_KEY, and its public half.
"""

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from padu.accounts.models import User
from padu.core.errors import DomainError
from padu.dci import services


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("%(name)s: no such user") % {"name": username})
    return user


class Command(BaseCommand):
    help = "DCI upkeep: prune old transactions, register or revoke clients' signing keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("prune", help="remove transactions older than the retention period")
        add = sub.add_parser("key-add", help="register a client's ed25519 public key")
        add.add_argument("client")
        add.add_argument("key_id")
        add.add_argument("public_key")
        add.add_argument("--by", required=True, help="the administrator registering it")
        revoke = sub.add_parser("key-revoke", help="revoke a client's key")
        revoke.add_argument("client")
        revoke.add_argument("key_id")
        revoke.add_argument("--by", required=True, help="the administrator revoking it")
        sub.add_parser("signing-key", help="print a new private key for PADU_DCI_SIGNING_KEY")

    def handle(self, *args, action, **options):
        if action == "prune":
            removed = services.transactions_prune()
            self.stdout.write(
                _("%(rows)s DCI transactions older than %(days)s days removed.")
                % {"rows": removed, "days": settings.PADU_DCI_TRANSACTION_RETENTION_DAYS}
            )
            return
        if action == "signing-key":
            private = Ed25519PrivateKey.generate()
            public = private.public_key().public_bytes_raw()
            self.stderr.write(_("PADU_DCI_SIGNING_KEY (keep it secret); its public key follows."))
            self.stdout.write(base64.b64encode(private.private_bytes_raw()).decode())
            self.stdout.write(base64.b64encode(public).decode())
            return
        actor, client = _user(options["by"]), _user(options["client"])
        try:
            if action == "key-add":
                services.client_key_add(
                    actor=actor,
                    client=client,
                    key_id=options["key_id"],
                    public_key=options["public_key"],
                )
            else:
                services.client_key_revoke(actor=actor, client=client, key_id=options["key_id"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Done."))
