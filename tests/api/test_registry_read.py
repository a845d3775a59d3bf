"""Reading the registry through the API: lists, search, detail, masking, access log, queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog
from padu.registry import codes
from padu.registry.masks import mask_number
from padu.registry.models import DesilRecord, ImportBatch
from tests.factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_user,
)

FAMILIES = "/api/v1/families"
PEOPLE = "/api/v1/people"


def masked(number: str) -> str:
    return mask_number(number)


@pytest.fixture
def world(db):
    """Two families in kelurahan A (kecamatan A), one in A2 (same kecamatan), one in B (kec. B)."""
    fam_a = FamilyFactory(region_id=KEL_A, desil=1)
    head_a = PersonFactory(
        family=fam_a, name="Siti Rahmah", sex=codes.Sex.FEMALE, birth_date=datetime.date(1975, 3, 9)
    )
    child_a = PersonFactory(
        family=fam_a,
        name="Muhammad Rizki",
        relationship=codes.Relationship.CHILD,
        birth_date=datetime.date(2010, 1, 2),
        disability=["fisik", "sensorik"],
    )
    fam_a_2 = FamilyFactory(region_id=KEL_A, desil=5)
    PersonFactory(family=fam_a_2, name="Budi Santoso")
    fam_a2 = FamilyFactory(region_id=KEL_A2, desil=3)
    PersonFactory(family=fam_a2, name="Nurul Aini", sex=codes.Sex.FEMALE)
    fam_b = FamilyFactory(region_id=KEL_B, desil=2)
    head_b = PersonFactory(family=fam_b, name="Rahmat Hidayat")
    return {
        "fam_a": fam_a,
        "head_a": head_a,
        "child_a": child_a,
        "fam_a_2": fam_a_2,
        "fam_a2": fam_a2,
        "fam_b": fam_b,
        "head_b": head_b,
    }


@pytest.fixture
def psm(db):
    return make_user(Role.PSM, scope=KEL_A)


# --------------------------------------------------------------------------------------- lists


def test_family_list_is_scoped_counted_and_masked(api, world, psm, token_for):
    response = api.get(FAMILIES, token=token_for(psm))
    assert response.status_code == 200
    assert response.data["count"] == 2
    assert {i["id"] for i in response.data["items"]} == {world["fam_a"].pk, world["fam_a_2"].pk}
    item = next(i for i in response.data["items"] if i["id"] == world["fam_a"].pk)
    assert item["kk_number"] == masked(world["fam_a"].kk_number)
    assert item["kelurahan"]["code"] == KEL_A
    assert item["kecamatan"]["code"] == KEC_A
    assert item["head_name"] == "Siti Rahmah"
    assert item["desil"] == 1
    assert item["status"] == "aktif"
    assert item["version"] == 1


def test_family_list_for_a_kota_operator_sees_everything(api, world, token_for):
    response = api.get(FAMILIES, token=token_for(make_user(Role.OPERATOR)))
    assert response.data["count"] == 4


def test_family_list_pagination(api, world, token_for):
    key = token_for(make_user(Role.OPERATOR))
    first = api.get(FAMILIES, token=key, limit=3, offset=0).data
    second = api.get(FAMILIES, token=key, limit=3, offset=3).data
    assert first["count"] == second["count"] == 4
    assert (first["limit"], first["offset"], len(first["items"])) == (3, 0, 3)
    assert (second["limit"], second["offset"], len(second["items"])) == (3, 3, 1)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "x"}, "limit"),
        ({"desil": 11}, "desil"),
        ({"kelurahan": "13.71"}, "kelurahan"),
        ({"status": "hilang"}, "status"),
    ],
)
def test_family_list_rejects_bad_parameters(api, world, psm, token_for, params, field):
    response = api.get(FAMILIES, token=token_for(psm), **params)
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert list(response.data["errors"]) == [field]


def test_person_list_is_scoped_and_masked(api, world, psm, token_for):
    response = api.get(PEOPLE, token=token_for(psm))
    assert response.status_code == 200
    assert response.data["count"] == 3
    by_id = {i["id"]: i for i in response.data["items"]}
    child = by_id[world["child_a"].pk]
    assert child["nik"] == masked(world["child_a"].nik)
    assert child["family_id"] == world["fam_a"].pk
    assert child["desil"] == 1
    assert sorted(child["disability"]) == ["fisik", "sensorik"]
    assert child["kelurahan"] == {"code": KEL_A, "name": child["kelurahan"]["name"]}


def test_search_by_exact_nik_inside_the_area(api, world, psm, token_for):
    response = api.get(PEOPLE, token=token_for(psm), q=world["head_a"].nik)
    assert [i["id"] for i in response.data["items"]] == [world["head_a"].pk]
    assert response.data["count"] == 1


def test_search_by_exact_nik_outside_the_area_finds_nobody(api, world, psm, token_for):
    response = api.get(PEOPLE, token=token_for(psm), q=world["head_b"].nik)
    assert response.status_code == 200
    assert response.data == {"count": 0, "limit": 50, "offset": 0, "items": []}


def test_search_by_name(api, world, psm, token_for):
    response = api.get(PEOPLE, token=token_for(psm), q="rizki")
    assert [i["id"] for i in response.data["items"]] == [world["child_a"].pk]


def test_list_query_count_does_not_grow_with_the_page(api, db, token_for):
    operator = make_user(Role.OPERATOR)
    key = token_for(operator)
    api.get(FAMILIES, token=key)  # token's last_used_at written once, outside the measurement

    def measure(path):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(path, token=key).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        PersonFactory(family=FamilyFactory())
    small = (measure(FAMILIES), measure(PEOPLE))
    for _ in range(20):
        PersonFactory(family=FamilyFactory(region_id=KEL_B))
    assert (measure(FAMILIES), measure(PEOPLE)) == small
    # The page's ids, then its rows (one query each); people: their disability records, one
    # prefetch.
    assert small[0] <= 7 and small[1] <= 7


# -------------------------------------------------------------------------------------- detail


def test_family_detail_with_members_masked_and_full_kk_for_a_psm(api, world, psm, token_for):
    fam = world["fam_a"]
    response = api.get(f"{FAMILIES}/{fam.pk}", token=token_for(psm))
    assert response.status_code == 200
    data = response.data
    assert data["kk_number"] == fam.kk_number
    assert [m["id"] for m in data["members"]] == [world["head_a"].pk, world["child_a"].pk]
    assert all(
        m["nik"] == masked(p.nik)
        for m, p in zip(data["members"], [world["head_a"], world["child_a"]], strict=True)
    )
    assert data["kecamatan"]["code"] == KEC_A
    assert data["version"] == fam.version


def test_family_detail_holds_the_desil_history_with_its_sources(api, world, psm, token_for):
    fam = world["fam_a"]
    batch = ImportBatch.objects.create(file_name="dtsen-2024.csv", file_sha256="0")
    DesilRecord.objects.create(
        family=fam, desil=6, period=datetime.date(2024, 7, 20), kind="impor", import_batch=batch
    )
    DesilRecord.objects.create(
        family=fam, desil=5, period=datetime.date(2025, 7, 20), kind="koreksi", reason="BPS letter"
    )
    history = api.get(f"{FAMILIES}/{fam.pk}", token=token_for(psm)).data["desil_history"]
    assert [(h["desil"], h["kind"], h["import_id"], h["reason"]) for h in history] == [
        (5, "koreksi", None, "BPS letter"),
        (6, "impor", batch.pk, ""),
    ]


@pytest.mark.parametrize(
    ("role", "full"),
    [
        (Role.PSM, True),
        (Role.TKSK, True),
        (Role.KELURAHAN, True),
        (Role.OPERATOR, True),
        (Role.ADMIN, False),
        (Role.PIMPINAN, False),
    ],
)
def test_person_detail_shows_the_whole_nik_only_to_roles_that_may_see_it(
    api, world, token_for, role, full
):
    person = world["head_a"]
    response = api.get(f"{PEOPLE}/{person.pk}", token=token_for(make_user(role)))
    assert response.status_code == 200
    assert response.data["nik"] == (person.nik if full else masked(person.nik))
    kk = world["fam_a"].kk_number
    assert response.data["family"]["kk_number"] == (kk if full else masked(kk))
    family = api.get(f"{FAMILIES}/{world['fam_a'].pk}", token=token_for(make_user(role)))
    assert family.data["kk_number"] == (kk if full else masked(kk))


def test_person_detail_writes_the_access_log(api, world, psm, token_for):
    person = world["child_a"]
    response = api.get(f"{PEOPLE}/{person.pk}", token=token_for(psm))
    assert response.status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.object_type, log.object_id, log.region_code, log.purpose) == (
        psm,
        "registry.person",
        str(person.pk),
        KEL_A,
        "api_person_detail",
    )
    assert response.data["disability"] == ["fisik", "sensorik"]


def test_family_detail_writes_the_access_log(api, world, psm, token_for):
    fam = world["fam_a"]
    api.get(f"{FAMILIES}/{fam.pk}", token=token_for(psm))
    log = AccessLog.objects.get()
    assert (log.user, log.object_type, log.object_id, log.purpose) == (
        psm,
        "registry.family",
        str(fam.pk),
        "api_family_detail",
    )


@pytest.mark.parametrize("which", ["fam_b", "missing"])
def test_family_outside_the_area_is_404_like_a_missing_one(api, world, psm, token_for, which):
    pk = world["fam_b"].pk if which == "fam_b" else 999999
    response = api.get(f"{FAMILIES}/{pk}", token=token_for(psm))
    assert response.status_code == 404
    assert response.data == {"detail": response.data["detail"], "code": "not_found", "errors": {}}
    assert not AccessLog.objects.exists()


def test_person_outside_the_area_is_404(api, world, token_for):
    kelurahan_a2 = make_user(Role.KELURAHAN, scope=KEL_A2)
    response = api.get(f"{PEOPLE}/{world['head_a'].pk}", token=token_for(kelurahan_a2))
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_a_tksk_sees_his_whole_kecamatan_and_nothing_else(api, world, token_for):
    key = token_for(make_user(Role.TKSK, scope=KEC_B))
    assert api.get(FAMILIES, token=key).data["count"] == 1
    assert api.get(PEOPLE, token=key).data["count"] == 1
    assert api.get(f"{FAMILIES}/{world['fam_b'].pk}", token=key).status_code == 200
    assert api.get(f"{FAMILIES}/{world['fam_a'].pk}", token=key).status_code == 404


def test_script_in_a_name_is_returned_as_data(api, db, token_for):
    name = '<script>alert("x")</script> & Sons'
    person = PersonFactory(name=name)
    key = token_for(make_user(Role.OPERATOR))
    response = api.get(f"{PEOPLE}/{person.pk}", token=key)
    assert response.data["name"] == name
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    listed = api.get(PEOPLE, token=key)
    assert listed.data["items"][0]["name"] == name


# ------------------------------------------------------------------------------------- filters


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.data
    return {i["id"] for i in response.data["items"]}


@pytest.fixture
def operator_key(db, token_for):
    return token_for(make_user(Role.OPERATOR))


def test_family_filters_by_region_desil_and_status(api, world, operator_key):
    w = world
    assert _ids(api.get(FAMILIES, token=operator_key, kecamatan=KEC_A)) == {
        w["fam_a"].pk,
        w["fam_a_2"].pk,
        w["fam_a2"].pk,
    }
    assert _ids(api.get(FAMILIES, token=operator_key, kelurahan=KEL_A2)) == {w["fam_a2"].pk}
    assert _ids(api.get(FAMILIES, token=operator_key, desil="1-3")) == {
        w["fam_a"].pk,
        w["fam_a2"].pk,
        w["fam_b"].pk,
    }
    assert _ids(api.get(FAMILIES, token=operator_key, desil="5")) == {w["fam_a_2"].pk}
    assert _ids(api.get(FAMILIES, token=operator_key, status="pindah")) == set()
    assert _ids(api.get(FAMILIES, token=operator_key, disability="ganda")) == {w["fam_a"].pk}


def test_family_search_by_kk_and_by_a_members_nik(api, world, operator_key):
    fam = world["fam_a"]
    assert _ids(api.get(FAMILIES, token=operator_key, q=fam.kk_number)) == {fam.pk}
    assert _ids(api.get(FAMILIES, token=operator_key, q=world["child_a"].nik)) == {fam.pk}


def test_person_filters(api, world, operator_key):
    w = world
    assert _ids(api.get(PEOPLE, token=operator_key, sex="P")) == {
        w["head_a"].pk,
        w["fam_a2"].members.get().pk,
    }
    assert _ids(api.get(PEOPLE, token=operator_key, disability="sensorik")) == {w["child_a"].pk}
    assert _ids(api.get(PEOPLE, token=operator_key, disability="any")) == {w["child_a"].pk}
    assert _ids(api.get(PEOPLE, token=operator_key, age_band="6-17")) == {w["child_a"].pk}
    assert _ids(api.get(PEOPLE, token=operator_key, desil="none")) == set()
    assert _ids(api.get(PEOPLE, token=operator_key, kecamatan=KEC_B)) == {w["head_b"].pk}


def test_person_filter_by_ppks_code(api, world, operator_key):
    from padu.registry.models import PPKSCategory

    category = PPKSCategory.objects.order_by("code").first()
    world["head_b"].ppks.add(category)
    response = api.get(PEOPLE, token=operator_key, ppks=category.code)
    assert _ids(response) == {world["head_b"].pk}
    unknown = api.get(PEOPLE, token=operator_key, ppks=999)
    assert unknown.status_code == 400
    assert list(unknown.data["errors"]) == ["ppks"]


def test_person_sort(api, world, operator_key):
    names = [i["name"] for i in api.get(PEOPLE, token=operator_key, sort="-name").data["items"]]
    assert names == sorted(names, reverse=True)
    assert len(names) == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "1371011"}, "q"),
        ({"desil": "5-3"}, "desil"),
        ({"desil": "0"}, "desil"),
        ({"disability": "buta"}, "disability"),
        ({"age_band": "7-9"}, "age_band"),
        ({"sort": "income"}, "sort"),
        ({"sex": "X"}, "sex"),
    ],
)
def test_person_list_rejects_bad_filters(api, world, operator_key, params, field):
    response = api.get(PEOPLE, token=operator_key, **params)
    assert response.status_code == 400
    assert list(response.data["errors"]) == [field]
    assert all(response.data["errors"][field])
