"""The Polars rendering of a layout's declarations: the same rules as `Record.clean`, computed for a
whole file at once.

For every field with a column in the layout, `FileRules` gives
- `codes[column]`: the code of the field's first problem (null when fine), in the order
  `Record.clean` tries them: required, the kind's parse problems, the kind's and the field's checks;
- `values[field]`: the parsed value (the field's empty value when blank, null when wrong), over
  the `_e_<column>` column of the codes: computed after them (a second `with_columns`), so that
  each field's chain of rules runs once per value, not once for its code and again for its value;
and for the checks across fields `record_codes[column]` (evaluated on `_v_<field>` columns, only
where the field has no problem of its own) and the warnings. Messages are built afterwards, only
for the rows that have a problem (`message_expr`): most rows have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .layout import Layout
from .problems import ERROR, WARNING, lit
from .record import Field, RecordCheck


@dataclass
class FileRules:
    """The rules of `layout` for `context`, built once per file."""

    layout: Layout
    context: object
    codes: dict[str, pl.Expr] = field(default_factory=dict)
    values: dict[str, pl.Expr] = field(default_factory=dict)
    texts: dict[str, pl.Expr] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)  # by column
    record_checks: list[tuple[str, RecordCheck]] = field(default_factory=list)  # (column, check)

    def __post_init__(self):
        for column in self.layout.columns:
            self._field(column.field, required=column.required_on_every_row)
        for part in self.layout.parts:
            for check in part.record.checks:
                self.record_checks.append((part.record[check.field].column, check))

    def _field(self, f: Field, *, required: bool) -> None:
        text = f.kind.text_expr(f.column)
        blank = text.is_null() | (text == "")
        parsed, failures = f.kind.parse_expr(text, self.context)
        steps = []
        if required:
            steps.append((blank, "required"))
        steps += [(~blank & failed, problem.code) for problem, failed in failures]
        steps += [
            (~blank & parsed.is_not_null() & check.test_expr(parsed), check.code)
            for check in f.all_checks(self.context)
        ]
        code = None
        for condition, name in steps:
            code = (code.when if code is not None else pl.when)(condition).then(lit(name))
        code = code if code is not None else pl.lit(None, pl.String)
        self.codes[f.column] = code
        self.values[f.name] = (
            pl.when(blank)
            .then(f.kind.literal(f.empty))
            .when(pl.col(f"_e_{f.column}").is_null())
            .then(parsed)
        )
        self.texts[f.column] = text
        self.fields[f.column] = f

    def record_code_exprs(self) -> dict[str, pl.Expr]:
        """`_e_<column>` completed with the errors across fields, over the `_e_`/`_v_` columns
        of the first stage."""
        out: dict[str, pl.Expr] = {}
        for column, check in self.record_checks:
            if check.current_level() != ERROR:
                continue
            own = out.get(f"_e_{column}", pl.col(f"_e_{column}"))
            values = {name: pl.col(f"_v_{name}") for name in check.fields}
            out[f"_e_{column}"] = pl.coalesce(
                own,
                pl.when(own.is_null() & check.test_expr(values, self.context)).then(
                    lit(check.problem.code)
                ),
            )
        return out

    def _warning_checks(self):
        for column, check in self.record_checks:
            if check.current_level() == WARNING:
                yield column, check, {name: pl.col(f"_v_{name}") for name in check.fields}

    def warned_expr(self) -> pl.Expr:
        """Whether a row breaks any warning check, over the `_v_` columns: cheap, so that the
        messages (warning_expr) are built for those rows only."""
        tests = [check.test_expr(v, self.context) for _c, check, v in self._warning_checks()]
        return pl.any_horizontal(tests).fill_null(False) if tests else pl.lit(False)

    def warning_expr(self) -> pl.Expr:
        """Per row, the list of {kolom, kode, pesan} of the warning checks it breaks, over the
        `_v_` columns."""
        items = [
            pl.when(check.test_expr(values, self.context)).then(
                pl.struct(
                    pl.lit(column).alias("kolom"),
                    lit(check.problem.code).alias("kode"),
                    check.problem.text_expr(values, self.context).alias("pesan"),
                )
            )
            for column, check, values in self._warning_checks()
        ]
        if not items:
            return pl.lit([]).alias("_warn")
        return pl.concat_list(items).alias("_warn")

    def message_expr(self, column: str) -> pl.Expr:
        """The message of the problem in `_e_<column>` (over the raw columns and the `_v_`
        columns of the rows that have one)."""
        code = pl.col(f"_e_{column}")
        text = self.texts[column]
        f = self.fields[column]
        parsed, _failures = f.kind.parse_expr(text, self.context)
        chain = None
        for problem in f.problems(self.context):
            chain = (chain.when if chain is not None else pl.when)(code == problem.code).then(
                problem.text_expr(text, parsed)
            )
        for check_column, check in self.record_checks:
            if check_column == column and check.current_level() == ERROR:
                values = {name: pl.col(f"_v_{name}") for name in check.fields}
                chain = chain.when(code == check.problem.code).then(check.problem.text_expr(values))
        return chain
