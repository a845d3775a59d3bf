"""A kelurahan's by-name-by-address list imported through the mapping page on a 360 px phone:
the columns matched by the declarations, one corrected, the preview read, the import queued and
run; the page passes axe-core and does not scroll sideways."""

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.registry.importer.runner import import_run
from padu.registry.models import ImportBatch, ImportMapping, Person
from tests.factories import KEL_A, KOTA, make_user
from tests.registry.test_import_mapping import HEADER, bnba

from .conftest import PHONE, login, screenshot
from .test_accessibility import overflow, violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def queued_imports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_bnba_list_is_matched_previewed_and_imported_on_a_phone(
    new_page, queued_imports, tmp_path
):
    operator = make_user(Role.OPERATOR, scope=KOTA)
    path = tmp_path / "bnba-koto-tangah.csv"
    path.write_bytes(bnba())

    page = new_page(viewport=PHONE)
    login(page, operator.username)
    page.goto(reverse("registry:import_create"))
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("input[name=source]").fill("Kelurahan Koto Tangah BNBA")
    with page.expect_navigation():
        page.locator("form.import-form button[type=submit]").click()
    assert "/impor/kolom/" in page.url

    kk = page.locator(f"select[name=column_{HEADER.index('NO. KK')}]")
    assert kk.input_value() == "no_kk"
    page.locator(f"select[name=column_{HEADER.index('KET. PEKERJAAN')}]").select_option("pekerjaan")
    page.locator("select[name=region]").select_option(KEL_A)
    page.locator("input[name=heads_only]").check()
    with page.expect_navigation():
        page.locator("button[name=preview]").click()

    preview = page.locator("table.import-preview")
    assert "PETANI" in preview.inner_text() and "1973-01-07" in preview.inner_text()
    assert ImportBatch.objects.count() == 0
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert overflow(page) == 0, "the mapping page scrolls sideways on a phone"
    screenshot(page, "import-mapping-phone")

    with page.expect_navigation():
        page.locator("button[name=import]").click()
    batch = ImportBatch.objects.get()
    assert page.url.endswith(reverse("registry:import_detail", args=[batch.pk]))
    import_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert Person.objects.unscoped().filter(relationship=1).count() == 2
    assert ImportMapping.objects.get().name == "Kelurahan Koto Tangah BNBA"
