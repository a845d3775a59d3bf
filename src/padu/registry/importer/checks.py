"""Row validation, column-wise: the rules of `registry.identifiers` and `registry.validation`
written as Polars expressions (tests hold them equal to `parse_nik`/`parse_kk`).

`validate(frame, context)` takes a chunk of text columns (`files.iter_chunks`) and returns the
typed rows to stage (`ok` is false for a row with any error) and the report lines of the chunk.
Rules that need other rows (a NIK twice in the file, the family's row) run later (crossrow.py).

What the import normalises before checking: surrounding spaces; `jenis_kelamin` in upper case;
coded words (`status_padan`, `tingkat_disabilitas`, `disabilitas`, `aset`, `ternak`) in lower
case; `kode_wilayah` given as ten digits gets its dots; dates as YYYY-MM-DD or DD-MM-YYYY.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import sys
from dataclasses import dataclass
from functools import cached_property

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext as _

from padu.core.scoping import region_q
from padu.registry import codes
from padu.registry.identifiers import (
    FEMALE_DAY_OFFSET,
    KK_LABEL,
    NIK_LABEL,
    STRICT_FULL,
    STRICT_OFF,
    RegionIndex,
)
from padu.registry.names import name_key_expr
from padu.registry.validation import (
    EARLIEST_BIRTH,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    MAX_FLOOR_AREA,
    MAX_INCOME,
    MAX_LIVESTOCK,
    MAX_PLAUSIBLE_AGE,
    TEXT_LIMITS,
)

ERROR = "kesalahan"
WARNING = "peringatan"
# See Known: the most values of one column kept across the chunks of a file.
KNOWN_LIMIT = 250_000
REPORT_SCHEMA = {"baris": pl.Int64, "kolom": pl.String, "tingkat": pl.String, "pesan": pl.String}

# Python's str.strip()/split() whitespace, exactly (Rust's differs on a few control characters).
_WS = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
_WS_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WS) + "]+"

PERSON_TEXT = {
    "nama": "name",
    "tempat_lahir": "birth_place",
    "nama_ibu_kandung": "mother_name",
    "pekerjaan": "occupation",
    "penyakit_kronis": "chronic_illness",
}
PERSON_CODED = {
    "status_kawin": ("marital_status", codes.MaritalStatus),
    "pendidikan": ("education", codes.Education),
    "status_pekerjaan": ("employment", codes.Employment),
}
FAMILY_CODED = {
    "status_kepemilikan_rumah": ("ownership", codes.Ownership),
    "jenis_lantai": ("floor_material", codes.FloorMaterial),
    "jenis_dinding": ("wall_material", codes.WallMaterial),
    "jenis_atap": ("roof_material", codes.RoofMaterial),
    "sumber_air_minum": ("water_source", codes.WaterSource),
    "sumber_penerangan": ("lighting", codes.Lighting),
    "bahan_bakar_memasak": ("cooking_fuel", codes.CookingFuel),
    "fasilitas_bab": ("toilet", codes.Toilet),
}
DISABILITY = {
    codes.DisabilityType.PHYSICAL: "disability_physical",
    codes.DisabilityType.INTELLECTUAL: "disability_intellectual",
    codes.DisabilityType.MENTAL: "disability_mental",
    codes.DisabilityType.SENSORY: "disability_sensory",
}

# The staged columns and their SQL types (staging.py creates the table from this).
STAGE_COLUMNS: dict[str, str] = {
    "row_no": "bigint",
    "ok": "bool",
    "kk": "text",
    "nik": "text",
    "name": "text",
    "name_key": "text",
    "sex": "text",
    "birth_place": "text",
    "birth_date": "date",
    "relationship": "int",
    "marital_status": "int",
    "mother_name": "text",
    "education": "int",
    "employment": "int",
    "occupation": "text",
    "income": "bigint",
    "disability_physical": "bool",
    "disability_intellectual": "bool",
    "disability_mental": "bool",
    "disability_sensory": "bool",
    "disability_severity": "text",
    "chronic_illness": "text",
    "dukcapil_status": "text",
    "ppks": "text",
    "region": "text",
    "rw": "text",
    "rt": "text",
    "address": "text",
    "latitude": "decimal",
    "longitude": "decimal",
    "ownership": "int",
    "floor_area": "int",
    "floor_material": "int",
    "wall_material": "int",
    "roof_material": "int",
    "water_source": "int",
    "lighting": "int",
    "cooking_fuel": "int",
    "toilet": "int",
    "assets": "json",
    "livestock": "json",
    "desil": "int",
    "desil_period": "date",
}


@dataclass(frozen=True)
class Context:
    """What the rules need from the database, loaded once per import."""

    regions: RegionIndex
    villages: frozenset[str]  # every kelurahan/desa code
    allowed: frozenset[str]  # the kelurahan/desa inside the actor's area
    ppks_active: frozenset[int]
    ppks_retired: frozenset[int]
    today: datetime.date

    @classmethod
    def load(cls, actor, *, root: str | None = None, today: datetime.date | None = None):
        """`actor` None: a system import limited to the region `root` (and below)."""
        from django.utils import timezone

        from padu.regions.models import VILLAGE_LEVELS, Region
        from padu.registry.models import PPKSCategory

        villages = Region.objects.filter(level__in=VILLAGE_LEVELS)
        if actor is None:
            area = Q(code=root) | Q(code__startswith=f"{root}.") if root else Q(pk__in=[])
        else:
            area = region_q(actor, "code")
        ppks = dict(PPKSCategory.objects.values_list("code", "is_active"))
        return cls(
            regions=RegionIndex.load(),
            villages=frozenset(villages.values_list("code", flat=True)),
            allowed=frozenset(villages.filter(area).values_list("code", flat=True)),
            ppks_active=frozenset(c for c, active in ppks.items() if active),
            ppks_retired=frozenset(c for c, active in ppks.items() if not active),
            today=today or timezone.localdate(),
        )

    @cached_property
    def rules(self) -> Rules:
        return build_rules(self)


class Known:
    """The values computed from each file column, kept across the chunks of one file while most
    of a chunk's values were seen before (names, places, dates and codes repeat across a file;
    KK numbers do not), up to `KNOWN_LIMIT` values a column."""

    def __init__(self):
        self.frames: dict[str, pl.DataFrame] = {}
        self.unhelpful: set[str] = set()

    def values(
        self, keys: dict[str, pl.DataFrame], groups: dict[str, dict[str, pl.Expr]]
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
            zip(
                new,
                pl.collect_all(new[c].lazy().with_columns(**groups[c]) for c in new),
                strict=True,
            )
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


@dataclass(frozen=True)
class Rules:
    """A context's rules as Polars expressions, built once per import (building them costs as
    much as checking a few thousand rows): per report column the message (null when fine), per
    staged field its value, and the row's plausibility warnings."""

    errors: dict[str, pl.Expr]
    values: dict[str, pl.Expr]
    warnings: pl.Expr
    known: Known = dataclasses.field(default_factory=Known, compare=False)

    @property
    def error_names(self) -> list[str]:
        return [f"_e_{c}" for c in self.errors]

    @cached_property
    def columns(self) -> dict[str, pl.Expr]:
        """Every computed column by name: `_e_<report column>`, `_v_<staged field>`."""
        return {
            **{f"_e_{c}": expr for c, expr in self.errors.items()},
            **{f"_v_{f}": expr for f, expr in self.values.items()},
        }

    @cached_property
    def by_value(self) -> dict[str, dict[str, pl.Expr]]:
        """The columns computed from one file column, grouped by it (see `_evaluate`)."""
        groups: dict[str, dict[str, pl.Expr]] = {}
        for name, expr in self.columns.items():
            roots = set(expr.meta.root_names())
            if len(roots) == 1:
                groups.setdefault(roots.pop(), {})[name] = expr
        return groups

    @cached_property
    def by_row(self) -> dict[str, pl.Expr]:
        """The columns computed from several file columns."""
        grouped = {name for group in self.by_value.values() for name in group}
        return {name: e for name, e in self.columns.items() if name not in grouped}


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


