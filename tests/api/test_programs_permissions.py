"""The permission matrix of the programs' field-work endpoints (api_fieldwork.py, api_groups.py):
every role, in the target's area and outside it, and anonymous. A role without the endpoint's
capability gets 403 before any record is read, a user of another area 404 (as for a missing
record), and a denial changes nothing: no row, no audit entry, no access-log entry.

The targets live in kelurahan A (KEL_A) or, for a group and a course, in its kecamatan (KEC_A)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from padu.accounts.capabilities import Cap, capabilities_for
from padu.core.models import AccessLog, AuditEntry
from padu.programs.models import (
    Attendance,
    BenefitGroup,
    Candidate,
    Disbursement,
    EquipmentItem,
    EquipmentPackage,
    FieldCheck,
    GroupMember,
    TrainingCourse,
    TrainingParticipant,
)
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    BenefitGroupFactory,
    PersonFactory,
    TrainingCourseFactory,
)
from tests.programs.helpers import DAY, candidate_in

from .test_permissions import ACTORS, ALL, _key, refused
from .test_programs_fieldwork import multipart_with_key

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programs"


def expected(name: str, cap: str, success: int) -> int:
    role, _scope, inside = ACTORS[name]
    if refused(role):
        return refused(role)
    if cap not in capabilities_for(role):
        return 403
    return success if inside else 404


def _photo():
    return SimpleUploadedFile("foto.jpg", JPEG_BYTES, "image/jpeg")


def _group(state="forming", grant=None) -> BenefitGroup:
    return BenefitGroupFactory(state=state, grant_amount=grant)


def _members(group, roles=("ketua", "anggota")) -> list[GroupMember]:
    out = []
    for role in roles:
        person = PersonFactory(family__region_id=KEL_A)
        out.append(
            GroupMember.objects.create(
                group=group,
                person=person,
                family_id=person.family_id,
                kind="kube",
                role=role,
                region_id=KEL_A,
                joined_on=DAY,
            )
        )
    return out


def _course(candidate) -> TrainingCourse:
    return TrainingCourseFactory(program_id=candidate.cohort.program_id)


def _participant(state="enrolled", attended=True) -> TrainingParticipant:
    candidate = candidate_in(state)
    participant = TrainingParticipant.objects.create(
        course=_course(candidate), candidate=candidate, region_id=candidate.region_id
    )
    if attended:
        Attendance.objects.create(participant=participant, day=DAY, present=True)
    return participant


def _package() -> EquipmentPackage:
    c = candidate_in("enrolled", amount=Decimal(5_000_000))
    package = EquipmentPackage.objects.create(
        program_id=c.cohort.program_id, candidate=c, region_id=c.region_id
    )
    EquipmentItem.objects.create(package=package, name="Kit", quantity=1, unit_value=100)
    return package


PAY = {"amount": "1000000", "paid_on": "2026-01-20", "reference": "TRX-1"}
ITEMS = {"items": [{"name": "Kit", "quantity": 1, "unit_value": 100000}]}


def field_check():
    c = candidate_in("candidate")
    return f"{BASE}/candidates/{c.pk}/field-check", {
        "checked_on": "2026-01-20",
        "found": "true",
        "conditions_met": "true",
        "willing": "true",
        "photos": [_photo()],
    }


def disburse():
    c = candidate_in("enrolled", amount=Decimal(5_000_000))
    return f"{BASE}/beneficiaries/{c.pk}/disbursements", {**PAY, "channel": "transfer"}


def package_record():
    c = candidate_in("enrolled", amount=Decimal(5_000_000))
    return f"{BASE}/beneficiaries/{c.pk}/packages", ITEMS


def packages():
    return f"{BASE}/beneficiaries/{_package().candidate_id}/packages", None


def handover():
    return f"{BASE}/packages/{_package().pk}/handover", {
        "handed_over_on": "2026-01-21",
        "photos": [_photo()],
    }


def group_detail():
    return f"{BASE}/groups/{_group().pk}", None


def member_add():
    return f"{BASE}/groups/{_group().pk}/members", {
        "person": PersonFactory(family__region_id=KEL_A).pk
    }


def member_role():
    group = _group()
    _chair, member = _members(group)
    return f"{BASE}/groups/{group.pk}/members/{member.pk}/role", {"role": "bendahara"}


def member_remove():
    group = _group()
    _chair, member = _members(group)
    return f"{BASE}/groups/{group.pk}/members/{member.pk}/remove", {"reason": "Pindah"}


def group_disburse():
    group = _group(state="funded", grant=Decimal(20_000_000))
    return f"{BASE}/groups/{group.pk}/disbursements", {**PAY, "channel": "group_transfer"}


def course_detail():
    return f"{BASE}/courses/{_participant().course_id}", None


def participant_add():
    candidate = candidate_in("approved")
    return f"{BASE}/courses/{_course(candidate).pk}/participants", {"beneficiary": candidate.pk}


def attendance():
    p = _participant(attended=False)
    return f"{BASE}/courses/{p.course_id}/attendance", {"day": "2026-01-20", "present": [p.pk]}


def complete():
    p = _participant()
    return (
        f"{BASE}/courses/{p.course_id}/participants/{p.pk}/complete",
        {"certificate_number": "C-1"},
    )


# (endpoint, capability, what the allowed answer is, multipart)
ENDPOINTS = {
    "field_check": (field_check, Cap.PROGRAM_VERIFY, 201, True),
    "disburse": (disburse, Cap.BENEFIT_MANAGE, 201, True),
    "package_record": (package_record, Cap.BENEFIT_MANAGE, 201, False),
    "packages": (packages, Cap.PROGRAM_VIEW, 200, False),
    "handover": (handover, Cap.BENEFIT_MANAGE, 200, True),
    "group_detail": (group_detail, Cap.PROGRAM_VIEW, 200, False),
    "member_add": (member_add, Cap.BENEFIT_MANAGE, 201, False),
    "member_role": (member_role, Cap.BENEFIT_MANAGE, 200, False),
    "member_remove": (member_remove, Cap.BENEFIT_MANAGE, 200, False),
    "group_disburse": (group_disburse, Cap.BENEFIT_MANAGE, 201, True),
    "course_detail": (course_detail, Cap.PROGRAM_VIEW, 200, False),
    "participant_add": (participant_add, Cap.BENEFIT_MANAGE, 201, False),
    "attendance": (attendance, Cap.BENEFIT_MANAGE, 200, False),
    "complete": (complete, Cap.BENEFIT_MANAGE, 200, False),
}


def _state() -> tuple:
    return (
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
        AccessLog.objects.count(),
        list(Candidate.objects.unscoped().order_by("pk").values_list("state", "version")),
        FieldCheck.objects.unscoped().count(),
        Disbursement.objects.unscoped().count(),
        list(EquipmentPackage.objects.unscoped().values_list("handed_over_on", "version")),
        list(GroupMember.objects.unscoped().order_by("pk").values_list("role", "left_on")),
        list(BenefitGroup.objects.unscoped().values_list("version", flat=True)),
        list(TrainingParticipant.objects.unscoped().values_list("completed", flat=True)),
        Attendance.objects.count(),
    )


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_programs_fieldwork_permissions(api, token_for, clock, name, endpoint):
    build, cap, success, is_multipart = ENDPOINTS[endpoint]
    path, body = build()
    key = _key(name, token_for)
    before = _state()
    if body is None:
        response = api.get(path, token=key)
    elif is_multipart:
        response = multipart_with_key(path, body, key)
    else:
        response = api.post(path, body, token=key)
    assert response.status_code == expected(name, cap, success), response.content[:300]
    if response.status_code >= 400:
        assert _state() == before
    elif body is not None:
        assert _state() != before


@pytest.mark.parametrize("name", ALL)
def test_course_list_shows_only_the_callers_area(api, token_for, name):
    _participant()
    _role, _scope, inside = ACTORS[name]
    response = api.get(f"{BASE}/courses", token=_key(name, token_for))
    status = expected(name, Cap.PROGRAM_VIEW, 200)
    assert response.status_code == (status if status != 404 else 200)
    if response.status_code == 200:
        assert len(response.data) == (1 if inside else 0)
