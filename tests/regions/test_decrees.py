"""A newer decree's list: codes it no longer names end (with their subtrees) and renamed codes keep
their old name; nothing is ever deleted. Lists load in the order of their dates."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from padu.core.errors import DomainError
from padu.core.models import AuditEntry
from padu.regions import national
from padu.regions.models import Decree, Region, RegionChange
from padu.regions.services import regions_load, regions_load_national

HEADER = "kode,nama,level,kode_induk,kode_pos\n"
# Kota Bukittinggi (not in the shipped test data), as the national decree lists a part of it.
OLD = (
    HEADER
    + "13.75,Kota Bukittinggi,kota,13,\n"
    + "13.75.01,Guguk Panjang,kecamatan,13.75,\n"
    + "13.75.01.1001,Bukit Cangang Kayu Ramang,kelurahan,13.75.01,26111\n"
    + "13.75.01.1002,Tarok Dipo,kelurahan,13.75.01,26117\n"
    + "13.75.02,Mandiangin Koto Selayan,kecamatan,13.75,\n"
    + "13.75.02.1001,Pulai Anak Air,kelurahan,13.75.02,26121\n"
)
# The newer decree: 13.75.01.1001 renamed, 13.75.01.1002 gone, 13.75.01.1003 new, and the whole
# kecamatan 13.75.02 (with its village) gone.
NEW = (
    HEADER
    + "13.75,Kota Bukittinggi,kota,13,\n"
    + "13.75.01,Guguk Panjang,kecamatan,13.75,\n"
    + "13.75.01.1001,Bukik Cangang Kayu Ramang,kelurahan,13.75.01,26111\n"
    + "13.75.01.1003,Tarok Baru,kelurahan,13.75.01,26117\n"
)
NEWER_DECREE = "Kepmendagri 100.1.1-9999/2026"
NEWER_DATE = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def load(text, **decree):
    return regions_load(actor=None, data=text.encode(), source="test.csv", **decree)


def load_newer(text=NEW):
    return load(text, decree=NEWER_DECREE, valid_from=NEWER_DATE)


def test_a_newer_decree_ends_and_renames_codes_and_deletes_nothing(db):
    assert load(OLD).ok
    before = set(Region.objects.values_list("code", flat=True))
    padang = dict(Region.objects.filter(code__startswith="13.71").values_list("code", "ended_by"))

    report = load_newer()

    assert report.ok
    assert (report.created, report.renamed, report.ended) == (1, 1, 3)
    after = set(Region.objects.values_list("code", flat=True))
    assert before <= after and after - before == {"13.75.01.1003"}
    decree = Decree.objects.get(number=NEWER_DECREE)
    ended = Region.objects.filter(ended_by=decree)
    assert set(ended.values_list("code", flat=True)) == {
        "13.75.01.1002",
        "13.75.02",
        "13.75.02.1001",  # below an ended kecamatan
    }
    assert set(ended.values_list("valid_until", flat=True)) == {datetime.date(2026, 2, 28)}
    renamed = Region.objects.get(code="13.75.01.1001")
    assert renamed.name == "Bukik Cangang Kayu Ramang" and renamed.ended_by is None
    assert renamed.decree.number == national.DECREE  # still valid since the first decree
    change = RegionChange.objects.get(region=renamed, kind=RegionChange.Kind.RENAMED)
    assert (change.old_name, change.new_name, change.decree) == (
        "Bukit Cangang Kayu Ramang",
        "Bukik Cangang Kayu Ramang",
        decree,
    )
    new = Region.objects.get(code="13.75.01.1003")
    assert (new.decree, new.valid_from, new.valid_until) == (decree, NEWER_DATE, None)
    # Neighbours the file does not list are not its business: Kota Padang is untouched.
    assert (
        dict(Region.objects.filter(code__startswith="13.71").values_list("code", "ended_by"))
        == padang
    )
    entry = AuditEntry.objects.filter(action="regions.tree.loaded").latest("id")
    assert entry.after["decree"] == NEWER_DECREE
    assert sorted(entry.after["ended"]) == ["13.75.01.1002", "13.75.02", "13.75.02.1001"]
    assert entry.after["renamed"] == ["13.75.01.1001"]


def test_loading_the_newer_decree_again_changes_nothing(db):
    load(OLD)
    load_newer()
    changes, audit = RegionChange.objects.count(), AuditEntry.objects.count()
    report = load_newer()
    assert (report.created, report.updated, report.ended, report.renamed) == (0, 0, 0, 0)
    assert (RegionChange.objects.count(), AuditEntry.objects.count()) == (changes, audit)


def test_a_code_listed_again_is_valid_again(db):
    load(OLD)
    load_newer()
    report = load(
        NEW + "13.75.01.1002,Tarok Dipo,kelurahan,13.75.01,26117\n",
        decree="Kepmendagri 100.1.1-10000/2026",
        valid_from=datetime.date(2026, 6, 1),
    )
    assert report.restored == 1
    back = Region.objects.get(code="13.75.01.1002")
    assert (back.ended_by, back.valid_until) == (None, None)
    assert RegionChange.objects.filter(region=back, kind=RegionChange.Kind.RESTORED).exists()


def test_an_older_decree_after_a_newer_one_is_refused_and_writes_nothing(db):
    load(OLD)
    load_newer()
    regions, audit = (
        list(Region.objects.values_list("code", "name", "ended_by")),
        (AuditEntry.objects.count()),
    )
    with pytest.raises(DomainError, match=re.escape(f"older than decree {NEWER_DECREE}")):
        load(OLD, decree="Kepmendagri 1/2025", valid_from=datetime.date(2025, 1, 1))
    assert list(Region.objects.values_list("code", "name", "ended_by")) == regions
    assert AuditEntry.objects.count() == audit
    assert not Decree.objects.filter(number="Kepmendagri 1/2025").exists()


def test_one_decree_with_two_dates_is_refused(db):
    load_newer()
    with pytest.raises(DomainError, match="was loaded as valid from"):
        load(NEW, decree=NEWER_DECREE, valid_from=datetime.date(2026, 4, 1))


def test_a_decree_without_a_number_is_refused(db):
    with pytest.raises(DomainError, match="Name the decree"):
        load(NEW, decree="  ", valid_from=NEWER_DATE)
    assert not Region.objects.filter(code__startswith="13.75").exists()


def test_a_province_list_ends_no_kab_kota_and_a_desa_adat_code_must_start_with_3(db):
    load(OLD)
    provinces = (settings.DATA_DIR / "wilayah" / "00_provinsi.csv").read_text(encoding="utf-8")
    report = load(provinces)  # the provinces' children are not its business
    assert report.ok and report.ended == 0
    bad = load(
        OLD + "13.75.01.2001,Desa Adat Contoh,desa_adat,13.75.01,\n",
        decree=NEWER_DECREE,
        valid_from=NEWER_DATE,
    )
    assert bad.errors == [(8, "code 13.75.01.2001 is not a desa adat number (3001–3999)")]


def test_command_loads_a_newer_decree_and_says_what_ended(db, tmp_path, capsys):
    load(OLD)
    path = tmp_path / "1375_bukittinggi_2026.csv"
    path.write_text(NEW, encoding="utf-8")
    call_command(
        "regions", "load", str(path), "--decree", NEWER_DECREE, "--valid-from", "2026-03-01"
    )
    out = capsys.readouterr().out
    assert "1 created" in out and "1 renamed, 0 listed again; 3 ended" in out
    with pytest.raises(CommandError, match="Give the date decree"):
        call_command("regions", "load", str(path), "--decree", "Kepmendagri 2/2027")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("regions", "load", str(path), "--decree", "X", "--valid-from", "1 Maret")


def test_a_part_of_the_national_list_loads_without_ending_its_neighbours(db):
    valid = Region.objects.filter(ended_by=None).count()
    report = regions_load_national(actor=None, within="13.75")
    assert report.ok and report.ended == 0
    assert report.created == national.national_size("13.75") - 1  # the province exists
    assert Region.objects.filter(ended_by=None).count() == valid + report.created
    village = Region.objects.get(code="13.75.01.1001")
    assert (village.level, village.decree.number, village.valid_from) == (
        "kelurahan",
        national.DECREE,
        national.DECREE_DATE,
    )
    assert len(village.postal_code) == 5
    assert Region.objects.get(code="13.71.01.1001").decree.number == national.DECREE


def test_an_unknown_part_of_the_national_list_is_refused(db):
    with pytest.raises(DomainError, match="is not in the national list"):
        regions_load_national(actor=None, within="99.01")


def test_command_loads_a_province_of_the_national_list(db, capsys):
    call_command("regions", "national", "--within", "65")  # Kalimantan Utara: small
    assert "0 updated" in capsys.readouterr().out
    assert Region.objects.filter(code__startswith="65.", level="kecamatan").exists()
    assert not Region.objects.exclude(ended_by=None).exists()
