from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from padu.accounts.models import User
from padu.accounts.tokens import DEFAULT_DAYS, token_create
from padu.core.errors import DomainError


class Command(BaseCommand):
    help = "API tokens: `padu token create USERNAME --name N [--days D]` prints a new key once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for USERNAME and print its key")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days until it expires")

    def handle(self, *args, action, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"{options['username']}: no such user")
        try:
            token, raw_key = token_create(
                actor=user, name=options["name"], expires_in_days=options["days"], source="command"
            )
        except DomainError as exc:
            details = "; ".join(m for ms in getattr(exc, "errors", {}).values() for m in ms)
            raise CommandError(f"{exc} {details}".strip()) from exc
        expires = timezone.localdate(token.expires_at)
        self.stderr.write(
            f"token {token.name!r} for {user.username}, expires {expires}; "
            "the key is shown only now:"
        )
        self.stdout.write(raw_key)
