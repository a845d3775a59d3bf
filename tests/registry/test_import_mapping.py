"""Files as offices have them: a kelurahan's by-name-by-address list (capitalised, dotted
headings, dd/mm/yyyy dates, sex as words, one row per head of family) matched to Padu's fields
on the mapping page, previewed, imported, and its mapping remembered for the next file from the
same source; the bad matches refused with nothing written."""

import csv
import datetime
import io
import re

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.core.records.kinds import Invalid
from padu.registry.declarations import PERSON
from padu.registry.importer import mapping as mapping_module
from padu.registry.importer import sources
from padu.registry.importer.checks import Context
from padu.registry.importer.errors import ImportFileError
from padu.registry.importer.layout import NAMES
from padu.registry.importer.mapping import build, heading_key, suggest
from padu.registry.models import Family, ImportBatch, ImportMapping, Person
from tests.factories import KEL_A, KOTA, make_user

pytestmark = pytest.mark.django_db

CREATE = reverse("registry:import_create")
SOURCE = "Kelurahan Koto Tangah BNBA"
HEADER = [
    "NO",
    "NIK",
    "NAMA KEPALA KELUARGA",
    "JENIS KELAMIN",
    "TANGGAL LAHIR",
    "JUMLAH ANGGOTA KELUARGA",
    "ALAMAT",
    "RT",
    "RW",
    "KET. PEKERJAAN",  # matched to nothing: the user chooses "pekerjaan"
    "NO. KK",
]
ROWS = [
    [
        "1",
        "1371010701730001",
        "BUDI SANTOSO",
        "LAKI-LAKI",
        "07/01/1973",
        "4",
        "JL. SAWAHAN NO. 5",
        "2",
        "1",
        "PETANI",
        "1371011501200001",
    ],
    [
        "2",
        "1371014803800002",
        "SITI AMINAH",
        "Perempuan",
        "8/3/1980",
        "3",
        "JL. SAWAHAN NO. 7",
        "02",
        "001",
        "PEDAGANG",
        "1371011501200002",
    ],
]


