"""The registry import pages: upload, refusals, progress, detail, list, template and report
downloads, and who may see what."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry.importer import files
from padu.registry.importer.layout import COLUMNS, NAMES
from padu.registry.models import Family, ImportBatch, Person
from padu.registry.views.imports import PER_PAGE, PROBLEMS_SHOWN, ImportSizeLimitHandler
from padu.synth.population import generate_population
from tests.factories import KEC_A, KEC_B, KOTA, downloaded, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("registry:import_list")
CREATE = reverse("registry:import_create")
TEMPLATE = reverse("registry:import_template")
EXPORT = reverse("registry:import_export")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(client):
    user = make_user(Role.OPERATOR, scope=KOTA, language="en", username="op_kota")
    client.force_login(user)
    return user


def text(response) -> str:
    return response.content.decode()


def layout_csv(*rows: list[str], header=NAMES) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def upload(client, name: str, content: bytes, capture):
    """POST a file to the upload page; the queued import runs when the request commits."""
    with capture(execute=True):
        return client.post(CREATE, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def population(tmp_path):
    """A generated file of Kota Padang: 40 people and two broken rows."""
    path = tmp_path / "populasi.csv"
    report = generate_population(path, people=40, seed=11, broken=2)
    return path, report


def batch_of(user, **fields) -> ImportBatch:
    values = {
        "created_by": user,
        "region_id": KOTA,
        "file_name": "dtsen.csv",
        "file_sha256": "a" * 64,
        "status": ImportBatch.Status.DONE,
    }
    values.update(fields)
    return ImportBatch.objects.create(**values)


def imported_files(media) -> list:
    folder = media / "imports"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- the upload ---------------------------------------------------------------------------------


def test_a_valid_file_is_imported_and_its_page_shows_the_counts(
    client, operator, population, django_capture_on_commit_callbacks
):
    path, _report = population
    response = upload(client, "populasi.csv", path.read_bytes(), django_capture_on_commit_callbacks)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.DONE
    assert batch.created_by == operator
    assert batch.file_name == "populasi.csv"
    assert batch.people_created == Person.objects.unscoped().count() > 30
    assert batch.families_created == Family.objects.unscoped().count() > 5
    assert batch.error_rows >= 1

    page = text(client.get(response["Location"]))
    assert "populasi.csv" in page
    assert batch.file_sha256 in page
    assert f'<td class="num">{batch.people_created}</td>' in page
    assert f'<td class="num">{batch.families_created}</td>' in page
    assert 'value="100"' in page and "100 %" in page
    assert 'hx-trigger="every 1s"' not in page
    assert reverse("registry:import_errors", args=[batch.pk]) in page

    someone = Person.objects.unscoped().order_by("pk").first()
    people = text(client.get(reverse("registry:person_list"), {"q": someone.nik}))
    assert someone.name in people


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    client, operator, population, django_capture_on_commit_callbacks
):
    path, _report = population
    upload(client, "a.csv", path.read_bytes(), django_capture_on_commit_callbacks)
    people = Person.objects.unscoped().count()
    upload(client, "b.csv", path.read_bytes(), django_capture_on_commit_callbacks)

    second = ImportBatch.objects.get(file_name="b.csv")
    assert second.status == ImportBatch.Status.DONE
    assert (second.people_created, second.people_updated, second.families_created) == (0, 0, 0)
    assert Person.objects.unscoped().count() == people


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


BAD_FILES = {
    "an image": (
        "foto.csv",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200),
        "This is not a spreadsheet",
    ),
    "not UTF-8": (
        "latin.csv",
        layout_csv() + "Jos\u00e9 Santos,Padang\r\n".encode("latin-1"),
        "The file is not in UTF-8",
    ),
    "a zip bomb": ("bom.xlsx", _zip_bomb(), "possible zip bomb"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_kept(
    client, operator, media, kind, django_capture_on_commit_callbacks
):
    name, content, message = BAD_FILES[kind]
    audit = AuditEntry.objects.count()

    response = upload(client, name, content, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_file_error"' in page
    assert ImportBatch.objects.count() == 0
    assert Person.objects.unscoped().count() == 0 and Family.objects.unscoped().count() == 0
    assert AuditEntry.objects.count() == audit
    assert imported_files(media) == []


def test_a_file_over_the_limit_gets_the_limit_message(
    client, operator, media, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PADU_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    content = layout_csv() + b"x" * (8 * 1024 * 1024)
    seen = []
    store = files.store
    monkeypatch.setattr(
        files, "store", lambda upload, *a, **k: seen.append(upload.size) or store(upload, *a, **k)
    )

    response = upload(client, "besar.csv", content, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    # The upload handler kept one byte past the limit, not the 8 MB sent.
    assert seen == [settings.PADU_IMPORT_MAX_BYTES + 1]
    assert "The file is larger than the limit of 2 MB" in text(response)
    assert ImportBatch.objects.count() == 0
    assert imported_files(media) == []


def test_the_size_limit_handler_passes_on_one_byte_past_the_limit_and_drops_the_rest():
    handler = ImportSizeLimitHandler(limit=10)
    handler.new_file("file", "a.csv", "text/csv", 0)
    passed = [handler.receive_data_chunk(chunk, 0) for chunk in (b"123456", b"789012", b"345")]
    assert passed == [b"123456", b"78901", None]
    handler.new_file("file", "b.csv", "text/csv", 0)
    assert handler.receive_data_chunk(b"small", 0) == b"small"


def test_an_upload_without_the_csrf_token_is_refused(operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    response = client.post(CREATE, {"file": SimpleUploadedFile("a.csv", layout_csv())})
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_an_empty_post_asks_for_a_file(client, operator):
    response = client.post(CREATE, {})
    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert ImportBatch.objects.count() == 0


def test_the_upload_page_explains_the_layout(client, operator, settings):
    settings.PADU_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    page = text(client.get(CREATE))
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".csv,.xlsx,' in page
    assert "at most 200 MB" in page
    assert f"{TEMPLATE}?format=csv" in page and f"{TEMPLATE}?format=xlsx" in page
    for column in COLUMNS:
        assert f"<code>{column.name.replace('_', '_<wbr>')}</code>" in page


def test_script_in_a_file_name_is_shown_as_text(
    client, operator, population, django_capture_on_commit_callbacks
):
    path, _report = population
    # No slash: Django keeps only the part of an uploaded name after the last one.
    name = "<script>alert(1)<script>.csv"
    response = upload(client, name, path.read_bytes(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert ImportBatch.objects.get().file_name == name
    for page in (text(client.get(response["Location"])), text(client.get(LIST))):
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;script&gt;.csv" in page


# --- who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PSM, Role.KELURAHAN, Role.TKSK, Role.PIMPINAN, Role.MITRA])
def test_roles_that_do_not_import_reach_no_import_page(client, role):
    client.force_login(make_user(role))
    batch = batch_of(make_user(Role.OPERATOR, scope=KOTA))
    urls = [LIST, CREATE, TEMPLATE, EXPORT] + [
        reverse(f"registry:import_{name}", args=[batch.pk])
        for name in ("detail", "progress", "errors")
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(CREATE, {"file": SimpleUploadedFile("a.csv", layout_csv())}).status_code == (
        403
    )
    assert ImportBatch.objects.count() == 1


def test_an_operator_of_another_kecamatan_cannot_see_the_import(client, media):
    owner = make_user(Role.OPERATOR, scope=KEC_A)
    report = media / "laporan.csv"
    report.parent.mkdir(parents=True)
    report.write_text("baris,kolom,tingkat,kode,pesan\n2,nik,kesalahan,length,x\n")
    batch = batch_of(owner, region_id=KEC_A, file_name="kec-a.csv", error_report=str(report))
    client.force_login(make_user(Role.OPERATOR, scope=KEC_B, language="en"))
    audit = AuditEntry.objects.count()

    for name in ("detail", "progress", "errors"):
        assert client.get(reverse(f"registry:import_{name}", args=[batch.pk])).status_code == 404
    assert "kec-a.csv" not in text(client.get(LIST))
    assert AuditEntry.objects.count() == audit

    client.force_login(make_user(Role.OPERATOR, scope=KOTA))
    assert client.get(reverse("registry:import_detail", args=[batch.pk])).status_code == 200
    assert "kec-a.csv" in text(client.get(LIST))


# --- progress and detail --------------------------------------------------------------------


def test_the_progress_partial_polls_while_running_and_stops_when_done(client, operator):
    batch = batch_of(
        operator,
        status=ImportBatch.Status.RUNNING,
        phase=ImportBatch.Phase.READING,
        total_rows=200,
        processed_rows=50,
    )
    url = reverse("registry:import_progress", args=[batch.pk])

    running = text(client.get(url, headers={"HX-Request": "true"}))
    assert "<html" not in running
    assert '<section id="import-progress"' in running
    assert f'hx-get="{url}"' in running and 'hx-trigger="every 1s"' in running
    assert '<progress id="import-progress-bar" class="progress" max="100" value="25"' in running
    assert "25 % (50 of 200 rows)" in running
    assert "import-announce" not in running

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE, phase="", processed_rows=200, people_created=7
    )
    done = text(client.get(url, headers={"HX-Request": "true"}))
    assert "hx-trigger" not in done
    assert 'value="100"' in done
    assert '<td class="num">7</td>' in done
    assert 'id="import-announce" hx-swap-oob="innerHTML">The import has finished.' in done


def test_the_detail_page_of_a_queued_import_polls(client, operator):
    batch = batch_of(operator, status=ImportBatch.Status.QUEUED)
    page = text(client.get(reverse("registry:import_detail", args=[batch.pk])))
    assert 'hx-trigger="every 1s"' in page
    assert '<div id="import-announce" class="visually-hidden" role="status"></div>' in page


def test_a_failed_import_shows_its_message(client, operator):
    batch = batch_of(
        operator, status=ImportBatch.Status.FAILED, message="The file has no data rows."
    )
    page = text(client.get(reverse("registry:import_detail", args=[batch.pk])))
    assert "The import failed; nothing from this file was written." in page
    assert "The file has no data rows." in page
    assert "hx-trigger" not in page


def test_the_detail_page_shows_the_first_problems_of_the_report(client, operator, media):
    report = media / "laporan.csv"
    report.parent.mkdir(parents=True)
    lines = ["baris,kolom,tingkat,kode,pesan"]
    lines += [
        f"{row},nik,kesalahan,length,NIK {row} salah" for row in range(2, 2 + PROBLEMS_SHOWN + 10)
    ]
    lines.insert(1, "2,desil,peringatan,range,Desil <b>kosong</b>")
    report.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    batch = batch_of(operator, error_rows=60, warning_rows=1, error_report=str(report))

    page = text(client.get(reverse("registry:import_detail", args=[batch.pk])))

    assert page.count('data-label="Message"') == PROBLEMS_SHOWN
    assert "NIK 2 salah" in page and f"NIK {PROBLEMS_SHOWN} salah" in page
    assert f"NIK {PROBLEMS_SHOWN + 1} salah" not in page
    assert "Desil &lt;b&gt;kosong&lt;/b&gt;" in page
    assert "Warning (imported)" in page and "Error (not imported)" in page
    assert "60 rows with errors, 1 rows with warnings" in page
    assert f"The first {PROBLEMS_SHOWN} problems" in page


# --- the error report download --------------------------------------------------------------


def test_the_error_report_downloads_and_is_audited(client, operator, media):
    report = media / "laporan.csv"
    report.parent.mkdir(parents=True)
    report.write_bytes(
        b"\xef\xbb\xbfbaris,kolom,tingkat,kode,pesan\n2,nik,kesalahan,length,salah\n"
    )
    batch = batch_of(operator, error_rows=1, error_report=str(report))

    response = client.get(reverse("registry:import_errors", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="laporan-kesalahan-impor-{batch.pk}.csv"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == report.read_bytes()
    entry = AuditEntry.objects.get(action="registry.importbatch.error_report_downloaded")
    assert (entry.actor, entry.object_id, entry.region_code) == (operator, str(batch.pk), KOTA)


def test_an_import_without_a_report_has_no_download(client, operator):
    batch = batch_of(operator)
    assert client.get(reverse("registry:import_errors", args=[batch.pk])).status_code == 404
    page = text(client.get(reverse("registry:import_detail", args=[batch.pk])))
    assert "No problems were found in this file." in page


# --- the templates --------------------------------------------------------------------------


def test_the_csv_template_has_the_layout_header_and_an_example(client, operator):
    response = client.get(TEMPLATE, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="templat-impor-registri.csv"'
    rows = list(csv.reader(io.StringIO(downloaded(response).decode("utf-8-sig"))))
    assert rows == [list(NAMES), [c.example for c in COLUMNS]]


def test_the_xlsx_template_has_the_layout_header_as_text(client, operator):
    response = client.get(TEMPLATE, {"format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="templat-impor-registri.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(response))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [list(NAMES), [c.example for c in COLUMNS]]
    assert sheet["B2"].number_format == "@"


def test_the_template_imports_cleanly(client, operator, django_capture_on_commit_callbacks):
    """The example row is a valid person: the template is a working file, not only headings."""
    content = downloaded(client.get(TEMPLATE, {"format": "xlsx"}))
    response = upload(client, "templat.xlsx", content, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error_rows, batch.people_created) == ("done", 0, 1)


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_users_imports_newest_first_with_filters(client, operator):
    old = batch_of(operator, file_name="lama.csv", status=ImportBatch.Status.FAILED)
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    batch_of(operator, file_name="baru.csv", people_created=12)

    page = text(client.get(LIST))
    assert page.index("baru.csv") < page.index("lama.csv")
    assert "New import" in page and CREATE in page
    assert "Showing 1–2 of 2 imports." in page

    failed = text(client.get(LIST, {"status": "failed"}))
    assert "lama.csv" in failed and "baru.csv" not in failed
    recent = text(client.get(LIST, {"date_from": timezone.localdate().isoformat()}))
    assert "baru.csv" in recent and "lama.csv" not in recent
    wrong = client.get(LIST, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert "The end date is before the start date." in text(wrong)
    assert "baru.csv" not in text(wrong)


def test_the_list_pages_and_needs_few_queries(client, operator, django_assert_max_num_queries):
    for number in range(PER_PAGE + 3):
        batch_of(make_user(Role.OPERATOR, scope=KOTA), file_name=f"berkas-{number}.csv")
    with django_assert_max_num_queries(10):
        first = text(client.get(LIST))
    assert "Page 1 of 2" in first
    second = text(client.get(LIST, {"page": 2}))
    assert second.count('data-label="Status"') == 3


def test_the_list_htmx_answer_is_the_results_fragment(client, operator):
    batch_of(operator, file_name="satu.csv")
    fragment = text(client.get(LIST, headers={"HX-Request": "true"}))
    assert "<html" not in fragment
    assert 'id="import-count" hx-swap-oob="innerHTML"' in fragment
    assert "satu.csv" in fragment


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_list_downloads_and_the_download_is_audited(client, operator, file_format):
    batch_of(operator, file_name="satu.csv", status=ImportBatch.Status.FAILED)
    batch_of(operator, file_name="dua.csv")

    response = client.get(EXPORT, {"status": "failed", "format": file_format})

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.getvalue()
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[1] for row in rows[1:]] == ["satu.csv"]
    entry = AuditEntry.objects.get(action="registry.importbatch.exported")
    assert entry.actor == operator
    assert entry.after["filters"] == {"status": "failed"}
    assert entry.after["rows"] == 1


def test_the_family_list_links_to_the_import_for_those_who_may_import(client, operator):
    assert CREATE in text(client.get(reverse("registry:family_list")))
    client.force_login(make_user(Role.PSM))
    assert CREATE not in text(client.get(reverse("registry:family_list")))
