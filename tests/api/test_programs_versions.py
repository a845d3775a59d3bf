"""The field work, training, decree, rules and targeting endpoints take the version the client
read (of the candidate, package, group, course, participant, decree, program or cohort): a
stale one answers 409 with the version now stored, and writes nothing; the version read works.
Every answer is checked against the OpenAPI document (which documents the 409)."""

from decimal import Decimal

import pytest

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.programs.benefit_codes import DecreeState, GroupState
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.models import (
    Attendance,
    BeneficiaryDecree,
    BenefitProof,
    Cohort,
    Disbursement,
    EquipmentPackage,
    FieldCheck,
    Program,
    RuleSet,
    TrainingParticipant,
)
from padu.programs.services.decrees import decree_prepare
from tests.api.test_programs_fieldwork import BASE, CHECK, multipart, photo
from tests.factories import (
    KOTA,
    BenefitGroupFactory,
    CohortFactory,
    ProgramFactory,
    TrainingCourseFactory,
    make_user,
)
from tests.programs.helpers import candidate_in, decree_values

pytestmark = pytest.mark.django_db

PAY = {"amount": "1000000", "paid_on": "2026-01-20", "channel": "transfer", "reference": "T-1"}
ITEMS = [{"name": "Mesin jahit", "quantity": 1, "unit_value": 2750000}]


def _conflict(response, version: int) -> None:
    assert response.status_code == 409, response.data
    assert (response.data["code"], response.data["current_version"]) == ("conflict", version)


def test_a_field_check_with_a_stale_version(clock):
    candidate = candidate_in(S.CANDIDATE)
    psm = make_user(Role.PSM)
    path = f"{BASE}/candidates/{candidate.pk}/field-check"
    stale = multipart(path, {**CHECK, "photos": [photo()], "version": candidate.version + 1}, psm)
    _conflict(stale, candidate.version)
    assert not FieldCheck.objects.unscoped().exists()
    assert not BenefitProof.objects.unscoped().exists()
    assert not AuditEntry.objects.filter(action="programs.candidate.verify").exists()
    done = multipart(path, {**CHECK, "photos": [photo()], "version": candidate.version}, psm)
    assert done.status_code == 201, done.data
    assert done.data["candidate"]["version"] == candidate.version + 1


