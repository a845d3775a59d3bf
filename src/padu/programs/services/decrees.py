"""Beneficiary decrees (SK penetapan penerima): an operator prepares one for a cohort's verified
candidates (its number, date, the finalised data period, the amount each is granted, the
signer); a leader approves it, which approves every candidate on it and commits the amounts
against the program's budget ceiling, or refuses the whole decree if they would pass it."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import require
from padu.periods.models import Period

from ..benefit_codes import DecreeState
from ..budget import check_ceiling
from ..codes import CandidateState, CohortState
from ..models import Award, BeneficiaryDecree, Candidate, Cohort, Program
from .base import check_version, touch
from .lifecycle import move

# The largest amount a form or the API may give (the column holds 12 digits of rupiah).
MAX_AMOUNT = Decimal("999999999999")


def clean_amount(value, *, field: str = "amount", positive: bool = False) -> Decimal:
    """A rupiah amount from a form or the API: a number of whole rupiah within bounds."""
    try:
        amount = Decimal(str(value).strip().replace(".", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
        raise ValidationFailed({field: [_("Amount: enter whole rupiah, e.g. 5000000.")]})
    if amount < (1 if positive else 0) or amount > MAX_AMOUNT:
        raise ValidationFailed({field: [_("Amount: enter an amount within the allowed range.")]})
    return amount


def _audit(actor, decree: BeneficiaryDecree, action: str, after: dict, before=None, reason=""):
    audit_record(
        actor=actor,
        action=f"programs.decree.{action}",
        obj=decree,
        region_code=decree.region_id,
        before=before,
        after=after,
        reason=reason,
        only_changes=False,
    )


def decree_prepare(
    *,
    actor,
    cohort: Cohort,
    number: str,
    decided_on: datetime.date,
    period: Period | int,
    amount,
    place: str,
    signer_function: str,
    signer_name: str = "",
    expected_version: int | None = None,
) -> BeneficiaryDecree:
    """A draft decree with every verified candidate of `cohort` (in the actor's area, not on the
    waiting list, on no other decree). `expected_version`: the cohort's version the caller read;
    the draft moves it (the cohort's candidates are on a decree now)."""
    require(actor, Cap.BENEFIT_MANAGE)
    number = (number or "").strip()
    errors = {}
    try:
        amount = clean_amount(amount)
    except ValidationFailed as invalid:
        errors.update(invalid.errors)
    if not number:
        errors["number"] = [_("Decree number: enter it.")]
    elif BeneficiaryDecree.objects.unscoped().filter(number=number).exists():
        errors["number"] = [_("Decree number: another decree has this number.")]
    month = period.pk if isinstance(period, Period) else period
    found = Period.objects.filter(pk=month).first()
    if found is None or found.status != Period.Status.CLOSED:
        errors["period"] = [_("Data period: choose a closed (finalised) period.")]
    if not (place or "").strip():
        errors["place"] = [_("Place of signing: enter it.")]
    if not (signer_function or "").strip():
        errors["signer_function"] = [_("Signed as: enter the signer's function.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().scoped(actor).filter(pk=cohort.pk).first()
        if locked is None:
            raise PermissionDeniedError()
        check_version(locked, expected_version)
        candidates = list(
            Candidate.objects.scoped(actor)
            .filter(
                cohort=locked,
                state=CandidateState.VERIFIED,
                on_waiting_list=False,
                award__isnull=True,
            )
            .order_by("rank")
        )
        if not candidates:
            raise DomainError(
                _("This cohort has no verified candidate that is not on a decree yet."),
                code="nothing_to_decree",
            )
        decree = BeneficiaryDecree.objects.create(
            cohort=locked,
            region_id=locked.region_id,
            number=number,
            decided_on=decided_on,
            period=found,
            amount=amount,
            place=place.strip(),
            signer_function=signer_function.strip(),
            signer_name=(signer_name or "").strip(),
            created_by=actor,
            updated_by=actor,
        )
        Award.objects.bulk_create(
            Award(decree=decree, candidate=c, region_id=c.region_id, amount=amount)
            for c in candidates
        )
        touch(locked, actor)
        _audit(
            actor,
            decree,
            "prepared",
            {
                "number": number,
                "cohort": locked.pk,
                "period": found.pk,
                "amount": amount,
                "candidates": [c.pk for c in candidates],
            },
        )
    return decree


def _locked_decree(actor, decree: BeneficiaryDecree) -> BeneficiaryDecree:
    locked = (
        BeneficiaryDecree.objects.select_for_update()
        .scoped(actor)
        .select_related("cohort")
        .filter(pk=decree.pk)
        .first()
    )
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _draft(decree: BeneficiaryDecree) -> None:
    if decree.state != DecreeState.DRAFT:
        raise DomainError(
            _("This decree is %(state)s; it cannot be changed.")
            % {"state": decree.get_state_display().lower()},
            code="invalid_state",
        )


def decree_approve(
    *, actor, decree: BeneficiaryDecree, expected_version: int | None = None
) -> BeneficiaryDecree:
    """Approve a draft decree: every candidate on it becomes approved, and its amounts are
    committed against the program's ceiling for the decree's year. Refused as a whole (nothing
    written) if a candidate is no longer verified or the ceiling would be passed."""
    require(actor, Cap.DECREE_APPROVE)
    with transaction.atomic():
        locked = _locked_decree(actor, decree)
        check_version(locked, expected_version)
        _draft(locked)
        program = Program.objects.select_for_update().get(pk=locked.cohort.program_id)
        awards = list(locked.awards.order_by("pk"))
        ids = [a.candidate_id for a in awards]
        candidates = {
            c.pk: c for c in Candidate.objects.select_for_update().scoped(actor).filter(pk__in=ids)
        }
        if len(candidates) != len(ids):
            raise PermissionDeniedError()
        stale = [c for c in candidates.values() if c.state != CandidateState.VERIFIED]
        if stale:
            raise DomainError(
                _(
                    "%(count)d candidates on this decree are no longer verified (rejected or "
                    "dropped since it was prepared); cancel it and prepare it again."
                )
                % {"count": len(stale)},
                code="stale_decree",
            )
        total = sum((a.amount for a in awards), Decimal(0))
        check_ceiling(program=program, year=locked.decided_on.year, adding=total)
        for award in awards:
            move(
                actor=actor,
                locked=candidates[award.candidate_id],
                name="approve",
                after={"decree": locked.pk, "amount": award.amount},
            )
        locked.state = DecreeState.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        touch(locked, actor, ["state", "approved_at", "approved_by"])
        _record_on_cohort(actor, locked)
        _audit(
            actor,
            locked,
            "approved",
            {"state": DecreeState.APPROVED, "beneficiaries": len(awards), "total": total},
            before={"state": DecreeState.DRAFT},
        )
    return locked


def _record_on_cohort(actor, decree: BeneficiaryDecree) -> None:
    """The cohort names its (latest) decree, and is approved once a decree is."""
    cohort = Cohort.objects.select_for_update().unscoped().get(pk=decree.cohort_id)
    cohort.decree_number, cohort.decree_date = decree.number, decree.decided_on
    fields = ["decree_number", "decree_date"]
    if cohort.state in (CohortState.TARGETED, CohortState.VERIFYING):
        cohort.state = CohortState.APPROVED
        fields.append("state")
    touch(cohort, actor, fields)


def decree_cancel(
    *, actor, decree: BeneficiaryDecree, reason: str, expected_version: int | None = None
) -> BeneficiaryDecree:
    """Cancel a draft decree (its candidates may go on another). `expected_version`: the
    decree's version the caller read."""
    require(actor, Cap.BENEFIT_MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Reason: say why.")]})
    with transaction.atomic():
        locked = _locked_decree(actor, decree)
        check_version(locked, expected_version)
        _draft(locked)
        locked.awards.all().delete()
        locked.state = DecreeState.CANCELLED
        touch(locked, actor, ["state"])
        _audit(
            actor,
            locked,
            "cancelled",
            {"state": DecreeState.CANCELLED},
            before={"state": DecreeState.DRAFT},
            reason=reason,
        )
    return locked