def bnba(rows=ROWS, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.fixture(autouse=True)
def language():
    """The pages are read in English (the operator's language); the next test module starts in
    the default language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(client):
    user = make_user(Role.OPERATOR, scope=KOTA, language="en", username="op_kota")
    client.force_login(user)
    return user


def upload(client, content: bytes, source: str = "") -> str:
    response = client.post(
        CREATE, {"file": SimpleUploadedFile("bnba.csv", content), "source": source}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def corrected(**extra) -> dict:
    """The mapping page's form: the automatic matches, with "KET. PEKERJAAN" corrected."""
    chosen = suggest(HEADER)
    data = {f"column_{i}": column for i, column in enumerate(chosen)}
    data[f"column_{HEADER.index('KET. PEKERJAAN')}"] = "pekerjaan"
    data |= {"region": KEL_A, "heads_only": "on", "source": SOURCE}
    return data | extra


def selected(page: str, name: str) -> str | None:
    """The value selected in the <select name=...> of a page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else None


def nothing_written():
    assert ImportBatch.objects.count() == 0
    assert Family.objects.unscoped().count() == 0 and Person.objects.unscoped().count() == 0


# --- matching by the declarations' synonyms ------------------------------------------------------


@pytest.mark.parametrize("heading", ["NO. KK", "NOKK", "NOMOR KK", " No Kk ", "no_kk", "Nomor KK."])
def test_the_kk_headings_offices_write_are_matched_to_the_kk_number(heading):
    assert suggest([heading]) == ["no_kk"]


def test_a_bnba_header_is_matched_by_the_declarations_and_unknown_headings_are_left_out():
    assert dict(zip(HEADER, suggest(HEADER), strict=True)) == {
        "NO": "",
        "NIK": "nik",
        "NAMA KEPALA KELUARGA": "nama",
        "JENIS KELAMIN": "jenis_kelamin",
        "TANGGAL LAHIR": "tanggal_lahir",
        "JUMLAH ANGGOTA KELUARGA": "",
        "ALAMAT": "alamat",
        "RT": "rt",
        "RW": "rw",
        "KET. PEKERJAAN": "",
        "NO. KK": "no_kk",
    }
    # A field is offered once, to its first heading.
    assert suggest(["NO KK", "NOMOR KK"]) == ["no_kk", ""]
    assert heading_key("Tgl. Lahir") == "tgllahir"


# --- values as offices write them, read alike one row at a time and in bulk ----------------------

SEX = {"LAKI-LAKI": "L", "Perempuan": "P", "L": "L", "p": "P", "laki  laki": "L", "Lelaki": None}
RELATIONSHIP = {"KEPALA KELUARGA": 1, "Istri": 2, "anak": 3, "1": 1, "Kakak": None}
DATES = {
    "07/01/1973": datetime.date(1973, 1, 7),
    "7/1/1973": datetime.date(1973, 1, 7),
    "17.05.1980": datetime.date(1980, 5, 17),
    "1980-05-17": datetime.date(1980, 5, 17),
    "31/02/1980": None,
    "13/13/1980": None,
    "1973/01/07": None,
}


def _bulk(field: str, texts: list[str]) -> list:
    kind = PERSON[field].kind
    context = Context(frozenset(), frozenset(), frozenset(), frozenset(), datetime.date(2026, 1, 1))
    value, failures = kind.parse_expr(pl.col("t"), context)
    frame = pl.DataFrame({"t": texts}).select(
        value.alias("v"), *(bad.alias(p.code) for p, bad in failures)
    )
    codes = [
        next((p.code for p, _ in failures if row[p.code]), None)
        for row in frame.iter_rows(named=True)
    ]
    return list(zip(frame["v"].to_list(), codes, strict=True))


@pytest.mark.parametrize(
    ("field", "cases", "code"),
    [
        ("sex", SEX, "choice"),
        ("relationship", RELATIONSHIP, "integer"),
        ("birth_date", DATES, "date"),
    ],
)
def test_words_and_day_first_dates_are_read_alike_by_a_form_and_by_the_bulk_checks(
    field, cases, code
):
    kind = PERSON[field].kind
    bulk = _bulk(field, list(cases))
    for (text, expected), (bulk_value, bulk_code) in zip(cases.items(), bulk, strict=True):
        if expected is None:
            with pytest.raises(Invalid) as raised:
                kind.parse(text, None)
            assert bulk_value is None and bulk_code == raised.value.problem.code
            assert bulk_code == code
        else:
            assert kind.parse(text, None) == expected
            assert (bulk_value, bulk_code) == (expected, None)


# --- the mapping page ----------------------------------------------------------------------------


def test_a_bnba_file_is_matched_previewed_and_imported_as_families_with_their_heads(
    client, operator, django_capture_on_commit_callbacks
):
    page_url = upload(client, bnba())
    nothing_written()

    page = client.get(page_url).content.decode()
    assert "KET. PEKERJAAN" in page and "NAMA KEPALA KELUARGA" in page
    assert selected(page, f"column_{HEADER.index('NO. KK')}") == "no_kk"
    assert selected(page, f"column_{HEADER.index('KET. PEKERJAAN')}") == ""

    preview = client.post(page_url, corrected(preview="1"))
    assert preview.status_code == 200
    shown = preview.content.decode()
    assert "Preview: the first rows as Padu reads them" in shown
    assert "1973-01-07" in shown and "1980-03-08" in shown
    assert "L — Male" in shown and "P — Female" in shown
    assert "1 — Head of family" in shown and "PEDAGANG" in shown
    nothing_written()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(page_url, corrected(**{"import": "1"}))
    batch = ImportBatch.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/{batch.pk}/")
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.families_created, batch.people_created, batch.error_rows) == (2, 2, 0)
    assert batch.source == SOURCE and batch.mapping["fixed"]["hubungan_keluarga"] == "1"

    budi = Person.objects.unscoped().get(nik="1371010701730001")
    assert (budi.sex, budi.birth_date, budi.relationship) == ("L", datetime.date(1973, 1, 7), 1)
    assert budi.occupation == "PETANI"
    siti = Person.objects.unscoped().get(nik="1371014803800002")
    assert (siti.sex, siti.birth_date) == ("P", datetime.date(1980, 3, 8))
    family = Family.objects.unscoped().get(kk_number="1371011501200002")
    assert (family.region_id, family.rt, family.rw) == (KEL_A, "002", "001")
    assert list(family.members.values_list("nik", flat=True)) == ["1371014803800002"]
    saved = ImportMapping.objects.get()
    assert saved.name == SOURCE and saved.updated_by == operator
    assert AuditEntry.objects.filter(action="registry.import.mapping_saved").count() == 1


def test_the_next_file_from_the_same_source_is_matched_as_the_last_one(
    client, operator, django_capture_on_commit_callbacks
):
    first = upload(client, bnba())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first, corrected(**{"import": "1"}))

    rows = [[*ROWS[0][:1], "1371010701730003", "ANDI", "L", "01/02/1970", *ROWS[0][5:]]]
    rows[0][-1] = "1371011501200003"
    page_url = upload(client, bnba(rows), source="kelurahan koto  tangah bnba")
    page = client.get(page_url).content.decode()
    assert selected(page, f"column_{HEADER.index('KET. PEKERJAAN')}") == "pekerjaan"
    assert selected(page, "region") == KEL_A
    assert re.search(r'<input type="checkbox" name="heads_only"[^>]*checked', page)
    # The remembered mapping, read back as the service gives it.
    again = sources.saved_mapping("KELURAHAN KOTO TANGAH BNBA")
    assert (
        again.heads_only and suggest(HEADER, again)[HEADER.index("KET. PEKERJAAN")] == "pekerjaan"
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url, corrected(**{"import": "1"}))
    assert Person.objects.unscoped().get(nik="1371010701730003").relationship == 1
    assert ImportMapping.objects.count() == 1
    # The mapping did not change: no second entry.
    assert AuditEntry.objects.filter(action="registry.import.mapping_saved").count() == 1


def test_a_file_in_padus_layout_skips_the_mapping(
    client, operator, django_capture_on_commit_callbacks
):
    header = list(NAMES)
    row = dict.fromkeys(header, "")
    row |= {
        "nik": "1371010701730001",
        "nama": "Budi",
        "jenis_kelamin": "LAKI-LAKI",
        "tanggal_lahir": "07/01/1973",
        "hubungan_keluarga": "1",
        "no_kk": "1371011501200001",
        "kode_wilayah": KEL_A,
    }
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(client, bnba([list(row.values())], header=header))
    batch = ImportBatch.objects.get()
    assert location.endswith(f"/{batch.pk}/") and batch.mapping == {}
    assert batch.people_created == 1


# --- bad matches: a clear message, nothing written ------------------------------------------------


BAD = {
    "a required field left unmapped": (
        {f"column_{HEADER.index('NIK')}": ""},
        "the required field “NIK” is matched to no column of the file",
    ),
    "two columns mapped to one field": (
        {f"column_{HEADER.index('JENIS KELAMIN')}": "nama"},
        "the columns “NAMA KEPALA KELUARGA”, “JENIS KELAMIN” are all matched to “Full name”",
    ),
    "no kelurahan and no column for it": (
        {"region": ""},
        "the required field “Kelurahan/desa” is matched to no column of the file",
    ),
    "a field both read and given": (
        {"column_0": "hubungan_keluarga"},
        "“Relationship to the head of family” is both read from a column and given for every row",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_mapping_is_refused_with_its_reason_and_nothing_is_written(
    client, operator, case, django_capture_on_commit_callbacks
):
    change, message = BAD[case]
    page_url = upload(client, bnba())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url, corrected(**change, **{"import": "1"}))
    assert response.status_code == 400
    page = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "The columns cannot be read this way" in page and message in page
    nothing_written()
    assert ImportMapping.objects.count() == 0


def test_an_unparseable_date_is_shown_in_the_preview_and_its_row_is_not_written(
    client, operator, django_capture_on_commit_callbacks
):
    rows = [ROWS[0], [*ROWS[1][:4], "31/02/1980", *ROWS[1][5:]]]
    page_url = upload(client, bnba(rows))
    shown = client.post(page_url, corrected(preview="1")).content.decode()
    assert "Date of birth: enter a date as YYYY-MM-DD or DD-MM-YYYY." in shown
    nothing_written()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url, corrected(**{"import": "1"}))
    batch = ImportBatch.objects.get()
    assert (batch.people_created, batch.error_rows) == (1, 1)
    assert not Person.objects.unscoped().filter(nik="1371014803800002").exists()


def test_the_mapping_rules_refuse_bad_matches_in_the_service_too():
    chosen = suggest(HEADER)
    with translation.override("en"), pytest.raises(ImportFileError) as refused:
        build(HEADER, chosen, fixed={}, heads_only=False)
    message = str(refused.value)
    for field in ("Relationship to the head of family", "Kelurahan/desa"):
        assert f"the required field “{field}” is matched to no column" in message
    good = build(HEADER, chosen, fixed={"kode_wilayah": KEL_A}, heads_only=True)
    assert good.heads_only and good.names(HEADER)[0] == "_skip_0"
    assert mapping_module.Mapping.from_json(good.as_json()) == good


def test_another_users_session_cannot_open_a_received_file(client, operator):
    page_url = upload(client, bnba())
    other = make_user(Role.OPERATOR, scope=KOTA, language="en", username="op_lain")
    client.force_login(other)
    assert client.get(page_url).status_code == 404


def test_the_services_import_a_bnba_file_through_a_corrected_mapping(operator, tmp_path):
    """The same journey without the pages: receive, build the corrected mapping, preview
    (nothing written), confirm, run."""
    from padu.registry.importer.runner import import_run

    received = sources.import_receive(
        actor=operator, upload=io.BytesIO(bnba()), file_name="bnba.csv", source=SOURCE
    )
    assert not received.standard and received.headings == tuple(HEADER)
    chosen = suggest(HEADER)
    chosen[HEADER.index("KET. PEKERJAAN")] = "pekerjaan"
    mapping = build(HEADER, chosen, fixed={"kode_wilayah": KEL_A}, heads_only=True)

    preview = sources.import_preview(actor=operator, received=received, mapping=mapping)
    cells = preview["rows"][0]["cells"]
    first = {c.name: cell for c, cell in zip(preview["columns"], cells, strict=True)}
    assert first["tanggal_lahir"].value == "1973-01-07" and first["tanggal_lahir"].errors == ()
    assert first["jenis_kelamin"].text == "LAKI-LAKI" and first["jenis_kelamin"].value.startswith(
        "L"
    )
    nothing_written()

    batch = sources.import_confirm(
        actor=operator, received=received, mapping=mapping, source=SOURCE
    )
    import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.families_created, batch.people_created) == ("done", 2, 2)
    assert sources.saved_mapping(SOURCE) == mapping
