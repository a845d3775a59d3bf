"""NIK and KK numbers: the rules of registry.identifiers, by example and by property, the checks
whose level a setting gives (a region code missing from the national list, a KK's date digits),
and the masks of registry.masks."""

import calendar
import datetime
import re

import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from padu.registry import identifiers
from padu.registry.context import RecordContext
from padu.registry.declarations import FAMILY, PERSON
from padu.registry.identifiers import InvalidIdentifier, check_number
from padu.registry.masks import mask_number

PADANG_KECAMATAN = [f"13.71.{n:02d}" for n in range(1, 12)]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def nik_of(prefix: str, day: int, month: int, year2: int, serial: int, *, female=False) -> str:
    return f"{prefix}{day + (40 if female else 0):02d}{month:02d}{year2:02d}{serial:04d}"


def code(nik: str) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        check_number(nik, "nik")
    return info.value.code


def parse_nik(nik: str) -> str:
    return check_number(nik, "nik")


def parse_kk(kk: str) -> str:
    return check_number(kk, "kk_number")


# ------------------------------------------------------------------------------------ examples


def test_the_documented_example_parses():
    assert parse_nik("1371045203900002") == "1371045203900002"


@pytest.mark.parametrize(
    ("nik", "rule", "message"),
    [
        ("137104520390000", "length", "NIK must have exactly 16 digits; this one has 15."),
        ("13710452039000021", "length", "NIK must have exactly 16 digits; this one has 17."),
        ("1371O45203900002", "digits", "NIK may contain only the digits 0–9."),
        ("9971045203900002", "province", "NIK starts with 99, which is not a province code."),
        ("1300045203900002", "kabkota", "NIK: digits 3–4 (00) are not a kab/kota of province 13."),
        (
            "1371005203900002",
            "kecamatan",
            "NIK: digits 5–6 (00) are not a kecamatan of kab/kota 13.71.",
        ),
        (
            "1371043503900002",
            "day",
            "NIK: the day of birth (digits 7–8) is 35; it must be 01–31, or 41–71 for a woman.",
        ),
        (
            "1371047203900002",
            "day",
            "NIK: the day of birth (digits 7–8) is 72; it must be 01–31, or 41–71 for a woman.",
        ),
        (
            "1371040013900002",
            "day",
            "NIK: the day of birth (digits 7–8) is 00; it must be 01–31, or 41–71 for a woman.",
        ),
        (
            "1371041213900002",
            "month",
            "NIK: the month of birth (digits 9–10) is 13; it must be 01–12.",
        ),
        ("1371043102900002", "date", "NIK: digits 7–12 (31-02-90) are not a real date of birth."),
        ("1371042902010002", "date", "NIK: digits 7–12 (29-02-01) are not a real date of birth."),
        (
            "1371041203900000",
            "serial",
            "NIK: the serial number (the last four digits) cannot be 0000.",
        ),
    ],
)
def test_each_rule_has_its_code_and_a_message_naming_the_field(nik, rule, message):
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik(nik)
    assert (info.value.code, info.value.field, str(info.value)) == (rule, "nik", message)


def test_29_february_of_year_00_is_real_because_2000_was_a_leap_year():
    assert parse_nik("1371046902000001") == "1371046902000001"  # a woman born 29-02-(20)00
    assert code("1371046902010001") == "date"


def test_spaces_dots_and_dashes_are_ignored_and_nothing_else():
    assert parse_nik("  1371045203900002\n") == "1371045203900002"
    assert parse_nik("1371 0452 0390 0002") == "1371045203900002"
    assert parse_nik("1371.0452.0390.0002") == "1371045203900002"
    assert parse_kk("13-71-04-520390-0002") == "1371045203900002"
    assert code("1371-04520390000") == "length"
    assert code("1371/04520390002") == "digits"
    assert code("1.37105E+15") == "excel_number"
    assert code("".join(chr(ord(c) + 0xFEE0) for c in "1371045203900002")) == "digits"  # full-width


def test_the_province_must_be_in_the_national_list():
    assert parse_nik("9271045203900002") == "9271045203900002"  # Papua Barat Daya (2022)
    assert code("9971045203900002") == "province"
    assert code("5471045203900002") == "province"  # Timor Timur's old code


# --- The checks whose level a setting gives, on one record and on a whole file --------------


def person_checks(nik: str):
    """(errors, warnings) of a person with `nik`, as a form or the API checks one record."""
    data = {"nik": nik}
    values, errors = PERSON.clean(data, RecordContext(), only=["nik"])
    return errors, [(f, c) for f, c, _m in PERSON.warnings(values, RecordContext())]


def family_checks(kk: str):
    values, errors = FAMILY.clean({"kk_number": kk}, RecordContext(), only=["kk_number"])
    return errors, [(f, c) for f, c, _m in FAMILY.warnings(values, RecordContext())]


