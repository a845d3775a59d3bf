"""Overlap flags: a person or family enrolled in two programs the compatibility table says must
not be combined (ProgramCompatibility, editable per pair). A person-level program overlaps with
the same person's; when either side is a family's candidacy, with any of that family's (its
own, or one of its members')."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from .lifecycle import ACTIVE_STATES
from .models import Candidate, ProgramCompatibility


@dataclass(frozen=True)
class Overlap:
    candidate_id: int
    other: Candidate  # the candidacy in the program that must not be combined


def _incompatible(program_ids: set[int]) -> dict[int, set[int]]:
    pairs = ProgramCompatibility.objects.filter(compatible=False).filter(
        Q(program_a_id__in=program_ids) | Q(program_b_id__in=program_ids)
    )
    out: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs.values_list("program_a_id", "program_b_id"):
        out[a].add(b)
        out[b].add(a)
    return out


def _family_of(c: Candidate) -> int | None:
    """A family program's candidacy names its family; a person's, through the person."""
    return c.family_id or (c.person.family_id if c.person_id else None)


def _same_subject(c: Candidate, other: Candidate) -> bool:
    if c.person_id and other.person_id:
        return c.person_id == other.person_id
    return _family_of(c) is not None and _family_of(c) == _family_of(other)


def overlaps(candidates: list[Candidate]) -> dict[int, list[Overlap]]:
    """For each of `candidates` (with `cohort` and `person` loaded), his active candidacies in
    programs that must not be combined with his: two queries whatever their number."""
    if not candidates:
        return {}
    banned = _incompatible({c.cohort.program_id for c in candidates})
    if not banned:
        return {}
    people = {c.person_id for c in candidates if c.person_id}
    families = {f for c in candidates if (f := _family_of(c))}
    # Unscoped: the other candidacies of people and families the caller already sees; only
    # their program and state are shown.
    others = list(
        Candidate.objects.unscoped()
        .filter(state__in=ACTIVE_STATES)
        .filter(
            Q(person_id__in=people) | Q(family_id__in=families) | Q(person__family_id__in=families)
        )
        .filter(cohort__program_id__in={p for s in banned.values() for p in s})
        .select_related("cohort__program", "person")
    )
    found: dict[int, list[Overlap]] = defaultdict(list)
    for c in candidates:
        for other in others:
            if (
                other.pk != c.pk
                and other.cohort.program_id in banned.get(c.cohort.program_id, ())
                and _same_subject(c, other)
            ):
                found[c.pk].append(Overlap(c.pk, other))
    return dict(found)