def _strip(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars(_WS)


def _collapse(name: str) -> pl.Expr:
    """`" ".join(value.split())`, as validation._text does."""
    return pl.col(name).str.replace_all(_WS_CLASS, " ").str.strip_chars(" ").fill_null("")


def _int(name: str) -> tuple[pl.Expr, pl.Expr]:
    """(value, error) of a whole-number column."""
    text = _strip(name)
    value = (
        pl.when(text.str.contains(r"^[+-]?[0-9]{1,18}$"))
        .then(text.str.replace(r"^\+", "").cast(pl.Int64, strict=False))
        .otherwise(None)
    )
    error = pl.when(text.is_not_null() & value.is_null()).then(lit(_("enter a whole number.")))
    return value, error


def _coded_int(name: str, choices) -> tuple[pl.Expr, pl.Expr]:
    value, error = _int(name)
    allowed = list(choices.values)
    bad = value.is_not_null() & ~value.is_in(allowed)
    error = pl.coalesce(
        error,
        pl.when(bad).then(fmt(_("%(value)s is not one of the allowed answers."), value=value)),
    )
    return pl.when(bad).then(None).otherwise(value), error


def _coded_text(text: pl.Expr, choices) -> tuple[pl.Expr, pl.Expr]:
    bad = text.is_not_null() & ~text.is_in(list(choices.values))
    error = pl.when(bad).then(fmt(_("%(value)s is not one of the allowed answers."), value=text))
    return pl.when(bad).then(None).otherwise(text), error


def _date(name: str) -> tuple[pl.Expr, pl.Expr]:
    text = _strip(name)
    iso = pl.when(text.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).then(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    )
    dmy = pl.when(text.str.contains(r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$")).then(
        text.str.strptime(pl.Date, "%d-%m-%Y", strict=False)
    )
    value = pl.coalesce(iso, dmy)
    error = pl.when(text.is_not_null() & value.is_null()).then(
        lit(_("enter a date as YYYY-MM-DD or DD-MM-YYYY."))
    )
    return value, error


def _code_list(text: pl.Expr) -> pl.Expr:
    """`"a; b;;c"` → ["a", "b", "c"] (null → [])."""
    return (
        text.fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars(_WS))
        .list.eval(pl.element().filter(pl.element() != ""))
    )


def _days_in_month(month: pl.Expr, leap: pl.Expr) -> pl.Expr:
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def identifier_error(text: pl.Expr, context: Context, *, kk: bool) -> pl.Expr:
    """The message of the first identifiers.py rule the stripped value breaks (null: valid)."""
    label = str(KK_LABEL if kk else NIK_LABEL)
    regions = context.regions
    codes_loaded, parents = list(regions.codes), list(regions.parents)
    length = text.str.len_chars()
    province = text.str.slice(0, 2)
    kabkota = province + "." + text.str.slice(2, 2)
    kecamatan = kabkota + "." + text.str.slice(4, 2)
    kab_bad = text.str.slice(2, 2) == "00"
    if regions.strictness == STRICT_FULL:
        kab_bad = kab_bad | (province.is_in(parents) & ~kabkota.is_in(codes_loaded))
    kec_bad = text.str.slice(4, 2) == "00"
    if regions.strictness != STRICT_OFF:
        kec_bad = kec_bad | (kabkota.is_in(parents) & ~kecamatan.is_in(codes_loaded))
    chain = (
        pl.when(text.is_null())
        .then(lit(_("this field is required.")))
        .when(length != 16)
        .then(
            fmt(
                _("%(field)s must have exactly 16 digits; this one has %(count)d."),
                field=lit(label),
                count=length,
            )
        )
        .when(~text.str.contains(r"^[0-9]{16}$"))
        .then(lit(_("%(field)s may contain only the digits 0–9.") % {"field": label}))
        .when(~province.is_in(codes_loaded))
        .then(
            fmt(
                _("%(field)s starts with %(code)s, which is not a province code."),
                field=lit(label),
                code=province,
            )
        )
        .when(kab_bad)
        .then(
            fmt(
                _("%(field)s: digits 3–4 (%(code)s) are not a kab/kota of province %(province)s."),
                field=lit(label),
                code=text.str.slice(2, 2),
                province=province,
            )
        )
        .when(kec_bad)
        .then(
            fmt(
                _("%(field)s: digits 5–6 (%(code)s) are not a kecamatan of kab/kota %(kabkota)s."),
                field=lit(label),
                code=text.str.slice(4, 2),
                kabkota=kabkota,
            )
        )
    )
    serial = lit(
        _("%(field)s: the serial number (the last four digits) cannot be 0000.") % {"field": label}
    )
    if kk:
        return chain.when(text.str.slice(12, 4) == "0000").then(serial)
    raw_day = text.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = text.str.slice(8, 2).cast(pl.Int32, strict=False)
    year = text.str.slice(10, 2).cast(pl.Int32, strict=False)
    day = pl.when(raw_day > 40).then(raw_day - FEMALE_DAY_OFFSET).otherwise(raw_day)
    # 19YY or 20YY: 29 February exists in one of them exactly when YY is divisible by 4.
    real = day <= _days_in_month(month, year % 4 == 0)
    return (
        chain.when(~(raw_day.is_between(1, 31) | raw_day.is_between(41, 71)))
        .then(
            fmt(
                _(
                    "NIK: the day of birth (digits 7–8) is %(day)s; it must be 01–31, or 41–71 "
                    "for a woman."
                ),
                day=text.str.slice(6, 2),
            )
        )
        .when(~month.is_between(1, 12))
        .then(
            fmt(
                _("NIK: the month of birth (digits 9–10) is %(month)s; it must be 01–12."),
                month=text.str.slice(8, 2),
            )
        )
        .when(~real)
        .then(
            fmt(
                _("NIK: digits 7–12 (%(digits)s) are not a real date of birth."),
                digits=pl.concat_str(
                    [text.str.slice(6, 2), text.str.slice(8, 2), text.str.slice(10, 2)],
                    separator="-",
                ),
            )
        )
        .when(text.str.slice(12, 4) == "0000")
        .then(serial)
    )


def build_rules(context: Context) -> Rules:
    """The rules of identifiers.py and validation.py, column-wise (see the module docstring)."""
    errors: dict[str, pl.Expr] = {}  # report column → message (null when fine)
    values: dict[str, pl.Expr] = {}

    def add(column: str, error: pl.Expr) -> None:
        errors[column] = error if column not in errors else pl.coalesce(errors[column], error)

    nik, kk = _strip("nik"), _strip("no_kk")
    add("nik", identifier_error(nik, context, kk=False))
    add("no_kk", identifier_error(kk, context, kk=True))
    values["nik"], values["kk"] = nik, kk

    for column, field in PERSON_TEXT.items():
        text = _collapse(column)
        values[field] = text
        limit = TEXT_LIMITS[field]
        add(
            column,
            pl.when(text.str.len_chars() > limit).then(
                fmt(
                    _("use at most %(limit)d characters (this has %(count)d)."),
                    limit=pl.lit(limit),
                    count=text.str.len_chars(),
                )
            ),
        )
    name = values["name"]
    add(
        "nama",
        pl.when(name == "")
        .then(lit(_("this field is required.")))
        .when(~name.str.contains(r"\p{L}"))
        .then(lit(_("a name needs at least one letter."))),
    )
    values["name_key"] = name_key_expr(name)

    sex, sex_error = _coded_text(_strip("jenis_kelamin").str.to_uppercase(), codes.Sex)
    add(
        "jenis_kelamin",
        pl.when(sex_error.is_null() & sex.is_null())
        .then(lit(_("this field is required.")))
        .otherwise(sex_error),
    )
    values["sex"] = sex

    birth, birth_error = _date("tanggal_lahir")
    add(
        "tanggal_lahir",
        pl.when(birth_error.is_not_null())
        .then(birth_error)
        .when(birth.is_null())
        .then(lit(_("this field is required.")))
        .when(birth > pl.lit(context.today))
        .then(fmt(_("%(date)s is in the future."), date=birth.dt.strftime("%d-%m-%Y")))
        .when(birth < pl.lit(EARLIEST_BIRTH))
        .then(fmt(_("%(date)s is before 1900."), date=birth.dt.strftime("%d-%m-%Y"))),
    )
    values["birth_date"] = birth

    relationship, rel_error = _coded_int("hubungan_keluarga", codes.Relationship)
    add(
        "hubungan_keluarga",
        pl.when(rel_error.is_null() & relationship.is_null())
        .then(lit(_("this field is required.")))
        .otherwise(rel_error),
    )
    values["relationship"] = relationship
    for column, (field, choices) in {**PERSON_CODED, **FAMILY_CODED}.items():
        values[field], error = _coded_int(column, choices)
        add(column, error)

    income, error = _int("penghasilan")
    add("penghasilan", error)
    add(
        "penghasilan",
        pl.when(income.is_not_null() & ~income.is_between(0, MAX_INCOME)).then(
            lit(_("enter an amount from 0 up to 1,000,000,000,000 rupiah."))
        ),
    )
    values["income"] = income

    types = _code_list(_strip("disabilitas").str.to_lowercase())
    unknown = types.list.eval(pl.element().filter(~pl.element().is_in(list(DISABILITY))))
    add(
        "disabilitas",
        pl.when(unknown.list.len() > 0).then(
            fmt(_("unknown disability type(s): %(codes)s."), codes=unknown.list.join(", "))
        ),
    )
    for code, field in DISABILITY.items():
        values[field] = types.list.contains(code)
    severity, error = _coded_text(
        _strip("tingkat_disabilitas").str.to_lowercase(), codes.DisabilitySeverity
    )
    add("tingkat_disabilitas", error)
    known_types = types.list.eval(pl.element().filter(pl.element().is_in(list(DISABILITY))))
    add(
        "tingkat_disabilitas",
        pl.when(severity.is_not_null() & (known_types.list.len() == 0)).then(
            lit(_("choose at least one type of disability first."))
        ),
    )
    values["disability_severity"] = severity.fill_null("")

    status, error = _coded_text(_strip("status_padan").str.to_lowercase(), codes.DukcapilStatus)
    add("status_padan", error)
    values["dukcapil_status"] = status.fill_null(codes.DukcapilStatus.UNCHECKED)

    items = _code_list(_strip("ppks"))
    numbers = items.list.eval(
        pl.when(pl.element().str.contains(r"^[0-9]{1,4}$")).then(pl.element().cast(pl.Int64))
    )
    not_numbers = items.list.eval(pl.element().filter(~pl.element().str.contains(r"^[0-9]{1,4}$")))
    codes_given = numbers.list.drop_nulls().list.unique().list.sort()
    active, retired = list(context.ppks_active), list(context.ppks_retired)
    unknown = codes_given.list.eval(
        pl.element().filter(~pl.element().is_in(active + retired)).cast(pl.String)
    )
    gone = codes_given.list.eval(pl.element().filter(pl.element().is_in(retired)).cast(pl.String))
    add("ppks", pl.when(not_numbers.list.len() > 0).then(lit(_("enter a whole number."))))
    add(
        "ppks",
        pl.when(unknown.list.len() > 0).then(
            fmt(_("unknown PPKS category code(s): %(codes)s."), codes=unknown.list.join(", "))
        ),
    )
    add(
        "ppks",
        pl.when(gone.list.len() > 0).then(
            fmt(
                _("PPKS category %(codes)s is no longer in use and cannot be given."),
                codes=gone.list.join(", "),
            )
        ),
    )
    values["ppks"] = codes_given.cast(pl.List(pl.String)).list.join(";")

    # --- family columns: checked wherever they are filled in
    code = _strip("kode_wilayah")
    code = (
        pl.when(code.str.contains(r"^[0-9]{10}$"))
        .then(
            pl.concat_str(
                [
                    code.str.slice(0, 2),
                    code.str.slice(2, 2),
                    code.str.slice(4, 2),
                    code.str.slice(6, 4),
                ],
                separator=".",
            )
        )
        .otherwise(code)
    )
    add(
        "kode_wilayah",
        pl.when(code.is_null())
        .then(None)
        .when(~code.is_in(list(context.villages)))
        .then(fmt(_("%(code)s is not a kelurahan or desa."), code=code))
        .when(~code.is_in(list(context.allowed)))
        .then(lit(_("you can register families only in your own area."))),
    )
    values["region"] = code
    for column in ("rw", "rt"):
        text = _strip(column)
        add(
            column,
            pl.when(text.is_not_null() & ~text.str.contains(r"^[0-9]{1,3}$")).then(
                lit(_("enter a number of one to three digits."))
            ),
        )
        values[column] = text.str.zfill(3).fill_null("")
    address = _collapse("alamat")
    add(
        "alamat",
        pl.when(address.str.len_chars() > TEXT_LIMITS["address"]).then(
            fmt(
                _("use at most %(limit)d characters (this has %(count)d)."),
                limit=pl.lit(TEXT_LIMITS["address"]),
                count=address.str.len_chars(),
            )
        ),
    )
    values["address"] = address

    coords = {}
    for column, field, bounds, message in (
        (
            "lintang",
            "latitude",
            LATITUDE_RANGE,
            _("%(value)s lies outside Indonesia (between -11.5 and 6.5)."),
        ),
        (
            "bujur",
            "longitude",
            LONGITUDE_RANGE,
            _("%(value)s lies outside Indonesia (between 94.5 and 141.5)."),
        ),
    ):
        text = _strip(column)
        number = pl.when(text.str.contains(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")).then(
            text.cast(pl.Decimal(15, 6), strict=False)
        )
        low, high = float(bounds[0]), float(bounds[1])
        add(
            column,
            pl.when(text.is_not_null() & number.is_null())
            .then(lit(_("enter a number.")))
            .when(number.is_not_null() & ~number.cast(pl.Float64).is_between(low, high))
            .then(fmt(message, value=text)),
        )
        coords[column] = (text, number)
        values[field] = number.cast(pl.String)
    (lat_text, lat), (lon_text, lon) = coords["lintang"], coords["bujur"]
    pair = _("give both latitude and longitude, or neither.")
    add("lintang", pl.when(lat_text.is_null() & lon.is_not_null()).then(lit(pair)))
    add("bujur", pl.when(lon_text.is_null() & lat.is_not_null()).then(lit(pair)))

    area, error = _int("luas_lantai")
    add("luas_lantai", error)
    add(
        "luas_lantai",
        pl.when(area.is_not_null() & ~area.is_between(1, MAX_FLOOR_AREA)).then(
            lit(_("enter a floor area from 1 to %(max)d m².") % {"max": MAX_FLOOR_AREA})
        ),
    )
    values["floor_area"] = area

    assets = _code_list(_strip("aset").str.to_lowercase())
    unknown = assets.list.eval(pl.element().filter(~pl.element().is_in(list(codes.Asset.values))))
    add(
        "aset",
        pl.when(unknown.list.len() > 0).then(
            fmt(_("unknown asset code(s): %(codes)s."), codes=unknown.list.join(", "))
        ),
    )
    present = [pl.when(assets.list.contains(a)).then(pl.lit(f'"{a}"')) for a in codes.Asset.values]
    values["assets"] = "[" + pl.concat_str(present, separator=",", ignore_nulls=True) + "]"

    animals = _code_list(_strip("ternak").str.to_lowercase())
    pattern = r"^([a-z_]+)\s*:\s*([0-9]{1,9})$"
    malformed = animals.list.eval(pl.element().filter(~pl.element().str.contains(pattern)))
    kinds = animals.list.eval(pl.element().str.extract(pattern, 1))
    unknown = kinds.list.eval(
        pl.element().filter(~pl.element().is_in(list(codes.Livestock.values)))
    ).list.drop_nulls()
    add(
        "ternak",
        pl.when(malformed.list.len() > 0).then(lit(_("give the number of animals of each kind."))),
    )
    add(
        "ternak",
        pl.when(unknown.list.len() > 0).then(
            fmt(_("unknown kind of livestock: %(code)s."), code=unknown.list.join(", "))
        ),
    )
    parts, too_many = [], []
    for kind in codes.Livestock.values:
        count = (
            animals.list.eval(
                pl.element().str.extract(rf"^{kind}\s*:\s*([0-9]{{1,9}})$", 1).cast(pl.Int64)
            )
            .list.drop_nulls()
            .list.last()
        )
        too_many.append(count > MAX_LIVESTOCK)
        parts.append(pl.when(count > 0).then(pl.format(f'"{kind}": {{}}', count)))
    add(
        "ternak",
        pl.when(pl.any_horizontal(too_many).fill_null(False)).then(
            lit(_("enter a number of animals from 0 to %(max)d.") % {"max": MAX_LIVESTOCK})
        ),
    )
    values["livestock"] = "{" + pl.concat_str(parts, separator=", ", ignore_nulls=True) + "}"

    desil, error = _int("desil")
    add("desil", error)
    add(
        "desil",
        pl.when(desil.is_not_null() & ~desil.is_between(1, 10)).then(
            lit(_("enter a desil from 1 to 10, or leave it empty."))
        ),
    )
    values["desil"] = desil
    values["desil_period"], error = _date("periode_desil")
    add("periode_desil", error)

    return Rules(errors=errors, values=values, warnings=_warnings(context))


def validate(frame: pl.DataFrame, context: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows to stage with STAGE_COLUMNS, report lines) for one chunk."""
    rules = context.rules
    checked = (
        _evaluate(frame, rules)
        .lazy()
        .with_columns(
            (~pl.any_horizontal([pl.col(n).is_not_null() for n in rules.error_names])).alias("_ok")
        )
        .with_columns(rules.warnings)
        .collect()
        .lazy()
    )
    # Most rows have no message: the report is built from the others only.
    errors = (
        checked.filter(~pl.col("_ok"))
        .select(pl.col("_row").alias("baris"), *(pl.col(f"_e_{c}").alias(c) for c in rules.errors))
        .unpivot(index="baris", variable_name="kolom", value_name="pesan")
        .drop_nulls("pesan")
        .with_columns(pl.lit(ERROR).alias("tingkat"))
        .select(list(REPORT_SCHEMA))
    )
    warnings = (
        checked.filter(pl.col("_ok") & (pl.col("_warn").list.drop_nulls().list.len() > 0))
        .select(pl.col("_row").alias("baris"), pl.col("_warn"))
        .explode("_warn")
        .drop_nulls("_warn")
        .select(
            "baris",
            pl.col("_warn").struct.field("kolom"),
            pl.lit(WARNING).alias("tingkat"),
            pl.col("_warn").struct.field("pesan"),
        )
    )
    stage = checked.filter(
        pl.col("_v_kk").str.contains(r"^[0-9]{16}$").fill_null(False) & pl.col("_e_no_kk").is_null()
    ).select(
        pl.col("_row").alias("row_no"),
        pl.col("_ok").alias("ok"),
        *(pl.col(f"_v_{f}").alias(f) for f in STAGE_COLUMNS if f not in ("row_no", "ok")),
    )
    stage, errors, warnings = pl.collect_all([stage, errors, warnings])
    report = pl.concat([errors, warnings]).sort("baris", maintain_order=True)
    return stage, report


def _evaluate(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """`frame` with the rules' columns added. An expression of a single column is computed once
    per distinct value of that column and joined back: a registry file repeats most of its values
    (codes, places, names, asset lists), and the string rules are most of an import's CPU time.
    The groups are computed together, so that Polars spreads them over the cores."""
    rest = dict(rules.by_row)
    keys: dict[str, pl.DataFrame] = {}
    for column, group in rules.by_value.items():
        distinct = frame.select(pl.col(column).unique())
        if distinct.height * 2 > frame.height:  # mostly distinct (NIK): a join would only add work
            rest.update(group)
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
    return out.lazy().with_columns(**rest).select(*frame.columns, *rules.columns).collect()


def _warnings(context: Context) -> pl.Expr:
    """The plausibility warnings of validation.person_warnings that need one row only: a list of
    {kolom, pesan} per row."""
    nik, birth, sex = pl.col("_v_nik"), pl.col("_v_birth_date"), pl.col("_v_sex")
    raw_day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    nik_sex = pl.when(raw_day > 40).then(pl.lit("P")).otherwise(pl.lit("L"))
    nik_day = pl.when(raw_day > 40).then(raw_day - FEMALE_DAY_OFFSET).otherwise(raw_day)
    labels = {code: str(codes.Sex(code).label).lower() for code in codes.Sex.values}
    sex_text = lambda e: e.replace_strict(labels, default="")  # noqa: E731
    sex_warning = pl.when(sex.is_not_null() & (sex != nik_sex)).then(
        fmt(
            _("NIK: digits 7–8 (%(digits)s) mark the person as %(nik_sex)s, but sex is %(sex)s."),
            digits=nik.str.slice(6, 2),
            nik_sex=sex_text(nik_sex),
            sex=sex_text(sex),
        )
    )
    same_date = (
        (birth.dt.day() == nik_day)
        & (birth.dt.month() == nik.str.slice(8, 2).cast(pl.Int32, strict=False))
        & ((birth.dt.year() % 100) == nik.str.slice(10, 2).cast(pl.Int32, strict=False))
    )
    date_warning = pl.when(birth.is_not_null() & ~same_date).then(
        fmt(
            _(
                "NIK: digits 7–12 (%(digits)s) give the date of birth %(nik_date)s, but the date "
                "of birth is %(date)s."
            ),
            digits=pl.concat_str(
                [nik.str.slice(6, 2), nik.str.slice(8, 2), nik.str.slice(10, 2)], separator="-"
            ),
            nik_date=pl.concat_str(
                [nik_day.cast(pl.String).str.zfill(2), nik.str.slice(8, 2), nik.str.slice(10, 2)],
                separator="-",
            ),
            date=birth.dt.strftime("%d-%m-%Y"),
        )
    )
    today = context.today
    age = (
        pl.lit(today.year)
        - birth.dt.year()
        - (
            (birth.dt.month() > today.month)
            | ((birth.dt.month() == today.month) & (birth.dt.day() > today.day))
        ).cast(pl.Int32)
    )
    age_warning = pl.when(age > MAX_PLAUSIBLE_AGE).then(
        fmt(_("the person would be %(age)d years old; check the date."), age=age)
    )

    def item(column: str, message: pl.Expr) -> pl.Expr:
        return pl.when(message.is_not_null()).then(
            pl.struct(pl.lit(column).alias("kolom"), message.alias("pesan"))
        )

    return pl.concat_list(
        [item("nik", sex_warning), item("nik", date_warning), item("tanggal_lahir", age_warning)]
    ).alias("_warn")