@pytest.mark.django_db
def test_a_region_code_missing_from_the_national_list_is_a_warning_by_default():
    """13.71.12 (Kota Padang has 11 kecamatan) and 13.98 (no kab/kota) are typing errors, or old
    codes of a region split since: a warning naming the code, the record may still be saved."""
    errors, warnings = person_checks("1371125203900002")
    assert (errors, warnings) == ({}, [("nik", "region_unknown")])
    values, _errors = PERSON.clean({"nik": "1398045203900002"}, RecordContext(), only=["nik"])
    [(_f, _c, message)] = PERSON.warnings(values, RecordContext())
    assert message == (
        "NIK: the region code 13.98 is not in the national region list "
        "(Kepmendagri 300.2.2-2138/2025); check the number."
    )
    # a kab/kota of another province, first issued there: known, so nothing to say
    assert person_checks("1306045203900002") == ({}, [])
    assert family_checks("1371121501200003") == ({}, [("kk_number", "region_unknown")])


@pytest.mark.django_db
def test_the_setting_makes_an_unknown_region_an_error_or_nothing():
    with override_settings(PADU_IDENTIFIER_REGION_CHECK="error"):
        errors, warnings = person_checks("1371125203900002")
        assert warnings == []
        assert errors == {
            "nik": [
                "NIK: the region code 13.71.12 is not in the national region list "
                "(Kepmendagri 300.2.2-2138/2025); check the number."
            ]
        }
    with override_settings(PADU_IDENTIFIER_REGION_CHECK="off"):
        assert person_checks("1371125203900002") == ({}, [])


@pytest.mark.django_db
def test_a_kk_whose_digits_7_to_12_are_no_date_is_flagged_as_the_setting_says():
    assert family_checks("1371041501200003") == ({}, [])  # 15-01-20
    assert family_checks("1371042902000003") == ({}, [])  # 29-02-(20)00
    assert family_checks("1371043102200003") == ({}, [("kk_number", "kk_date")])  # 31-02
    assert family_checks("1371049999990001") == ({}, [("kk_number", "kk_date")])
    values, _errors = FAMILY.clean({"kk_number": "1371040013200003"}, RecordContext())
    [(_f, _c, message)] = [w for w in FAMILY.warnings(values, RecordContext()) if w[1] == "kk_date"]
    assert message == "KK number: digits 7–12 (00-13-20) are not a date (day, month, year)."
    with override_settings(PADU_KK_DATE_CHECK="error"):
        errors, _warnings = family_checks("1371043102200003")
        assert list(errors) == ["kk_number"]
    with override_settings(PADU_KK_DATE_CHECK="off"):
        assert family_checks("1371043102200003") == ({}, [])


@pytest.mark.parametrize("value", ["warning", "error", "off"])
def test_settings_accept_the_three_levels_and_refuse_others(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from padu.settings import env_choice

    monkeypatch.setenv("PADU_KK_DATE_CHECK", value.upper())
    assert env_choice("PADU_KK_DATE_CHECK", "warning", identifiers.CHECK_LEVELS) == value
    monkeypatch.setenv("PADU_KK_DATE_CHECK", "strict")
    with pytest.raises(ImproperlyConfigured, match="PADU_KK_DATE_CHECK='strict'"):
        env_choice("PADU_KK_DATE_CHECK", "warning", identifiers.CHECK_LEVELS)


def test_kk_rules():
    assert parse_kk("1371041501200003") == "1371041501200003"
    for kk, rule, message in [
        ("13710415012000", "length", "KK number must have exactly 16 digits; this one has 14."),
        ("9971041501200003", "province", "KK number starts with 99, which is not a province code."),
        (
            "1371001501200003",
            "kecamatan",
            "KK number: digits 5–6 (00) are not a kecamatan of kab/kota 13.71.",
        ),
        (
            "1371041501200000",
            "serial",
            "KK number: the serial number (the last four digits) cannot be 0000.",
        ),
    ]:
        with pytest.raises(InvalidIdentifier) as exc:
            parse_kk(kk)
        assert (exc.value.code, exc.value.field, str(exc.value)) == (rule, "kk_number", message)


def test_a_mask_keeps_the_kab_kota_and_a_tag_that_tells_numbers_apart():
    masked = mask_number("1371045203900002")
    assert re.fullmatch(r"1371•{8}[A-HJ-NP-Z]{4}", masked)
    assert mask_number("1371045203900002") == masked  # the same number, the same mask
    tags = {mask_number(f"13710452039{n:05d}")[-4:] for n in range(1, 200)}
    assert len(tags) >= 195  # the serials do not show, but the masks differ
    assert "0002" not in masked and "5203" not in masked
    assert mask_number("123") == "•••"
    assert mask_number("") == ""


# ---------------------------------------------------------------------------------- properties

prefixes = st.builds(
    lambda kec: kec.replace(".", ""),
    st.sampled_from(PADANG_KECAMATAN),
)
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))
serials = st.integers(min_value=1, max_value=9999)


