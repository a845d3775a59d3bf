"""The rules across rows of an import file, on the keys pass 1 keeps (importer.crossrow)."""

import datetime

import polars as pl

from padu.registry.importer.crossrow import FileRows, row_keys

KK_1 = "1371011501200001"
KK_2 = "1371011501200002"
HEAD, SPOUSE, CHILD, PARENT = 1, 2, 3, 6


def _rows(*rows: tuple) -> FileRows:
    """Rows as (row_no, kk, nik, relationship, birth date, kelurahan, ok); a chunk of each two
    rows, as pass 1 hands them over chunk by chunk."""
    frame = pl.DataFrame(
        [
            {
                "row_no": row_no,
                "ok": ok,
                "kk_number": kk,
                "nik": nik,
                "relationship": relationship,
                "birth_date": datetime.date.fromisoformat(born),
                "region": region,
                "name": f"Orang {row_no}",
            }
            for row_no, kk, nik, relationship, born, region, ok in rows
        ],
        schema={
            "row_no": pl.Int64,
            "ok": pl.Boolean,
            "kk_number": pl.String,
            "nik": pl.String,
            "relationship": pl.Int32,
            "birth_date": pl.Date,
            "region": pl.String,
            "name": pl.String,
        },
    )
    return FileRows([row_keys(frame.slice(i, 2)) for i in range(0, frame.height, 2)])


def _nik(n: int) -> str:
    return f"137101170805{n:04d}"


def test_the_family_row_is_the_first_head_row_else_the_first_row():
    rows = _rows(
        (2, KK_1, _nik(1), CHILD, "2005-08-17", "13.71.01.1001", True),
        (3, KK_1, _nik(2), HEAD, "1980-08-17", "13.71.01.1001", True),
        (4, KK_2, _nik(3), SPOUSE, "1980-08-17", "13.71.01.1001", True),
        (5, KK_2, _nik(4), CHILD, "2010-08-17", "13.71.01.1001", True),
    )
    families = rows.family_rows()
    assert families.rows() == [(int(KK_1), 3), (int(KK_2), 4)]
    assert FileRows.kk_text(families)["kk"].to_list() == [KK_1, KK_2]


def test_a_later_head_is_rejected_even_when_the_first_is_invalid():
    rows = _rows(
        (2, KK_1, _nik(1), HEAD, "1980-08-17", "13.71.01.1001", False),
        (3, KK_1, _nik(2), HEAD, "1982-08-17", "13.71.01.1001", True),
        (4, KK_1, _nik(3), HEAD, "1984-08-17", "13.71.01.1001", True),
        (5, KK_2, _nik(4), HEAD, "1984-08-17", "13.71.01.1001", True),
    )
    assert rows.second_heads() == [(3, 2), (4, 2)]


def test_a_repeated_nik_keeps_its_first_valid_row():
    rows = _rows(
        (2, KK_1, _nik(1), HEAD, "1980-08-17", "13.71.01.1001", False),
        (3, KK_1, _nik(1), SPOUSE, "1980-08-17", "13.71.01.1001", True),
        (4, KK_2, _nik(1), HEAD, "1980-08-17", "13.71.01.1001", True),
        (5, KK_2, "13710117080X0001", CHILD, "2010-08-17", "13.71.01.1001", False),
    )
    assert rows.repeated_niks() == [(4, 3)]


def test_members_follow_their_rejected_family_row():
    rows = _rows(
        (2, KK_1, _nik(1), CHILD, "2005-08-17", "13.71.01.1001", True),
        (3, KK_1, _nik(2), HEAD, "1980-08-17", "", True),
        (4, KK_1, _nik(3), SPOUSE, "1981-08-17", "13.71.01.1001", True),
        (5, KK_2, _nik(4), HEAD, "1984-08-17", "", True),  # a member, not the family row
        (6, KK_2, _nik(5), HEAD, "1986-08-17", "13.71.01.1001", True),
    )
    families = rows.family_rows()
    assert rows.without_region(families) == [(3,), (5,)]
    rows.reject([3, 5])
    assert rows.members_of_rejected(families) == [(2, 3), (4, 3), (6, 5)]
    rows.reject([2, 4, 6])
    assert rows.accepted() == 0


def test_age_conflicts_with_the_valid_head():
    rows = _rows(
        (2, KK_1, _nik(1), HEAD, "1980-08-17", "13.71.01.1001", True),
        (3, KK_1, _nik(2), CHILD, "1979-01-01", "13.71.01.1001", True),  # older than the head
        (4, KK_1, _nik(3), PARENT, "1990-01-01", "13.71.01.1001", True),  # younger
        (5, KK_1, _nik(4), CHILD, "2010-01-01", "13.71.01.1001", True),
        (6, KK_2, _nik(5), HEAD, "1980-08-17", "13.71.01.1001", False),  # head rejected
        (7, KK_2, _nik(6), CHILD, "1950-01-01", "13.71.01.1001", True),
    )
    conflicts = rows.age_conflicts(rows.family_rows())
    head_birth = datetime.date(1980, 8, 17)
    assert conflicts == [
        (3, CHILD, datetime.date(1979, 1, 1), "Orang 2", head_birth),
        (4, PARENT, datetime.date(1990, 1, 1), "Orang 2", head_birth),
    ]
