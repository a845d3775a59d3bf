"""Round trip: a list exported by a role that sees whole numbers is a valid import file, and
importing it changes nothing. An export with masked numbers says so above its header, and the
import refuses it with that reason."""

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.core.records.derive import record_values
from padu.registry.declarations import DWELLING, FAMILY, PERSON
from padu.registry.importer.errors import ImportFileError
from padu.registry.importer.services import import_error_report_path, import_local_file
from padu.registry.models import DesilRecord, Dwelling, Family, ImportBatch, Person
from padu.synth.population import generate_population
from tests.factories import downloaded, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def registry(tmp_path, media):
    """A small generated city, imported, with a few changes made since (a death, a disability)."""
    operator = make_user(Role.OPERATOR)
    path = tmp_path / "population.csv"
    generate_population(path, people=120, seed=11)
    batch = import_local_file(actor=operator, path=path)
    assert batch.error_rows == 0
    return operator


def state() -> dict:
    """Every family's and person's declared values and version."""
    families = {
        f.kk_number: (record_values(FAMILY, f), f.version, f.dwelling_id)
        for f in Family.objects.unscoped().order_by("pk")
    }
    dwellings = {
        d.pk: (record_values(DWELLING, d), d.version, d.head_id)
        for d in Dwelling.objects.unscoped().order_by("pk")
    }
    people = {
        p.nik: (record_values(PERSON, p), p.version, p.family_id)
        for p in Person.objects.unscoped().prefetch_related("ppks").order_by("pk")
    }
    return {
        "families": families,
        "dwellings": dwellings,
        "people": people,
        "desil": DesilRecord.objects.unscoped().count(),
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("url", ["registry:person_export", "registry:family_export"])
def test_an_operators_export_imports_back_unchanged(client, registry, tmp_path, url, file_format):
    client.force_login(registry)
    response = client.get(reverse(url), {"format": file_format})
    assert response.status_code == 200
    path = tmp_path / f"export.{file_format}"
    path.write_bytes(downloaded(response))
    before = state()
    audit = AuditEntry.objects.exclude(action__startswith="registry.import").count()

    batch = import_local_file(actor=registry, path=path)

    report = import_error_report_path(batch)
    assert batch.error_rows == 0, report.read_text(encoding="utf-8-sig") if report else ""
    assert (batch.families_created, batch.families_updated) == (0, 0)
    assert (batch.people_created, batch.people_updated) == (0, 0)
    assert batch.unchanged_rows == batch.total_rows > 0
    assert state() == before
    assert AuditEntry.objects.exclude(action__startswith="registry.import").count() == audit


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_masked_numbers_is_refused_with_its_reason(
    client, registry, tmp_path, file_format
):
    client.force_login(make_user(Role.PIMPINAN))
    response = client.get(reverse("registry:person_export"), {"format": file_format})
    path = tmp_path / f"masked.{file_format}"
    path.write_bytes(downloaded(response))
    batches = ImportBatch.objects.count()

    with pytest.raises(ImportFileError) as info:
        import_local_file(actor=registry, path=path)

    assert info.value.code == "masked_export"
    assert "disamarkan" in str(info.value)  # the message is Indonesian
    assert ImportBatch.objects.count() == batches
