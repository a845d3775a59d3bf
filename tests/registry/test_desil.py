"""A family's desil over time: the history with each entry's period and source (a DTSEN import
with its file and date, a muskel decision, a correction with its reason), shown as a timeline;
the correction by authorised roles; the import's entries, written once per ranking."""

import csv
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from padu.accounts.capabilities import Role
from padu.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.registry import services
from padu.registry.declarations.desil import DesilSource
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import import_local_file
from padu.registry.models import DesilRecord, Family
from padu.registry.selectors import family_desil_timeline
from tests.factories import KEC_B, KEL_A, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

KK = "1371011501200001"
APRIL, JULY = datetime.date(2025, 4, 20), datetime.date(2025, 7, 20)


def _write(path, *, desil="", period="", kk=KK, nik="1371015705800001"):
    row = {
        "no_kk": kk,
        "nik": nik,
        "nama": "Siti Rahmah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "1980-05-17",
        "hubungan_keluarga": "1",
        "kode_wilayah": KEL_A,
        "desil": desil,
        "periode_desil": period,
    }
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(NAMES))
        writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in NAMES})
    return path


def _history(family):
    return list(
        DesilRecord.objects.unscoped()
        .filter(family=family)
        .order_by("period", "recorded_at", "pk")
        .values_list("desil", "period", "kind")
    )


def _state(family):
    family.refresh_from_db()
    return (
        family.desil,
        family.desil_period,
        family.version,
        DesilRecord.objects.unscoped().count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture(autouse=True)
def english():
    """The services answer in the active language: English here, Indonesian in one test below."""
    with translation.override("en"):
        yield


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, language="en")


@pytest.fixture
def family():
    fam = FamilyFactory(region_id=KEL_A, desil=None)
    PersonFactory(family=fam)
    return fam


def _correct(actor, family, **overrides):
    family.refresh_from_db()
    arguments = {
        "desil": 3,
        "period": JULY,
        "reason": "BPS letter 12/2025: the ranking was swapped with a neighbour's",
        "expected_version": family.version,
        **overrides,
    }
    return services.family_correct_desil(actor=actor, family=family, **arguments)


# ------------------------------------------------------------------------------- imports


def test_an_import_records_its_desil_with_the_import_as_source_once(tmp_path, media, operator):
    first = import_local_file(
        actor=operator, path=_write(tmp_path / "dtsen-april.csv", desil="5", period="2025-04-20")
    )
    family = Family.objects.unscoped().get(kk_number=KK)
    entry = DesilRecord.objects.unscoped().get(family=family)
    assert (entry.desil, entry.period, entry.kind) == (5, APRIL, DesilSource.IMPORT)
    assert (entry.import_batch, entry.source, entry.recorded_by) == (
        first,
        f"import:{first.pk}",
        operator,
    )
    # The same period again (the same file, or another file with the same ranking): no new entry.
    import_local_file(actor=operator, path=tmp_path / "dtsen-april.csv")
    import_local_file(
        actor=operator, path=_write(tmp_path / "again.csv", desil="5", period="2025-04-20")
    )
    assert _history(family) == [(5, APRIL, DesilSource.IMPORT)]
    # A later period: a new entry, which becomes the family's desil.
    later = import_local_file(
        actor=operator, path=_write(tmp_path / "dtsen-july.csv", desil="3", period="2025-07-20")
    )
    family.refresh_from_db()
    assert (family.desil, family.desil_period) == (3, JULY)
    assert _history(family) == [(5, APRIL, "impor"), (3, JULY, "impor")]
    assert DesilRecord.objects.unscoped().get(period=JULY).import_batch == later


def test_reimporting_a_corrected_period_keeps_the_correction(tmp_path, media, operator):
    path = _write(tmp_path / "dtsen.csv", desil="5", period="2025-07-20")
    import_local_file(actor=operator, path=path)
    family = Family.objects.unscoped().get(kk_number=KK)
    _correct(operator, family, desil=4)
    batch = import_local_file(actor=operator, path=path)
    family.refresh_from_db()
    assert (family.desil, batch.families_updated) == (4, 0)
    assert _history(family) == [(5, JULY, "impor"), (4, JULY, "koreksi")]


