"""The rule editor's rows ↔ the tree. The editor shows a tree as one group (all or any) of
conditions, each possibly negated; deeper trees (made through the API) are shown, not edited.
Rows arrive from the form as `field_<row>`, `op_<row>`, `value_<row>`, `value2_<row>` (the upper
end of "between"), `values_<row>` (codes and areas), `program_<row>`, `not_<row>`, in the order
the page lists them; the schema (schema.py) checks what they make."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

from .fields import AREA, CODE, CODES, ENROLMENT, rule_fields

MATCHES = ("all", "any")


@dataclass
class Row:
    token: str = dataclasses.field(default_factory=lambda: secrets.token_hex(4))
    field: str = ""
    op: str = ""
    value: str = ""
    value2: str = ""
    values: list = dataclasses.field(default_factory=list)
    program: str = ""
    negate: bool = False

    @property
    def rule_field(self):
        return rule_fields().get(self.field)


def rows_from_tree(tree: dict | None) -> tuple[str, list[Row]] | None:
    """(match, rows), or None for a tree the editor cannot show as rows."""
    if not tree:
        return "all", []
    match = next((m for m in MATCHES if m in tree), None)
    parts = tree[match] if match else [tree]
    rows = []
    for part in parts:
        negate = "not" in part
        cond = part["not"] if negate else part
        if "field" not in cond:
            return None
        value = cond.get("value")
        row = Row(field=cond["field"], op=cond["op"], negate=negate)
        if isinstance(value, list) and cond["op"] == "between":
            row.value, row.value2 = str(value[0]), str(value[1])
        elif isinstance(value, list):
            row.values = [str(v) for v in value]
        elif value is not None:
            row.value = str(value)
        row.program = cond.get("program", "")
        rows.append(row)
    return match or "all", rows


def rows_from_post(data) -> tuple[str, list[Row]]:
    match = data.get("match") if data.get("match") in MATCHES else "all"
    rows = []
    for key in data:
        if not key.startswith("field_"):
            continue
        token = key.removeprefix("field_")
        rows.append(
            Row(
                token=token,
                field=data.get(key, ""),
                op=data.get(f"op_{token}", ""),
                value=data.get(f"value_{token}", "").strip(),
                value2=data.get(f"value2_{token}", "").strip(),
                values=data.getlist(f"values_{token}"),
                program=data.get(f"program_{token}", ""),
                negate=bool(data.get(f"not_{token}")),
            )
        )
    return match, rows


def tree_from_rows(match: str, rows: list[Row]) -> dict:
    parts = []
    for row in rows:
        cond = {"field": row.field, "op": row.op}
        rf = row.rule_field
        kind = rf.type if rf else None
        if row.op == "between":
            cond["value"] = [row.value, row.value2]
        elif kind in (CODE, CODES, AREA):
            cond["value"] = row.values if kind != AREA else row.values or row.value.split()
        elif row.value:
            cond["value"] = row.value
        if kind == ENROLMENT:
            cond["program"] = row.program
        parts.append({"not": cond} if row.negate else cond)
    return {match: parts}
