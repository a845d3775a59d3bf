"""A file layout: the columns of several records side by side, one row per record of the first.

The registry's import and export file is one row per person, with the family's columns repeated
on each member's row (`Part(FAMILY, family=True)`: taken from one row of the family, not required
on the others). Columns come from the fields' `column`; the order is the declarations' order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .record import Field, Record


@dataclass(frozen=True)
class Part:
    record: Record
    # The record's values are taken from one row of several (the family's row): its columns are
    # checked wherever filled in, and required only there.
    family: bool = False
    # The field that ties each row to its record of this part (the KK number): required on every
    # row, and not one of the family's columns.
    key: str | None = None


@dataclass(frozen=True)
class Column:
    name: str
    field: Field
    part: Part

    @property
    def required(self) -> bool:
        return self.field.required

    @property
    def family(self) -> bool:
        """Taken from the family's row (not the key that ties a row to its family)."""
        return self.part.family and self.field.name != self.part.key

    @property
    def required_on_every_row(self) -> bool:
        return self.required and not self.family

    @property
    def example(self) -> str:
        return self.field.example


@dataclass(frozen=True)
class Layout:
    parts: tuple[Part, ...]

    def __post_init__(self):
        columns = [c.name for c in self.all_columns()]
        fields = [c.field.name for c in self.all_columns()]
        if len(set(columns)) != len(columns) or len(set(fields)) != len(fields):
            raise ValueError("a layout's columns and field names must be unique")

    def all_columns(self) -> list[Column]:
        """Every column: the keys that tie a row to its records first, then each part's columns
        in declaration order, and the read-only ones (exported, ignored on import) last."""
        columns = [
            Column(f.column, f, part) for part in self.parts for f in part.record.fields if f.column
        ]
        keys = [c for c in columns if c.field.name == c.part.key]
        readonly = [c for c in columns if c.field.readonly]
        return keys + [c for c in columns if c not in keys and c not in readonly] + readonly

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns an import reads (and a template shows)."""
        return tuple(c for c in self.all_columns() if not c.field.readonly)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def export_only(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.all_columns() if c.field.readonly)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.all_columns():
            if c.name == name:
                return c
        raise KeyError(name)

    def table(self) -> str:
        """The columns as a Markdown table (column, required, what it holds, example), in the
        active language: the generated part of a layout document."""
        from django.utils.translation import gettext as _

        from .derive import describe

        head = (_("column"), _("required"), _("content"), _("example"))
        lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
        for c in self.columns:
            required = ""
            if c.required:
                required = _("yes (family row)") if c.family else _("yes")
            content = str(c.field.content) if c.field.content else describe(c.field.kind, c.field)
            example = f"`{c.example}`" if c.example else ""
            lines.append(f"| `{c.name}` | {required} | {content} | {example} |")
        for c in self.all_columns():
            if c.field.readonly:
                content = str(_("exported only (%(label)s); ignored on import")) % {
                    "label": c.field.label
                }
                lines.append(f"| `{c.name}` |  | {content} |  |")
        return "\n".join(lines) + "\n"
