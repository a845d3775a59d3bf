"""A record's declaration: its fields, each written once with everything the rest of Padu derives
from it, and the checks across its fields.

    PERSON = Record("person", _("person"), fields=[Field("name", _("Full name"), Text(120), ...)])
    cleaned = PERSON.clean(data, context)   # values, errors, codes

The Polars rendering of the same rules is `padu.core.records.bulk`; model fields, form fields, API
schemas and the layout document are derived in `padu.core.records.derive`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from .kinds import Invalid, Kind, is_blank, strip
from .problems import ERROR, WARNING, Check, Problem


class Sensitivity(enum.Enum):
    """What a value tells about a person (UU 27/2022): an identifier is masked for roles that may
    not see it whole, and a value that narrows one is coarsened for them; personal data is shown
    only inside the user's area and its reads are logged; a public value (a code of a region, a
    statistic) may be shown in aggregates."""

    IDENTIFIER = "identifier"
    # Narrows an identifier (a NIK holds the date of birth): shown coarsened to masked roles.
    QUASI_IDENTIFIER = "quasi_identifier"
    PERSONAL = "personal"
    PUBLIC = "public"


REQUIRED = _("this field is required.")
UNSET = object()


@dataclass(frozen=True)
class Field:
    """One declared field. `name` is its code name everywhere (data dicts, audit entries, API,
    form); `column` its column in the import/export layout (None: not in files)."""

    name: str
    label: Any
    kind: Kind
    required: bool = False
    required_message: Any = REQUIRED
    column: str | None = None
    example: str = ""
    help_text: Any = ""
    # What the layout document says the column holds, where the kind's own words are not enough.
    content: Any = ""
    sensitivity: Sensitivity = Sensitivity.PERSONAL
    group: str = ""  # the form's group of fields
    default: Any = UNSET  # the value of a blank field, when not the kind's empty value
    checks: tuple[Check, ...] = ()  # field rules beyond the kind's own
    # Shown and exported, never written by a form or an import (a status, a computed score).
    readonly: bool = False
    # The API's name, where a client knows the field by another (`region` → `kelurahan`).
    api_name: str | None = None
    # Model options beyond what the kind derives (unique, db_index, ...).
    model_options: dict = field(default_factory=dict)
    # Other headings that files from offices give the column (`"NO. KK"`, `"NOMOR KK"`): an
    # import matches a file's headings to fields by these (registry.importer.mapping), case,
    # spaces and punctuation aside.
    synonyms: tuple[str, ...] = ()

    @property
    def empty(self):
        if self.default is not UNSET:
            return self.default
        empty = self.kind.empty
        if isinstance(empty, tuple | dict):
            return type(empty)() if isinstance(empty, dict) else []
        return empty

    def title(self) -> str:
        text = str(self.label)
        return text[:1].upper() + text[1:]

    def message(self, problem: Problem, *args) -> str:
        """The message of `problem` for this field, naming the field; `args` are what the
        problem's parameters are read from ((text, value) of the field, or a record's values)."""
        body = problem.text(*args)
        return body if problem.names_field else self.prefixed(body)

    def prefixed(self, text: str) -> str:
        """`Label: text`: a message about this field that names it."""
        return _("%(field)s: %(message)s") % {"field": self.title(), "message": text}

    def all_checks(self, context) -> list[Check]:
        return [*self.kind.checks(context), *self.checks]

    def problems(self, context) -> list[Problem]:
        """Every problem the field may have, the required one first."""
        required = Problem(code="required", message=self.required_message)
        return [required, *self.kind.problems(context), *self.all_checks(context)]


@dataclass(frozen=True)
class RecordCheck:
    """A rule across fields, reported on `field`: `test(values, context)` in Python,
    `test_expr(columns, context)` in Polars (both get the fields' parsed values, None/null where a
    field is blank or has an error; the problem's parameters are read from the same). It runs
    only when `field` has no error of its own. `level`: ERROR, WARNING, or a callable giving one
    of them or None (off) when the check runs, for a level that a setting chooses."""

    problem: Problem
    field: str
    fields: tuple[str, ...]
    test: Callable[[dict], bool]
    test_expr: Callable[[dict[str, pl.Expr]], pl.Expr]
    level: str | Callable[[], str | None] = ERROR

    def current_level(self) -> str | None:
        return self.level() if callable(self.level) else self.level


@dataclass
class Cleaned:
    """The outcome of `Record.clean`: normalised `values`, and per field the `errors`
    (translated messages naming the field) and the problem `codes`."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # (field, code, message)

    def add(self, name: str, code: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)
        self.codes.setdefault(name, code)

    def __iter__(self):  # `values, errors = record.clean(...)`
        return iter((self.values, self.errors))


@dataclass(frozen=True)
class Record:
    """A record's declaration. `system` names the model fields that are bookkeeping rather than
    data (ids, versions, links kept by services); together with the fields' storage they are the
    model's every field, which a test holds true."""

    name: str
    label: Any
    fields: tuple[Field, ...]
    checks: tuple[RecordCheck, ...] = ()
    system: tuple[str, ...] = ()

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: a field is declared twice")

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def writable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.readonly)

    def select(self, names: Iterable[str]) -> tuple[Field, ...]:
        wanted = set(names)
        return tuple(f for f in self.fields if f.name in wanted)

    def clean(self, data: dict, context, *, only: Iterable[str] | None = None) -> Cleaned:
        """Read and check `data` (field name → value as given). `only`: the fields to read
        (default: every writable field); a field missing from `data` is blank."""
        fields = self.writable if only is None else self.select(only)
        out = Cleaned()
        for f in fields:
            out.values[f.name] = self._clean_field(f, data.get(f.name), context, out)
        for check in self.checks:
            if check.field in out.errors or check.field not in out.values:
                continue
            if check.current_level() == ERROR and check.test(out.values, context):
                f = self[check.field]
                out.add(f.name, check.problem.code, f.message(check.problem, out.values, context))
        return out

    def _clean_field(self, f: Field, raw, context, out: Cleaned):
        if is_blank(raw):
            if f.required:
                out.add(f.name, "required", f.message(f.problems(context)[0]))
                return None
            return f.empty
        text = strip(raw) if isinstance(raw, str) else f.kind.to_text(raw)
        try:
            value = f.kind.parse(raw, context)
        except Invalid as exc:
            out.add(f.name, exc.problem.code, f.message(exc.problem, text, None))
            return None
        for check in f.all_checks(context):
            if check.test(value):
                out.add(f.name, check.code, f.message(check, text, value))
                return None
        return value

    def warnings(self, values: dict, context) -> list[tuple[str, str, str]]:
        """(field, code, message) of each warning check that the cleaned `values` break."""
        return [
            (
                check.field,
                check.problem.code,
                self[check.field].message(check.problem, values, context),
            )
            for check in self.checks
            if check.current_level() == WARNING and check.test(values, context)
        ]
