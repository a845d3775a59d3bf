"""NIK and KK structure: the rules of registry.identifiers, by example and by property."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from padu.registry import identifiers
from padu.registry.identifiers import (
    InvalidIdentifier,
    RegionIndex,
    mask_number,
    nik_consistency,
    parse_kk,
    parse_nik,
)

# A region table as the tests' database has it: the provinces, Kota Padang and its kecamatan.
PADANG_KECAMATAN = [f"13.71.{n:02d}" for n in range(1, 12)]
INDEX = RegionIndex(
    codes=frozenset(["11", "12", "13", "14", "31", "13.71", *PADANG_KECAMATAN]),
    parents=frozenset(["13", "13.71"]),
    strictness=identifiers.STRICT_LOADED,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def nik_of(prefix: str, day: int, month: int, year2: int, serial: int, *, female=False) -> str:
    return f"{prefix}{day + (40 if female else 0):02d}{month:02d}{year2:02d}{serial:04d}"


def code(nik: str) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik(nik, regions=INDEX)
    return info.value.code


# ------------------------------------------------------------------------------------ examples


def test_the_documented_example_parses():
    info = parse_nik("1371045203900002", regions=INDEX)
    assert (info.province, info.kabkota, info.kecamatan) == ("13", "13.71", "13.71.04")
    assert (info.sex, info.day, info.month, info.year, info.serial) == ("P", 12, 3, 90, 2)
    assert info.birth_date_candidates(today=datetime.date(2025, 1, 1)) == [
        datetime.date(1990, 3, 12)
    ]


def test_century_is_ambiguous_until_the_date_is_in_the_future():
    info = parse_nik("1371041703150001", regions=INDEX)  # 17-03-15
    assert info.birth_date_candidates(today=datetime.date(2025, 6, 1)) == [
        datetime.date(2015, 3, 17),
        datetime.date(1915, 3, 17),
    ]
    assert info.birth_date_candidates(today=datetime.date(2014, 1, 1)) == [
        datetime.date(1915, 3, 17)
    ]


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
            "1371125203900002",
            "kecamatan",
            "NIK: digits 5–6 (12) are not a kecamatan of kab/kota 13.71.",
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
        parse_nik(nik, regions=INDEX)
    assert (info.value.code, info.value.field, str(info.value)) == (rule, "nik", message)


def test_29_february_of_year_00_is_real_because_2000_was_a_leap_year():
    info = parse_nik("1371046902000001", regions=INDEX)  # a woman born 29-02-(20)00
    assert (info.sex, info.day, info.month) == ("P", 29, 2)
    assert info.birth_date_candidates(today=datetime.date(2025, 1, 1)) == [
        datetime.date(2000, 2, 29)
    ]


def test_spaces_dots_and_dashes_are_ignored_and_nothing_else():
    assert parse_nik("  1371045203900002\n", regions=INDEX).nik == "1371045203900002"
    assert parse_nik("1371 0452 0390 0002", regions=INDEX).nik == "1371045203900002"
    assert parse_nik("1371.0452.0390.0002", regions=INDEX).nik == "1371045203900002"
    assert parse_kk("13-71-04-520390-0002", regions=INDEX).number == "1371045203900002"
    assert code("1371-04520390000") == "length"
    assert code("1371/04520390002") == "digits"
    assert code("1.37105E+15") == "excel_number"
    assert code("".join(chr(ord(c) + 0xFEE0) for c in "1371045203900002")) == "digits"  # full-width


def test_kab_kota_outside_the_loaded_ones_is_accepted_by_default():
    """A Padang resident's NIK first issued in Agam (13.06) is right, though 13.06 is not loaded."""
    assert parse_nik("1306045203900002", regions=INDEX).kabkota == "13.06"


def test_full_strictness_checks_the_kab_kota_of_a_loaded_province():
    full = RegionIndex(codes=INDEX.codes, parents=INDEX.parents, strictness=identifiers.STRICT_FULL)
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik("1306045203900002", regions=full)
    assert info.value.code == "kabkota"
    # a province with no kab/kota loaded is still not checked below the province
    assert parse_nik("1401045203900002", regions=full).province == "14"


def test_off_strictness_checks_only_the_province_and_the_zeros():
    off = RegionIndex(codes=INDEX.codes, parents=INDEX.parents, strictness=identifiers.STRICT_OFF)
    assert parse_nik("1371125203900002", regions=off).kecamatan == "13.71.12"
    with pytest.raises(InvalidIdentifier):
        parse_nik("1371005203900002", regions=off)


@pytest.mark.django_db
def test_the_region_table_is_read_when_no_index_is_given():
    assert parse_nik("1371045203900002").kecamatan == "13.71.04"
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik("1371995203900002")
    assert info.value.code == "kecamatan"
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik("9971045203900002")
    assert info.value.code == "province"


@pytest.mark.django_db
def test_the_setting_chooses_the_strictness():
    with override_settings(PADU_NIK_STRICT_REGION="off"):
        assert parse_nik("1371995203900002").kecamatan == "13.71.99"
    with override_settings(PADU_NIK_STRICT_REGION="full"):
        with pytest.raises(InvalidIdentifier) as info:
            parse_nik("1306045203900002")
        assert info.value.code == "kabkota"
    with override_settings(PADU_NIK_STRICT_REGION=False):
        assert identifiers.strictness() == "off"
    with override_settings(PADU_NIK_STRICT_REGION="nonsense"):
        assert identifiers.strictness() == "loaded"


