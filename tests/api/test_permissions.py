"""The API's permission matrix: every role, in the target's region and outside it, and anonymous,
over every endpoint. Denials change nothing (no rows, no audit entries, no access-log entries).

The target is a family with one member in kelurahan A (KEL_A, kecamatan KEC_A)."""

import datetime

import pytest

from padu.accounts.capabilities import Cap, Role, capabilities_for
from padu.accounts.models import User
from padu.core.models import AccessLog, AuditEntry
from padu.registry.models import Family, Person, PersonDisability, PPKSAssessment
from tests.factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    KOTA,
    FamilyFactory,
    PersonDisabilityFactory,
    PersonFactory,
    make_user,
)

from .payloads import family_payload, person_payload

# name: (role, scope, inside the target's area)
ACTORS = {
    "anonymous": (None, None, False),
    "mitra": (Role.MITRA, None, False),
    "admin": (Role.ADMIN, KOTA, True),
    "admin_other": (Role.ADMIN, KEC_B, False),
    "pimpinan": (Role.PIMPINAN, KOTA, True),
    "pimpinan_other": (Role.PIMPINAN, KEC_B, False),
    "operator": (Role.OPERATOR, KOTA, True),
    "operator_kecamatan": (Role.OPERATOR, KEC_A, True),
    "operator_other": (Role.OPERATOR, KEC_B, False),
    "tksk": (Role.TKSK, KEC_A, True),
    "tksk_other": (Role.TKSK, KEC_B, False),
    "psm": (Role.PSM, KEL_A, True),
    "psm_other": (Role.PSM, KEL_B, False),
    "kelurahan": (Role.KELURAHAN, KEL_A, True),
    "kelurahan_other": (Role.KELURAHAN, KEL_A2, False),
    "privasi": (Role.PRIVACY, KOTA, True),
    "privasi_other": (Role.PRIVACY, KEC_B, False),
}
READERS = {Role.ADMIN, Role.OPERATOR, Role.PIMPINAN, Role.TKSK, Role.PSM, Role.KELURAHAN}
EDITORS = {Role.OPERATOR}


def refused(role) -> int | None:
    """The status every endpoint answers this actor before looking at any record, if any."""
    if role is None:
        return 401
    if role not in READERS:  # no API_USE: the token itself is refused
        return 403
    return None


@pytest.fixture
def target(db):
    family = FamilyFactory(region_id=KEL_A)
    person = PersonFactory(family=family, name="Yusuf Maulana")
    return family, person


def _key(name, token_for):
    role, scope, _inside = ACTORS[name]
    if role is None:
        return None
    return token_for(make_user(role, scope=scope))


def _state(family, person) -> tuple:
    family.refresh_from_db()
    person.refresh_from_db()
    return (
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
        AccessLog.objects.count(),
        family.version,
        family.address,
        person.version,
        person.occupation,
    )


ALL = list(ACTORS)


