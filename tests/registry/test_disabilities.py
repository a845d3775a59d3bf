"""Disability records (UU 8/2016 types with the sensory sub-types, several per person, each with
severity, date, source and recorder), the national codes both ways through import and export, and
PPKS assessments over time: services, pages, scoping, and bad input (a message, nothing written)."""

import csv
import datetime
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.registry import codes, selectors, services
from padu.registry.disabilities import _load, national_codes
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import import_error_report_path, import_local_file
from padu.registry.models import Person, PersonDisability, PPKSAssessment, PPKSCategory
from tests.factories import (
    KEL_A,
    KEL_B,
    FamilyFactory,
    PersonDisabilityFactory,
    PersonFactory,
    downloaded,
    make_user,
    today,
)

pytestmark = pytest.mark.django_db
T = codes.DisabilityType


@pytest.fixture(autouse=True)
def english():
    """The messages are compared as written (their Indonesian is the catalogue's)."""
    with translation.override("en"):
        yield


def _csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(NAMES))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in NAMES})
    return path


def _row(nik="1371015705800001", **values):
    return {
        "no_kk": "1371011501200001",
        "nik": nik,
        "nama": "Siti Rahmah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "1980-05-17",
        "hubungan_keluarga": "1",
        "kode_wilayah": KEL_A,
        **values,
    }


def _second(**values):
    return _row(
        nik="1371012708050002",
        nama="Rudi",
        jenis_kelamin="L",
        tanggal_lahir="2005-08-27",
        hubungan_keluarga="3",
        **values,
    )


def _report(batch) -> list[dict]:
    path = import_error_report_path(batch)
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _records():
    return sorted(
        (r.person.nik, r.type, r.severity, r.ended_on is None)
        for r in PersonDisability.objects.unscoped().select_related("person")
    )


# ------------------------------------------------------------------ national codes, both ways


def test_the_shipped_national_codes_map_to_padus_types_and_back():
    national = national_codes()
    assert national.to_padu["05"] == (T.DEAF_MUTE,)
    assert national.to_padu["06"] == (T.PHYSICAL, T.BLIND)
    assert national.to_padu["00"] == ()
    assert national.national([T.BLIND, T.PHYSICAL]) == "06"
    assert national.national([T.DEAF_MUTE]) == "05"
    assert national.national([T.MENTAL, T.BLIND]) == ""  # no national code for it
    assert national.items()["5"] == (T.DEAF_MUTE,)  # a spreadsheet dropped the zero
    assert national.items()["rungu-wicara"] == (T.DEAF_MUTE,)


def test_an_office_sets_its_own_national_codes(tmp_path):
    own = tmp_path / "kode.csv"
    own.write_text("kode,disabilitas,keterangan\n7,netra;wicara,Netra dan wicara\n")
    with override_settings(PADU_DISABILITY_NATIONAL_CODES=str(own)):
        assert national_codes().to_padu == {"7": (T.BLIND, T.MUTE)}
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,disabilitas,keterangan\n7,buta,?\n")
    from django.core.exceptions import ImproperlyConfigured

    with (
        override_settings(PADU_DISABILITY_NATIONAL_CODES=str(bad)),
        pytest.raises(ImproperlyConfigured, match="buta"),
    ):
        national_codes()
    _load.cache_clear()


def test_import_reads_national_codes_into_padus_types(tmp_path, media, operator):
    rows = [
        _row(disabilitas="05", tingkat_disabilitas="berat"),
        _second(disabilitas="6"),
    ]
    batch = import_local_file(actor=operator, path=_csv(tmp_path / "a.csv", rows))
    assert batch.error_rows == 0, _report(batch)
    assert _records() == [
        ("1371012708050002", "fisik", "", True),
        ("1371012708050002", "netra", "", True),
        ("1371015705800001", "rungu_wicara", "berat", True),
    ]
    siti = Person.objects.unscoped().get(nik="1371015705800001")
    assert siti.disability_label == "Sensory: hearing and speech (rungu-wicara)"
    record = siti.disabilities.get()
    assert (record.source, record.assessed_on, record.created_by, record.created_import) == (
        codes.DisabilitySource.IMPORT,
        today(),
        operator,
        batch,
    )
    # The records of new people are the import's own: no entry each.
    assert not AuditEntry.objects.filter(object_type="registry.persondisability").exists()


