"""Benefits given: a disbursement to a beneficiary (never more than his decree granted) or to a
group's bank account (never more than its approved grant), and equipment packages, recorded with
their items then handed over with a photo. Giving an enrolled beneficiary a benefit delivers it
(lifecycle.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.formats import rupiah
from padu.core.scoping import require

from ..benefit_codes import Channel, GroupState
from ..codes import CandidateState
from ..lifecycle import RECEIVING_STATES
from ..models import (
    BenefitGroup,
    Candidate,
    Disbursement,
    EquipmentItem,
    EquipmentPackage,
    TrainingCourse,
)
from .base import check_version, touch
from .decrees import clean_amount
from .lifecycle import deliver_if_enrolled, locked_candidate
from .proofs import check_files, discard, store_proofs


def _paid_so_far(**recipient) -> Decimal:
    # Unscoped: the payments to one recipient the caller holds locked, whoever made them.
    total = Disbursement.objects.unscoped().filter(**recipient).aggregate(s=Sum("amount"))["s"]
    return total or Decimal(0)


def _not_receiving(candidate: Candidate) -> DomainError:
    return DomainError(
        _("This beneficiary is %(state)s; benefits go only to enrolled beneficiaries.")
        % {"state": candidate.get_state_display().lower()},
        code="invalid_state",
    )


def _may_receive(candidate: Candidate, course_id: int | None) -> bool:
    """Benefits go to enrolled beneficiaries; a course's starter package goes to its graduates,
    whose completion of the course has completed their benefit already (services/training.py)."""
    if candidate.state in RECEIVING_STATES:
        return True
    return course_id is not None and candidate.state == CandidateState.COMPLETED


def _check_day(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationFailed({field: [_("Date: it cannot be in the future.")]})


def _over_grant(granted: Decimal, paid: Decimal, amount: Decimal) -> DomainError:
    return DomainError(
        _(
            "This payment of %(amount)s would pass what was granted: %(granted)s granted, "
            "%(paid)s paid already."
        )
        % {"amount": rupiah(amount), "granted": rupiah(granted), "paid": rupiah(paid)},
        code="over_grant",
    )


def disbursement_record(
    *,
    actor,
    amount,
    paid_on: datetime.date,
    channel: str,
    candidate: Candidate | None = None,
    group: BenefitGroup | None = None,
    reference: str = "",
    note: str = "",
    proofs=(),
    expected_version: int | None = None,
) -> Disbursement:
    """Record money paid to `candidate` (enrolled, within his award) or to `group` (its grant,
    to its bank account), with its proof documents or photos (a transfer with its reference may
    come without). `expected_version`: the recipient's version the user read."""
    require(actor, Cap.BENEFIT_MANAGE)
    amount = clean_amount(amount, positive=True)
    if (candidate is None) == (group is None):
        raise ValidationFailed({"candidate": [_("Choose a beneficiary or a group.")]})
    if channel not in Channel.values:
        raise ValidationFailed({"channel": [_("Channel: choose one from the list.")]})
    if group is not None and channel != Channel.GROUP_ACCOUNT:
        raise ValidationFailed(
            {"channel": [_("Channel: a group's grant is transferred to its bank account.")]}
        )
    if candidate is not None and channel == Channel.GROUP_ACCOUNT:
        raise ValidationFailed({"channel": [_("Channel: this beneficiary is not a group.")]})
    _check_day(paid_on, "paid_on")
    checked = check_files(proofs, field="proofs")
    reference = (reference or "").strip()
    # A transfer's reference (the bank's or PT Pos's) proves it, as a partner system sends it;
    # money handed over in cash needs its receipt or photo.
    if not checked and (channel == Channel.CASH or not reference):
        raise ValidationFailed(
            {
                "proofs": [
                    _(
                        "Proof: add the transfer slip, receipt or photo (a transfer may give its "
                        "reference instead)."
                    )
                ]
            }
        )
    stored = []
    try:
        with transaction.atomic():
            if candidate is not None:
                locked = locked_candidate(actor, candidate)
                check_version(locked, expected_version)
                if locked.state not in RECEIVING_STATES:
                    raise _not_receiving(locked)
                award = getattr(locked, "award", None)
                granted = award.amount if award is not None else Decimal(0)
                paid = _paid_so_far(candidate=locked)
                if paid + amount > granted:
                    raise _over_grant(granted, paid, amount)
                program_id, region_id, recipient = (
                    locked.cohort.program_id,
                    locked.region_id,
                    {"candidate": locked},
                )
            else:
                locked = _locked_group(actor, group)
                check_version(locked, expected_version)
                if locked.state != GroupState.FUNDED:
                    raise DomainError(
                        _("This group's grant is not approved; nothing can be paid to it yet."),
                        code="invalid_state",
                    )
                paid = _paid_so_far(group=locked)
                if paid + amount > locked.grant_amount:
                    raise _over_grant(locked.grant_amount, paid, amount)
                program_id, region_id, recipient = (
                    locked.program_id,
                    locked.region_id,
                    {"group": locked},
                )
            payment = Disbursement.objects.create(
                program_id=program_id,
                region_id=region_id,
                amount=amount,
                paid_on=paid_on,
                channel=channel,
                reference=reference,
                note=(note or "").strip(),
                created_by=actor,
                updated_by=actor,
                **recipient,
            )
            stored = store_proofs(
                files=checked, region_id=region_id, actor=actor, disbursement=payment
            )
            audit_record(
                actor=actor,
                action="programs.disbursement.recorded",
                obj=payment,
                region_code=region_id,
                after={
                    "amount": amount,
                    "paid_on": paid_on,
                    "channel": channel,
                    "candidate": payment.candidate_id,
                    "group": payment.group_id,
                    "proofs": [p.sha256 for p in stored],
                },
            )
            if candidate is not None:
                deliver_if_enrolled(
                    actor=actor, locked=locked, grounds={"disbursement": payment.pk}
                )
            else:
                touch(locked, actor)
    except BaseException:
        discard(stored)
        raise
    return payment