@pytest.mark.parametrize("name", ALL)
def test_family_list(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    response = api.get("/api/v1/families", token=_key(name, token_for))
    assert response.status_code == (refused(role) or 200)
    if response.status_code == 200:
        assert response.data["count"] == (1 if inside else 0)
        assert [i["id"] for i in response.data["items"]] == ([target[0].pk] if inside else [])


def sees_numbers(role) -> bool:
    return Cap.REGISTRY_VIEW_NIK in capabilities_for(role)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("by", ["kk", "nik", "name"])
def test_family_search_even_by_exact_number(api, target, token_for, name, by):
    role, _scope, inside = ACTORS[name]
    family, person = target
    q = {"nik": person.nik, "kk": family.kk_number, "name": "Yusuf Maulana"}[by]
    response = api.get("/api/v1/families", token=_key(name, token_for), q=q)
    assert response.status_code == (refused(role) or 200)
    if response.status_code == 200:
        # A role that sees numbers masked may not test them (registry.disclosure).
        inside = inside and (by == "name" or sees_numbers(role))
        assert response.data["count"] == (1 if inside else 0)
        assert [i["id"] for i in response.data["items"]] == ([family.pk] if inside else [])


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("by", ["nik", "name"])
def test_person_search_even_by_exact_nik(api, target, token_for, name, by):
    role, _scope, inside = ACTORS[name]
    _family, person = target
    q = {"nik": person.nik, "name": "Yusuf Maulana"}[by]
    response = api.get("/api/v1/people", token=_key(name, token_for), q=q)
    assert response.status_code == (refused(role) or 200)
    if response.status_code == 200:
        inside = inside and (by == "name" or sees_numbers(role))
        assert response.data["count"] == (1 if inside else 0)
        assert [i["id"] for i in response.data["items"]] == ([person.pk] if inside else [])


@pytest.mark.parametrize("name", ALL)
def test_family_detail(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _state(family, person)
    response = api.get(f"/api/v1/families/{family.pk}", token=key)
    assert response.status_code == (refused(role) or (200 if inside else 404))
    if response.status_code != 200:
        assert _state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_person_detail(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _state(family, person)
    response = api.get(f"/api/v1/people/{person.pk}", token=key)
    assert response.status_code == (refused(role) or (200 if inside else 404))
    if response.status_code == 200:
        assert (
            AccessLog.objects.filter(
                object_type="registry.person", object_id=str(person.pk)
            ).count()
            == 1
        )
    else:
        assert _state(family, person) == before


def _write_status(role, inside, success: int, outside_editor: int = 404) -> int:
    if refused(role):
        return refused(role)
    if role not in EDITORS:
        return 403
    return success if inside else outside_editor


@pytest.mark.parametrize("name", ALL)
def test_family_update(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _state(family, person)
    response = api.patch(
        f"/api/v1/families/{family.pk}",
        {"version": family.version, "address": "Jl. Baru 1"},
        token=key,
    )
    assert response.status_code == _write_status(role, inside, 200)
    if response.status_code == 200:
        family.refresh_from_db()
        assert (family.address, family.version) == ("Jl. Baru 1", before[4] + 1)
    else:
        assert _state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_person_update(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _state(family, person)
    response = api.patch(
        f"/api/v1/people/{person.pk}",
        {"version": person.version, "occupation": "Petani"},
        token=key,
    )
    assert response.status_code == _write_status(role, inside, 200)
    if response.status_code == 200:
        person.refresh_from_db()
        assert (person.occupation, person.version) == ("Petani", before[6] + 1)
    else:
        assert _state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_member_add(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _state(family, person)
    body = person_payload(
        KEL_A, name="Anak Baru", relationship=3, birth_date=datetime.date(2012, 6, 1)
    )
    response = api.post(f"/api/v1/families/{family.pk}/members", body, token=key)
    assert response.status_code == _write_status(role, inside, 201)
    if response.status_code == 201:
        assert Person.objects.unscoped().filter(family=family, nik=body["nik"]).exists()
    else:
        assert _state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_family_register_in_the_targets_kelurahan(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _state(family, person)
    body = family_payload(KEL_A)
    response = api.post("/api/v1/families", body, token=key)
    # An editor outside kelurahan A may not register a family there: a field error on kelurahan.
    assert response.status_code == _write_status(role, inside, 201, outside_editor=400)
    if response.status_code == 400:
        assert list(response.data["errors"]) == ["kelurahan"]
    if response.status_code == 201:
        assert (
            Family.objects.unscoped().filter(kk_number=body["kk_number"], region_id=KEL_A).exists()
        )
    else:
        assert _state(family, person) == before
        assert not Family.objects.unscoped().filter(kk_number=body["kk_number"]).exists()


# ---------------------------------------------- a person's disabilities and PPKS assessments


def _records_state(family, person) -> tuple:
    return (
        *_state(family, person),
        PersonDisability.objects.unscoped().filter(ended_on__isnull=True).count(),
        PersonDisability.objects.unscoped().count(),
        PPKSAssessment.objects.unscoped().count(),
    )


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("records", ["disabilities", "ppks-assessments"])
def test_person_records_list(api, target, token_for, name, records):
    role, _scope, inside = ACTORS[name]
    family, person = target
    PersonDisabilityFactory(person=person)
    key = _key(name, token_for)
    before = _records_state(family, person)
    response = api.get(f"/api/v1/people/{person.pk}/{records}", token=key)
    assert response.status_code == (refused(role) or (200 if inside else 404))
    if response.status_code == 200:
        assert len(response.data) == (1 if records == "disabilities" else 0)
    else:
        assert _records_state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_disability_record(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _records_state(family, person)
    body = {"type": "netra", "severity": "berat", "assessed_on": "2025-01-02", "source": "impor"}
    response = api.post(f"/api/v1/people/{person.pk}/disabilities", body, token=key)
    assert response.status_code == _write_status(role, inside, 201)
    if response.status_code == 201:
        assert person.disabilities.get().type == "netra"
    else:
        assert _records_state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_disability_end(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    row = PersonDisabilityFactory(person=person)
    key = _key(name, token_for)
    before = _records_state(family, person)
    response = api.post(f"/api/v1/disabilities/{row.pk}/end", {"reason": "Sembuh"}, token=key)
    assert response.status_code == _write_status(role, inside, 200)
    row.refresh_from_db()
    if response.status_code == 200:
        assert row.end_reason == "Sembuh"
    else:
        assert row.ended_on is None
        assert _records_state(family, person) == before


@pytest.mark.parametrize("name", ALL)
def test_ppks_assess(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    family, person = target
    key = _key(name, token_for)
    before = _records_state(family, person)
    body = {
        "category": 9,
        "assessed_on": "2025-01-02",
        "assessor": "Rahmat",
        "result": "memenuhi",
        "evidence": "Laporan kunjungan",
    }
    response = api.post(f"/api/v1/people/{person.pk}/ppks-assessments", body, token=key)
    assert response.status_code == _write_status(role, inside, 201)
    if response.status_code == 201:
        assert list(person.ppks.values_list("code", flat=True)) == [9]
    else:
        assert _records_state(family, person) == before


def test_matrix_covers_every_role():
    assert {role for role, _scope, _inside in ACTORS.values() if role} == set(Role.values)
    assert set(User._meta.get_field("role").choices) == set(Role.choices)
