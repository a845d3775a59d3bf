"""A NIK or KK whose region code is missing from the national list, and a KK whose digits 7–12
are no date, along every path that writes one: a form, the services, the API and an import. A
warning by default (the user confirms, nothing is written before), an error where the settings
say so (nothing is written)."""

import csv

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from padu.core.errors import ValidationFailed, WarningsNeedConfirmation
from padu.core.models import AuditEntry
from padu.registry import services
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import import_error_report_path, import_local_file
from padu.registry.models import Family, ImportBatch, Person
from tests.api.conftest import ApiClient, key_for
from tests.factories import KEL_A

from .test_services import family, person

pytestmark = pytest.mark.django_db

UNKNOWN_KECAMATAN_KK = "1371121501200007"  # Kota Padang has 11 kecamatan: 13.71.12 is none
NO_DATE_KK = "1371013102200007"  # 31-02-20
REGION_WARNING = (
    "KK number: the region code 13.71.12 is not in the national region list "
    "(Kepmendagri 300.2.2-2138/2025); check the number."
)
DATE_WARNING = "KK number: digits 7–12 (31-02-20) are not a date (day, month, year)."


def in_indonesian(message: str) -> str:
    """The message as an import report or the API (in the office's language) gives it."""
    from padu.registry.identifiers import KK_DATE, REGION_UNKNOWN, identifier_checks

    code = KK_DATE if "digits 7–12" in message else REGION_UNKNOWN
    [check] = [c for c in identifier_checks("kk_number") if c.problem.code == code]
    kk = NO_DATE_KK if code == KK_DATE else UNKNOWN_KECAMATAN_KK
    with translation.override("id"):
        return check.problem.text({"kk_number": kk})


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _families() -> int:
    return Family.objects.unscoped().count()


def test_registering_asks_to_confirm_then_keeps_the_confirmed_warning(operator):
    with pytest.raises(WarningsNeedConfirmation) as info:
        services.family_register(
            actor=operator, data=family(kk_number=UNKNOWN_KECAMATAN_KK), members=[person()]
        )
    assert info.value.warnings == [REGION_WARNING]
    assert _families() == 0
    fam = services.family_register(
        actor=operator,
        data=family(kk_number=UNKNOWN_KECAMATAN_KK),
        members=[person()],
        confirm_warnings=True,
    )
    entry = AuditEntry.objects.get(action="registry.family.registered", object_id=str(fam.pk))
    assert entry.after["confirmed_warnings"] == [REGION_WARNING]


def test_changing_the_kk_asks_only_for_the_warning_the_change_brings(operator):
    fam = services.family_register(actor=operator, data=family(), members=[person()])
    with pytest.raises(WarningsNeedConfirmation) as info:
        services.family_update(
            actor=operator, family=fam, expected_version=1, data={"kk_number": NO_DATE_KK}
        )
    assert info.value.warnings == [DATE_WARNING]
    fam.refresh_from_db()
    assert (fam.version, fam.kk_number) != (2, NO_DATE_KK)
    services.family_update(
        actor=operator,
        family=fam,
        expected_version=1,
        data={"kk_number": NO_DATE_KK},
        confirm_warnings=True,
    )
    # confirmed once: an unrelated change is not asked again
    services.family_update(actor=operator, family=fam, expected_version=2, data={"rt": "7"})
    fam.refresh_from_db()
    assert (fam.version, fam.kk_number) == (3, NO_DATE_KK)


@override_settings(PADU_IDENTIFIER_REGION_CHECK="error", PADU_KK_DATE_CHECK="error")
def test_where_the_settings_say_error_nothing_is_written(operator):
    for kk, message in ((UNKNOWN_KECAMATAN_KK, REGION_WARNING), (NO_DATE_KK, DATE_WARNING)):
        with pytest.raises(ValidationFailed) as info:
            services.family_register(
                actor=operator, data=family(kk_number=kk), members=[person()], confirm_warnings=True
            )
        assert info.value.errors == {"kk_number": [message]}
    assert _families() == 0


def test_the_family_form_shows_the_warning_and_saves_once_confirmed(client, operator):
    fam = services.family_register(actor=operator, data=family(), members=[person()])
    client.force_login(operator)
    url = reverse("registry:family_edit", args=[fam.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(kk_number=NO_DATE_KK, reason="KK baru", assets=data.get("assets", []))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "31-02-20" in response.context["warnings"][0]
    fam.refresh_from_db()
    assert fam.kk_number != NO_DATE_KK
    response = client.post(url, {**data, "confirm_warnings": "1"})
    assert response.status_code == 302, response.context["form"].errors
    fam.refresh_from_db()
    assert fam.kk_number == NO_DATE_KK


def test_the_api_answers_422_with_the_warning_then_saves_when_confirmed(operator):
    fam = services.family_register(actor=operator, data=family(), members=[person()])
    api, key = ApiClient(), key_for(operator)
    url = f"/api/v1/families/{fam.pk}"
    body = {"version": 1, "kk_number": UNKNOWN_KECAMATAN_KK}
    response = api.patch(url, body, token=key)
    assert response.status_code == 422, response.data
    assert response.data["code"] == "warnings"
    assert response.data["warnings"] == [in_indonesian(REGION_WARNING)]
    assert api.patch(url, {**body, "confirm_warnings": True}, token=key).status_code == 200
    fam.refresh_from_db()
    assert fam.kk_number == UNKNOWN_KECAMATAN_KK


def _import(operator, tmp_path, kk):
    path = tmp_path / "rows.csv"
    row = {
        "no_kk": kk,
        "nik": "1371015705800001",
        "nama": "Siti Rahmah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "1980-05-17",
        "hubungan_keluarga": "1",
        "kode_wilayah": KEL_A,
    }
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(NAMES))
        writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in NAMES})
    batch = import_local_file(actor=operator, path=path)
    with import_error_report_path(batch).open(encoding="utf-8-sig") as fh:
        return batch, [
            (r["kolom"], r["tingkat"], r["kode"], r["pesan"]) for r in csv.DictReader(fh)
        ]


def test_an_import_writes_the_row_and_reports_the_warning(operator, tmp_path, media):
    batch, report = _import(operator, tmp_path, NO_DATE_KK)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert report == [("no_kk", "peringatan", "kk_date", in_indonesian(DATE_WARNING))]
    assert Family.objects.unscoped().filter(kk_number=NO_DATE_KK).exists()


@override_settings(PADU_IDENTIFIER_REGION_CHECK="error")
def test_an_import_refuses_the_row_where_the_settings_say_error(operator, tmp_path, media):
    _batch, report = _import(operator, tmp_path, UNKNOWN_KECAMATAN_KK)
    assert report == [("no_kk", "kesalahan", "region_unknown", in_indonesian(REGION_WARNING))]
    assert not Person.objects.unscoped().exists()
