"""docs/import-layout.md: its table of columns is generated from the declarations (`ROW.table()`,
in Indonesian) between two markers; the prose around it is written by hand. `padu layoutdoc`
writes it, and a test fails when the file in the repository is stale."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from .layout import ROW

BEGIN = "<!-- BEGIN kolom: dibuat dari deklarasi registri, `padu layoutdoc` -->"
END = "<!-- END kolom -->"


def document_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "import-layout.md"


def render(text: str) -> str:
    """`text` (the document) with its generated part brought up to date."""
    head, begin, rest = text.partition(BEGIN)
    _old, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document has no {BEGIN!r} … {END!r} part")
    with translation.override("id"):
        table = ROW.table()
    return f"{head}{BEGIN}\n{table}{END}{tail}"
