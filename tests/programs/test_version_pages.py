"""The beneficiary, group, decree and course pages send back the version they showed: a form
sent from a page someone else's change made stale shows that the record changed, and saves
nothing; the page shown again carries the new version, so sending it once more works."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.programs.benefit_codes import DecreeState, GroupState
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.models import (
    Attendance,
    BeneficiaryDecree,
    BenefitGroup,
    BenefitProof,
    Candidate,
    Cohort,
    Disbursement,
    EquipmentPackage,
    FieldCheck,
    GroupMember,
    TrainingParticipant,
)
from padu.programs.services.benefits import package_record
from padu.programs.services.training import course_participant_add
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    BenefitGroupFactory,
    CohortFactory,
    PersonFactory,
    TrainingCourseFactory,
    make_user,
)

from .helpers import candidate_in, closed_period, decree_values, group_to_form, stale_message

pytestmark = pytest.mark.django_db


def _photo():
    return SimpleUploadedFile("foto.jpg", JPEG_BYTES, "image/jpeg")


def _moved(model, pk) -> int:
    """Someone else changed the record since the page was shown; returns the version shown."""
    shown = model.objects.unscoped().get(pk=pk).version
    model.objects.unscoped().filter(pk=pk).update(version=F("version") + 1)
    return shown


def _refused(response, version: int) -> None:
    """The page again (400) with the message, and the record's version now in its forms."""
    page = response.content.decode()
    assert response.status_code == 400
    assert stale_message() in page
    assert f'name="version" value="{version}"' in page


def _login(client, role, **kwargs):
    user = make_user(role, **kwargs)
    client.force_login(user)
    return user


def test_the_beneficiary_page_shows_the_version_in_its_forms(client):
    candidate = candidate_in(S.ENROLLED)
    Candidate.objects.unscoped().filter(pk=candidate.pk).update(version=1432)
    _login(client, Role.OPERATOR)
    page = client.get(reverse("beneficiaries:detail", args=[candidate.pk])).content.decode()
    # A payment's, a package's and each transition's form; never written as "1.432".
    assert page.count('name="version" value="1432"') >= 3


def test_a_field_check_from_a_stale_page(client, clock):
    candidate = candidate_in(S.CANDIDATE)
    _login(client, Role.PSM, scope=KEL_A)
    url = reverse("beneficiaries:field_check", args=[candidate.pk])
    shown = _moved(Candidate, candidate.pk)

    def check(version):
        return client.post(
            url,
            {
                "checked_on": "2026-01-20",
                "found": "on",
                "conditions_met": "on",
                "willing": "on",
                "photos": [_photo()],
                "version": version,
            },
        )

    _refused(check(shown), shown + 1)
    assert not FieldCheck.objects.unscoped().exists()
    assert not BenefitProof.objects.unscoped().exists()
    assert check(shown + 1).status_code == 302
    assert FieldCheck.objects.unscoped().count() == 1


def test_a_payment_a_package_and_a_transition_from_a_stale_page(client, clock):
    candidate = candidate_in(S.DELIVERED, amount=Decimal(5_000_000))
    _login(client, Role.OPERATOR)
    shown = _moved(Candidate, candidate.pk)
    pay = {"amount": "1000000", "paid_on": "2026-01-20", "channel": "transfer"}
    paid = client.post(
        reverse("beneficiaries:disburse", args=[candidate.pk]),
        {**pay, "reference": "T-1", "version": shown},
    )
    _refused(paid, shown + 1)
    assert not Disbursement.objects.unscoped().exists()
    package = client.post(
        reverse("beneficiaries:package", args=[candidate.pk]),
        {"name_1": "Mesin jahit", "quantity_1": "1", "unit_value_1": "1000", "version": shown},
    )
    _refused(package, shown + 1)
    assert not EquipmentPackage.objects.unscoped().exists()
    completed = client.post(
        reverse("beneficiaries:transition", args=[candidate.pk]),
        {"name": "complete", "version": shown},
    )
    _refused(completed, shown + 1)
    assert Candidate.objects.unscoped().get(pk=candidate.pk).state == S.DELIVERED
    assert not AuditEntry.objects.filter(action__startswith="programs.").exists()
    paid = client.post(
        reverse("beneficiaries:disburse", args=[candidate.pk]),
        {**pay, "reference": "T-1", "version": shown + 1},
    )
    assert paid.status_code == 302
    assert Disbursement.objects.unscoped().count() == 1


def test_a_handover_from_a_stale_page(client, clock):
    candidate = candidate_in(S.ENROLLED)
    operator = _login(client, Role.OPERATOR)
    made = package_record(
        actor=operator, candidate=candidate, items=[{"name": "Kit", "quantity": 1, "unit_value": 1}]
    )
    shown = _moved(EquipmentPackage, made.pk)
    url = reverse("beneficiaries:handover", args=[made.pk])
    stale = client.post(
        url, {"handed_over_on": "2026-01-21", "photos": [_photo()], "version": shown}
    )
    _refused(stale, shown + 1)
    made.refresh_from_db()
    assert (made.handed_over_on, BenefitProof.objects.unscoped().count()) == (None, 0)
    done = client.post(
        url, {"handed_over_on": "2026-01-21", "photos": [_photo()], "version": shown + 1}
    )
    assert done.status_code == 302


