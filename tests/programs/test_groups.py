"""KUBE and LBK groups: 5–20 members from one kecamatan, one KUBE per family, one holder of each
office, the grant against the ceiling, paid to the group's account."""

from decimal import Decimal

import pytest

from padu.accounts.capabilities import Role
from padu.core.errors import ConflictError, DomainError, PermissionDeniedError
from padu.core.models import AuditEntry
from padu.programs.benefit_codes import Channel, GroupKind, GroupRole, GroupState
from padu.programs.models import GroupMember
from padu.programs.services.benefits import disbursement_record
from padu.programs.services.groups import (
    group_create,
    group_form,
    group_grant_approve,
    group_member_add,
    group_member_remove,
    group_member_set_role,
)
from tests.factories import KEC_A, KEL_A, KEL_A2, KEL_B, PersonFactory, ProgramFactory, make_user

from .helpers import DAY

pytestmark = pytest.mark.django_db

BANK = {
    "bank_name": "Bank Nagari",
    "bank_account_number": "2101-0123",
    "bank_account_holder": "KUBE",
}


def _group(kind=GroupKind.KUBE, ceiling=None, **details):
    return group_create(
        actor=make_user(Role.OPERATOR),
        program=ProgramFactory(budget_ceiling=ceiling),
        kind=kind,
        kecamatan=KEC_A,
        **{"name": "KUBE Sepakat", "business_type": "food", **BANK, **details},
    )


def _fill(group, count, offices=True):
    operator = make_user(Role.OPERATOR)
    roles = [*(GroupRole.CHAIR, GroupRole.SECRETARY, GroupRole.TREASURER)] if offices else []
    for n in range(count):
        region = KEL_A if n % 2 else KEL_A2
        role = roles[n] if n < len(roles) else GroupRole.MEMBER
        group_member_add(
            actor=operator, group=group, person=PersonFactory(family__region_id=region), role=role
        )


def test_a_group_is_formed_with_five_members_and_its_officers():
    group = _group()
    _fill(group, 4)
    with pytest.raises(DomainError) as small:
        group_form(actor=make_user(Role.OPERATOR), group=group)
    assert "5" in str(small.value) and "4" in str(small.value)
    _fill(group, 1, offices=False)
    assert group_form(actor=make_user(Role.OPERATOR), group=group).state == GroupState.FORMED


def test_a_group_without_a_treasurer_is_not_formed():
    group = _group()
    _fill(group, 2)
    _fill(group, 3, offices=False)
    with pytest.raises(DomainError) as refused:
        group_form(actor=make_user(Role.OPERATOR), group=group)
    assert refused.value.code == "group_incomplete"


def test_the_twenty_first_member_is_refused():
    group = _group(kind=GroupKind.LBK)
    _fill(group, 20)
    with pytest.raises(DomainError) as full:
        _fill(group, 1, offices=False)
    assert full.value.code == "group_full"


def test_members_live_in_the_groups_kecamatan():
    group = _group()
    with pytest.raises(DomainError) as refused:
        group_member_add(
            actor=make_user(Role.OPERATOR),
            group=group,
            person=PersonFactory(family__region_id=KEL_B),
        )
    assert refused.value.code == "group_other_kecamatan"
    assert not GroupMember.objects.unscoped().exists()


def test_a_family_is_in_one_kube_only_but_may_join_an_lbk():
    first, second, lbk = _group(), _group(name="KUBE Dua"), _group(kind=GroupKind.LBK)
    head = PersonFactory()
    spouse = PersonFactory(family=head.family)
    operator = make_user(Role.OPERATOR)
    group_member_add(actor=operator, group=first, person=head)
    with pytest.raises(DomainError) as refused:
        group_member_add(actor=operator, group=second, person=spouse)
    assert refused.value.code == "group_one_kube_per_family"
    assert "KUBE Sepakat" in str(refused.value)
    group_member_add(actor=operator, group=lbk, person=spouse)


def test_one_chair_per_group():
    group = _group()
    operator = make_user(Role.OPERATOR)
    group_member_add(actor=operator, group=group, person=PersonFactory(), role=GroupRole.CHAIR)
    with pytest.raises(DomainError) as refused:
        group_member_add(actor=operator, group=group, person=PersonFactory(), role=GroupRole.CHAIR)
    assert refused.value.code == "group_officer_taken"