def test_export_writes_padus_codes_and_the_national_code_and_imports_back_unchanged(
    client, tmp_path, media, operator
):
    rows = [_row(disabilitas="06", tingkat_disabilitas="sedang"), _second(disabilitas="mental")]
    import_local_file(actor=operator, path=_csv(tmp_path / "a.csv", rows))
    client.force_login(operator)
    response = client.get(reverse("registry:person_export"), {"format": "csv"})
    exported = list(csv.DictReader(io.StringIO(downloaded(response).decode("utf-8-sig"))))
    by_nik = {r["nik"]: r for r in exported}
    siti, rudi = by_nik["1371015705800001"], by_nik["1371012708050002"]
    assert (siti["disabilitas"], siti["tingkat_disabilitas"]) == ("fisik;netra", "sedang")
    assert siti["kode_disabilitas_nasional"] == "06"
    assert (rudi["disabilitas"], rudi["kode_disabilitas_nasional"]) == ("mental", "11")

    path = tmp_path / "export.csv"
    path.write_bytes(downloaded(client.get(reverse("registry:person_export"), {"format": "csv"})))
    before, entries = _records(), AuditEntry.objects.count()
    ids = list(PersonDisability.objects.unscoped().values_list("id", "version"))
    batch = import_local_file(actor=operator, path=path)
    assert (batch.error_rows, batch.people_updated, batch.people_created) == (0, 0, 0)
    assert _records() == before
    assert list(PersonDisability.objects.unscoped().values_list("id", "version")) == ids
    # Only the import's own entries were added (submitted, applied).
    assert not AuditEntry.objects.exclude(action__startswith="registry.import")[entries:].exists()


def test_a_changed_file_ends_and_adds_records_with_their_audit(tmp_path, media, operator):
    import_local_file(
        actor=operator,
        path=_csv(
            tmp_path / "a.csv", [_row(disabilitas="fisik;netra", tingkat_disabilitas="ringan")]
        ),
    )
    batch = import_local_file(
        actor=operator,
        path=_csv(
            tmp_path / "b.csv", [_row(disabilitas="fisik;rungu", tingkat_disabilitas="berat")]
        ),
    )
    assert batch.error_rows == 0
    assert _records() == [
        ("1371015705800001", "fisik", "berat", True),
        ("1371015705800001", "fisik", "ringan", False),
        ("1371015705800001", "netra", "ringan", False),
        ("1371015705800001", "rungu", "berat", True),
    ]
    entries = AuditEntry.objects.filter(
        object_type="registry.persondisability", source=f"import:{batch.pk}"
    )
    assert sorted(entries.values_list("action", flat=True)) == [
        "registry.disability.ended",
        "registry.disability.ended",
        "registry.disability.recorded",
        "registry.disability.recorded",
    ]
    assert {e.region_code for e in entries} == {KEL_A}
    # A blank severity keeps each type's own.
    import_local_file(
        actor=operator, path=_csv(tmp_path / "c.csv", [_row(disabilitas="rungu;fisik")])
    )
    assert [r for r in _records() if r[3]] == [
        ("1371015705800001", "fisik", "berat", True),
        ("1371015705800001", "rungu", "berat", True),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # The report is written in Indonesian, whatever the language of the page.
        ("buta", "jenis disabilitas tidak dikenal: buta."),
        ("99", "jenis disabilitas tidak dikenal: 99."),
        ("fisik;ganda", "jenis disabilitas tidak dikenal: ganda."),
    ],
)
def test_an_unknown_code_is_refused_with_its_message_and_nothing_written(
    tmp_path, media, operator, value, message
):
    batch = import_local_file(
        actor=operator, path=_csv(tmp_path / "a.csv", [_row(disabilitas=value)])
    )
    assert batch.error_rows == 1
    assert [(r["kolom"], r["pesan"]) for r in _report(batch)] == [("disabilitas", message)]
    assert not PersonDisability.objects.unscoped().exists()
    assert not Person.objects.unscoped().exists()


