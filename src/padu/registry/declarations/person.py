"""A member of a family (one NIK): the person's fields, the rules across them, and the warnings a
user confirms (the data may be right: a NIK whose date disagrees with the birth date)."""

import datetime

import polars as pl
from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, RecordCheck, Sensitivity
from padu.core.records.coded import Choice
from padu.core.records.kinds import Date, Integer, Text, date_text, date_text_expr
from padu.core.records.problems import WARNING, Problem, needs_letter

from .. import codes
from ..identifiers import FEMALE_DAY_OFFSET, identifier_checks
from .disability import CommonSeverity, Disabilities, NationalCode
from .kinds import Categories, Identifier

PERSONAL, IDENTIFIER = Sensitivity.PERSONAL, Sensitivity.IDENTIFIER
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
MAX_PLAUSIBLE_AGE = 110
MAX_INCOME = 10**12
# The words files use for sex (`LAKI-LAKI`, `Perempuan`), as `Choice(case="upper")` reads them.
SEX_WORDS = {
    "LAKI-LAKI": codes.Sex.MALE,
    "LAKI LAKI": codes.Sex.MALE,
    "LAKI": codes.Sex.MALE,
    "LK": codes.Sex.MALE,
    "PRIA": codes.Sex.MALE,
    "PEREMPUAN": codes.Sex.FEMALE,
    "PR": codes.Sex.FEMALE,
    "WANITA": codes.Sex.FEMALE,
}
# The relationships as by-name lists write them (SHDK), as `Choice` reads them.
RELATIONSHIP_WORDS = {
    "KEPALA KELUARGA": codes.Relationship.HEAD,
    "SUAMI": codes.Relationship.SPOUSE,
    "ISTRI": codes.Relationship.SPOUSE,
    "ANAK": codes.Relationship.CHILD,
    "MENANTU": codes.Relationship.CHILD_IN_LAW,
    "CUCU": codes.Relationship.GRANDCHILD,
    "ORANG TUA": codes.Relationship.PARENT,
    "MERTUA": codes.Relationship.PARENT,
    "PEMBANTU": codes.Relationship.HELPER,
    "FAMILI LAIN": codes.Relationship.OTHER,
    "LAINNYA": codes.Relationship.OTHER,
}


def _text(name, label, length, column, example="", group="identity", **options) -> Field:
    return Field(name, label, Text(length), column=column, example=example, group=group, **options)


def _coded(name, label, choices, column, example, group, aliases=None, **options) -> Field:
    kind = Choice(choices, aliases=aliases or {})
    return Field(name, label, kind, column=column, example=example, group=group, **options)


# ---------------------------------------------------------------- the NIK beside the person


def _nik_sex(nik: str) -> str:
    return codes.Sex.FEMALE if int(nik[6:8]) > FEMALE_DAY_OFFSET else codes.Sex.MALE


def _nik_sex_expr(nik: pl.Expr) -> pl.Expr:
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    return pl.when(day > FEMALE_DAY_OFFSET).then(pl.lit("P")).otherwise(pl.lit("L"))


def _sex_word(code: str) -> str:
    return str(codes.Sex(code).label).lower()


def _sex_word_expr(code: pl.Expr) -> pl.Expr:
    words = {c: _sex_word(c) for c in codes.Sex.values}
    return code.replace_strict(words, default="")


def _nik_birth(nik: str) -> tuple[int, int, int]:
    day = int(nik[6:8])
    return (
        (day - FEMALE_DAY_OFFSET if day > FEMALE_DAY_OFFSET else day),
        int(nik[8:10]),
        int(nik[10:12]),
    )


def _nik_day_expr(nik: pl.Expr) -> pl.Expr:
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    return pl.when(day > FEMALE_DAY_OFFSET).then(day - FEMALE_DAY_OFFSET).otherwise(day)


def _birth_differs(v: dict, _context) -> bool:
    birth, nik = v.get("birth_date"), v.get("nik")
    if birth is None or not nik:
        return False
    return (birth.day, birth.month, birth.year % 100) != _nik_birth(nik)


def _birth_differs_expr(c: dict, _context) -> pl.Expr:
    nik, birth = c["nik"], c["birth_date"]
    same = (
        (birth.dt.day() == _nik_day_expr(nik))
        & (birth.dt.month() == nik.str.slice(8, 2).cast(pl.Int32, strict=False))
        & ((birth.dt.year() % 100) == nik.str.slice(10, 2).cast(pl.Int32, strict=False))
    )
    return nik.is_not_null() & birth.is_not_null() & ~same


