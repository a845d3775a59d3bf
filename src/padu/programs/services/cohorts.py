"""Cohorts: their settings (area, quotas, priority), the targeting run (targeting.py) and the
waiting list that fills a place a candidate leaves."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import DomainError, ValidationFailed
from padu.core.scoping import require, require_in_scope, within
from padu.periods.models import Period
from padu.regions.models import Region

from .. import targeting
from ..codes import TARGETABLE_STATES, CandidateState, CohortState
from ..models import Candidate, Cohort, CohortQuota, Program, RuleSet
from ..tasks import cohort_funnel_task
from .base import bump, check_version, checked
from .rules import latest_rule_set

COHORT_FIELDS = ("program", "name", "region", "reference_date", "quota_total", "priority")
# Who may give up a place, and be replaced from the waiting list, before the decree.
DROPPABLE = frozenset({CandidateState.CANDIDATE, CandidateState.VERIFIED})


def _quotas(region: Region, quotas: dict[str, int]) -> dict[str, int]:
    bad = [code for code in quotas if not within(code, region.code) or code == region.code]
    known = set(Region.objects.filter(code__in=list(quotas)).values_list("code", flat=True))
    errors = []
    if bad or set(quotas) - known:
        errors.append(
            _("Quotas: each area must be a kecamatan or kelurahan of %(area)s.")
            % {"area": region.name}
        )
    if len({len(code) for code in quotas}) > 1 or any(
        len(code) not in targeting.AREA_LENGTHS for code in quotas
    ):
        errors.append(_("Quotas: give them all per kecamatan or all per kelurahan."))
    if any(n < 0 for n in quotas.values()):
        errors.append(_("Quotas: a quota is a number of places, 0 or more."))
    if errors:
        raise ValidationFailed({"quotas": errors})
    return quotas


def cohort_save(
    *,
    actor,
    program: Program,
    name: str,
    region_code: str,
    quota_total: int | None = None,
    quotas: dict[str, int] | None = None,
    priority: dict | None = None,
    reference_date: datetime.date | None = None,
    cohort: Cohort | None = None,
    expected_version: int | None = None,
) -> Cohort:
    """Create a cohort, or change one whose candidates have not gone to the field (its
    settings and quotas; `expected_version`: the cohort's version the user edited)."""
    require(actor, Cap.COHORT_TARGET)
    require_in_scope(actor, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed({"region": [_("Choose the area the cohort draws from.")]})
    quotas = _quotas(region, quotas or {})
    priority_json = targeting.Priority.read(priority).as_json()
    with transaction.atomic():
        if cohort is None:
            cohort = Cohort(created_by=actor, updated_by=actor, program=program)
            before = None
        else:
            cohort = Cohort.objects.select_for_update().scoped(actor).get(pk=cohort.pk)
            check_version(cohort, expected_version)
            _require_targetable(cohort)
            before = {**snapshot(cohort, list(COHORT_FIELDS)), "quotas": _quota_map(cohort)}
            bump(cohort, actor)
        cohort.name, cohort.region = name, region
        cohort.quota_total, cohort.priority = quota_total, priority_json
        cohort.reference_date = reference_date
        checked(cohort, exclude=("rule_set", "period", "targeted_by"))
        cohort.save()
        cohort.quotas.all().delete()
        CohortQuota.objects.bulk_create(
            CohortQuota(cohort=cohort, region_id=code, quota=n) for code, n in quotas.items()
        )
        audit_record(
            actor=actor,
            action="cohort.created" if before is None else "cohort.changed",
            obj=cohort,
            region_code=region.code,
            before=before,
            after={**snapshot(cohort, list(COHORT_FIELDS)), "quotas": quotas},
        )
    return cohort


def _quota_map(cohort: Cohort) -> dict[str, int]:
    return dict(cohort.quotas.values_list("region_id", "quota"))


def _require_targetable(cohort: Cohort) -> None:
    if cohort.state not in TARGETABLE_STATES:
        raise DomainError(
            _("This cohort's candidates have gone to verification: it can no longer change."),
            code="cohort_state",
        )


def cohort_target(
    *,
    actor,
    cohort: Cohort,
    rule_set: RuleSet | None = None,
    expected_version: int | None = None,
) -> Cohort:
    """Run the targeting: the cohort's candidates and waiting list are replaced by those the
    rules (`rule_set`, else the program's latest) select and rank now, and the funnel kept.
    `expected_version`: the cohort's version the user read."""
    require(actor, Cap.COHORT_TARGET)
    with transaction.atomic():
        cohort = (
            Cohort.objects.select_for_update()
            .scoped(actor)
            .select_related("program")
            .get(pk=cohort.pk)
        )
        check_version(cohort, expected_version)
        _require_targetable(cohort)
        rule_set = rule_set or latest_rule_set(cohort.program)
        if rule_set is None or rule_set.program_id != cohort.program_id:
            raise DomainError(_("The program has no rules yet: write them first."), code="no_rules")
        priority = targeting.Priority.read(cohort.priority)
        # Nothing refers to a candidate while the cohort is still being targeted (field checks,
        # awards and benefits come after verification, which ends targeting): the run may
        # delete those it no longer chooses.
        outcome = targeting.run(
            cohort, actor, rule_set.tree, priority, actor_id=getattr(actor, "pk", None)
        )
        # Counted after the run, in the background: a second pass over the whole area that
        # the candidate list does not wait for (the page says it is being counted).
        cohort.funnel = []
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: cohort_funnel_task.enqueue(cohort.pk, actor_id))
        cohort.rule_set = rule_set
        cohort.period = (
            Period.objects.filter(status=Period.Status.CLOSED).order_by("-month").first()
        )
        cohort.state = CohortState.TARGETED
        cohort.targeted_at, cohort.targeted_by = timezone.now(), actor
        bump(cohort, actor)
        cohort.save()
        audit_record(
            actor=actor,
            action="cohort.targeted",
            obj=cohort,
            region_code=cohort.region_id,
            after={
                "rule_set": rule_set.pk,
                "rule_version": rule_set.version,
                "period": cohort.period_id,
                "placed": outcome.placed,
                "waiting": outcome.waiting,
                "removed": outcome.removed,
                "changed": outcome.changed,
                "added": outcome.added,
            },
            only_changes=False,
        )
    return cohort


def _lock_cohort_of(actor, candidate: Candidate) -> Cohort | None:
    """The cohort of a candidate the actor may see, locked: whoever changes a cohort's
    candidates locks the cohort first, as a targeting run does, so that none waits on another
    in the opposite order. None when the candidate is outside the actor's area."""
    # Bounded by the candidate, read in the actor's area.
    cohort_id = (
        Candidate.objects.scoped(actor).filter(pk=candidate.pk).values_list("cohort_id", flat=True)
    ).first()
    if cohort_id is None:
        return None
    return Cohort.objects.unscoped().select_for_update().get(pk=cohort_id)


def cohort_begin_verification(*, actor, candidate: Candidate) -> None:
    """The cohort of `candidate` leaves targeting when its first candidate goes to the field
    (TARGETED → VERIFYING): a new run would replace the candidates and their field checks.
    Called inside the caller's transaction, before it locks the candidate."""
    cohort = _lock_cohort_of(actor, candidate)
    if cohort is None or cohort.state not in TARGETABLE_STATES:
        return
    before = cohort.state
    cohort.state = CohortState.VERIFYING
    bump(cohort, actor)
    cohort.save(update_fields=["state", "version", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action="cohort.verifying",
        obj=cohort,
        region_code=cohort.region_id,
        before={"state": before},
        after={"state": cohort.state},
    )


def candidate_drop(
    *, actor, candidate: Candidate, reason: str, expected_version: int | None = None
) -> Candidate | None:
    """A candidate gives up his place before the decree (or cannot be reached): he leaves the
    list, and the first of his area's waiting list takes the place. Returns who took it.
    `expected_version`: the candidate's version the user read."""
    require(actor, Cap.COHORT_TARGET)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason the candidate leaves.")]})
    with transaction.atomic():
        _lock_cohort_of(actor, candidate)
        candidate = (
            Candidate.objects.select_for_update().scoped(actor).select_related("cohort")
        ).get(pk=candidate.pk)
        check_version(candidate, expected_version)
        if candidate.on_waiting_list or candidate.state not in DROPPABLE:
            raise DomainError(
                _("Only a candidate holding a place, before approval, can drop out here."),
                code="candidate_state",
            )
        before = snapshot(candidate, ["state", "exit_reason", "on_waiting_list"])
        candidate.state, candidate.exit_reason = CandidateState.DROPPED, reason[:200]
        bump(candidate, actor)
        candidate.save(
            update_fields=["state", "exit_reason", "version", "updated_by", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="candidate.dropped",
            obj=candidate,
            region_code=candidate.region_id,
            before=before,
            after=snapshot(candidate, ["state", "exit_reason", "on_waiting_list"]),
            reason=reason,
        )
        return fill_place(actor=actor, left=candidate)


def fill_place(*, actor, left: Candidate) -> Candidate | None:
    """Give the place `left` held to the first of the waiting list of his quota area (of the
    whole cohort without area quotas), inside the caller's transaction. Also for a candidate
    rejected at verification."""
    # The waiting list of a cohort the caller locked in scope: all its areas, not the actor's.
    nxt = (
        Candidate.objects.unscoped()
        .select_for_update()
        .filter(cohort_id=left.cohort_id, on_waiting_list=True, quota_area=left.quota_area_id)
        .order_by("rank")
        .first()
    )
    if nxt is None:
        return None
    nxt.on_waiting_list = False
    bump(nxt, actor)
    nxt.save(update_fields=["on_waiting_list", "version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="candidate.promoted",
        obj=nxt,
        region_code=nxt.region_id,
        before={"on_waiting_list": True},
        after={"on_waiting_list": False, "in_place_of": left.pk},
    )
    return nxt
