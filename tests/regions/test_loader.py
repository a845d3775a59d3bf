"""The region loader: a bad file is reported line by line and writes nothing; a good one loads
once, and loading it again changes nothing."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from padu.core.errors import DomainError
from padu.core.models import AuditEntry
from padu.regions.models import Region
from padu.regions.services import regions_load, regions_load_file

HEADER = "kode,nama,level,kode_induk,kode_pos\n"
# Kota Bukittinggi: not in the shipped data, so every test starts without it.
GOOD = (
    HEADER
    + "13.75,Kota Bukittinggi,kota,13,\n"
    + "13.75.01,Guguk Panjang,kecamatan,13.75,\n"
    + "13.75.01.1001,Bukit Cangang Kayu Ramang,kelurahan,13.75.01,26111\n"
    + "13.75.01.1002,Tarok Dipo,kelurahan,13.75.01,26117\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def unchanged(db):
    """Asserts, after the test, that neither regions nor the audit trail changed."""
    regions, audit = Region.objects.count(), AuditEntry.objects.count()
    yield
    assert Region.objects.count() == regions
    assert AuditEntry.objects.count() == audit
    assert not Region.objects.filter(code__startswith="13.75").exists()


def load(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return regions_load(actor=None, data=data, source="test.csv")


def test_good_file_loads_every_row_with_parents(db):
    report = load(GOOD)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    village = Region.objects.get(code="13.75.01.1002")
    assert (village.name, village.level, village.parent_id, village.postal_code) == (
        "Tarok Dipo",
        "kelurahan",
        "13.75.01",
        "26117",
    )
    assert Region.objects.get(code="13.75").parent_id == "13"
    entry = AuditEntry.objects.get(action="regions.tree.loaded", object_repr="test.csv")
    assert entry.after["created"] == 4
    assert entry.after["updated"] == 0


def test_children_before_parents_in_the_file_still_load(db):
    lines = GOOD.splitlines(keepends=True)
    report = load(lines[0] + "".join(reversed(lines[1:])))
    assert report.ok
    assert report.created == 4


def test_loading_the_same_file_again_is_a_no_op(db):
    load(GOOD)
    audit = AuditEntry.objects.count()
    report = load(GOOD)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert AuditEntry.objects.count() == audit


def test_the_shipped_kota_padang_file_is_already_loaded_and_reloads_unchanged(db, settings):
    audit = AuditEntry.objects.count()
    report = regions_load_file(
        actor=None, path=settings.DATA_DIR / "wilayah" / "1371_kota_padang.csv"
    )
    assert report.ok
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == 1 + 11 + 104
    assert AuditEntry.objects.count() == audit


def test_a_changed_name_is_updated_and_audited(db):
    load(GOOD)
    report = load(GOOD.replace("Tarok Dipo", "Tarok Dipo Baru"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert Region.objects.get(code="13.75.01.1002").name == "Tarok Dipo Baru"
    entry = AuditEntry.objects.filter(action="regions.tree.loaded").latest("id")
    assert entry.after["updated_codes"] == ["13.75.01.1002"]


def test_quoted_name_with_a_comma_and_a_bom_are_read(db):
    text = "\ufeff" + HEADER + '13.75,"Kota Bukittinggi, Sumbar",kota,13,\n'
    report = load(text)
    assert report.ok
    assert Region.objects.get(code="13.75").name == "Kota Bukittinggi, Sumbar"


BROKEN_ROWS = [
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.1,Guguk Panjang,kecamatan,13.75,\n",
        3,
        "“13.75.1” is not a Kemendagri region code",
        id="malformed-code",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13-75-02,Mandiangin,kecamatan,13.75,\n",
        3,
        "“13-75-02” is not a Kemendagri region code",
        id="malformed-code-separator",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.99.01,Entah,kecamatan,13.99,\n",
        3,
        "parent 13.99 is neither in the file nor loaded",
        id="missing-parent",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75,Kota Bukittinggi,kota,13,\n",
        3,
        "code 13.75 already appears on line 2",
        id="duplicate-code",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01,Guguk Panjang,kecamatan,13.71,\n",
        3,
        "code 13.75.01 does not lie under parent 13.71",
        id="code-not-under-parent",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01,Guguk Panjang,kelurahan,13.75,\n",
        3,
        "has the form of a kecamatan, not of a Kelurahan",
        id="wrong-level-depth",
    ),
    pytest.param(
        "13.05,Kabupaten Tanah Datar,kota,13,\n",
        2,
        "code 13.05 is a kabupaten number (01–69), not a kota",
        id="wrong-level-kota-number",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01,Guguk Panjang,kecamatan,13.75,\n"
        "13.75.01.2001,Bukit Cangang,kelurahan,13.75.01,26111\n",
        4,
        "is not a kelurahan number",
        id="wrong-level-desa-number",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kotamadya,13,\n",
        2,
        "unknown level “kotamadya”",
        id="unknown-level",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01,Guguk Panjang,kecamatan,13.75,\n"
        "13.75.01.1001,Bukit Cangang,kelurahan,13.75.01,2611\n",
        4,
        "postal code “2611” must be five digits",
        id="bad-postal-code",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01,,kecamatan,13.75,\n",
        3,
        "the name is empty",
        id="empty-name",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,,\n",
        2,
        "the parent code is empty",
        id="empty-parent",
    ),
    pytest.param(
        "13,Sumatera Barat,provinsi,12,\n",
        2,
        "a province has no parent",
        id="province-with-parent",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01,Guguk, Panjang,kecamatan,13.75,\n",
        3,
        "more values than the header has columns",
        id="unquoted-comma",
    ),
    pytest.param(
        "13.75,Kota Bukittinggi,kota,13,\n13.75.01," + "x" * 121 + ",kecamatan,13.75,\n",
        3,
        "longer than 120 characters",
        id="name-too-long",
    ),
]


@pytest.mark.parametrize(("rows", "line", "message"), BROKEN_ROWS)
def test_broken_row_is_reported_by_line_and_nothing_is_written(unchanged, rows, line, message):
    # A good kecamatan row after the bad one must not be written either.
    report = load(HEADER + rows + "13.75.02,Mandiangin Koto Selayan,kecamatan,13.75,\n")
    assert not report.ok
    assert (report.created, report.updated) == (0, 0)
    matching = [(n, text) for n, text in report.errors if message in text]
    assert matching, report.errors
    assert matching[0][0] == line


def test_every_error_of_a_file_is_reported_in_line_order(unchanged):
    report = load(
        HEADER
        + "13.75,Kota Bukittinggi,kota,13,\n"
        + "13.75.1,Salah,kecamatan,13.75,\n"
        + "13.75.02,Mandiangin,kecamatan,13.99,\n"
        + "13.75.02.1001,Campago,kelurahan,13.75.02,123\n"
    )
    lines = [line for line, _text in report.errors]
    assert lines == sorted(lines)
    assert {3, 4, 5} <= set(lines)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "The file is empty.", id="empty"),
        pytest.param(b"\xef\xbb\xbf\n\n", "The file is empty.", id="only-bom-and-blank-lines"),
        pytest.param(HEADER.encode(), "header line but no regions", id="header-only"),
        pytest.param(
            "kode,nama,level,kode_induk\n13.75,Kota Bukittinggi,kota,13\n".encode("utf-16"),
            "not UTF-8",
            id="utf-16",
        ),
        pytest.param(
            (HEADER + "13.75,Kota Bukíttinggi,kota,13,\n").encode("latin-1"),
            "not UTF-8",
            id="latin-1",
        ),
        pytest.param(
            b"kode;nama;level;kode_induk\n13.75;Kota Bukittinggi;kota;13\n",
            "lacks the columns: kode, nama, level, kode_induk",
            id="wrong-separator",
        ),
        pytest.param(
            b"kode,nama,kode_induk\n13.75,Kota Bukittinggi,13\n",
            "lacks the columns: level",
            id="missing-column",
        ),
    ],
)
def test_unreadable_file_is_refused_whole(unchanged, data, message):
    with pytest.raises(DomainError) as excinfo:
        load(data)
    assert message in str(excinfo.value)


def test_optional_postal_column_may_be_missing(db):
    report = load("kode,nama,level,kode_induk\n13.75,Kota Bukittinggi,kota,13\n")
    assert report.ok
    assert Region.objects.get(code="13.75").postal_code == ""


# --- the `padu regions load` command -------------------------------------------------------


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "1375_bukittinggi.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "rusak.csv"
    path.write_text(
        HEADER + "13.75,Kota Bukittinggi,kota,13,\n13.75.01,Guguk Panjang,kecamatan,13.71,\n",
        encoding="utf-8",
    )
    return path


def test_command_reports_counts(db, good_file, capsys):
    call_command("regions", "load", str(good_file))
    out = capsys.readouterr().out
    assert f"{good_file}: 4 created, 0 updated, 0 unchanged" in out
    call_command("regions", "load", str(good_file))
    assert f"{good_file}: 0 created, 0 updated, 4 unchanged" in capsys.readouterr().out


def test_command_lists_errors_by_line_and_fails(unchanged, bad_file, capsys):
    with pytest.raises(CommandError) as excinfo:
        call_command("regions", "load", str(bad_file))
    assert excinfo.value.returncode == 1
    err = capsys.readouterr().err
    assert f"{bad_file}:3: code 13.75.01 does not lie under parent 13.71" in err
    assert f"{bad_file}: nothing written (1 error)" in err


def test_command_loads_good_files_and_fails_for_the_bad_one(
    db, good_file, bad_file, tmp_path, capsys
):
    missing = tmp_path / "tidak-ada.csv"
    with pytest.raises(CommandError) as excinfo:
        call_command("regions", "load", str(good_file), str(bad_file), str(missing))
    assert "2 of 3 files were not loaded" in str(excinfo.value)
    captured = capsys.readouterr()
    assert f"{good_file}: 4 created" in captured.out
    assert f"{missing}: file not found" in captured.err
    assert Region.objects.filter(code__startswith="13.75").count() == 4


def test_cli_exit_status_is_1_for_a_bad_file(tmp_path):
    """The real `padu` console command, in its own process: a file without the required columns
    is refused before the database is touched, the exit status says so, and so does the text,
    in the office's language (Indonesian)."""
    bad = tmp_path / "kolom.csv"
    bad.write_text("kode,nama\n13.75,Kota Bukittinggi\n", encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "padu.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    padu = os.path.join(os.path.dirname(sys.executable), "padu")
    result = subprocess.run(
        [padu, "regions", "load", str(bad)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 1
    assert f"{bad}: tidak ada yang ditulis" in result.stderr
    assert "1 dari 1 berkas tidak dimuat" in result.stderr


def test_command_speaks_indonesian(db, good_file, capsys):
    with translation.override("id"):
        call_command("regions", "load", str(good_file))
    assert f"{good_file}: 4 dibuat, 0 diubah, 0 tidak berubah" in capsys.readouterr().out


def test_a_bare_name_loads_the_file_padu_ships(db, tmp_path, monkeypatch, capsys):
    """Installed by pip, Padu's CSVs are somewhere in site-packages: `padu regions load
    1371_kota_padang.csv` finds them from any folder; a file of that name here comes first."""
    monkeypatch.chdir(tmp_path)
    call_command("regions", "load", "1371_kota_padang.csv")
    assert "1371_kota_padang.csv" in capsys.readouterr().out
    (tmp_path / "1371_kota_padang.csv").write_text("kode,nama\n13.71,Kota Padang\n")
    with pytest.raises(CommandError):
        call_command("regions", "load", "1371_kota_padang.csv")
