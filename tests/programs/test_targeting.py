"""The targeting run: who holds a place (ranked, per-area and total quotas, ties), the waiting
list and who fills a place left, the funnel, and who may run it."""

import datetime

import pytest
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.programs.codes import CandidateState, CohortState, TargetUnit
from padu.programs.models import Candidate
from padu.programs.services.cohorts import candidate_drop, cohort_save, cohort_target
from padu.programs.services.field_checks import field_check_record
from padu.programs.services.rules import rule_set_create
from padu.registry import codes
from padu.registry.models import Person

from ..factories import (
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    KOTA,
    FamilyFactory,
    PersonFactory,
    ProgramFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

DESIL_1_TO_5 = {"all": [{"field": "family.desil", "op": "between", "value": [1, 5]}]}
SAME_TIME = timezone.make_aware(datetime.datetime(2025, 1, 1, 8))


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR)


def _person(region, desil, **kwargs):
    return PersonFactory(family=FamilyFactory(region_id=region, desil=desil), **kwargs)


@pytest.fixture
def people():
    """Named by kecamatan and desil; all registered at the same instant, so that ties between
    equal desil fall to the id."""
    made = {
        "a1": _person(KEL_A, 1),
        "a2_first": _person(KEL_A, 2),
        "a2_second": _person(KEL_A, 2),
        "a3": _person(KEL_A, 3),
        "a1_other_kel": _person(KEL_A2, 1),
        "b4": _person(KEL_B, 4),
        "b1": _person(KEL_B, 1),
        "b5": _person(KEL_B, 5),
        "b7": _person(KEL_B, 7),
    }
    Person.objects.unscoped().update(created_at=SAME_TIME)
    return made


def _cohort(actor, tree=DESIL_1_TO_5, unit=TargetUnit.PERSON, **options):
    program = ProgramFactory(target_unit=unit)
    rule_set_create(actor=actor, program=program, tree=tree)
    return cohort_save(
        actor=actor, program=program, name="Angkatan I 2026", region_code=KOTA, **options
    )


def _list(cohort):
    rows = Candidate.objects.unscoped().filter(cohort=cohort).order_by("rank")
    return [(c.person_id, c.on_waiting_list, c.quota_area_id) for c in rows]


def test_per_kecamatan_quotas_with_ties_and_waiting_lists(operator, people):
    cohort = _cohort(operator, quotas={KEC_A: 2, KEC_B: 1})
    cohort = cohort_target(actor=operator, cohort=cohort)
    p = {k: v.pk for k, v in people.items()}
    assert cohort.state == CohortState.TARGETED and cohort.rule_set.version == 1
    assert _list(cohort) == [
        # places: desil first; the two desil 1 of kecamatan A by id
        (p["a1"], False, KEC_A),
        (p["a1_other_kel"], False, KEC_A),
        (p["b1"], False, KEC_B),
        # the waiting lists (as many again as each quota), in rank order
        (p["a2_first"], True, KEC_A),
        (p["a2_second"], True, KEC_A),
        (p["b4"], True, KEC_B),
    ]
    first = Candidate.objects.unscoped().get(cohort=cohort, person_id=p["a1"])
    assert first.rank == 1
    assert first.reasons == {
        "desil": 1,
        "welfare_score": None,
        "vulnerability": 0,
        "area_rank": 1,
    }


def test_a_total_quota_over_area_quotas(operator, people):
    cohort = _cohort(operator, quotas={KEC_A: 2, KEC_B: 2}, quota_total=2)
    cohort_target(actor=operator, cohort=cohort)
    placed = [pid for pid, waiting, _area in _list(cohort) if not waiting]
    assert placed == [people["a1"].pk, people["a1_other_kel"].pk]