NIK_SEX = Problem(
    code="nik_sex",
    message=_("NIK: digits 7–8 (%(digits)s) mark the person as %(nik_sex)s, but sex is %(sex)s."),
    params=lambda v, _ctx: {
        "digits": v["nik"][6:8],
        "nik_sex": _sex_word(_nik_sex(v["nik"])),
        "sex": _sex_word(v["sex"]),
    },
    params_expr=lambda c, _ctx: {
        "digits": c["nik"].str.slice(6, 2),
        "nik_sex": _sex_word_expr(_nik_sex_expr(c["nik"])),
        "sex": _sex_word_expr(c["sex"]),
    },
    names_field=True,
)


def _nik_date(nik: str) -> str:
    day, month, year = _nik_birth(nik)
    return f"{day:02d}-{month:02d}-{year:02d}"


NIK_BIRTH = Problem(
    code="nik_birth_date",
    message=_(
        "NIK: digits 7–12 (%(digits)s) give the date of birth %(nik_date)s, but the date of "
        "birth is %(date)s."
    ),
    params=lambda v, _ctx: {
        "digits": f"{v['nik'][6:8]}-{v['nik'][8:10]}-{v['nik'][10:12]}",
        "nik_date": _nik_date(v["nik"]),
        "date": date_text(v["birth_date"]),
    },
    params_expr=lambda c, _ctx: {
        "digits": pl.concat_str(
            [c["nik"].str.slice(6, 2), c["nik"].str.slice(8, 2), c["nik"].str.slice(10, 2)],
            separator="-",
        ),
        "nik_date": pl.concat_str(
            [
                _nik_day_expr(c["nik"]).cast(pl.String).str.zfill(2),
                c["nik"].str.slice(8, 2),
                c["nik"].str.slice(10, 2),
            ],
            separator="-",
        ),
        "date": date_text_expr(c["birth_date"]),
    },
    names_field=True,
)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_expr(birth: pl.Expr, day: datetime.date) -> pl.Expr:
    before_birthday = (birth.dt.month() > day.month) | (
        (birth.dt.month() == day.month) & (birth.dt.day() > day.day)
    )
    return pl.lit(day.year) - birth.dt.year() - before_birthday.cast(pl.Int32)


CHECKS = (
    *identifier_checks("nik"),
    RecordCheck(
        problem=Problem(
            code="without_type", message=_("choose at least one type of disability first.")
        ),
        field="disability_severity",
        fields=("disability_severity", "disability"),
        # A wrong disability (None) has its own error: only none given is "no type".
        test=lambda v, _ctx: bool(v.get("disability_severity")) and v.get("disability") == [],
        test_expr=lambda c, _ctx: (
            (c["disability_severity"] != "") & (c["disability"].list.len() == 0)
        ),
    ),
    RecordCheck(
        problem=NIK_SEX,
        field="nik",
        fields=("nik", "sex"),
        test=lambda v, _ctx: bool(v.get("nik") and v.get("sex")) and v["sex"] != _nik_sex(v["nik"]),
        test_expr=lambda c, _ctx: c["sex"].is_not_null() & (c["sex"] != _nik_sex_expr(c["nik"])),
        level=WARNING,
    ),
    RecordCheck(
        problem=NIK_BIRTH,
        field="nik",
        fields=("nik", "birth_date"),
        test=_birth_differs,
        test_expr=_birth_differs_expr,
        level=WARNING,
    ),
    RecordCheck(
        problem=Problem(
            code="age",
            message=_("the person would be %(age)d years old; check the date."),
            params=lambda v, ctx: {"age": age_on(v["birth_date"], ctx.today)},
            params_expr=lambda c, ctx: {"age": age_expr(c["birth_date"], ctx.today)},
        ),
        field="birth_date",
        fields=("birth_date",),
        test=lambda v, ctx: (
            v.get("birth_date") is not None
            and age_on(v["birth_date"], ctx.today) > MAX_PLAUSIBLE_AGE
        ),
        test_expr=lambda c, ctx: age_expr(c["birth_date"], ctx.today) > MAX_PLAUSIBLE_AGE,
        level=WARNING,
    ),
)


