"""What can be wrong with a value: a problem has a code (stable, for machines and tests), a
message template (translated, with `%(name)s` parameters) and both renderings of its parameters:
in Python for one record, as Polars expressions for a whole file.

A *check* is a problem with a test. Each check is written once here or in a field kind, with its
two renderings side by side, so that a form, the API and a bulk import reject the same values with
the same codes (tests/core/test_record_parity.py holds them to it).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

ERROR = "error"
WARNING = "warning"

# Python's str.strip()/split() whitespace, exactly (Rust's differs on a few control characters):
# a value is blank, and is trimmed, by the same rule in both renderings. (A scan of every code
# point; whitespace lies below U+3001.)
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
WHITESPACE_RUN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]+"


def _no_params(*_args) -> dict:
    return {}


@dataclass(frozen=True)
class Problem:
    """A code and its message. `params(text, value)` gives the message's parameters from the
    field's trimmed text and parsed value (Python); `params_expr` the same from expressions."""

    code: str
    message: Any  # a lazy translation: str() it when the message is shown
    params: Callable[..., dict] = _no_params
    params_expr: Callable[..., dict] = _no_params
    # The message names its field already ("NIK must have 16 digits"): no "Label:" in front.
    names_field: bool = False

    def text(self, *args) -> str:
        params = self.params(*args)
        return str(self.message) % params if params else str(self.message)

    def text_expr(self, *args) -> pl.Expr:
        return fmt(str(self.message), **self.params_expr(*args))


@dataclass(frozen=True)
class Check(Problem):
    """A problem with its test: `test(value)` (Python) and `test_expr(value)` (Polars) are true
    when the value breaks the rule. Neither is called for a blank value (None)."""

    test: Callable[[Any], bool] = field(default=lambda _v: False)
    test_expr: Callable[[pl.Expr], pl.Expr] = field(default=lambda _e: pl.lit(False))
    level: str = ERROR


def fmt(template: str, **params: pl.Expr) -> pl.Expr:
    """A translated `%(name)s` template filled in column-wise."""
    parts = re.split(r"%\((\w+)\)[sd]", template)
    exprs = []
    for i, part in enumerate(parts):
        if i % 2:
            exprs.append(params[part].cast(pl.String))
        elif part:
            exprs.append(pl.lit(part.replace("%%", "%")))
    return pl.concat_str(exprs) if exprs else pl.lit("")


def lit(text) -> pl.Expr:
    return pl.lit(str(text), pl.String)


# ------------------------------------------------------------------------- common checks


def max_length(limit: int) -> Check:
    return Check(
        code="max_length",
        message=_("use at most %(limit)d characters (this has %(count)d)."),
        test=lambda v: len(v) > limit,
        test_expr=lambda e: e.str.len_chars() > limit,
        params=lambda _t, v: {"limit": limit, "count": len(v)},
        params_expr=lambda _t, v: {"limit": pl.lit(limit), "count": v.str.len_chars()},
    )


def value_range(low, high, message) -> Check:
    """`low <= value <= high` (either may be None); `message` may use %(min)s and %(max)s."""

    def broken(v) -> bool:
        return (low is not None and v < low) or (high is not None and v > high)

    def broken_expr(e: pl.Expr) -> pl.Expr:
        out = pl.lit(False)
        if low is not None:
            out = out | (e < pl.lit(low))
        if high is not None:
            out = out | (e > pl.lit(high))
        return out

    return Check(
        code="range",
        message=message,
        test=broken,
        test_expr=broken_expr,
        params=lambda _t, _v: {"min": low, "max": high},
        params_expr=lambda _t, _v: {"min": pl.lit(str(low)), "max": pl.lit(str(high))},
    )


@functools.cache
def letter_class() -> str:
    r"""Python's letters (str.isalpha) as one regex class: Rust's \p{L} follows a newer Unicode
    than this Python, and a character assigned since would be a letter to one and not the other."""
    ranges, start, previous = [], None, None
    for code in range(sys.maxunicode + 1):
        if chr(code).isalpha():
            if start is None:
                start = code
            previous = code
        elif start is not None:
            ranges.append((start, previous))
            start = None
    if start is not None:
        ranges.append((start, previous))
    return "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"


def needs_letter() -> Check:
    return Check(
        code="letter",
        message=_("a name needs at least one letter."),
        test=lambda v: not any(ch.isalpha() for ch in v),
        test_expr=lambda e: ~e.str.contains(letter_class()),
    )
