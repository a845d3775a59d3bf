"""`padu layoutdoc`: bring docs/import-layout.md's table of columns up to date with the
declarations (`--check`: only say whether it is)."""

from django.core.management.base import BaseCommand, CommandError

from padu.registry.importer.document import document_path, render


class Command(BaseCommand):
    help = "Generate the column table of docs/import-layout.md from the registry's declarations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, check=False, **options):
        path = document_path()
        text = path.read_text(encoding="utf-8")
        fresh = render(text)
        if check:
            if fresh != text:
                raise CommandError(f"{path} is stale: run `padu layoutdoc`.")
            return
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
            self.stdout.write(f"{path} updated.")