# ------------------------------------------------------------------------ services


@pytest.fixture
def siti(db):
    return PersonFactory(family=FamilyFactory(region_id=KEL_A), name="Siti Rahmah")


def _data(**values):
    return {
        "type": "netra",
        "severity": "berat",
        "assessed_on": "2025-06-10",
        "source": "surat_dokter",
        "note": "Surat dr. Andi, RSUD",
        **values,
    }


def test_several_disabilities_each_with_severity_date_source_and_recorder(operator, siti):
    services.person_disability_record(actor=operator, person=siti, data=_data())
    services.person_disability_record(
        actor=operator,
        person=siti,
        data=_data(type="fisik", severity="ringan", source="kunjungan_psm", note=""),
    )
    rows = selectors.person_disabilities(user=operator, person=siti)
    assert [(r.type, r.severity, r.assessed_on, r.source, r.created_by) for r in rows] == [
        ("fisik", "ringan", datetime.date(2025, 6, 10), "kunjungan_psm", operator),
        ("netra", "berat", datetime.date(2025, 6, 10), "surat_dokter", operator),
    ]
    siti.disability_rows = None
    assert siti.disability_label == "Multiple (ganda)"
    assert selectors.person_list(user=operator, filters={"disability": "ganda"}).get() == siti
    assert selectors.person_list(user=operator, filters={"disability": "sensorik"}).get() == siti
    assert not selectors.person_list(user=operator, filters={"disability": "rungu"}).exists()
    entries = AuditEntry.objects.filter(action="registry.disability.recorded")
    assert {(e.region_code, e.after["type"], e.actor) for e in entries} == {
        (KEL_A, "netra", operator),
        (KEL_A, "fisik", operator),
    }


def test_a_new_assessment_of_a_type_replaces_the_one_in_force(operator, siti):
    first = services.person_disability_record(actor=operator, person=siti, data=_data())
    services.person_disability_record(
        actor=operator, person=siti, data=_data(severity="sedang", assessed_on="2025-09-01")
    )
    first.refresh_from_db()
    assert first.ended_on == datetime.date(2025, 9, 1)
    assert first.end_reason == "Replaced by the assessment of 1 September 2025."
    assert [(r.severity, r.ended_on is None) for r in siti.disabilities.all()] == [
        ("sedang", True),
        ("berat", False),
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_data(type="buta"), "type", "Type of disability: buta is not one of the allowed answers."),
        (_data(type=""), "type", "Type of disability: this field is required."),
        (_data(severity="parah"), "severity", "Severity: parah is not one of the allowed answers."),
        (_data(source=""), "source", "Source of the assessment: this field is required."),
        (_data(assessed_on="31-02-2025"), "assessed_on", None),
        (_data(assessed_on="2999-01-01"), "assessed_on", None),
        (_data(note="x" * 201), "note", None),
    ],
)
def test_a_bad_disability_record_is_refused_and_nothing_written(
    operator, siti, data, field, message
):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.person_disability_record(actor=operator, person=siti, data=data)
    assert list(exc.value.errors) == [field]
    if message:
        assert exc.value.errors[field] == [message]
    assert not PersonDisability.objects.unscoped().exists()
    assert AuditEntry.objects.count() == entries


def test_a_date_in_the_future_is_named(operator, siti):
    tomorrow = today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.person_disability_record(
            actor=operator, person=siti, data=_data(assessed_on=tomorrow.isoformat())
        )
    assert "future" in exc.value.errors["assessed_on"][0]