def test_a_formed_group_keeps_five():
    group = _group()
    _fill(group, 5)
    group_form(actor=make_user(Role.OPERATOR), group=group)
    member = group.members.filter(role=GroupRole.MEMBER).first()
    with pytest.raises(DomainError) as refused:
        group_member_remove(actor=make_user(Role.OPERATOR), group=group, member_id=member.pk)
    assert refused.value.code == "group_too_small"


def test_grant_against_the_ceiling_then_paid_to_the_groups_account(clock):
    group = _group(ceiling=Decimal(110_862_500))
    _fill(group, 10)
    group_form(actor=make_user(Role.OPERATOR), group=group)
    with pytest.raises(PermissionDeniedError):
        group_grant_approve(actor=make_user(Role.OPERATOR), group=group, amount="11086250")
    with pytest.raises(DomainError) as over:
        group_grant_approve(actor=make_user(Role.PIMPINAN), group=group, amount="120000000")
    assert over.value.code == "budget_ceiling"
    granted = group_grant_approve(
        actor=make_user(Role.PIMPINAN), group=group, amount="11086250", approved_on=DAY
    )
    assert (granted.state, granted.grant_amount) == (GroupState.FUNDED, Decimal(11_086_250))
    payment = disbursement_record(
        actor=make_user(Role.OPERATOR),
        group=group,
        amount="11086250",
        paid_on=DAY,
        channel=Channel.GROUP_ACCOUNT,
        proofs=[("slip.pdf", b"%PDF-1.4\n")],
    )
    assert payment.region_id == KEC_A
    with pytest.raises(DomainError):
        disbursement_record(
            actor=make_user(Role.OPERATOR),
            group=group,
            amount="1",
            paid_on=DAY,
            channel=Channel.GROUP_ACCOUNT,
            proofs=[("slip.pdf", b"%PDF-1.4\n")],
        )


def test_a_group_without_a_bank_account_gets_no_grant():
    group = _group(bank_name="", bank_account_number="", bank_account_holder="")
    _fill(group, 5)
    group_form(actor=make_user(Role.OPERATOR), group=group)
    with pytest.raises(DomainError) as refused:
        group_grant_approve(actor=make_user(Role.PIMPINAN), group=group, amount="1000000")
    assert refused.value.code == "group_no_account"


def test_a_new_chair_once_the_old_one_stepped_down():
    group = _group()
    _fill(group, 5)
    operator = make_user(Role.OPERATOR)
    chair, member = (
        GroupMember.objects.unscoped().filter(group=group, role=r).order_by("pk").first()
        for r in (GroupRole.CHAIR, GroupRole.MEMBER)
    )
    group.refresh_from_db()
    with pytest.raises(DomainError) as taken:
        group_member_set_role(
            actor=operator, group=group, member_id=member.pk, role=GroupRole.CHAIR
        )
    assert taken.value.code == "group_officer_taken"
    version = group.version
    group_member_set_role(
        actor=operator,
        group=group,
        member_id=chair.pk,
        role=GroupRole.MEMBER,
        expected_version=version,
    )
    with pytest.raises(ConflictError):  # the group changed since it was read
        group_member_set_role(
            actor=operator,
            group=group,
            member_id=member.pk,
            role=GroupRole.CHAIR,
            expected_version=version,
        )
    group_member_set_role(
        actor=operator,
        group=group,
        member_id=member.pk,
        role=GroupRole.CHAIR,
        expected_version=version + 1,
    )
    roles = dict(GroupMember.objects.unscoped().filter(group=group).values_list("pk", "role"))
    assert (roles[chair.pk], roles[member.pk]) == (GroupRole.MEMBER, GroupRole.CHAIR)
    assert AuditEntry.objects.filter(action="programs.group.member_role").count() == 2
    other = make_user(Role.OPERATOR, scope=KEL_B)
    with pytest.raises(PermissionDeniedError):
        group_member_set_role(actor=other, group=group, member_id=member.pk, role=GroupRole.MEMBER)
