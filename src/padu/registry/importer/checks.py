"""Row validation, column-wise: the declarations' rules (`registry.declarations`) in their Polars
rendering (`padu.core.records.bulk`), the same rules a form or the API applies to one record.

`validate(frame, context)` takes a chunk of text columns (`files.iter_chunks`) and returns the
typed rows to stage (`ok` is false for a row with any error) and the report lines of the chunk.
Rules that need other rows (a NIK twice in the file, the family's row) run later (crossrow.py).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from functools import cached_property

import polars as pl
from django.conf import settings

from padu.core.records.bulk import FileRules
from padu.core.records.derive import stage_exprs
from padu.core.scoping import region_q, subtree_q
from padu.registry.names import name_key_expr

from .columns import STAGE_COLUMNS
from .layout import ROW

ERROR = "kesalahan"
WARNING = "peringatan"
# See Known: the most values of one column kept across the chunks of a file.
KNOWN_LIMIT = 250_000
REPORT_SCHEMA = {
    "baris": pl.Int64,
    "kolom": pl.String,
    "tingkat": pl.String,
    "kode": pl.String,
    "pesan": pl.String,
}


@dataclass(frozen=True)
class Context:
    """What the rules need from the database, loaded once per import. It answers the questions of
    `registry.context.RecordContext` from these sets too, so one row can be checked both ways."""

    villages: frozenset[str]  # every kelurahan/desa code
    allowed: frozenset[str]  # the kelurahan/desa inside the actor's area
    ppks_active: frozenset[int]
    ppks_retired: frozenset[int]
    today: datetime.date
    kept_ppks: frozenset[int] = frozenset()

    @classmethod
    def load(cls, actor, *, root: str | None = None, today: datetime.date | None = None):
        """`actor` None: a system import limited to the region `root` (and below)."""
        from django.utils import timezone

        from padu.regions.models import VILLAGE_LEVELS, Region
        from padu.registry.models import PPKSCategory

        villages = Region.objects.filter(level__in=VILLAGE_LEVELS)
        if actor is None:
            area = subtree_q("code", [root or settings.PADU_ROOT_REGION])
        else:
            area = region_q(actor, "code")
        ppks = dict(PPKSCategory.objects.values_list("code", "is_active"))
        return cls(
            villages=frozenset(villages.values_list("code", flat=True)),
            allowed=frozenset(villages.filter(area).values_list("code", flat=True)),
            ppks_active=frozenset(c for c, active in ppks.items() if active),
            ppks_retired=frozenset(c for c, active in ppks.items() if not active),
            today=today or timezone.localdate(),
        )

    # The questions of registry.context.RecordContext, answered from the sets.
    def is_village(self, code: str) -> bool:
        return code in self.villages

    def in_area(self, code: str) -> bool:
        return code in self.allowed

    def ppks_state(self, code: int) -> str | None:
        if code in self.ppks_active:
            return "active"
        return "retired" if code in self.ppks_retired else None

    @cached_property
    def rules(self) -> Rules:
        return Rules.build(self)


class Known:
    """The values computed from each file column, kept across the chunks of one file while most
    of a chunk's values were seen before (names, places, dates and codes repeat across a file;
    KK numbers do not), up to `KNOWN_LIMIT` values a column."""

    def __init__(self):
        self.frames: dict[str, pl.DataFrame] = {}
        self.unhelpful: set[str] = set()

    def values(
        self, keys: dict[str, pl.DataFrame], groups: dict[str, Stages]
    ) -> dict[str, pl.DataFrame]:
        """Per column, a frame of its distinct values in `keys` (at least) and their computed
        columns; what is not known yet is computed now."""
        new = {}
        for column, distinct in keys.items():
            known = self.frames.get(column)
            new[column] = (
                distinct
                if known is None
                else distinct.join(known, on=column, how="anti", nulls_equal=True)
            )
        computed = dict(
            zip(new, pl.collect_all(_stages(new[c].lazy(), groups[c]) for c in new), strict=True)
        )
        out = {}
        for column, fresh in computed.items():
            known = self.frames.get(column)
            out[column] = fresh if known is None else pl.concat([known, fresh])
            if column in self.unhelpful:
                continue
            if fresh.height * 2 > keys[column].height and known is not None:
                self.unhelpful.add(column)  # mostly new values: the lookup would cost more
                self.frames.pop(column)
            elif out[column].height <= KNOWN_LIMIT:
                self.frames[column] = out[column]
        return out


# The columns to compute, in steps, each reading the ones before: the problems' codes (`_e_`),
# the values (`_v_`, which read their codes: bulk.FileRules), then what is derived from the values
# (`_k_`: the search key of the name).
STEPS = ("_e_", "_v_", "_k_")
Stages = tuple[dict[str, pl.Expr], ...]


def _step(name: str) -> int:
    return STEPS.index(name[:3])


def _stages(frame: pl.LazyFrame, stages: Stages) -> pl.LazyFrame:
    for columns in stages:
        frame = frame.with_columns(**columns)
    return frame


@dataclass(frozen=True)
class Rules:
    """A context's rules as Polars expressions, built once per import (building them costs as
    much as checking a few thousand rows): per report column the problem's code (null when
    fine), per field its value; then the codes of the rules across fields, the staged values and
    the warnings over those."""

    file: FileRules
    columns: dict[str, pl.Expr]  # `_e_<report column>`, `_v_<field>`, `_k_name`
    known: Known = dataclasses.field(default_factory=Known, compare=False)

    @classmethod
    def build(cls, context: Context) -> Rules:
        file = FileRules(ROW, context)
        columns = {
            **{f"_e_{c}": expr for c, expr in file.codes.items()},
            **{f"_v_{f}": expr for f, expr in file.values.items()},
            # Names repeat across a file: their key is computed once per name (by_value).
            "_k_name": name_key_expr(pl.col("_v_name")),
        }
        return cls(file=file, columns=columns)

    @property
    def report_columns(self) -> list[str]:
        return list(self.file.codes)

    @cached_property
    def by_value(self) -> dict[str, Stages]:
        """The columns computed from one file column, grouped by it (see `_evaluate`), with the
        columns computed from those alone (a field's value reads its code; the name's key, its
        value)."""
        groups: dict[str, Stages] = {}
        home: dict[str, str] = {}  # a computed column → the file column of its group
        for name, expr in sorted(self.columns.items(), key=lambda item: _step(item[0])):
            roots = set(expr.meta.root_names())
            computed = {r for r in roots if r[:3] in STEPS}
            if not computed <= home.keys():
                continue  # it reads a column computed per row
            roots = (roots - computed) | {home[c] for c in computed}
            if len(roots) == 1:
                home[name] = column = roots.pop()
                groups.setdefault(column, tuple({} for _ in STEPS))[_step(name)][name] = expr
        return groups

    @cached_property
    def by_row(self) -> Stages:
        """The columns computed from several file columns."""
        grouped = {name for stages in self.by_value.values() for s in stages for name in s}
        stages: Stages = tuple({} for _ in STEPS)
        for name, expr in self.columns.items():
            if name not in grouped:
                stages[_step(name)][name] = expr
        return stages

    @cached_property
    def stage_values(self) -> dict[str, pl.Expr]:
        """Each staged column from the `_v_` columns, as the registry stores it."""
        out = {}
        for column in ROW.columns:
            f = column.field
            out.update(stage_exprs(f.kind, f, pl.col(f"_v_{f.name}")))
        out["name_key"] = pl.col("_k_name")
        return out


def validate(frame: pl.DataFrame, context: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows to stage with STAGE_COLUMNS, report lines) for one chunk."""
    rules = context.rules
    error_names = [f"_e_{c}" for c in rules.report_columns]
    checked = (
        _evaluate(frame, rules)
        .lazy()
        .with_columns(**rules.file.record_code_exprs())
        .with_columns(
            (~pl.any_horizontal([pl.col(n).is_not_null() for n in error_names])).alias("_ok")
        )
        .collect()
        .lazy()
    )
    # Most rows have no problem: messages are built for the others only.
    errors = (
        checked.filter(~pl.col("_ok"))
        .with_columns(
            pl.struct(
                pl.col(f"_e_{c}").alias("kode"), rules.file.message_expr(c).alias("pesan")
            ).alias(f"_m_{c}")
            for c in rules.report_columns
        )
        .select(
            pl.col("_row").alias("baris"),
            *(pl.col(f"_m_{c}").alias(c) for c in rules.report_columns),
        )
        .unpivot(index="baris", variable_name="kolom", value_name="m")
        .filter(pl.col("m").struct.field("kode").is_not_null())
        .select(
            "baris",
            "kolom",
            pl.lit(ERROR).alias("tingkat"),
            pl.col("m").struct.field("kode"),
            pl.col("m").struct.field("pesan"),
        )
    )
    warnings = (
        # Messages are built for the rows with a warning only, as for errors.
        checked.filter(pl.col("_ok") & rules.file.warned_expr())
        .select(pl.col("_row").alias("baris"), rules.file.warning_expr())
        .explode("_warn")
        .drop_nulls("_warn")
        .select(
            "baris",
            pl.col("_warn").struct.field("kolom"),
            pl.lit(WARNING).alias("tingkat"),
            pl.col("_warn").struct.field("kode"),
            pl.col("_warn").struct.field("pesan"),
        )
    )
    stage = (
        checked.filter(pl.col("_v_kk_number").is_not_null())
        .select(
            pl.col("_row").alias("row_no"),
            pl.col("_ok").alias("ok"),
            *(expr.alias(name) for name, expr in rules.stage_values.items()),
        )
        .select(list(STAGE_COLUMNS))
    )
    stage, errors, warnings = pl.collect_all([stage, errors, warnings])
    report = pl.concat([errors, warnings]).sort("baris", maintain_order=True)
    return stage, report


def _evaluate(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """`frame` with the rules' columns added. An expression of a single column is computed once
    per distinct value of that column and joined back: a registry file repeats most of its values
    (codes, places, names, asset lists), and the string rules are most of an import's CPU time.
    The groups are computed together, so that Polars spreads them over the cores."""
    rest = tuple(dict(stage) for stage in rules.by_row)
    keys: dict[str, pl.DataFrame] = {}
    for column, stages in rules.by_value.items():
        distinct = frame.select(pl.col(column).unique())
        if distinct.height * 2 > frame.height:  # mostly distinct (NIK): a join would only add work
            for i, columns in enumerate(stages):
                rest[i].update(columns)
        else:
            keys[column] = distinct
    values = rules.known.values(keys, rules.by_value)
    parts = pl.collect_all(
        frame.lazy()
        .select(column)
        .join(known.lazy(), on=column, how="left", nulls_equal=True, maintain_order="left")
        .drop(column)
        for column, known in values.items()
    )
    out = frame.hstack([s for part in parts for s in part.get_columns()])
    return _stages(out.lazy(), rest).select(*frame.columns, *rules.columns).collect()
