"""Parity: a row of an import file is accepted or rejected, with the same problem codes, whether a
form, the API or a service checks it (`Record.clean`, in Python) or the bulk import checks it (the
Polars rendering of the same declarations). Hypothesis writes the rows, valid and broken.

Each row is a family of its own (a head with a new KK), so that no rule across rows applies. One
rule is by its nature across rows: a family's kelurahan is required on the family's row; a row
whose KK number cannot be read belongs to no family, so the import reports the KK and not the
kelurahan."""

import csv
import itertools

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padu.accounts.capabilities import Role
from padu.registry.context import RecordContext
from padu.registry.declarations import DWELLING, FAMILY, PERSON
from padu.registry.identifiers import KK_DATE, REGION_UNKNOWN
from padu.registry.importer.layout import ROW
from padu.registry.importer.services import import_error_report_path, import_local_file
from tests.factories import KEL_A, KEL_B, make_user

pytestmark = pytest.mark.django_db(transaction=False)

SERIALS = itertools.count(1)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)


def _code_like(*extra: str):
    return st.sampled_from(
        ["", "1", "2", "3", "6", "9", "10", "99", "x", "-1", "+2", "2.0", *extra]
    )


def _dates():
    return st.sampled_from(
        [
            "1980-05-17",
            "17-05-1980",
            "2099-01-01",
            "1899-12-31",
            "2020-02-30",
            "abc",
            "",
            "1980/5/17",
            "07/01/1973",
            "7.1.1973",
            "31/02/1980",
            "17/5/2099",
            "1/13/1980",
        ]
    )


# Each column's values: mostly right, often wrong in the ways files are.
VALUES = {
    "nama": st.one_of(st.just("Siti Rahmah"), TEXT, st.just("123"), st.just("x" * 121)),
    "jenis_kelamin": st.sampled_from(
        ["L", "P", "l", " p ", "X", "", "LAKI-LAKI", "Perempuan", "laki  laki", "Wanita ", "LAKI-"]
    ),
    "tempat_lahir": st.one_of(st.just("Padang"), TEXT),
    "tanggal_lahir": _dates(),
    "status_kawin": _code_like(),
    "nama_ibu_kandung": st.one_of(st.just(""), TEXT),
    "pendidikan": _code_like(),
    "status_pekerjaan": _code_like(),
    "pekerjaan": st.one_of(st.just("Buruh"), TEXT),
    "penghasilan": st.sampled_from(["", "0", "1500000", "-5", "x", "1000000000001", "1e5"]),
    "disabilitas": st.sampled_from(["", "fisik", "FISIK;sensorik", "buta", "fisik;;mental"]),
    "tingkat_disabilitas": st.sampled_from(["", "ringan", "BERAT", "parah"]),
    "keterangan_disabilitas": st.one_of(st.just(""), TEXT),
    "penyakit_kronis": st.one_of(st.just(""), TEXT),
    "ppks": st.sampled_from(["", "9", "9;24", "x", "9999", "24;9;9", "9; x"]),
    "status_padan": st.sampled_from(["", "padan", "PADAN", "salah"]),
    "kode_wilayah": st.sampled_from([KEL_A, "1371011001", KEL_B, "13.71.01", "99.99.99.9999", ""]),
    "rw": st.sampled_from(["", "1", "001", "1234", "a"]),
    "rt": st.sampled_from(["", "2", "12", "-1"]),
    "alamat": st.one_of(st.just("Jl. Sawahan 5"), TEXT),
    "lintang": st.sampled_from(["", "-0.9", "12", "x", "-0.9471234", "0"]),
    "bujur": st.sampled_from(["", "100.4", "200", "1e2", "100"]),
    "desil": st.sampled_from(["", "1", "10", "0", "11", "x"]),
    "periode_desil": _dates(),
    "status_kepemilikan_rumah": _code_like(),
    "luas_lantai": st.sampled_from(["", "36", "0", "10001", "x"]),
    "jenis_lantai": _code_like(),
    "jenis_dinding": _code_like(),
    "jenis_atap": _code_like(),
    "sumber_air_minum": _code_like(),
    "sumber_penerangan": _code_like(),
    "bahan_bakar_memasak": _code_like(),
    "fasilitas_bab": _code_like(),
    "aset": st.sampled_from(["", "televisi;ac", "jet", "TELEVISI", "ac;ac"]),
    "ternak": st.sampled_from(["", "kambing:3", "unta:1", "sapi:-1", "kambing:200000", "kambing"]),
}