FIELDS = (
    Field(
        "nik",
        _("NIK"),
        Identifier(field="nik"),
        required=True,
        column="nik",
        example="1371015705800001",
        help_text=_("16 digits. Digits 7–12 are the date of birth; a woman's day has 40 added."),
        content=_("16 digits: region code, date of birth (+40 for women), serial other than 0000"),
        sensitivity=IDENTIFIER,
        group="identity",
        model_options={"unique": True},
        synonyms=("NIK", "NO NIK", "NOMOR NIK", "NOMOR INDUK KEPENDUDUKAN", "NIK KEPALA KELUARGA"),
    ),
    _text(
        "name",
        _("Full name"),
        120,
        "nama",
        "Siti Rahmah",
        required=True,
        help_text=_("As written on the KK."),
        checks=(needs_letter(),),
        synonyms=("NAMA LENGKAP", "NAMA KEPALA KELUARGA", "NAMA ANGGOTA KELUARGA", "NAMA ART"),
    ),
    Field(
        "sex",
        _("Sex"),
        Choice(codes.Sex, case="upper", aliases=SEX_WORDS),
        required=True,
        column="jenis_kelamin",
        example="P",
        group="identity",
        synonyms=("JK", "L/P", "KELAMIN", "SEX"),
    ),
    _text(
        "birth_place",
        _("Place of birth"),
        80,
        "tempat_lahir",
        "Padang",
        synonyms=("TMP LAHIR", "TEMPAT LHR"),
    ),
    Field(
        "birth_date",
        _("Date of birth"),
        Date(earliest=EARLIEST_BIRTH, past=True),
        required=True,
        column="tanggal_lahir",
        example="1980-05-17",
        help_text=_("As on the KK or the birth certificate."),
        group="identity",
        synonyms=("TGL LAHIR", "TANGGAL LHR", "TGL LHR"),
        sensitivity=Sensitivity.QUASI_IDENTIFIER,
    ),
    _coded(
        "relationship",
        _("Relationship to the head of family"),
        codes.Relationship,
        "hubungan_keluarga",
        "1",
        "identity",
        required=True,
        aliases=RELATIONSHIP_WORDS,
        synonyms=("SHDK", "STATUS HUBUNGAN DALAM KELUARGA", "HUBUNGAN", "HUB KELUARGA"),
    ),
    _coded(
        "marital_status",
        _("Marital status"),
        codes.MaritalStatus,
        "status_kawin",
        "2",
        "identity",
        synonyms=("STATUS PERKAWINAN", "STATUS KAWIN", "KAWIN"),
    ),
    _text(
        "mother_name",
        _("Mother's name"),
        120,
        "nama_ibu_kandung",
        "Nurhayati",
        synonyms=("NAMA IBU", "IBU KANDUNG"),
    ),
    _coded(
        "education",
        _("Education"),
        codes.Education,
        "pendidikan",
        "3",
        "work",
        synonyms=("PENDIDIKAN TERAKHIR", "PENDIDIKAN DALAM KK"),
    ),
    _coded("employment", _("Employment status"), codes.Employment, "status_pekerjaan", "7", "work"),
    _text(
        "occupation",
        _("Occupation"),
        120,
        "pekerjaan",
        "Buruh harian",
        group="work",
        synonyms=("JENIS PEKERJAAN", "PEKERJAAN UTAMA"),
    ),
    Field(
        "income",
        _("Monthly income (Rp)"),
        Integer(
            low=0,
            high=MAX_INCOME,
            message=_("enter an amount from 0 up to 1,000,000,000,000 rupiah."),
            size="big",
            money=True,
        ),
        column="penghasilan",
        example="1500000",
        group="work",
        synonyms=("PENDAPATAN", "PENGHASILAN PER BULAN"),
    ),
    Field(
        "disability",
        _("Disability"),
        Disabilities(
            codes=codes.DisabilityType,
            message=_("unknown disability type(s): %(codes)s."),
        ),
        column="disabilitas",
        example="fisik;rungu_wicara",
        help_text=_(
            "Choose every type that applies; more than one is recorded as multiple (ganda). "
            "Each is kept as a record with its assessment (on the person's page)."
        ),
        group="health",
    ),
    Field(
        "disability_severity",
        _("Disability severity"),
        CommonSeverity(codes.DisabilitySeverity, case="lower", length=10),
        column="tingkat_disabilitas",
        example="sedang",
        group="health",
    ),
    Field(
        "disability_national",
        _("National disability code"),
        NationalCode(),
        column="kode_disabilitas_nasional",
        readonly=True,
        group="health",
    ),
    _text(
        "disability_note",
        _("Disability detail"),
        200,
        "keterangan_disabilitas",
        "Penglihatan lemah",
        group="health",
        help_text=_("E.g. low vision, uses a wheelchair."),
    ),
    _text("chronic_illness", _("Chronic illness"), 200, "penyakit_kronis", "Diabetes", "health"),
    Field(
        "ppks",
        _("PPKS categories"),
        Categories(),
        column="ppks",
        example="9;24",
        group="social",
    ),
    Field(
        "dukcapil_status",
        _("Dukcapil match"),
        Choice(codes.DukcapilStatus, case="lower", length=12),
        column="status_padan",
        example="padan",
        default=codes.DukcapilStatus.UNCHECKED,
        content=_("`padan`, `tidak_padan`, `belum` (empty = `belum`)"),
        group="social",
    ),
    Field(
        "life_status",
        _("Status"),
        Choice(codes.LifeStatus, length=20),
        column="status_individu",
        readonly=True,
        default=codes.LifeStatus.ACTIVE,
        sensitivity=Sensitivity.PUBLIC,
    ),
)
SYSTEM = (
    "id",
    "family",
    "region",
    "name_key",
    "status_changed_at",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "version",
    "last_import",
    "created_import",
)


PERSON = Record("person", _("person"), fields=FIELDS, checks=CHECKS, system=SYSTEM)
