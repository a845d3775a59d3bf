"""The registry import in a browser: upload a file, watch the progress, read the counts, download
the error report, on a desktop and on a 360 px phone."""

from pathlib import Path

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.registry.importer.runner import import_run
from padu.registry.models import ImportBatch, Person
from padu.synth.population import generate_population
from tests.factories import KOTA, make_user

from .conftest import PHONE, login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def queued_imports(settings, tmp_path):
    """Uploads stay queued (no worker), so that the page is seen polling before the test runs
    the import itself."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_operator_uploads_a_file_and_watches_it_finish(new_page, queued_imports, tmp_path):
    operator = make_user(Role.OPERATOR, scope=KOTA)
    path = tmp_path / "populasi-padang.csv"
    generate_population(path, people=30, seed=5, broken=2)

    page = new_page()
    login(page, operator.username)
    page.locator(f"#site-nav a[href='{reverse('registry:import_list')}']").click()
    page.locator(f"main a[href='{reverse('registry:import_create')}']").click()
    page.locator("input[type=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("form.import-form button[type=submit]").click()

    batch = ImportBatch.objects.get()
    assert page.url.endswith(reverse("registry:import_detail", args=[batch.pk]))
    progress = page.locator("#import-progress")
    assert progress.get_attribute("hx-trigger") == "every 1s"
    assert page.locator("#import-progress-bar").get_attribute("value") == "0"

    import_run(batch_id=batch.pk)  # what the worker would do; the page is polling meanwhile

    page.locator("#import-progress-bar[value='100']").wait_for()
    assert progress.get_attribute("hx-trigger") is None
    assert "100 %" in page.locator("#import-progress-text").inner_text()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert batch.people_created == Person.objects.unscoped().count() > 20
    counts = page.locator("table.import-counts").inner_text()
    assert str(batch.people_created) in counts and str(batch.families_created) in counts
    assert page.locator("#import-announce").inner_text().strip()
    assert page.locator("table.import-problems tbody tr").count() >= 1
    screenshot(page, "import-detail-desktop")

    with page.expect_download() as info:
        page.locator(f"a[href='{reverse('registry:import_errors', args=[batch.pk])}']").click()
    download = info.value
    assert download.suggested_filename == f"laporan-kesalahan-impor-{batch.pk}.csv"
    report = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "baris,kolom,tingkat,kode,pesan"
    assert len(report) > 1

    phone = new_page(viewport=PHONE)
    login(phone, operator.username)
    phone.goto(reverse("registry:import_detail", args=[batch.pk]))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "import-detail-phone")
    phone.goto(reverse("registry:import_create"))
    screenshot(phone, "import-form-phone")


def test_a_refused_file_shows_the_reason_beside_the_field(page, queued_imports, tmp_path):
    operator = make_user(Role.OPERATOR, scope=KOTA)
    bad = tmp_path / "gambar.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))

    login(page, operator.username)
    page.goto(reverse("registry:import_create"))
    page.locator("input[type=file]").set_input_files(str(bad))
    with page.expect_navigation():
        page.locator("form.import-form button[type=submit]").click()

    field = page.locator("input[type=file]")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_file_error").is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert ImportBatch.objects.count() == 0