def test_an_import_refuses_a_desil_period_in_the_future(tmp_path, media, operator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    batch = import_local_file(
        actor=operator, path=_write(tmp_path / "f.csv", desil="3", period=tomorrow.isoformat())
    )
    assert (batch.error_rows, batch.families_created) == (1, 0)
    assert not DesilRecord.objects.unscoped().exists()


# ----------------------------------------------------------------------------- corrections


def test_a_correction_becomes_the_desil_with_its_reason_version_and_audit(operator, family):
    before = family.version
    entry = _correct(operator, family)
    family.refresh_from_db()
    assert (family.desil, family.desil_period, family.version) == (3, JULY, before + 1)
    assert (entry.kind, entry.reason, entry.recorded_by) == (
        DesilSource.CORRECTION,
        "BPS letter 12/2025: the ranking was swapped with a neighbour's",
        operator,
    )
    audit = AuditEntry.objects.get(action="registry.family.desil_corrected")
    assert (audit.object_id, audit.reason, audit.region_code) == (
        str(family.pk),
        entry.reason,
        KEL_A,
    )
    assert audit.after["desil"] == 3


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Reason: say why the desil is corrected."),
        ({"desil": 11}, "desil", "DTSEN desil: choose a desil from 1 to 10."),
        ({"desil": 0}, "desil", "DTSEN desil: choose a desil from 1 to 10."),
        ({"desil": None}, "desil", "DTSEN desil: choose a desil from 1 to 10."),
        ({"desil": "tiga"}, "desil", "DTSEN desil: choose a desil from 1 to 10."),
        ({"period": None}, "period", "Desil period: enter the date the desil was released."),
        ({"period": "2025-13-20"}, "period", None),
        ({"period": datetime.date(2099, 1, 20)}, "period", "Desil period: 20 January 2099 is"),
    ],
)
def test_a_bad_correction_says_why_and_writes_nothing(operator, family, overrides, field, message):
    before = _state(family)
    with pytest.raises(ValidationFailed) as info:
        _correct(operator, family, **overrides)
    assert set(info.value.errors) == {field}
    if message:
        assert info.value.errors[field][0].startswith(message)
    assert _state(family) == before


def test_a_bad_correction_is_told_in_indonesian(operator, family):
    before = _state(family)
    with translation.override("id"), pytest.raises(ValidationFailed) as info:
        _correct(operator, family, period=datetime.date(2099, 1, 20))
    assert info.value.errors == {
        "period": ["Periode desil: 20 Januari 2099 ada di masa mendatang."]
    }
    assert _state(family) == before


def test_a_correction_of_an_outdated_page_is_refused(operator, family):
    before = _state(family)
    with pytest.raises(ConflictError):
        _correct(operator, family, expected_version=family.version - 1 or 99)
    assert _state(family) == before


@pytest.mark.parametrize("role", [Role.PSM, Role.TKSK, Role.KELURAHAN, Role.PIMPINAN, Role.ADMIN])
def test_roles_without_the_capability_cannot_correct(role, family):
    before = _state(family)
    with pytest.raises(PermissionDeniedError):
        _correct(make_user(role, scope=KEL_A), family)
    assert _state(family) == before


def test_an_operator_of_another_area_cannot_correct(family):
    before = _state(family)
    with pytest.raises(PermissionDeniedError):
        _correct(make_user(Role.OPERATOR, scope=KEC_B), family)
    assert _state(family) == before


def test_a_desil_sent_with_the_family_data_is_a_correction_that_needs_a_reason(operator, family):
    before = _state(family)
    with pytest.raises(ValidationFailed) as info:
        services.family_update(
            actor=operator, family=family, expected_version=family.version, data={"desil": 4}
        )
    assert info.value.errors == {"reason": ["Reason: say why the desil is corrected."]}
    assert _state(family) == before
    services.family_update(
        actor=operator,
        family=family,
        expected_version=family.version,
        data={"desil": 4, "desil_period": APRIL},
        reason="verified",
    )
    assert _history(family) == [(4, APRIL, "koreksi")]


