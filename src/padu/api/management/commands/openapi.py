from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from padu.api.openapi import openapi_document, render


class Command(BaseCommand):
    help = (
        "Print the API's OpenAPI document, write it (--out FILE), or compare it with a file "
        "(--check FILE). Refresh the snapshot with: "
        "padu openapi --out tests/api/openapi.snapshot.json"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="write the document to this file")
        parser.add_argument(
            "--check", type=Path, help="exit 1 if this file differs from the document"
        )

    def handle(self, *args, out=None, check=None, **options):
        text = render(openapi_document())
        if check is not None:
            if not check.is_file() or check.read_text(encoding="utf-8") != text:
                raise CommandError(f"{check} is out of date: run `padu openapi --out {check}`")
            self.stdout.write(f"{check} is up to date")
        elif out is not None:
            out.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {out}")
        else:
            self.stdout.write(text, ending="")