def _locked_group(actor, group: BenefitGroup) -> BenefitGroup:
    locked = BenefitGroup.objects.select_for_update().scoped(actor).filter(pk=group.pk).first()
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _clean_items(items) -> list[dict]:
    """Each item: a name, a quantity from 1, a unit value, and at most one serial number per
    unit (one a line)."""
    cleaned, errors = [], []
    for n, item in enumerate(items or (), start=1):
        name = str(item.get("name") or "").strip()
        try:
            quantity = int(item.get("quantity") or 0)
        except (TypeError, ValueError):
            quantity = 0
        serials = [s.strip() for s in str(item.get("serial_numbers") or "").splitlines()]
        serials = [s for s in serials if s]
        if not name:
            errors.append(_("Item %(n)d: enter its name.") % {"n": n})
        if not 1 <= quantity <= 1000:
            errors.append(_("Item %(n)d: enter a quantity from 1 to 1000.") % {"n": n})
        elif len(serials) > quantity:
            errors.append(
                _("Item %(n)d: %(serials)d serial numbers for %(quantity)d units.")
                % {"n": n, "serials": len(serials), "quantity": quantity}
            )
        try:
            value = clean_amount(item.get("unit_value"), field="items")
        except ValidationFailed:
            errors.append(_("Item %(n)d: enter its unit value in whole rupiah.") % {"n": n})
            value = None
        cleaned.append(
            {
                "name": name[:120],
                "quantity": quantity,
                "unit_value": value,
                "serial_numbers": "\n".join(serials),
            }
        )
    if not cleaned:
        errors.append(_("Add at least one item."))
    if errors:
        raise ValidationFailed({"items": errors})
    return cleaned


def package_record(
    *,
    actor,
    candidate: Candidate,
    items,
    course: TrainingCourse | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> EquipmentPackage:
    """An equipment package for an enrolled beneficiary; for a training course's package, he
    must have completed the course. `expected_version`: the candidate's version the user read."""
    require(actor, Cap.BENEFIT_MANAGE)
    cleaned = _clean_items(items)
    with transaction.atomic():
        locked = locked_candidate(actor, candidate)
        check_version(locked, expected_version)
        if not _may_receive(locked, course.pk if course is not None else None):
            raise _not_receiving(locked)
        if (
            course is not None
            and not locked.trainings.filter(course=course, completed=True).exists()
        ):
            raise DomainError(
                _(
                    "Equipment of a course goes to its graduates; this participant has not "
                    "completed it."
                ),
                code="not_graduate",
            )
        package = EquipmentPackage.objects.create(
            program_id=locked.cohort.program_id,
            candidate=locked,
            course=course,
            region_id=locked.region_id,
            note=(note or "").strip(),
            created_by=actor,
            updated_by=actor,
        )
        EquipmentItem.objects.bulk_create(EquipmentItem(package=package, **i) for i in cleaned)
        touch(locked, actor)
        audit_record(
            actor=actor,
            action="programs.package.recorded",
            obj=package,
            region_code=locked.region_id,
            after={
                "candidate": locked.pk,
                "course": course.pk if course else None,
                "items": cleaned,
            },
        )
    return package


def package_hand_over(
    *,
    actor,
    package: EquipmentPackage,
    handed_over_on: datetime.date,
    photos=(),
    expected_version: int | None = None,
) -> EquipmentPackage:
    """The handover, with at least one photo of it; it delivers the beneficiary's benefit.
    `expected_version`: the package's version the user read."""
    require(actor, Cap.BENEFIT_MANAGE)
    _check_day(handed_over_on, "handed_over_on")
    checked = check_files(photos, field="photos")
    if not checked:
        raise ValidationFailed({"photos": [_("Photos: add a photo of the handover.")]})
    stored = []
    try:
        with transaction.atomic():
            locked = (
                EquipmentPackage.objects.select_for_update()
                .scoped(actor)
                .filter(pk=package.pk)
                .first()
            )
            if locked is None:
                raise PermissionDeniedError()
            check_version(locked, expected_version)
            if locked.handed_over_on is not None:
                raise DomainError(_("This package was handed over already."), code="invalid_state")
            candidate = locked_candidate(actor, locked.candidate_id)
            if not _may_receive(candidate, locked.course_id):
                raise _not_receiving(candidate)
            locked.handed_over_on = handed_over_on
            touch(locked, actor, ["handed_over_on"])
            stored = store_proofs(
                files=checked, region_id=locked.region_id, actor=actor, package=locked
            )
            audit_record(
                actor=actor,
                action="programs.package.handed_over",
                obj=locked,
                region_code=locked.region_id,
                after={"handed_over_on": handed_over_on, "photos": [p.sha256 for p in stored]},
            )
            deliver_if_enrolled(actor=actor, locked=candidate, grounds={"package": locked.pk})
    except BaseException:
        discard(stored)
        raise
    return locked
