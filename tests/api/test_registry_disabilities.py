"""A person's disability records and PPKS assessments through the API: listed (scoped,
access-logged), recorded and ended through the same services as the pages (audited), with every
bad input refused in Indonesian and nothing written."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog, AuditEntry
from padu.registry import codes
from padu.registry.models import PersonDisability, PPKSAssessment, PPKSCategory
from tests.factories import (
    KEL_A,
    KEL_B,
    FamilyFactory,
    PersonDisabilityFactory,
    PersonFactory,
    make_user,
)

PEOPLE = "/api/v1/people"


@pytest.fixture
def operator_key(db, token_for):
    return token_for(make_user(Role.OPERATOR))


@pytest.fixture
def siti(db):
    return PersonFactory(family=FamilyFactory(region_id=KEL_A), name="Siti Aminah")


def _counts():
    return (
        PersonDisability.objects.unscoped().count(),
        PPKSAssessment.objects.unscoped().count(),
        AuditEntry.objects.filter(action__startswith="registry.").count(),
    )


def _disability(**values):
    return {
        "type": "rungu_wicara",
        "severity": "berat",
        "assessed_on": "2025-02-03",
        "source": "surat_dokter",
        "note": "Surat RSUD No. 12/2025",
        **values,
    }


def test_several_disabilities_are_recorded_listed_and_ended(api, operator_key, siti):
    url = f"{PEOPLE}/{siti.pk}/disabilities"
    first = api.post(url, _disability(), token=operator_key)
    assert first.status_code == 201, first.data
    second = api.post(
        url,
        _disability(type="netra", severity="sedang", source="kunjungan_psm"),
        token=operator_key,
    )
    assert second.status_code == 201, second.data
    assert (first.data["type"], first.data["severity"], first.data["in_force"]) == (
        "rungu_wicara",
        "berat",
        True,
    )
    assert first.data["recorded_by"] and first.data["assessed_on"] == "2025-02-03"
    listed = api.get(url, token=operator_key)
    assert listed.status_code == 200
    assert sorted(r["type"] for r in listed.data) == ["netra", "rungu_wicara"]
    siti.disability_rows = None
    assert siti.disability_types == ["netra", "rungu_wicara"]  # ganda

    ended = api.post(
        f"/api/v1/disabilities/{second.data['id']}/end",
        {"reason": "Sudah bisa melihat setelah operasi", "ended_on": "2025-06-01"},
        token=operator_key,
    )
    assert ended.status_code == 200, ended.data
    assert (ended.data["in_force"], ended.data["ended_on"]) == (False, "2025-06-01")
    listed = api.get(url, token=operator_key)
    assert [(r["type"], r["in_force"]) for r in listed.data] == [
        ("rungu_wicara", True),
        ("netra", False),
    ]
    actions = set(
        AuditEntry.objects.filter(object_type="registry.persondisability").values_list(
            "action", flat=True
        )
    )
    assert actions == {"registry.disability.recorded", "registry.disability.ended"}


def test_reading_the_records_is_access_logged(api, operator_key, siti):
    PersonDisabilityFactory(person=siti, type="fisik")
    before = AccessLog.objects.count()
    assert api.get(f"{PEOPLE}/{siti.pk}/disabilities", token=operator_key).status_code == 200
    assert api.get(f"{PEOPLE}/{siti.pk}/ppks-assessments", token=operator_key).status_code == 200
    purposes = list(AccessLog.objects.order_by("pk")[before:].values_list("purpose", flat=True))
    assert purposes == ["api_person_disabilities", "api_person_ppks_assessments"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"type": "buta"}, "type"),
        ({"severity": "parah"}, "severity"),
        ({"source": "tetangga"}, "source"),
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
        ({"assessed_on": "1850-01-01"}, "assessed_on"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_a_bad_disability_is_refused_and_nothing_written(api, operator_key, siti, values, field):
    before = _counts()
    response = api.post(
        f"{PEOPLE}/{siti.pk}/disabilities", _disability(**values), token=operator_key
    )
    assert response.status_code == 400, response.data
    # An optional code's error is named by its field (and, from pydantic, the union's arm).
    assert {k.split(".")[0] for k in response.data["errors"]} == {field}
    assert _counts() == before


def test_a_future_date_is_named_in_indonesian(api, operator_key, siti):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = api.post(
        f"{PEOPLE}/{siti.pk}/disabilities",
        _disability(assessed_on=tomorrow.isoformat()),
        token=operator_key,
    )
    assert response.status_code == 400
    assert "Tanggal" in response.data["errors"]["assessed_on"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "Sembuh", "ended_on": "2999-01-01"}, "ended_on"),
        ({"reason": "Sembuh", "ended_on": "2020-01-01"}, "ended_on"),
    ],
)
def test_a_bad_end_is_refused_and_the_record_stays_in_force(api, operator_key, siti, body, field):
    row = PersonDisabilityFactory(person=siti, assessed_on=datetime.date(2025, 3, 1))
    before = _counts()
    response = api.post(f"/api/v1/disabilities/{row.pk}/end", body, token=operator_key)
    assert response.status_code == 400, response.data
    # An optional code's error is named by its field (and, from pydantic, the union's arm).
    assert {k.split(".")[0] for k in response.data["errors"]} == {field}
    assert _counts() == before
    row.refresh_from_db()
    assert row.ended_on is None


def test_a_record_already_ended_cannot_end_again(api, operator_key, siti):
    row = PersonDisabilityFactory(person=siti, ended_on=datetime.date(2025, 4, 1))
    response = api.post(
        f"/api/v1/disabilities/{row.pk}/end", {"reason": "Sembuh"}, token=operator_key
    )
    assert response.status_code == 400
    assert response.data["detail"] == gettext("This disability record has already ended.")


def test_ppks_assessments_give_and_end_the_category_over_time(api, operator_key, siti):
    url = f"{PEOPLE}/{siti.pk}/ppks-assessments"
    category = PPKSCategory.objects.get(code=9)
    body = {
        "category": 9,
        "assessed_on": "2025-01-10",
        "assessor": "Rahmat (PSM Belakang Pondok)",
        "result": codes.PPKSResult.MEETS,
        "evidence": "Laporan kunjungan 10 Januari 2025, disimpan di kantor kelurahan.",
    }
    meets = api.post(url, body, token=operator_key)
    assert meets.status_code == 201, meets.data
    assert meets.data["category"] == {"code": 9, "name": category.name}
    assert siti.ppks.filter(pk=category.pk).exists()
    later = {**body, "assessed_on": "2025-08-01", "result": codes.PPKSResult.DOES_NOT_MEET}
    assert api.post(url, later, token=operator_key).status_code == 201
    assert not siti.ppks.filter(pk=category.pk).exists()
    listed = api.get(url, token=operator_key)
    assert [(r["assessed_on"], r["result"]) for r in listed.data] == [
        ("2025-08-01", "tidak_memenuhi"),
        ("2025-01-10", "memenuhi"),
    ]
    assert listed.data[0]["assessor"] == "Rahmat (PSM Belakang Pondok)"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": 999}, "category"),
        ({"assessor": ""}, "assessor"),
        ({"evidence": ""}, "evidence"),
        ({"result": "mungkin"}, "result"),
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
    ],
)
def test_a_bad_ppks_assessment_is_refused_and_nothing_written(
    api, operator_key, siti, values, field
):
    body = {
        "category": 9,
        "assessed_on": "2025-01-10",
        "assessor": "Rahmat",
        "result": "memenuhi",
        "evidence": "Laporan kunjungan",
        **values,
    }
    before = _counts()
    response = api.post(f"{PEOPLE}/{siti.pk}/ppks-assessments", body, token=operator_key)
    assert response.status_code == 400, response.data
    # An optional code's error is named by its field (and, from pydantic, the union's arm).
    assert {k.split(".")[0] for k in response.data["errors"]} == {field}
    assert _counts() == before


def test_outside_the_area_is_404_and_nothing_written(api, token_for, siti):
    other = token_for(make_user(Role.OPERATOR, scope=KEL_B))
    row = PersonDisabilityFactory(person=siti)
    before = _counts()
    assert api.get(f"{PEOPLE}/{siti.pk}/disabilities", token=other).status_code == 404
    assert api.get(f"{PEOPLE}/{siti.pk}/ppks-assessments", token=other).status_code == 404
    assert (
        api.post(f"{PEOPLE}/{siti.pk}/disabilities", _disability(), token=other).status_code == 404
    )
    response = api.post(f"/api/v1/disabilities/{row.pk}/end", {"reason": "x"}, token=other)
    assert response.status_code == 404
    assert _counts() == before


def test_a_role_that_only_reads_cannot_write(api, token_for, siti):
    pimpinan = token_for(make_user(Role.PIMPINAN))
    row = PersonDisabilityFactory(person=siti)
    before = _counts()
    assert api.get(f"{PEOPLE}/{siti.pk}/disabilities", token=pimpinan).status_code == 200
    response = api.post(f"{PEOPLE}/{siti.pk}/disabilities", _disability(), token=pimpinan)
    assert response.status_code == 403
    response = api.post(f"/api/v1/disabilities/{row.pk}/end", {"reason": "x"}, token=pimpinan)
    assert response.status_code == 403
    assert _counts() == before
