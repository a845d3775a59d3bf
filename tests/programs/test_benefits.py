"""Disbursements and equipment packages: within what was granted, with proof, delivering the
enrolled beneficiary."""

from decimal import Decimal

import pytest

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.programs.benefit_codes import Channel
from padu.programs.codes import CandidateState as S
from padu.programs.models import BenefitProof, Disbursement
from padu.programs.services.benefits import (
    disbursement_record,
    package_hand_over,
    package_record,
)
from tests.factories import make_user

from .helpers import DAY, PHOTO, candidate_in

pytestmark = pytest.mark.django_db

ITEMS = [
    {"name": "Mesin jahit", "quantity": 1, "unit_value": "2750000", "serial_numbers": "JH-001"},
    {"name": "Gunting kain", "quantity": 2, "unit_value": "125000"},
]


def _pay(candidate, amount="2500000", **kwargs):
    values = {
        "actor": make_user(Role.OPERATOR),
        "candidate": candidate,
        "amount": amount,
        "paid_on": DAY,
        "channel": Channel.TRANSFER,
        "reference": "TRX-1",
        "proofs": [("slip.pdf", b"%PDF-1.4\n%%EOF\n")],
    }
    return disbursement_record(**{**values, **kwargs})


def test_a_payment_delivers_and_keeps_its_proof(clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    payment = _pay(candidate)
    candidate.refresh_from_db()
    assert candidate.state == S.DELIVERED
    assert payment.amount == Decimal(2_500_000)
    assert payment.region_id == candidate.region_id
    [proof] = payment.proofs.all()
    assert proof.kind == "dokumen" and proof.file.read().startswith(b"%PDF")
    _pay(candidate)  # the second half
    candidate.refresh_from_db()
    assert candidate.state == S.DELIVERED


def test_a_transfer_with_its_reference_needs_no_slip(clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    payment = _pay(candidate, proofs=[], reference=" POS-2026-0001 ")
    assert (payment.reference, payment.proofs.count()) == ("POS-2026-0001", 0)


def test_a_payment_beyond_the_award_is_refused(clock):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    _pay(candidate, amount="4000000")
    with pytest.raises(DomainError) as refused:
        _pay(candidate, amount="1000001")
    assert refused.value.code == "over_grant"
    assert Disbursement.objects.unscoped().count() == 1
    assert BenefitProof.objects.unscoped().count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"proofs": [], "reference": ""}, "proofs"),
        ({"proofs": [], "channel": Channel.CASH}, "proofs"),
        ({"proofs": [("slip.exe", b"MZ")]}, "proofs"),
        ({"amount": "0"}, "amount"),
        ({"channel": Channel.GROUP_ACCOUNT}, "channel"),
    ],
)
def test_a_payment_is_checked_before_anything_is_written(clock, changes, field):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    with pytest.raises(ValidationFailed) as refused:
        _pay(candidate, **changes)
    assert field in refused.value.errors
    assert not Disbursement.objects.unscoped().exists()


@pytest.mark.parametrize("state", [S.VERIFIED, S.APPROVED, S.EXITED, S.COMPLETED])
def test_only_enrolled_beneficiaries_receive(clock, state):
    candidate = candidate_in(state, amount=Decimal(5_000_000))
    with pytest.raises(DomainError) as refused:
        _pay(candidate)
    assert refused.value.code == "invalid_state"


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.PSM, Role.TKSK])
def test_payments_need_benefit_management(clock, role):
    candidate = candidate_in(S.ENROLLED, amount=Decimal(5_000_000))
    with pytest.raises(PermissionDeniedError):
        _pay(candidate, actor=make_user(role))
    assert not Disbursement.objects.unscoped().exists()


def test_a_package_with_serial_numbers_handed_over_with_a_photo(clock):
    candidate = candidate_in(S.ENROLLED)
    operator = make_user(Role.OPERATOR)
    package = package_record(actor=operator, candidate=candidate, items=ITEMS)
    assert sum(i.value for i in package.items.all()) == Decimal(3_000_000)
    assert package.items.get(name="Mesin jahit").serials == ["JH-001"]
    with pytest.raises(ValidationFailed):
        package_hand_over(actor=operator, package=package, handed_over_on=DAY, photos=[])
    package_hand_over(actor=operator, package=package, handed_over_on=DAY, photos=[PHOTO])
    candidate.refresh_from_db()
    assert candidate.state == S.DELIVERED
    with pytest.raises(DomainError):
        package_hand_over(actor=operator, package=package, handed_over_on=DAY, photos=[PHOTO])


def test_package_items_are_checked():
    candidate = candidate_in(S.ENROLLED)
    bad = [{"name": "", "quantity": 1, "unit_value": "x", "serial_numbers": "A\nB"}]
    with pytest.raises(ValidationFailed) as refused:
        package_record(actor=make_user(Role.OPERATOR), candidate=candidate, items=bad)
    assert len(refused.value.errors["items"]) == 3