@st.composite
def rows(draw):
    """A head of family with a KK of his own (so that no rule across rows applies), whose NIK
    and KK are new to the registry; most of the time well-formed, sometimes not."""
    serial = next(SERIALS)
    born = draw(st.sampled_from(["1980-05-17", "1990-01-01"]))
    nik = f"137101{17 + 40 * draw(st.booleans()):02d}0580{serial:04d}"
    row = {column: draw(strategy) for column, strategy in VALUES.items()}
    row["tanggal_lahir"] = draw(st.one_of(st.just(born), VALUES["tanggal_lahir"]))
    row["nik"] = draw(
        st.one_of(
            st.just(nik),
            st.just(nik[:8] + "13" + nik[10:]),  # month 13
            st.just(nik[:12] + "0000"),  # serial 0000
            st.just("99" + nik[2:]),  # no such province
            st.just(f"1371013205{serial % 100:02d}{serial:04d}"),  # day 32
            st.just(nik[:-1]),
            st.just(nik[:6] + " " + nik[6:]),
            st.just("137112" + nik[6:]),  # no kecamatan 13.71.12 in the national list
            st.just("1398" + nik[4:]),  # no kab/kota 13.98
        )
    )
    row["no_kk"] = draw(
        st.one_of(
            st.just(f"1371011501{serial:06d}"),
            st.just(f"13710115012{serial:05d}x"),
            st.just(f"1371013102{serial:06d}"),  # digits 7–12 31-02-..: no date
            st.just(f"1371121501{serial:06d}"),  # no kecamatan 13.71.12
        )
    )
    row["hubungan_keluarga"] = draw(
        st.sampled_from(["1", "1", "1", "9", "x", "Kepala Keluarga", "KEPALA  KELUARGA"])
    )
    return row


def _python(row: dict, context) -> tuple[set, set]:
    """(errors, warnings) as {(column, code)} from the declarations' Python rendering."""
    errors, warnings = set(), set()
    for record in (PERSON, FAMILY, DWELLING):
        data = {f.name: row.get(f.column) for f in record.writable if f.column}
        # The dwelling's kelurahan is its family's: only its columns are checked.
        cleaned = record.clean(data, context, only=tuple(data) if record is DWELLING else None)
        errors |= {(record[name].column, code) for name, code in cleaned.codes.items()}
        warnings |= {
            (record[name].column, code)
            for name, code, _message in record.warnings(cleaned.values, context)
        }
    # A KK that cannot be read makes the row no family's; one read but refused by a check on the
    # whole number (its region, its date) still names the family, whose row needs its kelurahan.
    readable = ("required", REGION_UNKNOWN, KK_DATE)
    if any(c == "no_kk" and code not in readable for c, code in errors):
        errors.discard(("kode_wilayah", "required"))
    return errors, set() if errors else warnings


def _bulk(path, operator) -> dict[int, tuple[set, set]]:
    batch = import_local_file(actor=operator, path=path)
    report = import_error_report_path(batch)
    out: dict[int, tuple[set, set]] = {}
    if report is None:
        return out
    with report.open(encoding="utf-8-sig", newline="") as handle:
        for line in csv.DictReader(handle):
            errors, warnings = out.setdefault(int(line["baris"]), (set(), set()))
            (errors if line["tingkat"] == "kesalahan" else warnings).add(
                (line["kolom"], line["kode"])
            )
    return out


@pytest.fixture
def operator(db):
    return make_user(Role.OPERATOR)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=st.lists(rows(), min_size=1, max_size=12))
def test_a_form_and_the_bulk_import_agree_on_every_row(operator, tmp_path_factory, drawn):
    _agree(operator, tmp_path_factory, drawn)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=st.lists(rows(), min_size=1, max_size=12))
def test_they_agree_when_the_settings_make_the_identifier_checks_errors(
    operator, tmp_path_factory, drawn
):
    with override_settings(PADU_IDENTIFIER_REGION_CHECK="error", PADU_KK_DATE_CHECK="error"):
        _agree(operator, tmp_path_factory, drawn)


def _agree(operator, tmp_path_factory, drawn):
    path = tmp_path_factory.mktemp("parity") / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROW.names))
        writer.writeheader()
        writer.writerows(drawn)
    bulk = _bulk(path, operator)
    context = RecordContext(operator)
    for number, row in enumerate(drawn, start=2):
        assert bulk.get(number, (set(), set())) == _python(row, context), (number, row)