@given(prefix=prefixes, birth=dates, female=st.booleans(), serial=serials)
@example(prefix="137104", birth=datetime.date(2000, 2, 29), female=True, serial=1)
@example(prefix="137101", birth=datetime.date(1900, 12, 31), female=False, serial=9999)
def test_a_generated_nik_is_valid_and_raises_no_warning(prefix, birth, female, serial):
    nik = nik_of(prefix, birth.day, birth.month, birth.year % 100, serial, female=female)
    assert parse_nik(nik) == nik
    sex = "P" if female else "L"
    values = {"nik": nik, "birth_date": birth, "sex": sex}
    context = RecordContext(today=datetime.date(2100, 1, 1))
    assert [w for w in PERSON.warnings(values, context) if w[0] == "nik"] == []


@given(prefix=prefixes, birth=dates, serial=serials)
def test_a_woman_is_her_day_plus_40(prefix, birth, serial):
    man = nik_of(prefix, birth.day, birth.month, birth.year % 100, serial)
    woman = nik_of(prefix, birth.day, birth.month, birth.year % 100, serial, female=True)
    assert int(woman[6:8]) == int(man[6:8]) + 40
    assert (parse_nik(man), parse_nik(woman)) == (man, woman)
    values = {"nik": woman, "birth_date": birth, "sex": "L"}
    context = RecordContext(today=datetime.date(2100, 1, 1))
    assert [c for f, c, _m in PERSON.warnings(values, context) if f == "nik"] == ["nik_sex"]


@given(st.text(max_size=40))
@example("137104520390000")
@example("13710452039000021")
@example("")
def test_anything_but_sixteen_digits_fails(text):
    digits = identifiers.normalise_number(text.strip())  # spaces, dots and dashes do not count
    assume(not (len(digits) == 16 and digits.isascii() and digits.isdigit()))
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik(text)
    assert info.value.code in ("excel_number", "length", "digits")
    with pytest.raises(InvalidIdentifier) as info:
        parse_kk(text)
    assert info.value.code in ("excel_number", "length", "digits")


@given(prefix=prefixes, birth=dates, female=st.booleans())
def test_serial_0000_fails(prefix, birth, female):
    nik = nik_of(prefix, birth.day, birth.month, birth.year % 100, 0, female=female)
    assert code(nik) == "serial"


@given(
    prefix=prefixes,
    raw_day=st.one_of(st.just(0), st.integers(32, 40), st.integers(72, 99)),
    month=st.integers(1, 12),
    year=st.integers(0, 99),
    serial=serials,
)
def test_day_outside_1_31_and_41_71_fails(prefix, raw_day, month, year, serial):
    assert code(f"{prefix}{raw_day:02d}{month:02d}{year:02d}{serial:04d}") == "day"


@given(
    prefix=prefixes,
    day=st.integers(1, 31),
    month=st.one_of(st.just(0), st.integers(13, 99)),
    serial=serials,
)
def test_month_outside_1_12_fails(prefix, day, month, serial):
    assert code(f"{prefix}{day:02d}{month:02d}90{serial:04d}") == "month"


@given(
    prefix=prefixes,
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    year=st.integers(0, 99),
    serial=serials,
)
def test_a_date_is_valid_exactly_when_it_exists_in_19yy_or_20yy(prefix, day, month, year, serial):
    exists = False
    for century in (1900, 2000):
        try:
            datetime.date(century + year, month, day)
            exists = True
        except ValueError:
            pass
    nik = nik_of(prefix, day, month, year, serial)
    if exists:
        assert parse_nik(nik) == nik
    else:
        assert code(nik) == "date"


@given(
    kec=st.sampled_from(PADANG_KECAMATAN),
    digits=st.text("0123456789", min_size=6, max_size=6),
    serial=serials,
)
def test_a_kk_is_well_formed_whatever_its_date_digits_and_both_renderings_judge_them_alike(
    kec, digits, serial
):
    """Digits 7–12 are not a rule of the number's structure but a check whose level a setting
    gives; its Python and Polars renderings agree (29-02 of a year divisible by 4 included)."""
    import polars as pl

    kk = f"{kec.replace('.', '')}{digits}{serial:04d}"
    assert parse_kk(kk) == kk
    [check] = [c for c in FAMILY.checks if c.problem.code == "kk_date"]
    in_python = check.test({"kk_number": kk}, None)
    in_polars = pl.select(check.test_expr({"kk_number": pl.lit(kk)}, None)).item()
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    exists = any(
        1 <= month <= 12 and 1 <= day <= calendar.monthrange(century + year, month)[1]
        for century in (1900, 2000)
    )
    assert in_python == in_polars == (not exists)


@given(prefix=prefixes, digits=st.text("0123456789", min_size=6, max_size=6))
def test_a_kk_with_serial_0000_fails(prefix, digits):
    with pytest.raises(InvalidIdentifier) as info:
        parse_kk(f"{prefix}{digits}0000")
    assert info.value.code == "serial"
