"""Uploads that cannot hurt (issue 10, point 6): each bad file gets a message that names the row,
the column and the fix, and nothing is written; what Excel does to a file is read as meant."""

import datetime
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook

from padu.registry.importer.files import ImportFileError
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import import_local_file, import_submit
from padu.registry.models import Family, ImportBatch, Person

from .test_import_engine import _report, _row, _write_csv

pytestmark = pytest.mark.django_db

NIK = "1371015705800001"


def _nothing_written(media):
    counts = (
        ImportBatch.objects.count(),
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
    )
    assert counts == (0, 0, 0)
    stored = list((media / "imports").rglob("*.*")) if (media / "imports").exists() else []
    assert stored == []


def _refused(path, operator, media) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught, path.open("rb") as fh:
        import_submit(actor=operator, upload=fh, file_name=path.name)
    _nothing_written(media)
    return caught.value


def _xlsx(path, rows, *, header=None):
    """A workbook as Excel keeps one: typed cells (numbers, dates, formulas) as given."""
    book = Workbook()
    sheet = book.active
    sheet.append(header or list(_row()))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _cells(**values) -> list:
    return list(_row(**values).values())


# ----------------------------------------------------------------------------- encodings


def _csv_text(separator=",", name="Siti Ñuñez") -> str:
    row = _row(nama=name)
    return separator.join(row) + "\r\n" + separator.join(row.values()) + "\r\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-16"),  # with its byte-order mark, as Notepad's “Unicode”
        lambda t: t.replace(",", "\t").encode("utf-16"),  # Excel's “Unicode Text” (tabs)
        lambda t: t.encode("utf-16-le"),  # without a byte-order mark
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["utf16-bom", "unicode-text", "utf16-le", "utf16-be"],
)
def test_a_utf16_csv_is_read(tmp_path, media, operator, encode):
    path = tmp_path / "unicode.csv"
    path.write_bytes(encode(_csv_text()))
    batch = import_local_file(actor=operator, path=path)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert batch.total_rows == 1 and batch.error_rows == 0
    assert Person.objects.unscoped().get().name == "Siti Ñuñez"


def test_a_windows_1252_csv_is_refused_naming_the_encoding_the_row_and_the_column(
    tmp_path, media, operator
):
    path = tmp_path / "ansi.csv"
    good = ",".join(_row().values())
    path.write_bytes(
        (",".join(_row()) + "\r\n" + good + "\r\n" + _csv_text(name="José").splitlines()[1]).encode(
            "cp1252"
        )
    )
    error = _refused(path, operator, media)
    assert error.code == "encoding"
    message = str(error)
    assert "Windows-1252" in message and "Baris 3, kolom nama" in message
    assert "CSV UTF-8" in message


def test_a_damaged_utf16_csv_is_refused(tmp_path, media, operator):
    path = tmp_path / "broken.csv"
    path.write_bytes(_csv_text().encode("utf-16") + b"\x00")  # an odd number of bytes
    assert _refused(path, operator, media).code == "encoding"


# ----------------------------------------------------------------------- what Excel does


def test_a_nik_that_excel_turned_into_a_number_is_named(tmp_path, media, operator):
    csv_path = _write_csv(
        tmp_path / "excel.csv", [_row(nik="1.37102E+15"), _row(nik="1,37102E+15")]
    )
    xlsx_path = _xlsx(tmp_path / "excel.xlsx", [_cells(nik=1371015705800001)])
    for path in (csv_path, xlsx_path):
        batch = import_local_file(actor=operator, path=path)
        lines = _report(batch)
        assert [(x["baris"], x["kolom"], x["kode"]) for x in lines] == [
            (str(n + 2), "nik", "excel_number") for n in range(len(lines))
        ]
        assert "Kolom NIK diformat angka oleh Excel" in lines[0]["pesan"]
        assert "format kolom sebagai Teks" in lines[0]["pesan"]
        assert "1.37102E+15" in lines[0]["pesan"]
    assert Person.objects.unscoped().count() == 0 and Family.objects.unscoped().count() == 0


def test_numbers_written_with_spaces_dots_or_dashes_are_read_as_their_digits(
    tmp_path, media, operator
):
    path = _write_csv(
        tmp_path / "spaced.csv",
        [_row(nik="1371 0157 0580 0001", no_kk="13.71.01.150120.0001")],
    )
    batch = import_local_file(actor=operator, path=path)
    assert batch.error_rows == 0, _report(batch)
    assert Person.objects.unscoped().get().nik == NIK
    assert Family.objects.unscoped().get().kk_number == "1371011501200001"


def test_excel_dates_are_read_from_date_cells_numbers_and_csv_text(tmp_path, media, operator):
    xlsx_path = _xlsx(
        tmp_path / "dates.xlsx",
        [
            _cells(tanggal_lahir=datetime.datetime(1980, 5, 17)),  # a date cell
            # 29221 is 1 January 1980 (days since 30 December 1899), a cell formatted as number
            _cells(nik="1371014101800002", nama="Rina", tanggal_lahir=29221, hubungan_keluarga=2),
        ],
    )
    batch = import_local_file(actor=operator, path=xlsx_path)
    assert batch.error_rows == 0, _report(batch)
    born = dict(Person.objects.unscoped().values_list("nik", "birth_date"))
    assert born == {NIK: datetime.date(1980, 5, 17), "1371014101800002": datetime.date(1980, 1, 1)}
    csv_path = _write_csv(tmp_path / "dates.csv", [_row(tanggal_lahir="29358")])
    import_local_file(actor=operator, path=csv_path)
    assert Person.objects.unscoped().get(nik=NIK).birth_date == datetime.date(1980, 5, 17)