def test_without_quotas_everyone_eligible_holds_a_place(
    operator, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cohort = cohort_target(actor=operator, cohort=_cohort(operator))
    cohort.refresh_from_db()
    assert len(_list(cohort)) == 8  # all but desil 7
    assert not any(waiting for _p, waiting, _a in _list(cohort))
    assert [s["removed"] for s in cohort.funnel] == [0, 1]
    assert cohort.funnel[0]["remaining"] == 9


def test_the_priority_may_put_vulnerability_first(operator, people):
    elderly = _person(KEL_B, 5, birth_date=datetime.date(1940, 1, 1))
    Person.objects.unscoped().filter(pk=elderly.pk).update(created_at=SAME_TIME)
    cohort = _cohort(
        operator,
        quotas={KEC_B: 1},
        priority={"order": ["vulnerability", "desil"], "waiting_factor": 0},
    )
    cohort_target(actor=operator, cohort=cohort)
    assert _list(cohort) == [(elderly.pk, False, KEC_B)]


def test_a_dropped_candidate_gives_his_place_to_his_areas_waiting_list(operator, people):
    cohort = cohort_target(actor=operator, cohort=_cohort(operator, quotas={KEC_A: 2, KEC_B: 1}))
    leaving = Candidate.objects.unscoped().get(cohort=cohort, person=people["b1"])
    promoted = candidate_drop(actor=operator, candidate=leaving, reason="Pindah ke Medan")
    assert promoted.person == people["b4"] and promoted.on_waiting_list is False
    leaving.refresh_from_db()
    assert leaving.state == CandidateState.DROPPED and leaving.exit_reason == "Pindah ke Medan"
    with pytest.raises(DomainError):
        candidate_drop(actor=operator, candidate=leaving, reason="again")
    # Kecamatan B's waiting list is now empty: the next to leave is not replaced.
    assert candidate_drop(actor=operator, candidate=promoted, reason="Menolak") is None


def test_a_rerun_touches_only_what_changed_and_lists_as_a_first_run_would(operator, people):
    cohort = cohort_target(actor=operator, cohort=_cohort(operator, quotas={KEC_A: 2, KEC_B: 1}))

    def rows():
        found = Candidate.objects.unscoped().filter(cohort=cohort)
        return {c.person_id: (c.pk, c.version, c.rank, c.state) for c in found}

    first = rows()
    dropped = Candidate.objects.unscoped().get(cohort=cohort, person=people["b1"])
    candidate_drop(actor=operator, candidate=dropped, reason="Menolak")
    cohort = cohort_target(actor=operator, cohort=cohort)
    # The same people as before: the dropped candidate is one again (as in a first run), the
    # one who had taken his place is back on the waiting list; the others were not touched.
    again = rows()
    assert again.keys() == first.keys()
    assert again[people["b1"].pk][3] == CandidateState.CANDIDATE
    unchanged = set(first) - {people["b1"].pk, people["b4"].pk}
    assert all(again[pid] == first[pid] for pid in unchanged)
    assert again[people["b4"].pk][0] == first[people["b4"].pk][0]
    assert again[people["b4"].pk][1] > first[people["b4"].pk][1]
    # a1 leaves the list (desil 7), b5 enters kecamatan B's waiting list in b4's wake.
    people["a1"].family.desil = 7
    people["a1"].family.save()
    cohort = cohort_target(actor=operator, cohort=cohort)
    after = rows()
    assert people["a1"].pk not in after and people["a3"].pk in after
    assert all(after[pid][0] == again[pid][0] for pid in set(after) & set(again))
    entry = AuditEntry.objects.filter(action="cohort.targeted").latest("pk")
    assert (entry.after["removed"], entry.after["added"]) == (1, 1)
    assert entry.after["placed"] == 3 and entry.after["waiting"] == 3
    fresh = cohort_target(actor=operator, cohort=_cohort(operator, quotas={KEC_A: 2, KEC_B: 1}))
    assert _list(fresh) == _list(cohort)
    assert [
        c.reasons for c in Candidate.objects.unscoped().filter(cohort=fresh).order_by("rank")
    ] == [c.reasons for c in Candidate.objects.unscoped().filter(cohort=cohort).order_by("rank")]


def test_a_family_program_selects_each_familys_head(operator):
    family = FamilyFactory(desil=2)
    head = PersonFactory(family=family)
    PersonFactory(family=family, relationship=codes.Relationship.CHILD)
    cohort = cohort_target(actor=operator, cohort=_cohort(operator, unit=TargetUnit.FAMILY))
    (candidate,) = Candidate.objects.unscoped().filter(cohort=cohort)
    assert (candidate.person, candidate.family) == (head, family)
    # Run again: the same family by the same head keeps its row.
    cohort_target(actor=operator, cohort=cohort)
    (again,) = Candidate.objects.unscoped().filter(cohort=cohort)
    assert (again.pk, again.version, again.family) == (candidate.pk, candidate.version, family)


def test_rules_and_quotas_are_checked(operator):
    with pytest.raises(ValidationFailed) as caught:
        _cohort(operator, quotas={KEC_A: 1, KEL_B: 1})
    assert caught.value.errors["quotas"]
    with pytest.raises(ValidationFailed):
        _cohort(operator, priority={"order": ["desil", "desil"]})


def test_who_may_target(operator, people):
    cohort = _cohort(operator)
    with pytest.raises(PermissionDeniedError):
        cohort_target(actor=make_user(Role.TKSK), cohort=cohort)
    with pytest.raises(PermissionDeniedError):
        cohort_save(
            actor=make_user(Role.PIMPINAN), program=cohort.program, name="x", region_code=KOTA
        )
    cohort_target(actor=operator, cohort=cohort)
    cohort.refresh_from_db()
    cohort.state = CohortState.VERIFYING
    cohort.save()
    with pytest.raises(DomainError):
        cohort_target(actor=operator, cohort=cohort)


def test_a_candidate_rejected_in_the_field_gives_his_place_to_his_areas_waiting_list(
    operator, people
):
    cohort = cohort_target(actor=operator, cohort=_cohort(operator, quotas={KEC_A: 2, KEC_B: 1}))
    rejected = Candidate.objects.unscoped().get(cohort=cohort, person=people["b1"])
    field_check_record(
        actor=operator,
        candidate=rejected,
        checked_on=timezone.localdate(),
        found=False,
        conditions_met=True,
        willing=True,
        note="Tidak ditemukan di alamat",
    )
    rejected.refresh_from_db()
    assert rejected.state == CandidateState.REJECTED
    promoted = Candidate.objects.unscoped().get(cohort=cohort, person=people["b4"])
    assert promoted.on_waiting_list is False
    entry = AuditEntry.objects.get(action="candidate.promoted")
    assert entry.after == {"on_waiting_list": False, "in_place_of": rejected.pk}
