"""The welfare score: the bulk recomputation (SQL) equals the per-family computation (Python) on
random families, on either database; each score records its weight set; edits rescore."""

import datetime
import random
from decimal import Decimal

import pytest

from padu.accounts.capabilities import Role
from padu.registry import codes
from padu.registry.models import Family, Person
from padu.welfare.defaults import default_weights
from padu.welfare.models import FamilyScore, Recompute, WeightSet
from padu.welfare.scoring import family_scores, recompute_all
from padu.welfare.services import recompute_now, weight_name, weights_publish
from padu.welfare.variables import variables
from padu.welfare.weights import active_weight_set
from tests.factories import (
    KOTA,
    DwellingFactory,
    FamilyFactory,
    PersonDisabilityFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db


def _random_dwelling(rng):
    values = {}
    for v in variables():
        if v.record != "dwelling":
            continue
        if v.how == "code":
            values[v.field] = rng.choice([None, *v.kind.codes.values])
        elif v.how == "codes":
            values[v.field] = [c for c in v.kind.codes.values if rng.random() < 0.3]
        elif v.how == "unit":
            values[v.field] = rng.choice([None, rng.randint(1, 400)])
    return DwellingFactory(**values)


def _random_family(rng):
    dwelling = _random_dwelling(rng)
    livestock = {c: rng.randint(1, 30) for c in codes.Livestock.values if rng.random() < 0.2}
    family = FamilyFactory(dwelling=dwelling, livestock=livestock)
    for i in range(rng.randint(0, 6)):
        person = PersonFactory(
            family=family,
            relationship=codes.Relationship.HEAD if i == 0 else rng.choice([2, 3, 3, 5]),
            education=rng.choice([None, *codes.Education.values]),
            employment=rng.choice([None, *codes.Employment.values]),
            income=rng.choice([None, 0, rng.randint(0, 20_000_000)]),
            life_status=rng.choice([codes.LifeStatus.ACTIVE] * 5 + [codes.LifeStatus.DECEASED]),
        )
        _random_disabilities(rng, person)
    return family


def _random_disabilities(rng, person):
    """Several types (ganda) with any severity or none, and records that ended (not counted)."""
    for kind in codes.DisabilityType.values:
        if rng.random() < 0.12:
            PersonDisabilityFactory(
                person=person,
                type=kind,
                severity=rng.choice(["", *codes.DisabilitySeverity.values]),
                ended_on=rng.choice([None, None, datetime.date(2025, 6, 1)]),
            )


def _random_weights(rng) -> WeightSet:
    """A weight set with random weights (two decimals, both signs), made the active one."""
    admin = make_user(Role.ADMIN, scope=KOTA)
    given = {
        weight_name(*key): f"{rng.randint(-2000, 2000) / 100:.2f}" for key in default_weights()
    }
    return weights_publish(actor=admin, weights=given, note="acak")


@pytest.mark.parametrize("seed", [1, 2])
def test_bulk_recompute_equals_the_per_family_computation(seed):
    rng = random.Random(seed)
    families = [_random_family(rng) for _ in range(40)]
    FamilyFactory(dwelling=None)  # a family without dwelling nor members
    for weight_set in (active_weight_set(), _random_weights(rng)):
        scored = recompute_all(weight_set, chunk=7)  # several chunks
        assert scored == Family.objects.unscoped().count()
        sample = rng.sample([f.pk for f in families], 25)
        expected = family_scores(sample, weight_set)
        stored = dict(
            Family.objects.unscoped().filter(pk__in=sample).values_list("pk", "welfare_score")
        )
        assert stored == expected
        recorded = FamilyScore.objects.unscoped().filter(family__in=sample)
        assert {r.family_id: r.score for r in recorded} == expected
        assert {r.weight_set_id for r in recorded} == {weight_set.pk}


def test_the_score_records_the_weight_set_that_made_it():
    family = _random_family(random.Random(3))
    first = recompute_now()
    assert first.status == Recompute.Status.DONE
    v1 = active_weight_set()
    assert FamilyScore.objects.unscoped().get(family=family).weight_set == v1
    v2 = _random_weights(random.Random(4))
    # The old score keeps its version until it is computed again.
    assert FamilyScore.objects.unscoped().get(family=family).weight_set == v1
    recompute_now()
    score = FamilyScore.objects.unscoped().get(family=family)
    assert (score.weight_set, score.weight_set.version) == (v2, 2)


def test_a_score_lies_between_0_and_100():
    rich = FamilyFactory(
        dwelling=DwellingFactory(assets=list(codes.Asset.values), floor_area=10_000)
    )
    PersonFactory(family=rich)
    recompute_now()
    rich.refresh_from_db()
    assert rich.welfare_score == Decimal("100.00")


def test_an_edit_through_the_services_rescores_the_family():
    from padu.registry.services import person_update

    operator = make_user(Role.OPERATOR, scope=KOTA)
    person = PersonFactory(education=codes.Education.SD)
    recompute_now()
    family = person.family
    before = Family.objects.unscoped().get(pk=family.pk).welfare_score
    data = {"education": codes.Education.BACHELOR}
    person_update(
        actor=operator, person=person, data=data, expected_version=person.version, reason="x"
    )
    after = Family.objects.unscoped().get(pk=family.pk).welfare_score
    weights = active_weight_set().table()
    gain = weights[("person.education", "7")] - weights[("person.education", "3")]
    assert after - before == Decimal(gain) / 100
    assert Person.objects.unscoped().get(pk=person.pk).education == codes.Education.BACHELOR


def test_an_import_queues_a_recomputation_of_every_score(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    from padu.registry.importer.services import import_local_file
    from padu.synth.population import generate_population

    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "populasi.csv"
    generate_population(path, people=30, seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_local_file(actor=None, path=path)
    assert batch.families_created > 0
    job = Recompute.objects.get()
    # The test settings run tasks at once (on commit of the import's transaction).
    assert job.status == Recompute.Status.DONE
    assert FamilyScore.objects.unscoped().count() == batch.families_created
    assert not Family.objects.unscoped().filter(welfare_score__isnull=True).exists()


def test_members_with_a_disability_in_force_count_by_their_most_severe():
    """Two members with disabilities in force (one severe among others, one with no severity
    recorded); an ended record and a deceased member's do not count."""
    family = FamilyFactory(dwelling=None)
    ganda = PersonFactory(family=family, relationship=codes.Relationship.HEAD)
    PersonDisabilityFactory(person=ganda, type="netra", severity="ringan")
    PersonDisabilityFactory(person=ganda, type="rungu_wicara", severity="berat")
    unknown = PersonFactory(family=family, relationship=codes.Relationship.CHILD)
    PersonDisabilityFactory(person=unknown, type="mental", severity="")
    ended = PersonFactory(family=family, relationship=codes.Relationship.CHILD)
    PersonDisabilityFactory(
        person=ended, type="fisik", severity="berat", ended_on=datetime.date(2025, 6, 1)
    )
    dead = PersonFactory(
        family=family, relationship=codes.Relationship.CHILD, life_status=codes.LifeStatus.DECEASED
    )
    PersonDisabilityFactory(person=dead, type="fisik", severity="berat")
    weight_set = active_weight_set()
    weights = weight_set.table()
    recompute_all(weight_set)
    family.refresh_from_db()
    disability = 2 * weights[("disability.members", "")] + weights[("disability.severity", "berat")]
    assert weights[("disability.severity", "berat")] < 0 < -weights[("disability.members", "")]
    assert family.welfare_score == family_scores([family.pk], weight_set)[family.pk]
    assert (
        family.welfare_score - _score_without_disability(family, weight_set)
        == Decimal(disability) / 100
    )


def _score_without_disability(family, weight_set) -> Decimal:
    """The family's score with the disability weights at 0 (a version published for it)."""
    admin = make_user(Role.ADMIN, scope=KOTA)
    given = {
        weight_name(variable, code): str(Decimal(value) / 100)
        for (variable, code), value in weight_set.table().items()
    }
    for key in given:
        if key.startswith("disability."):
            given[key] = "0"
    return family_scores([family.pk], weights_publish(actor=admin, weights=given))[family.pk]


def test_recording_and_ending_a_disability_rescores_the_family():
    from padu.registry.services import person_disability_end, person_disability_record

    operator = make_user(Role.OPERATOR, scope=KOTA)
    person = PersonFactory()
    recompute_now()
    weights = active_weight_set().table()

    def score():
        return Family.objects.unscoped().get(pk=person.family_id).welfare_score

    before = score()
    data = {"type": "netra", "severity": "berat", "assessed_on": "2025-01-02", "source": "impor"}
    row = person_disability_record(actor=operator, person=person, data=data)
    gain = weights[("disability.members", "")] + weights[("disability.severity", "berat")]
    assert score() - before == Decimal(gain) / 100
    person_disability_end(actor=operator, disability=row, reason="Sembuh")
    assert score() == before
