"""The programs' write endpoints for field work: a field check, payments to a beneficiary and to
a group, equipment and its handover, group members and roles, a course's participants,
attendance and completion. Each through the services (their refusals answered with their
codes), every answer checked against the OpenAPI document."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.programs.benefit_codes import GroupRole, GroupState
from padu.programs.codes import CandidateState as S
from padu.programs.models import BenefitGroup, Disbursement, GroupMember
from tests.api.conftest import assert_matches_schema, key_for
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    KEL_A2,
    KEL_B,
    BenefitGroupFactory,
    PersonFactory,
    TrainingCourseFactory,
    make_user,
)
from tests.programs.helpers import candidate_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programs"


def photo(name="foto.jpg"):
    return SimpleUploadedFile(name, JPEG_BYTES, "image/jpeg")


def multipart_with_key(path: str, data: dict, key: str | None):
    """A multipart POST (the JSON client is not for files), checked against the document."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = Client().post(path, data, headers=headers)
    assert_matches_schema("POST", path, response)
    response.data = json.loads(response.content)
    return response


def multipart(path: str, data: dict, user):
    return multipart_with_key(path, data, key_for(user))


CHECK = {"checked_on": "2026-01-20", "found": "true", "conditions_met": "true", "willing": "true"}


def test_a_psm_verifies_a_candidate_with_a_photo(clock):
    candidate = candidate_in(S.CANDIDATE)
    psm = make_user(Role.PSM, scope=KEL_A)
    path = f"{BASE}/candidates/{candidate.pk}/field-check"
    missing = multipart(path, CHECK, psm)
    assert (missing.status_code, list(missing.data["errors"])) == (400, ["photos"])
    done = multipart(path, {**CHECK, "photos": [photo()]}, psm)
    assert done.status_code == 201, done.data
    assert done.data["candidate"]["state"] == S.VERIFIED
    assert (done.data["passed"], done.data["photos"]) == (True, 1)
    assert AuditEntry.objects.get(action="programs.candidate.verify").actor == psm


def test_a_failed_check_needs_a_note_and_rejects(clock):
    candidate = candidate_in(S.CANDIDATE)
    psm = make_user(Role.PSM, scope=KEL_A)
    path = f"{BASE}/candidates/{candidate.pk}/field-check"
    bare = multipart(path, {**CHECK, "found": "false"}, psm)
    assert list(bare.data["errors"]) == ["note"]
    done = multipart(path, {**CHECK, "found": "false", "note": "Pindah"}, psm)
    assert (done.status_code, done.data["candidate"]["state"]) == (201, S.REJECTED)
    again = multipart(path, {**CHECK, "photos": [photo()]}, psm)
    assert (again.status_code, again.data["code"]) == (400, "invalid_state")
    other = multipart(path, CHECK, make_user(Role.PSM, scope=KEL_B))
    assert other.status_code == 404


