"""Compile the translation catalogs (.po → .mo) with Babel, so no one needs GNU gettext to run Padu.

`python -m padu.core.catalogs` compiles every catalog whose .mo is missing or older than its .po
(`--force` compiles all). A wheel carries them compiled (setup.py's build_py), and Django's start
compiles missing or stale ones (CoreConfig.ready), so a checkout or an editable install speaks
Indonesian too; `make demo`, `make test` and the test suite run it as well.
Fuzzy and untranslated entries are left out of the .mo, as `msgfmt` does: they show in English.
"""

import os
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Compile the stale catalogs under `locale_dir`; return the .mo files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        # Write beside, then rename: parallel test workers may compile at the same moment.
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        os.replace(partial, mo)
        written.append(mo)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        written = compile_catalogs(force="--force" in argv)
    except ImportError:
        print("Compiling catalogs needs Babel: pip install babel", file=sys.stderr)
        return 1
    for mo in written:
        print(f"compiled {mo.relative_to(LOCALE_DIR.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
