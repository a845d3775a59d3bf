"""The programs app's reads. The catalogue holds no one's data; cohorts are seen from their area
and from inside it; candidates and people only inside the user's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from padu.core.scoping import subtree_q
from padu.registry.models import Person

from .models import Candidate, Cohort, Program, ProgramCompatibility


def program_list(*, filters: dict | None = None) -> QuerySet[Program]:
    filters = filters or {}
    qs = Program.objects.annotate(cohort_count=Count("cohorts")).order_by("code")
    if filters.get("active") is not None:
        qs = qs.filter(is_active=filters["active"])
    if filters.get("q"):
        qs = qs.filter(Q(code__icontains=filters["q"]) | Q(name__icontains=filters["q"]))
    return qs


def compatibility_of(program: Program) -> QuerySet[ProgramCompatibility]:
    return ProgramCompatibility.objects.filter(
        Q(program_a=program) | Q(program_b=program)
    ).select_related("program_a", "program_b")


def cohorts_visible(user, *, filters: dict | None = None) -> QuerySet[Cohort]:
    filters = filters or {}
    qs = Cohort.objects.scoped(user).select_related("program", "region", "rule_set")
    if filters.get("program"):
        qs = qs.filter(program_id=filters["program"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    return qs


def cohort_get(*, user, pk: int) -> Cohort | None:
    """The cohort, or None when it is missing or outside the user's areas."""
    return cohorts_visible(user).select_related("period", "targeted_by").filter(pk=pk).first()


def candidates_visible(user, cohort: Cohort, *, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = (
        Candidate.objects.scoped(user)
        .filter(cohort=cohort)
        .select_related("person", "family", "region", "quota_area")
        .order_by("on_waiting_list", "rank")
    )
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("list") == "places":
        qs = qs.filter(on_waiting_list=False)
    elif filters.get("list") == "waiting":
        qs = qs.filter(on_waiting_list=True)
    if filters.get("area"):
        qs = qs.filter(subtree_q("region__code", [filters["area"]]))
    if filters.get("q"):
        qs = qs.filter(person__name__icontains=filters["q"])
    return qs


def person_for_explanation(user, pk: int) -> Person:
    """The person (Person.DoesNotExist outside the user's scope), read with what the rules ask
    of his family and dwelling."""
    return Person.objects.scoped(user).select_related("family__dwelling", "region").get(pk=pk)


def candidacy(user, cohort: Cohort, person: Person) -> Candidate | None:
    return Candidate.objects.scoped(user).filter(cohort=cohort, person=person).first()