def test_an_assessment_older_than_the_one_in_force_is_refused(operator, siti):
    services.person_disability_record(actor=operator, person=siti, data=_data())
    with pytest.raises(ValidationFailed) as exc:
        services.person_disability_record(
            actor=operator, person=siti, data=_data(assessed_on="2024-01-01")
        )
    assert exc.value.errors["assessed_on"] == [
        "Date of the assessment: an assessment of this type dated 10 June 2025 is in force; a "
        "new one cannot be older."
    ]
    assert PersonDisability.objects.unscoped().count() == 1


def test_ending_a_record_needs_a_reason_and_a_sensible_date(operator, siti):
    record = PersonDisabilityFactory(person=siti, assessed_on=datetime.date(2025, 6, 1))
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.person_disability_end(actor=operator, disability=record, reason=" ")
    assert list(exc.value.errors) == ["reason"]
    with pytest.raises(ValidationFailed) as exc:
        services.person_disability_end(
            actor=operator, disability=record, reason="x", ended_on=datetime.date(2025, 1, 1)
        )
    assert list(exc.value.errors) == ["ended_on"]
    record.refresh_from_db()
    assert record.ended_on is None and AuditEntry.objects.count() == entries
    services.person_disability_end(actor=operator, disability=record, reason="Sembuh")
    record.refresh_from_db()
    assert (record.ended_on, record.ended_by, record.end_reason) == (today(), operator, "Sembuh")
    with pytest.raises(DomainError, match="already ended"):
        services.person_disability_end(actor=operator, disability=record, reason="lagi")


def test_the_persons_form_keeps_the_records_in_step(operator, siti):
    services.person_update(
        actor=operator,
        person=siti,
        expected_version=siti.version,
        data={"disability": ["netra", "mental"], "disability_severity": "sedang"},
    )
    assert _records() == [(siti.nik, "mental", "sedang", True), (siti.nik, "netra", "sedang", True)]
    siti.refresh_from_db()
    services.person_update(
        actor=operator, person=siti, expected_version=siti.version, data={"disability": ["netra"]}
    )
    assert [r for r in _records() if r[3]] == [(siti.nik, "netra", "sedang", True)]
    entry = AuditEntry.objects.filter(action="registry.person.updated").order_by("id").last()
    assert entry.before["disability"] == ["mental", "netra"]
    assert entry.after["disability"] == ["netra"]


# ------------------------------------------------------------------------ PPKS assessments


def _assessment(**values):
    return {
        "assessed_on": "2025-05-02",
        "assessor": "Yusuf (PSM)",
        "result": "memenuhi",
        "evidence": "Laporan kunjungan rumah 2 Mei 2025",
        **values,
    }


def test_ppks_assessments_over_time_give_and_end_the_category(operator, siti):
    services.person_ppks_assess(actor=operator, person=siti, category_code=9, data=_assessment())
    assert list(siti.ppks.values_list("code", flat=True)) == [9]
    services.person_ppks_assess(
        actor=operator,
        person=siti,
        category_code="9",
        data=_assessment(assessed_on="2025-11-20", result="tidak_memenuhi", assessor="Rina (TKSK)"),
    )
    assert not siti.ppks.exists()
    rows = selectors.person_ppks_assessments(user=operator, person=siti)
    assert [(r.assessed_on.isoformat(), r.category.code, r.result, r.assessor) for r in rows] == [
        ("2025-11-20", 9, "tidak_memenuhi", "Rina (TKSK)"),
        ("2025-05-02", 9, "memenuhi", "Yusuf (PSM)"),
    ]
    assert AuditEntry.objects.filter(action="registry.ppks_assessment.recorded").count() == 2
    changes = AuditEntry.objects.filter(action="registry.person.updated").order_by("id")
    assert [(e.before["ppks"], e.after["ppks"]) for e in changes] == [([], [9]), ([9], [])]


