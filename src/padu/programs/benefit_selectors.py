"""Scoped reads of beneficiaries, decrees, benefits, groups and training courses: each takes the
user and returns what his area holds ("missing" and "not yours" are the same None/404)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from padu.core.models import AuditEntry

from .codes import LEFT_STATES, CandidateState
from .models import (
    BeneficiaryDecree,
    BenefitGroup,
    BenefitProof,
    Candidate,
    Disbursement,
    EquipmentPackage,
    TrainingCourse,
)

# A beneficiary is a candidate the field check did not stop: from verified on (rejected and
# dropped ones left before receiving anything).
BENEFICIARY_STATES = tuple(
    s for s in CandidateState if s != CandidateState.CANDIDATE and s not in LEFT_STATES
)


def beneficiary_list(*, user, program: int | None = None, state: str = ""):
    qs = (
        Candidate.objects.scoped(user)
        .filter(state__in=[state] if state else BENEFICIARY_STATES)
        .select_related("cohort__program", "person", "family", "region")
        .order_by("cohort__program__code", "cohort_id", "rank")
    )
    if program:
        qs = qs.filter(cohort__program_id=program)
    return qs


def beneficiary_get(*, user, pk: int) -> Candidate | None:
    return (
        Candidate.objects.scoped(user)
        .select_related("cohort__program", "cohort__rule_set", "person", "family", "region")
        .filter(pk=pk)
        .first()
    )


def beneficiary_history(candidate: Candidate):
    """Every transition of the candidate, newest first (the audit trail holds them)."""
    return AuditEntry.objects.filter(
        object_type="programs.candidate",
        object_id=str(candidate.pk),
        action__startswith="programs.candidate.",
    ).select_related("actor")


def beneficiary_benefits(*, user, candidate: Candidate) -> dict:
    return {
        "checks": list(
            candidate.field_checks.prefetch_related("photos").select_related("created_by")
        ),
        "disbursements": list(candidate.disbursements.prefetch_related("proofs")),
        "packages": list(candidate.packages.prefetch_related("items", "proofs")),
        "trainings": list(candidate.trainings.select_related("course")),
        "award": getattr(candidate, "award", None),
    }


def subject_programs(*, user, person=None, family=None):
    """A person's (with his family's) or a family's (with its members') candidacies, past and
    present."""
    if person is not None:
        q = Q(person=person) | Q(family=person.family_id, person__isnull=True)
    else:
        q = Q(family=family) | Q(person__family=family)
    return (
        Candidate.objects.scoped(user)
        .filter(q)
        .select_related("cohort__program", "person")
        .order_by("-cohort__created_at", "-pk")
    )


def decree_list(*, user, program: int | None = None, state: str = ""):
    qs = (
        BeneficiaryDecree.objects.scoped(user)
        .select_related("cohort__program", "period")
        .annotate(beneficiaries=Count("awards"), total=Sum("awards__amount"))
        .order_by("-decided_on", "-pk")
    )
    if program:
        qs = qs.filter(cohort__program_id=program)
    if state:
        qs = qs.filter(state=state)
    return qs


def decree_get(*, user, pk: int) -> BeneficiaryDecree | None:
    return (
        BeneficiaryDecree.objects.scoped(user)
        .select_related("cohort__program", "cohort__rule_set", "period", "approved_by")
        .filter(pk=pk)
        .first()
    )


def disbursement_list(*, user, program: int | None = None, year: int | None = None, channel=""):
    qs = (
        Disbursement.objects.scoped(user)
        .select_related("program", "candidate__person", "candidate__family", "group", "region")
        .order_by("-paid_on", "-pk")
    )
    if program:
        qs = qs.filter(program_id=program)
    if year:
        qs = qs.filter(paid_on__year=year)
    if channel:
        qs = qs.filter(channel=channel)
    return qs


def proof_get(*, user, pk: int) -> BenefitProof | None:
    return BenefitProof.objects.scoped(user).filter(pk=pk).first()


def package_get(*, user, pk: int) -> EquipmentPackage | None:
    return EquipmentPackage.objects.scoped(user).filter(pk=pk).first()


def group_list(*, user, kind: str = ""):
    qs = (
        BenefitGroup.objects.scoped(user)
        .select_related("program", "region")
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("region_id", "name", "pk")
    )
    return qs.filter(kind=kind) if kind else qs


def group_get(*, user, pk: int) -> BenefitGroup | None:
    return (
        BenefitGroup.objects.scoped(user).select_related("program", "region").filter(pk=pk).first()
    )


def group_members(*, user, group: BenefitGroup):
    return (
        group.members.scoped(user)
        .filter(left_on__isnull=True)
        .select_related("person", "family", "region")
        .order_by("role", "person__name")
    )


def course_list(*, user):
    return (
        TrainingCourse.objects.scoped(user)
        .select_related("program", "region")
        .annotate(participant_count=Count("participants"))
        .order_by("-starts_on", "-pk")
    )


def course_get(*, user, pk: int) -> TrainingCourse | None:
    return (
        TrainingCourse.objects.scoped(user)
        .select_related("program", "region")
        .filter(pk=pk)
        .first()
    )


def course_participants(*, user, course: TrainingCourse):
    return (
        course.participants.scoped(user)
        .select_related("candidate__person", "region")
        .annotate(
            days_present=Count("attendance", filter=Q(attendance__present=True)),
            days_recorded=Count("attendance"),
        )
        .order_by("candidate__person__name", "pk")
    )


def course_candidates(*, user, course: TrainingCourse):
    """The program's approved or enrolled candidates not in the course yet."""
    return (
        Candidate.objects.scoped(user)
        .filter(cohort__program_id=course.program_id, state__in=("approved", "enrolled"))
        .exclude(trainings__course=course)
        .select_related("person", "region")
        .order_by("region_id", "rank")
    )