def test_a_group_member_and_payment_from_a_stale_page(client, clock):
    group = BenefitGroupFactory(state=GroupState.FUNDED, grant_amount=Decimal(5_000_000))
    _login(client, Role.OPERATOR)
    shown = _moved(type(group), group.pk)
    paid = client.post(
        reverse("groups:pay", args=[group.pk]),
        {"amount": "1000000", "paid_on": "2026-01-20", "reference": "N-1", "version": shown},
    )
    _refused(paid, shown + 1)
    assert not Disbursement.objects.unscoped().exists()
    forming = BenefitGroupFactory()
    person = PersonFactory(family__region_id=KEL_A)
    shown = _moved(type(forming), forming.pk)
    added = client.post(
        reverse("groups:action", args=[forming.pk]),
        {"action": "member", "nik": person.nik, "role": "anggota", "version": shown},
    )
    _refused(added, shown + 1)
    assert not GroupMember.objects.unscoped().exists()


def test_a_course_from_a_stale_page(client, clock):
    first = candidate_in(S.ENROLLED)
    second = candidate_in(S.ENROLLED, cohort=first.cohort)
    course = TrainingCourseFactory(program_id=first.cohort.program_id)
    operator = _login(client, Role.OPERATOR)
    joined = course_participant_add(actor=operator, course=course, candidate=first)
    url = reverse("training:action", args=[course.pk])
    shown = _moved(type(course), course.pk)
    added = client.post(url, {"action": "participant", "candidate": second.pk, "version": shown})
    _refused(added, shown + 1)
    assert TrainingParticipant.objects.unscoped().count() == 1
    day = {"action": "attendance", "day": "2026-01-20", "present": [joined.pk]}
    _refused(client.post(url, {**day, "version": shown}), shown + 1)
    assert not Attendance.objects.exists()
    assert client.post(url, {**day, "version": shown + 1}).status_code == 302
    seen = _moved(TrainingParticipant, joined.pk)
    done = {
        "action": "complete",
        "participant": joined.pk,
        "certificate_number": "C-1",
        "completed_on": "2026-01-22",
    }
    _refused(client.post(url, {**done, "version": seen}), seen + 1)
    assert not TrainingParticipant.objects.unscoped().get().completed
    assert client.post(url, {**done, "version": seen + 1}).status_code == 302


def test_a_version_that_is_no_number_is_a_bad_request(client):
    candidate = candidate_in(S.DELIVERED)
    _login(client, Role.OPERATOR)
    sent = client.post(
        reverse("beneficiaries:transition", args=[candidate.pk]),
        {"name": "complete", "version": "1.432"},
    )
    assert sent.status_code == 400
    assert Candidate.objects.unscoped().get(pk=candidate.pk).state == S.DELIVERED


def test_forming_and_granting_a_group_from_a_stale_page(client, clock):
    group = group_to_form()
    _login(client, Role.OPERATOR)
    shown = _moved(BenefitGroup, group.pk)
    form = reverse("groups:action", args=[group.pk])
    _refused(client.post(form, {"action": "form", "version": shown}), shown + 1)
    assert BenefitGroup.objects.unscoped().get(pk=group.pk).state == GroupState.FORMING
    assert client.post(form, {"action": "form", "version": shown + 1}).status_code == 302
    _login(client, Role.PIMPINAN)
    grant = reverse("groups:grant", args=[group.pk])
    # The leader's page was shown before the group was formed.
    _refused(client.post(grant, {"amount": "5000000", "version": shown + 1}), shown + 2)
    assert BenefitGroup.objects.unscoped().get(pk=group.pk).state == GroupState.FORMED
    assert not AuditEntry.objects.filter(action="programs.group.grant_approved").exists()
    assert client.post(grant, {"amount": "5000000", "version": shown + 2}).status_code == 302
    assert BenefitGroup.objects.unscoped().get(pk=group.pk).state == GroupState.FUNDED


def test_a_decree_prepared_approved_or_cancelled_from_a_stale_page(client, clock):
    cohort = CohortFactory(state=CohortState.VERIFYING)
    candidate_in(S.VERIFIED, cohort=cohort)
    _login(client, Role.OPERATOR)
    shown = _moved(Cohort, cohort.pk)
    values = {**decree_values(), "period": closed_period().month}
    new = reverse("decrees:new", args=[cohort.pk])
    _refused(client.post(new, {**values, "version": shown}), shown + 1)
    assert not BeneficiaryDecree.objects.unscoped().exists()
    assert client.post(new, {**values, "version": shown + 1}).status_code == 302
    decree = BeneficiaryDecree.objects.unscoped().get()
    seen = _moved(BeneficiaryDecree, decree.pk)
    cancel = reverse("decrees:cancel", args=[decree.pk])
    _refused(client.post(cancel, {"reason": "Salah nomor", "version": seen}), seen + 1)
    _login(client, Role.PIMPINAN)
    approve = reverse("decrees:approve", args=[decree.pk])
    _refused(client.post(approve, {"version": seen}), seen + 1)
    decree.refresh_from_db()
    assert (decree.state, decree.awards.count()) == (DecreeState.DRAFT, 1)
    assert not AuditEntry.objects.filter(
        action__in=["programs.decree.approved", "programs.decree.cancelled"]
    ).exists()
    assert client.post(approve, {"version": seen + 1}).status_code == 302
    decree.refresh_from_db()
    assert decree.state == DecreeState.APPROVED
