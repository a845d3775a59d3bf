"""The registry's own field kinds: NIK and KK numbers, the kelurahan of a record, and PPKS
categories. Like the core kinds, each rule has its Python and Polars rendering side by side, and
the derivations (model field, form field, API type, layout text) are registered beside them.

The rules ask a *context* what only the database knows (`registry.context.RecordContext` for one
record, `importer.checks.Context` for a file): the kelurahan/desa (`is_village`, `villages`), the
user's area (`in_area`, `allowed`), the PPKS categories (`ppks_state`, `ppks_active`,
`ppks_retired`, `kept_ppks`), and `today`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import polars as pl
from annotated_types import Ge, Le
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.records import derive
from padu.core.records.coded import code_items, items_of
from padu.core.records.kinds import NOT_INTEGER, Invalid, Kind, integer_text, strip
from padu.core.records.problems import Check, Problem
from padu.core.records.record import Field

from ..identifiers import (
    KK_RULES,
    NIK_RULES,
    first_broken,
    normalise_number,
    normalise_number_expr,
    number_problems_expr,
)

# ------------------------------------------------------------------------------ NIK and KK


IDENTIFIER_TYPED = 24  # the longest NIK or KK a form or the API takes, separators included


@dataclass(frozen=True)
class Identifier(Kind):
    """A 16-digit NIK (`field="nik"`) or KK number (`field="kk_number"`), checked by the rules of
    `registry.identifiers`; spaces, dots and dashes between the digits are dropped
    (`normalise_number`), so a form, the API and an import read `1371 0157 0580 0001` alike. The
    messages name the number, so no label goes in front."""

    field: str = "nik"

    def parse(self, value, context) -> str:
        text = normalise_number(strip(value))
        rule = first_broken(text, self.field)
        if rule is not None:
            raise Invalid(rule)
        return text

    def parse_expr(self, text, context):
        number = normalise_number_expr(text)
        return number, number_problems_expr(number, self.field)

    def problems(self, context):
        return list(NIK_RULES if self.field == "nik" else KK_RULES)


@derive.model_fields.register
def _model_fields_identifier(kind: Identifier, field: Field):
    return {field.name: models.CharField(**derive.model_options(field, max_length=16))}


@derive.form_fields.register
def _form_fields_identifier(kind: Identifier, field: Field):
    return {
        field.name: forms.CharField(
            **derive.form_options(
                # Room for the spaces or dots of `1371 0157 0580 0001`.
                field,
                max_length=IDENTIFIER_TYPED,
                widget=forms.TextInput(attrs=derive.NUMERIC),
            )
        )
    }


@derive.api_type.register
def _api_type_identifier(kind: Identifier, field: Field):
    # 16 digits, a space, dot or dash allowed between any two (as the kind reads them).
    return str, {"pattern": r"^(\d[ .-]?){15}\d$"}


@derive.describe.register
def _describe_identifier(kind: Identifier, field: Field):
    return str(field.content)


# -------------------------------------------------------------------------------- kelurahan

NOT_VILLAGE = Problem(
    code="not_village",
    message=_("%(code)s is not a kelurahan or desa."),
    params=lambda t, _v: {"code": _dotted(t)},
    params_expr=lambda t, _v: {"code": _dotted_expr(t)},
)
TEN_DIGITS = re.compile(r"[0-9]{10}", re.ASCII)


def _dotted(code: str) -> str:
    """A kelurahan code given as ten digits gets its dots: 1371011001 → 13.71.01.1001."""
    if TEN_DIGITS.fullmatch(code):
        return f"{code[0:2]}.{code[2:4]}.{code[4:6]}.{code[6:10]}"
    return code


def _dotted_expr(text: pl.Expr) -> pl.Expr:
    parts = [text.str.slice(0, 2), text.str.slice(2, 2), text.str.slice(4, 2), text.str.slice(6, 4)]
    return (
        pl.when(text.str.contains(r"^[0-9]{10}$"))
        .then(pl.concat_str(parts, separator="."))
        .otherwise(text)
    )


@dataclass(frozen=True)
class Village(Kind):
    """The code of a kelurahan or desa (`13.71.01.1001`, or its ten digits) inside the user's
    area. Stored as a key to the region table."""

    outside: object = _("you can register families only in your own area.")
    # Blank is "" and a wrong code null, so that the import tells a family row that lacks its
    # kelurahan (a rule across rows) from one whose kelurahan is wrong.
    empty = ""

    def parse(self, value, context) -> str:
        code = _dotted(getattr(value, "code", None) or strip(value))
        if not context.is_village(code):
            raise Invalid(NOT_VILLAGE)
        return code

    def parse_expr(self, text, context):
        code = _dotted_expr(text)
        bad = ~code.is_in(list(context.villages))
        return pl.when(~bad).then(code), [(NOT_VILLAGE, bad)]

    def problems(self, context):
        return [NOT_VILLAGE]

    def checks(self, context):
        return [
            Check(
                code="outside_area",
                message=self.outside,
                test=lambda code: not context.in_area(code),
                test_expr=lambda e: ~e.is_in(list(context.allowed)),
            )
        ]

    def literal(self, value) -> pl.Expr:
        return pl.lit(value, pl.String)


@derive.storage.register
def _storage_village(kind: Village, field: Field):
    return [derive.Stored(field.name, f"{field.name}_id", "text")]


@derive.read.register
def _read_village(kind: Village, obj, field: Field):
    return getattr(obj, f"{field.name}_id")


@derive.write.register
def _write_village(kind: Village, obj, field: Field, value) -> list[str]:
    attname = f"{field.name}_id"
    if getattr(obj, attname) == value:
        return []
    setattr(obj, attname, value)
    return [attname]


@derive.model_fields.register
def _model_fields_village(kind: Village, field: Field):
    return {
        field.name: models.ForeignKey(
            "regions.Region",
            on_delete=models.PROTECT,
            related_name="+",
            **derive.model_options(field),
        )
    }


@derive.form_fields.register
def _form_fields_village(kind: Village, field: Field):
    # The choices are the user's own kelurahan/desa: the form fills them in.
    return {field.name: forms.ChoiceField(**derive.form_options(field))}


@derive.api_type.register
def _api_type_village(kind: Village, field: Field):
    return str, {"pattern": r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", "description": "Kelurahan/desa code."}


@derive.describe.register
def _describe_village(kind: Village, field: Field):
    return str(_("Kemendagri code of the kelurahan/desa, dotted or 10 digits"))


# ------------------------------------------------------------------------- PPKS categories

CODE_ITEM = r"^[0-9]{1,4}$"


def _codes_of(value) -> list[str]:
    return [integer_text(v) if isinstance(v, int | float) else v for v in items_of(value)]


def _numbers(text: str) -> list[int]:
    return sorted({int(i) for i in _codes_of(text) if re.fullmatch(CODE_ITEM, i, re.ASCII)})


def _numbers_expr(text: pl.Expr) -> pl.Expr:
    items = code_items(text)
    return (
        items.list.eval(
            pl.when(pl.element().str.contains(CODE_ITEM)).then(pl.element().cast(pl.Int64))
        )
        .list.drop_nulls()
        .list.unique()
        .list.sort()
    )


def _joined(codes) -> str:
    return ", ".join(str(c) for c in codes)


def _joined_expr(codes: pl.Expr) -> pl.Expr:
    return codes.cast(pl.List(pl.String)).list.join(", ")


# A PPKS category's code as the API takes it: the bounds of its column (PPKSCategory.code).
PPKSCode = Annotated[int, Ge(1), Le(32767)]


@dataclass(frozen=True)
class Categories(Kind):
    """PPKS category codes, `9;24` in a file: known codes, and no retired category that the
    person does not already have (`context.kept_ppks`). Kept sorted, without repeats."""

    empty = ()

    def _unknown(self, numbers, context):
        return [c for c in numbers if context.ppks_state(c) is None]

    def _retired(self, numbers, context):
        return [
            c for c in numbers if context.ppks_state(c) == "retired" and c not in context.kept_ppks
        ]

    def _unknown_expr(self, numbers: pl.Expr, context) -> pl.Expr:
        known = list(context.ppks_active) + list(context.ppks_retired)
        return numbers.list.eval(pl.element().filter(~pl.element().is_in(known)))

    def _retired_expr(self, numbers: pl.Expr, context) -> pl.Expr:
        retired = list(context.ppks_retired)
        return numbers.list.eval(pl.element().filter(pl.element().is_in(retired)))

    def problems(self, context):
        return [
            NOT_INTEGER,
            Problem(
                code="unknown",
                message=_("unknown PPKS category code(s): %(codes)s."),
                params=lambda t, _v: {"codes": _joined(self._unknown(_numbers(t), context))},
                params_expr=lambda t, _v: {
                    "codes": _joined_expr(self._unknown_expr(_numbers_expr(t), context))
                },
            ),
            Problem(
                code="retired",
                message=_("PPKS category %(codes)s is no longer in use and cannot be given."),
                params=lambda t, _v: {"codes": _joined(self._retired(_numbers(t), context))},
                params_expr=lambda t, _v: {
                    "codes": _joined_expr(self._retired_expr(_numbers_expr(t), context))
                },
            ),
        ]

    def parse(self, value, context) -> list[int]:
        not_number, unknown, retired = self.problems(context)
        if any(not re.fullmatch(CODE_ITEM, i, re.ASCII) for i in _codes_of(value)):
            raise Invalid(not_number)
        numbers = _numbers(value)
        if self._unknown(numbers, context):
            raise Invalid(unknown)
        if self._retired(numbers, context):
            raise Invalid(retired)
        return numbers

    def parse_expr(self, text, context):
        not_number, unknown, retired = self.problems(context)
        not_numbers = code_items(text).list.eval(
            pl.element().filter(~pl.element().str.contains(CODE_ITEM))
        )
        numbers = _numbers_expr(text)
        value = numbers.cast(pl.List(pl.String)).list.join(";")
        return value, [
            (not_number, not_numbers.list.len() > 0),
            (unknown, self._unknown_expr(numbers, context).list.len() > 0),
            (retired, self._retired_expr(numbers, context).list.len() > 0),
        ]

    def literal(self, value) -> pl.Expr:
        return pl.lit("")

    def to_text(self, value) -> str:
        return ";".join(str(c) for c in value or ())


@derive.storage.register
def _storage_categories(kind: Categories, field: Field):
    return []  # a many-to-many link, written by the services and the import's own table


@derive.read.register
def _read_categories(kind: Categories, obj, field: Field):
    if obj.pk is None:
        return []
    return sorted(getattr(obj, field.name).values_list("code", flat=True))


@derive.write.register
def _write_categories(kind: Categories, obj, field: Field, value) -> list[str]:
    return []  # set after the person is saved (services._set_ppks)


@derive.model_fields.register
def _model_fields_categories(kind: Categories, field: Field):
    return {
        field.name: models.ManyToManyField(
            "registry.PPKSCategory",
            blank=True,
            related_name="people",
            **derive.model_options(field),
        )
    }


@derive.form_fields.register
def _form_fields_categories(kind: Categories, field: Field):
    return {
        field.name: forms.TypedMultipleChoiceField(
            **derive.form_options(field, coerce=int, widget=forms.CheckboxSelectMultiple)
        )
    }


@derive.form_value.register
def _form_value_categories(kind: Categories, field: Field, cleaned: dict):
    return sorted(cleaned.get(field.name) or [])


@derive.form_initial.register
def _form_initial_categories(kind: Categories, field: Field, value) -> dict:
    return {field.name: list(value or [])}


@derive.api_type.register
def _api_type_categories(kind: Categories, field: Field):
    return list[PPKSCode], {"description": "PPKS category codes."}


@derive.describe.register
def _describe_categories(kind: Categories, field: Field):
    return str(_("PPKS category codes separated by `;`"))