@pytest.mark.django_db
def test_region_index_load_reads_one_province_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        index = RegionIndex.load(provinces=["13"])
    assert {"11", "13", "13.71", "13.71.04"} <= index.codes
    assert "13.71.04.1001" not in index.codes
    assert {"13", "13.71"} <= index.parents


def test_kk_rules():
    info = parse_kk("1371041501200003", regions=INDEX)
    assert (info.kecamatan, info.serial, info.registration_digits) == ("13.71.04", 3, "150120")
    # the "registration date" digits are not checked
    assert parse_kk("1371049999990001", regions=INDEX).registration_digits == "999999"
    for kk, rule, message in [
        ("13710415012000", "length", "KK number must have exactly 16 digits; this one has 14."),
        ("9971041501200003", "province", "KK number starts with 99, which is not a province code."),
        (
            "1371991501200003",
            "kecamatan",
            "KK number: digits 5–6 (99) are not a kecamatan of kab/kota 13.71.",
        ),
        (
            "1371041501200000",
            "serial",
            "KK number: the serial number (the last four digits) cannot be 0000.",
        ),
    ]:
        with pytest.raises(InvalidIdentifier) as exc:
            parse_kk(kk, regions=INDEX)
        assert (exc.value.code, exc.value.field, str(exc.value)) == (rule, "kk_number", message)


def test_consistency_warnings_name_the_field():
    nik = "1371045203900002"  # a woman, 12-03-90
    assert nik_consistency(nik, datetime.date(1990, 3, 12), "P") == []
    assert nik_consistency(nik, datetime.date(1990, 3, 12), "L") == [
        "NIK: digits 7–8 (52) mark the person as female, but sex is male."
    ]
    assert nik_consistency(nik, datetime.date(1991, 3, 12), "P") == [
        "NIK: digits 7–12 (52-03-90) give the date of birth 12-03-90, but the date of birth is 12 "
        "March 1991."
    ]
    assert nik_consistency("not a nik", datetime.date(1990, 3, 12), "L") == []


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
def test_a_generated_nik_parses_back_to_its_parts(prefix, birth, female, serial):
    nik = nik_of(prefix, birth.day, birth.month, birth.year % 100, serial, female=female)
    info = parse_nik(nik, regions=INDEX)
    assert info.kecamatan == f"{prefix[:2]}.{prefix[2:4]}.{prefix[4:]}"
    assert (info.day, info.month, info.year, info.serial) == (
        birth.day,
        birth.month,
        birth.year % 100,
        serial,
    )
    assert info.sex == ("P" if female else "L")
    assert birth in info.birth_date_candidates(today=datetime.date(2100, 1, 1))
    assert nik_consistency(nik, birth, info.sex) == []


@given(prefix=prefixes, birth=dates, serial=serials)
def test_a_woman_is_her_day_plus_40(prefix, birth, serial):
    man = parse_nik(nik_of(prefix, birth.day, birth.month, birth.year % 100, serial), regions=INDEX)
    woman = parse_nik(
        nik_of(prefix, birth.day, birth.month, birth.year % 100, serial, female=True), regions=INDEX
    )
    assert int(woman.nik[6:8]) == int(man.nik[6:8]) + 40
    assert (woman.day, woman.month, woman.year) == (man.day, man.month, man.year)
    assert (man.sex, woman.sex) == ("L", "P")


@given(st.text(max_size=40))
@example("137104520390000")
@example("13710452039000021")
@example("")
def test_anything_but_sixteen_digits_fails(text):
    digits = identifiers.normalise_number(text.strip())  # spaces, dots and dashes do not count
    assume(not (len(digits) == 16 and digits.isascii() and digits.isdigit()))
    with pytest.raises(InvalidIdentifier) as info:
        parse_nik(text, regions=INDEX)
    assert info.value.code in ("excel_number", "length", "digits")
    with pytest.raises(InvalidIdentifier) as info:
        parse_kk(text, regions=INDEX)
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
        assert parse_nik(nik, regions=INDEX).day == day
    else:
        assert code(nik) == "date"


@given(
    kec=st.sampled_from(PADANG_KECAMATAN),
    digits=st.text("0123456789", min_size=6, max_size=6),
    serial=serials,
)
def test_a_kk_parses_whatever_its_registration_digits(kec, digits, serial):
    kk = f"{kec.replace('.', '')}{digits}{serial:04d}"
    info = parse_kk(kk, regions=INDEX)
    assert (info.kecamatan, info.registration_digits, info.serial) == (kec, digits, serial)


@given(prefix=prefixes, digits=st.text("0123456789", min_size=6, max_size=6))
def test_a_kk_with_serial_0000_fails(prefix, digits):
    with pytest.raises(InvalidIdentifier) as info:
        parse_kk(f"{prefix}{digits}0000", regions=INDEX)
    assert info.value.code == "serial"
