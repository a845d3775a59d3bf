"""The `padu` console command: Django's management commands plus Padu's own."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo runs without TLS and without a configured SECRET_KEY (see settings.py).
        os.environ.setdefault("PADU_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
