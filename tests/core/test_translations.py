"""Every page reads in Indonesian: the `id` catalog is complete and knows every msgid in the code.

How to refresh the catalogs and fix a failure here: AGENTS.md, "Translations".
"""

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

import padu

PACKAGE_DIR = Path(padu.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
SHOWN = 60  # entries listed in a failure message


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name)


def _key(message) -> tuple[str | None, str]:
    singular = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return message.context, singular


def _where(message) -> str:
    return ", ".join(filename for filename, _line in message.locations[:3])


def _report(title: str, lines: list[str]) -> str:
    more = f"\n  … and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return f"{title} (see AGENTS.md, 'Translations'):\n  " + "\n  ".join(lines[:SHOWN]) + more


@pytest.mark.parametrize("language", ["id", "en"])
def test_catalog_exists_and_parses(language):
    catalog = _read(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    assert catalog.locale.language == language
    assert not catalog.fuzzy, (
        "the catalog header is marked fuzzy: remove '#, fuzzy' above msgid \"\""
    )


def test_indonesian_catalog_has_no_untranslated_or_fuzzy_entries():
    catalog = _read(LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po")
    problems = []
    for message in catalog:
        if not message.id:  # the header
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        strings = strings[: catalog.num_plurals] if message.pluralizable else strings
        text = _key(message)[1]
        if message.fuzzy:
            problems.append(f"fuzzy:        {text!r}  ({_where(message)})")
        elif not all(strings):
            problems.append(f"untranslated: {text!r}  ({_where(message)})")
    if problems:
        pytest.fail(
            _report(
                f"{len(problems)} entries of src/padu/locale/id/LC_MESSAGES/django.po need an "
                "Indonesian translation",
                problems,
            ),
            pytrace=False,
        )


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in GETTEXT_TOOLS),
    reason="GNU gettext (xgettext, msgmerge) is not installed: apt-get install gettext",
)
def test_catalog_knows_every_msgid_in_the_source(tmp_path, settings):
    """Extract the msgids as `makemessages` does, from a copy of the code, into a spare catalog."""
    copy = tmp_path / "padu"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "static", "migrations"),
    )
    settings.LOCALE_PATHS = [str(copy / "locale")]
    # Seed the spare catalog with the real header: makemessages then merges (msgmerge writes one
    # msgstr per plural form the header declares) instead of copying the template's two, which
    # Babel reads with "msg has more translations than num_plurals of catalog" warnings.
    real = (LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    spare = copy / "locale" / "id" / "LC_MESSAGES" / "django.po"
    spare.parent.mkdir(parents=True)
    spare.write_text(real.split("\n\n", 1)[0] + "\n", encoding="utf-8")
    with contextlib.chdir(copy):
        call_command("makemessages", locale=["id"], verbosity=0)
    extracted = _read(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")
    known = {_key(m) for m in _read(LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po") if m.id}
    missing = [f"{_key(m)[1]!r}  ({_where(m)})" for m in extracted if m.id and _key(m) not in known]
    if missing:
        pytest.fail(
            _report(
                f"{len(missing)} msgids in the code are missing from the Indonesian catalog: run "
                "`make messages-update`, then translate them",
                missing,
            ),
            pytrace=False,
        )


EXTRACTED_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
ALIASED_IMPORT = re.compile(r"from django\.utils\.translation import (\w+) as (\w+)")


def test_translation_functions_keep_names_that_makemessages_extracts():
    """`gettext as _t` would hide every message marked with `_t` from makemessages (and so from
    the catalog test above): the page would show English."""
    hidden = [
        f"{path.relative_to(PACKAGE_DIR)}: {match.group(0)}"
        for path in PACKAGE_DIR.rglob("*.py")
        for match in ALIASED_IMPORT.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) not in EXTRACTED_NAMES
    ]
    assert not hidden, "\n".join(hidden)