def test_payments_with_a_reference_or_a_proof(clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    operator = make_user(Role.OPERATOR)
    path = f"{BASE}/beneficiaries/{candidate.pk}/disbursements"
    pay = {"amount": "2000000", "paid_on": "2026-01-20", "channel": "transfer"}
    bare = multipart(path, pay, operator)
    assert (bare.status_code, list(bare.data["errors"])) == (400, ["proofs"])
    by_reference = multipart(path, {**pay, "reference": "TRX-9"}, operator)
    assert by_reference.status_code == 201, by_reference.data
    assert (by_reference.data["amount"], by_reference.data["beneficiary"]) == (
        "2000000.00",
        candidate.pk,
    )
    candidate.refresh_from_db()
    assert candidate.state == S.DELIVERED
    cash = multipart(path, {**pay, "channel": "cash", "proofs": [photo()]}, operator)
    assert cash.status_code == 201
    over = multipart(path, {**pay, "amount": "1000001", "reference": "TRX-10"}, operator)
    assert (over.status_code, over.data["code"]) == (400, "over_grant")
    fraction = multipart(path, {**pay, "amount": "10.5", "reference": "TRX-11"}, operator)
    assert list(fraction.data["errors"]) == ["amount"]
    assert Disbursement.objects.unscoped().count() == 2
    refused = multipart(path, {**pay, "reference": "X"}, make_user(Role.PSM, scope=KEL_A))
    assert refused.status_code == 403


def test_a_package_recorded_then_handed_over(api, token_for, clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    operator = make_user(Role.OPERATOR)
    key = token_for(operator)
    items = [{"name": "Mesin jahit", "quantity": 1, "unit_value": 2750000, "serial_numbers": "A1"}]
    made = api.post(f"{BASE}/beneficiaries/{candidate.pk}/packages", {"items": items}, token=key)
    assert made.status_code == 201, made.data
    assert made.data["items"][0]["serial_numbers"] == ["A1"]
    too_many = [{**items[0], "serial_numbers": "A1\nA2"}]
    bad = api.post(f"{BASE}/beneficiaries/{candidate.pk}/packages", {"items": too_many}, token=key)
    assert list(bad.data["errors"]) == ["items"]
    unknown = api.post(
        f"{BASE}/beneficiaries/{candidate.pk}/packages",
        {"items": items, "course": 999999},
        token=key,
    )
    assert list(unknown.data["errors"]) == ["course"]
    path = f"{BASE}/packages/{made.data['id']}/handover"
    no_photo = multipart(path, {"handed_over_on": "2026-01-21"}, operator)
    assert list(no_photo.data["errors"]) == ["photos"]
    handed = multipart(path, {"handed_over_on": "2026-01-21", "photos": [photo()]}, operator)
    assert handed.status_code == 200, handed.data
    assert (handed.data["handed_over_on"], handed.data["photos"]) == ("2026-01-21", 1)
    candidate.refresh_from_db()
    assert candidate.state == S.DELIVERED
    twice = multipart(path, {"handed_over_on": "2026-01-21", "photos": [photo()]}, operator)
    assert (twice.status_code, twice.data["code"]) == (400, "invalid_state")
    listed = api.get(f"{BASE}/beneficiaries/{candidate.pk}/packages", token=key)
    assert [p["id"] for p in listed.data] == [made.data["id"]]


def _kube(**fields) -> BenefitGroup:
    return BenefitGroupFactory(**fields)


def test_members_added_given_roles_and_leaving(api, token_for):
    group = _kube()
    key = token_for(make_user(Role.OPERATOR))
    path = f"{BASE}/groups/{group.pk}/members"
    people = [PersonFactory(family__region_id=KEL_A if n % 2 else KEL_A2) for n in range(3)]
    first = api.post(path, {"person": people[0].pk, "role": "ketua", "version": 1}, token=key)
    assert first.status_code == 201, first.data
    assert [m["role"] for m in first.data["member_list"]] == ["ketua"]
    version = first.data["version"]
    stale = api.post(path, {"person": people[1].pk, "version": 1}, token=key)
    assert (stale.status_code, stale.data["current_version"]) == (409, version)
    second = api.post(path, {"person": people[1].pk, "version": version}, token=key)
    taken = api.post(path, {"person": people[2].pk, "role": "ketua"}, token=key)
    assert (taken.status_code, taken.data["code"]) == (400, "group_officer_taken")
    outsider = api.post(path, {"person": PersonFactory(family__region_id=KEL_B).pk}, token=key)
    assert outsider.data["code"] == "group_other_kecamatan"
    unknown = api.post(path, {"person": 999999}, token=key)
    assert list(unknown.data["errors"]) == ["person"]
    member = next(m for m in second.data["member_list"] if m["person"] == people[1].pk)
    chair = next(m for m in second.data["member_list"] if m["role"] == "ketua")
    roles = f"{path}/{chair['id']}/role"
    demoted = api.post(roles, {"role": "anggota", "version": second.data["version"]}, token=key)
    assert demoted.status_code == 200, demoted.data
    promoted = api.post(f"{path}/{member['id']}/role", {"role": "ketua"}, token=key)
    assert {m["person"]: m["role"] for m in promoted.data["member_list"]} == {
        people[0].pk: GroupRole.MEMBER,
        people[1].pk: GroupRole.CHAIR,
    }
    left = api.post(f"{path}/{chair['id']}/remove", {"reason": "Pindah"}, token=key)
    assert [m["person"] for m in left.data["member_list"]] == [people[1].pk]
    assert GroupMember.objects.unscoped().filter(left_on__isnull=False).count() == 1
    detail = api.get(f"{BASE}/groups/{group.pk}", token=token_for(make_user(Role.PIMPINAN)))
    assert detail.data["members"] == 1 and detail.data["member_list"][0]["nik"] != people[1].nik


def test_a_groups_grant_paid_to_its_account(clock):
    group = _kube(state=GroupState.FUNDED, grant_amount=Decimal(20_000_000))
    operator = make_user(Role.OPERATOR)
    path = f"{BASE}/groups/{group.pk}/disbursements"
    pay = {"amount": "20000000", "paid_on": "2026-01-20", "reference": "NGR-1"}
    wrong = multipart(path, {**pay, "channel": "transfer"}, operator)
    assert list(wrong.data["errors"]) == ["channel"]
    paid = multipart(path, {**pay, "channel": "group_transfer"}, operator)
    assert (paid.status_code, paid.data["group"]) == (201, group.pk)
    again = multipart(path, {**pay, "channel": "group_transfer", "amount": "1"}, operator)
    assert again.data["code"] == "over_grant"


def test_a_course_through_the_api(api, token_for, clock):
    approved = candidate_in(S.APPROVED)
    course = TrainingCourseFactory(program_id=approved.cohort.program_id)
    key = token_for(make_user(Role.OPERATOR))
    path = f"{BASE}/courses/{course.pk}"
    joined = api.post(f"{path}/participants", {"beneficiary": approved.pk}, token=key)
    assert joined.status_code == 201, joined.data
    [participant] = joined.data["participant_list"]
    assert participant["state"] == S.ENROLLED
    for day in ("2026-01-20", "2026-01-21"):
        present = api.post(
            f"{path}/attendance", {"day": day, "present": [participant["id"]]}, token=key
        )
        assert present.status_code == 200, present.data
    early = api.post(
        f"{path}/participants/{participant['id']}/complete",
        {"certificate_number": "C-1", "completed_on": "2026-01-20"},
        token=key,
    )
    assert list(early.data["errors"]) == ["completed_on"]
    done = api.post(
        f"{path}/participants/{participant['id']}/complete",
        {"certificate_number": "C-1"},
        token=key,
    )
    [row] = done.data["participant_list"]
    assert (row["completed"], row["certificate_number"], row["state"]) == (True, "C-1", S.COMPLETED)
    assert (row["days_present"], row["days_recorded"]) == (2, 2)
    listed = api.get(f"{BASE}/courses", token=key)
    assert [(c["id"], c["participants"]) for c in listed.data] == [(course.pk, 1)]