@pytest.mark.parametrize(
    ("code", "data", "field"),
    [
        (999, _assessment(), "category"),
        ("sembilan", _assessment(), "category"),
        (10**12, _assessment(), "category"),
        (9, _assessment(assessor=""), "assessor"),
        (9, _assessment(evidence=""), "evidence"),
        (9, _assessment(result="mungkin"), "result"),
        (9, _assessment(assessed_on="2999-01-01"), "assessed_on"),
    ],
)
def test_a_bad_ppks_assessment_is_refused_and_nothing_written(operator, siti, code, data, field):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.person_ppks_assess(actor=operator, person=siti, category_code=code, data=data)
    assert field in exc.value.errors
    assert not PPKSAssessment.objects.unscoped().exists()
    assert not siti.ppks.exists() and AuditEntry.objects.count() == entries


def test_a_retired_category_cannot_be_given(operator, siti):
    PPKSCategory.objects.filter(code=9).update(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        services.person_ppks_assess(
            actor=operator, person=siti, category_code=9, data=_assessment()
        )
    assert exc.value.errors["category"] == [
        "PPKS category 9 is no longer in use and cannot be given."
    ]


# ------------------------------------------------------------------- permission and scope


def test_only_editors_inside_their_area_write(siti):
    leader = make_user(Role.PIMPINAN)
    elsewhere = make_user(Role.OPERATOR, scope=KEL_B)
    for actor in (leader, elsewhere):
        with pytest.raises(PermissionDeniedError):
            services.person_disability_record(actor=actor, person=siti, data=_data())
        with pytest.raises(PermissionDeniedError):
            services.person_ppks_assess(
                actor=actor, person=siti, category_code=9, data=_assessment()
            )
    record = PersonDisabilityFactory(person=siti)
    with pytest.raises(PermissionDeniedError):
        services.person_disability_end(actor=elsewhere, disability=record, reason="x")
    assert PersonDisability.objects.unscoped().count() == 1
    assert not PPKSAssessment.objects.unscoped().exists()
    # Reads are scoped as the person is.
    assert selectors.person_disabilities(user=elsewhere, person=siti) == []
    assert not PersonDisability.objects.scoped(elsewhere).exists()
    assert PersonDisability.objects.scoped(leader).count() == 1


def test_the_person_page_shows_the_records_and_the_forms_to_editors(client, operator, siti):
    PersonDisabilityFactory(person=siti, type=T.DEAF_MUTE, severity="berat")
    services.person_ppks_assess(actor=operator, person=siti, category_code=9, data=_assessment())
    services.person_disability_record(actor=operator, person=siti, data=_data())
    client.force_login(operator)
    response = client.get(reverse("registry:person_detail", args=[siti.pk]))
    page = response.content.decode()
    # The history holds the records' and the assessments' entries too.
    assert {"registry.disability.recorded", "registry.ppks_assessment.recorded"} <= {
        row["entry"].action for row in response.context["timeline"]
    }
    with translation.override("id"):  # the page's language
        label = str(T.DEAF_MUTE.label)
    assert label in page
    assert "Yusuf (PSM)" in page and "Laporan kunjungan rumah 2 Mei 2025" in page
    assert reverse("registry:disability_add", args=[siti.pk]) in page
    assert reverse("registry:ppks_assess", args=[siti.pk]) in page
    client.force_login(make_user(Role.PIMPINAN))
    page = client.get(reverse("registry:person_detail", args=[siti.pk])).content.decode()
    assert label in page
    assert reverse("registry:disability_add", args=[siti.pk]) not in page


def test_the_forms_write_through_the_services_and_refuse_outsiders(client, operator, siti):
    add = reverse("registry:disability_add", args=[siti.pk])
    client.force_login(operator)
    assert client.get(add).status_code == 200
    bad = client.post(add, _data(assessed_on="2999-01-01"))
    assert bad.status_code == 200 and 'id="error-summary"' in bad.content.decode()
    assert not PersonDisability.objects.unscoped().exists()
    response = client.post(add, _data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("registry:person_detail", args=[siti.pk])
    record = PersonDisability.objects.unscoped().get()
    end = reverse("registry:disability_end", args=[record.pk])
    assert client.post(end, {"reason": "Sembuh"}).status_code == 302
    assess = reverse("registry:ppks_assess", args=[siti.pk])
    assert client.post(assess, {"category": "9", **_assessment()}).status_code == 302
    assert PPKSAssessment.objects.unscoped().count() == 1

    client.force_login(make_user(Role.OPERATOR, scope=KEL_B))
    assert client.get(add).status_code == 404
    assert client.get(end).status_code == 404
    assert client.post(assess, {"category": "9", **_assessment()}).status_code == 404
    client.force_login(make_user(Role.PIMPINAN))
    assert client.get(add).status_code == 403
    assert client.post(assess, {"category": "9", **_assessment()}).status_code == 403
    assert PPKSAssessment.objects.unscoped().count() == 1


# ------------------------------------------------------------- a generated population, both ways


def test_a_generated_population_maps_its_national_codes_both_ways(
    client, tmp_path, media, operator
):
    """The synthetic population's disabilities (sub-types, ganda, each type's severity and
    assessment) come through import, export and an import of the national codes unchanged."""
    from padu.synth.population import generate_population
    from padu.synth.records import load_assessments

    path = tmp_path / "populasi.csv"
    generate_population(path, people=4000, seed=11)
    batch = import_local_file(actor=operator, path=path)
    assert batch.error_rows == 0
    loaded = load_assessments(path, actor=operator)
    generated = list(csv.DictReader(path.open(encoding="utf-8")))
    given = {r["nik"]: r["disabilitas"].split(";") for r in generated if r["disabilitas"]}
    assert any(len(t) > 1 for t in given.values())  # ganda
    assert {t for types in given.values() for t in types} >= {T.BLIND, T.DEAF, T.DEAF_MUTE}
    in_force = PersonDisability.objects.unscoped().filter(ended_on__isnull=True)
    assert loaded.disabilities == in_force.count() == sum(len(t) for t in given.values())
    assert not in_force.filter(source=codes.DisabilitySource.IMPORT).exists()

    client.force_login(operator)
    response = client.get(reverse("registry:person_export"), {"format": "csv"})
    exported = list(csv.DictReader(io.StringIO(downloaded(response).decode("utf-8-sig"))))
    national = national_codes()
    with_types = {r["nik"]: r for r in exported if r["disabilitas"]}
    assert {nik: r["disabilitas"].split(";") for nik, r in with_types.items()} == {
        nik: sorted_types(t) for nik, t in given.items()
    }
    coded = {nik: r for nik, r in with_types.items() if r["kode_disabilitas_nasional"]}
    assert len(coded) > 0.8 * len(with_types)  # most combinations have a national code
    for r in coded.values():
        assert national.to_padu[r["kode_disabilitas_nasional"]] == tuple(
            r["disabilitas"].split(";")
        )

    # The export read back with the national code in place of Padu's types changes nothing.
    for r in exported:
        if r["kode_disabilitas_nasional"]:
            r["disabilitas"] = r["kode_disabilitas_nasional"].lstrip("0")  # as a spreadsheet
    back = tmp_path / "nasional.csv"
    with back.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(exported[0]))
        writer.writeheader()
        writer.writerows(exported)
    before = list(
        PersonDisability.objects.unscoped()
        .order_by("id")
        .values_list("id", "version", "type", "severity", "assessed_on", "source", "ended_on")
    )
    again = import_local_file(actor=operator, path=back)
    assert (again.error_rows, again.people_created) == (0, 0)
    after = list(
        PersonDisability.objects.unscoped()
        .order_by("id")
        .values_list("id", "version", "type", "severity", "assessed_on", "source", "ended_on")
    )
    assert after == before


def sorted_types(types) -> list[str]:
    return [t for t in T.values if t in types]