def test_a_muskel_decision_is_recorded_with_its_reference(operator, family):
    with pytest.raises(ValidationFailed) as info:
        services.family_record_muskel_desil(
            actor=operator,
            family=family,
            expected_version=family.version,
            desil=2,
            period=APRIL,
            decision=" ",
        )
    assert info.value.errors == {"source": ["Reference: name the muskel decision."]}
    entry = services.family_record_muskel_desil(
        actor=operator,
        family=family,
        expected_version=family.version,
        desil=2,
        period=APRIL,
        decision="BA Muskel Belakang Pondok 3/2025",
    )
    family.refresh_from_db()
    assert (entry.kind, entry.source, family.desil) == (
        "muskel",
        "BA Muskel Belakang Pondok 3/2025",
        2,
    )
    assert AuditEntry.objects.filter(action="registry.family.desil_decided").count() == 1


# -------------------------------------------------------------------------------- pages


def test_the_family_page_shows_the_desil_timeline_latest_first(client, tmp_path, media, operator):
    import_local_file(
        actor=operator, path=_write(tmp_path / "dtsen-2024.csv", desil="6", period="2024-07-20")
    )
    import_local_file(
        actor=operator, path=_write(tmp_path / "dtsen-2025.csv", desil="5", period="2025-04-20")
    )
    family = Family.objects.unscoped().get(kk_number=KK)
    _correct(operator, family, desil=4, reason="Home visit: no income since March")
    timeline = family_desil_timeline(user=operator, family=family)
    assert [(e.desil, e.kind, e.previous) for e in timeline] == [
        (4, "koreksi", 5),
        (5, "impor", 6),
        (6, "impor", None),
    ]
    assert [e.is_first for e in timeline] == [False, False, True]

    client.force_login(operator)
    page = client.get(reverse("registry:family_detail", args=[family.pk])).content.decode()
    section = page[page.index('id="desil"') : page.index('id="members-heading"')]
    found = re.findall(r"Period (\d+ \w+ \d{4})", section)
    assert found == ["20 July 2025", "20 April 2025", "20 July 2024"]
    assert "dtsen-2025.csv" in section and "dtsen-2024.csv" in section
    assert "imported on" in section and "Home visit: no income since March" in section
    assert section.index("dtsen-2025.csv") < section.index("dtsen-2024.csv")
    assert "was desil 5" in section and "first entry" in section
    assert reverse("registry:family_desil", args=[family.pk]) in section
    batch = DesilRecord.objects.unscoped().get(period=APRIL).import_batch
    assert reverse("registry:import_detail", args=[batch.pk]) in section
    # A role that cannot open imports reads the file's name, without a link; it cannot correct.
    client.force_login(make_user(Role.PSM, scope=KEL_A, language="en"))
    page = client.get(reverse("registry:family_detail", args=[family.pk])).content.decode()
    section = page[page.index('id="desil"') : page.index('id="members-heading"')]
    assert "dtsen-2025.csv" in section and "Home visit: no income since March" in section
    assert reverse("registry:import_detail", args=[batch.pk]) not in section
    assert reverse("registry:family_desil", args=[family.pk]) not in section


def test_the_correction_page_saves_a_correction(client, operator, family):
    client.force_login(operator)
    url = reverse("registry:family_desil", args=[family.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"version": family.version, "desil": "7", "period": "2025-07-20", "reason": "BPS letter"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#desil")
    assert _history(family) == [(7, JULY, "koreksi")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"desil": "7", "period": "2025-07-20", "reason": ""}, "This field is required."),
        ({"desil": "12", "period": "2025-07-20", "reason": "x"}, "less than or equal to 10"),
        ({"desil": "7", "period": "2099-07-20", "reason": "x"}, "is in the future"),
    ],
)
def test_the_correction_page_shows_what_is_wrong_and_writes_nothing(
    client, operator, family, data, message
):
    client.force_login(operator)
    before = _state(family)
    response = client.post(
        reverse("registry:family_desil", args=[family.pk]), {"version": family.version, **data}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _state(family) == before


def test_the_correction_page_is_refused_to_others(client, family):
    url = reverse("registry:family_desil", args=[family.pk])
    data = {"version": family.version, "desil": "7", "period": "2025-07-20", "reason": "x"}
    before = _state(family)
    client.force_login(make_user(Role.PSM, scope=KEL_A))
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    client.force_login(make_user(Role.OPERATOR, scope=KEC_B))
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert _state(family) == before