def test_payments_with_a_stale_version(clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    group = BenefitGroupFactory(state=GroupState.FUNDED, grant_amount=Decimal(5_000_000))
    operator = make_user(Role.OPERATOR)
    to_him = f"{BASE}/beneficiaries/{candidate.pk}/disbursements"
    to_group = f"{BASE}/groups/{group.pk}/disbursements"
    group_pay = {**PAY, "channel": "group_transfer"}
    assert multipart(to_him, {**PAY, "version": candidate.version}, operator).status_code == 201
    assert multipart(to_group, {**group_pay, "version": group.version}, operator).status_code == 201
    # The same pages again: each payment moved its recipient's version.
    _conflict(
        multipart(to_him, {**PAY, "version": candidate.version}, operator), candidate.version + 1
    )
    _conflict(
        multipart(to_group, {**group_pay, "version": group.version}, operator), group.version + 1
    )
    assert Disbursement.objects.unscoped().count() == 2
    assert AuditEntry.objects.filter(action="programs.disbursement.recorded").count() == 2


def test_a_package_and_its_handover_with_a_stale_version(api, token_for, clock):
    candidate = candidate_in(S.ENROLLED)
    operator = make_user(Role.OPERATOR)
    path = f"{BASE}/beneficiaries/{candidate.pk}/packages"
    made = api.post(path, {"items": ITEMS, "version": candidate.version}, token=token_for(operator))
    assert made.status_code == 201, made.data
    again = api.post(
        path, {"items": ITEMS, "version": candidate.version}, token=token_for(operator)
    )
    _conflict(again, candidate.version + 1)
    assert EquipmentPackage.objects.unscoped().count() == 1
    handover = f"{BASE}/packages/{made.data['id']}/handover"
    version = made.data["version"]

    def given(version):
        return {"handed_over_on": "2026-01-21", "photos": [photo()], "version": version}

    _conflict(multipart(handover, given(version + 1), operator), version)
    package = EquipmentPackage.objects.unscoped().get()
    assert (package.handed_over_on, package.proofs.count()) == (None, 0)
    done = multipart(handover, given(version), operator)
    assert (done.status_code, done.data["version"]) == (200, version + 1)


def test_a_course_with_a_stale_version(api, token_for, clock):
    first = candidate_in(S.ENROLLED)
    second = candidate_in(S.ENROLLED, cohort=first.cohort)
    course = TrainingCourseFactory(program_id=first.cohort.program_id)
    key = token_for(make_user(Role.OPERATOR))
    path = f"{BASE}/courses/{course.pk}"
    joined = api.post(
        f"{path}/participants", {"beneficiary": first.pk, "version": course.version}, token=key
    )
    assert joined.status_code == 201, joined.data
    version = joined.data["version"]
    stale = api.post(
        f"{path}/participants", {"beneficiary": second.pk, "version": course.version}, token=key
    )
    _conflict(stale, version)
    assert TrainingParticipant.objects.unscoped().count() == 1
    [participant] = joined.data["participant_list"]
    day = {"day": "2026-01-20", "present": [participant["id"]]}
    _conflict(api.post(f"{path}/attendance", {**day, "version": version - 1}, token=key), version)
    assert not Attendance.objects.exists()
    attended = api.post(f"{path}/attendance", {**day, "version": version}, token=key)
    assert attended.status_code == 200, attended.data
    complete = f"{path}/participants/{participant['id']}/complete"
    stale = api.post(
        complete, {"certificate_number": "C-1", "version": participant["version"] + 1}, token=key
    )
    _conflict(stale, participant["version"])
    assert not TrainingParticipant.objects.unscoped().get().completed
    done = api.post(
        complete, {"certificate_number": "C-1", "version": participant["version"]}, token=key
    )
    assert done.data["participant_list"][0]["completed"] is True


def test_a_decree_approved_with_a_stale_version(api, token_for, clock):
    cohort = CohortFactory(state=CohortState.VERIFYING)
    candidate = candidate_in(S.VERIFIED, cohort=cohort)
    decree = decree_prepare(actor=make_user(Role.OPERATOR), cohort=cohort, **decree_values())
    path = f"{BASE}/decrees/{decree.pk}/approve"
    key = token_for(make_user(Role.PIMPINAN))
    _conflict(api.post(path, {"version": decree.version + 1}, token=key), decree.version)
    candidate.refresh_from_db()
    assert (candidate.state, BeneficiaryDecree.objects.unscoped().get().state) == (
        S.VERIFIED,
        DecreeState.DRAFT,
    )
    assert not AuditEntry.objects.filter(action="programs.decree.approved").exists()
    done = api.post(path, {"version": decree.version}, token=key)
    assert (done.status_code, done.data["version"]) == (200, decree.version + 1)


def test_rules_with_a_stale_version_of_the_program(api, token_for):
    program = ProgramFactory()
    key = token_for(make_user(Role.OPERATOR))
    path = f"{BASE}/{program.pk}/rules"
    tree = {"all": [{"field": "family.desil", "op": "le", "value": 3}]}
    made = api.post(path, {"tree": tree, "version": program.version}, token=key)
    assert made.status_code == 201, made.data
    # The same read again: the new version of the rules moved the program's.
    stale = api.post(path, {"tree": tree, "version": program.version}, token=key)
    _conflict(stale, program.version + 1)
    assert RuleSet.objects.filter(program=program).count() == 1
    assert api.get(f"{BASE}/{program.pk}", token=key).data["version"] == program.version + 1
    again = api.post(path, {"tree": tree, "version": program.version + 1}, token=key)
    assert (again.status_code, again.data["version"]) == (201, made.data["version"] + 1)
    assert Program.objects.get(pk=program.pk).version == program.version + 2


def test_targeting_with_a_stale_version(api, token_for, clock):
    cohort = CohortFactory()
    Cohort.objects.unscoped().filter(pk=cohort.pk).update(version=7)
    key = token_for(make_user(Role.OPERATOR, scope=KOTA))
    path = f"/api/v1/cohorts/{cohort.pk}/targeting"
    _conflict(api.post(path, {"version": 6}, token=key), 7)
    cohort.refresh_from_db()
    assert (cohort.state, cohort.targeted_at) == (CohortState.DRAFT, None)
    assert not AuditEntry.objects.filter(action="cohort.targeted").exists()
    ran = api.post(path, {"version": 7}, token=key)
    assert (ran.status_code, ran.data["state"], ran.data["version"]) == (200, "targeted", 8)