def test_a_year_alone_is_not_read_as_an_excel_date(tmp_path, media, operator):
    batch = import_local_file(
        actor=operator, path=_write_csv(tmp_path / "year.csv", [_row(tanggal_lahir="1980")])
    )
    assert [(x["kolom"], x["kode"]) for x in _report(batch)] == [("tanggal_lahir", "date")]
    assert Person.objects.unscoped().count() == 0


def test_a_formula_without_its_value_is_refused_naming_the_row_and_the_column(
    tmp_path, media, operator
):
    # openpyxl writes formulas without their results, as a program does that never calculated.
    path = _xlsx(tmp_path / "formula.xlsx", [_cells(), _cells(nama='=CONCATENATE("Siti", "")')])
    error = _refused(path, operator, media)
    assert error.code == "xlsx_formula"
    assert "Baris 3, kolom nama" in str(error) and "Excel atau LibreOffice" in str(error)


def test_formulas_with_their_values_are_read(tmp_path, media, operator):
    path = _xlsx(tmp_path / "calculated.xlsx", [_cells()])
    # What Excel writes: the formula and, beside it, the value it calculated.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace(
        '<c r="C2" t="inlineStr"><is><t>Siti Rahmah</t></is></c>',
        '<c r="C2" t="str"><f>PROPER("siti rahmah")</f><v>Siti Rahmah</v></c>',
    )
    assert "<f>" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    batch = import_local_file(actor=operator, path=path)
    assert batch.error_rows == 0 and Person.objects.unscoped().get().name == "Siti Rahmah"


# ---------------------------------------------------------------------------- XLSX limits


@override_settings(PADU_IMPORT_XLSX_MAX_ROWS=2)
def test_an_xlsx_over_the_row_limit_is_refused(tmp_path, media, operator):
    error = _refused(_xlsx(tmp_path / "rows.xlsx", [_cells()] * 3), operator, media)
    assert error.code == "xlsx_rows"
    assert "3 baris data" in str(error) and "paling banyak 2" in str(error)


@override_settings(PADU_IMPORT_XLSX_MAX_COLUMNS=7)
def test_an_xlsx_over_the_column_limit_is_refused(tmp_path, media, operator):
    error = _refused(_xlsx(tmp_path / "wide.xlsx", [[*_cells(), "catatan"]]), operator, media)
    assert error.code == "xlsx_columns"
    assert "8 kolom (sampai kolom H)" in str(error)


@override_settings(PADU_IMPORT_XLSX_MAX_CELL_CHARS=40)
def test_an_xlsx_cell_over_the_length_limit_is_refused(tmp_path, media, operator):
    path = _xlsx(tmp_path / "long.xlsx", [_cells(), _cells(nama="Siti " * 10)])
    error = _refused(path, operator, media)
    assert error.code == "xlsx_cell"
    assert "Baris 3, kolom nama berisi 50 karakter" in str(error)


@override_settings(PADU_IMPORT_MAX_BYTES=12_000)
def test_an_xlsx_whose_data_unpacks_past_the_size_limit_is_refused(tmp_path, media, operator):
    # One shared string in many cells: a small file, much text (a zip bomb of text).
    rows = [_cells(alamat="Jl. Sawahan " * 20)] * 60
    path = _xlsx(tmp_path / "bomb.xlsx", rows)
    assert path.stat().st_size < 12_000
    error = _refused(path, operator, media)
    assert error.code == "xlsx_unpacked" and "pada baris 39" in str(error)


@override_settings(PADU_IMPORT_XLSX_MAX_UNPACKED_BYTES=50_000)
def test_an_xlsx_whose_zip_directory_promises_too_much_is_not_opened(tmp_path, media, operator):
    path = _xlsx(tmp_path / "big.xlsx", [_cells(alamat=f"Jl. {n}") for n in range(1_000)])
    error = _refused(path, operator, media)
    assert error.code == "zip_bomb" and "CSV UTF-8" in str(error)


def test_a_sheet_with_cells_far_apart_is_refused_without_hurting_the_server(
    tmp_path, media, operator
):
    # 1 KB: a header and one cell in XFD1048576. Read whole, the sheet would take 512 GB.
    book = Workbook()
    sheet = book.active
    sheet.append(list(NAMES))
    sheet["XFD1048576"] = "x"
    path = tmp_path / "sparse.xlsx"
    book.save(path)
    error = _refused(path, operator, media)
    assert error.code in ("xlsx_memory", "xlsx_rows", "xlsx_columns")
    unlimited = {"PADU_IMPORT_XLSX_MAX_ROWS": 2_000_000, "PADU_IMPORT_XLSX_MAX_COLUMNS": 20_000}
    with override_settings(**unlimited):
        error = _refused(path, operator, media)
    assert error.code == "xlsx_memory" and "CSV UTF-8" in str(error)
