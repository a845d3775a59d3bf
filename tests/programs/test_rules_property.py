"""The rule compiler, property-based: for random small registries and random rule trees, the
people the one SQL query selects are exactly those the Python evaluation of the same rules
(evaluate.py, which a person's explanation shows) finds eligible."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import event, given, settings
from hypothesis import strategies as st

from padu.programs import codes as program_codes
from padu.programs.models import Candidate, Cohort, Program
from padu.programs.rules.compiler import Context, compile_tree
from padu.programs.rules.dates import age
from padu.programs.rules.evaluate import evaluate, facts
from padu.programs.rules.fields import (
    AREA,
    CODE,
    CODES,
    DATE,
    ENROLMENT,
    NUMBER,
    TEXT,
    field_choices,
    rule_fields,
)
from padu.programs.rules.schema import validate
from padu.registry import codes
from padu.registry.models import Dwelling, Family, Person, PersonDisability

from ..factories import KEC_A, KEL_A, KEL_A2, KEL_B, KOTA, make_kk, make_nik

pytestmark = pytest.mark.django_db

# The fields the registries below fill, one or more of each type and place (person, family,
# dwelling, derived); the trees test only these.
TESTED = (
    "age",
    "person.birth_date",
    "person.sex",
    "person.employment",
    "person.income",
    "person.occupation",
    "family.desil",
    "family.welfare_score",
    "dwelling.ownership",
    "dwelling.floor_area",
    "dwelling.assets",
    "disability_type",
    "disability_severity",
    "ppks",
    "region",
    "enrolled",
)
PROGRAMS = ("PKH", "PENA")
AREAS = (KOTA, KEC_A, KEL_A, KEL_A2, KEL_B)
WORDS = ("", "Buruh", "Petani")
BIRTH_DATES = (
    datetime.date(2000, 2, 29),
    datetime.date(1999, 3, 1),
    datetime.date(2008, 2, 28),
    datetime.date(2010, 3, 1),
    datetime.date(1966, 2, 28),
    datetime.date(1950, 1, 1),
    datetime.date(2020, 12, 31),
)
BIRTHS = st.sampled_from(BIRTH_DATES)
# The ages the registries hold on the reference dates, and one either side: the edges where a
# wrong cut-off shows.
REFERENCE_DATES = (
    datetime.date(2026, 3, 1),
    datetime.date(2028, 2, 29),
    datetime.date(2027, 2, 28),
)
AGES = sorted({age(b, on) + d for b in BIRTH_DATES for on in REFERENCE_DATES for d in (-1, 0, 1)})
DECREES = st.sampled_from(
    [None, datetime.date(2022, 3, 1), datetime.date(2024, 2, 29), datetime.date(2025, 12, 31)]
)


def _maybe(strategy):
    return st.none() | strategy


def _codes_of(key):
    return [code for code, _label in field_choices(rule_fields()[key])]


person_st = st.fixed_dictionaries(
    {
        "birth_date": BIRTHS,
        "sex": st.sampled_from(codes.Sex.values),
        "employment": _maybe(st.sampled_from(codes.Employment.values)),
        "income": _maybe(st.sampled_from([0, 500_000, 1_500_000])),
        "occupation": st.sampled_from(WORDS),
        "region": st.sampled_from((KEL_A, KEL_A2, KEL_B)),
        "disabilities": st.lists(
            st.tuples(
                st.sampled_from(codes.DisabilityType.values),
                st.sampled_from(codes.DisabilitySeverity.values),
                st.booleans(),  # ended
            ),
            max_size=2,
            unique_by=lambda t: t[0],
        ),
        "ppks": st.lists(st.sampled_from([1, 9, 24]), max_size=2, unique=True),
        "places": st.lists(
            st.tuples(st.sampled_from(PROGRAMS), DECREES, st.booleans()), max_size=2
        ),
    }
)
family_st = st.fixed_dictionaries(
    {
        "desil": _maybe(st.integers(1, 10)),
        "welfare_score": _maybe(st.sampled_from([Decimal("12.50"), Decimal("40.00")])),
        "ownership": _maybe(st.sampled_from(codes.Ownership.values)),
        "floor_area": _maybe(st.sampled_from([8, 36, 120])),
        "assets": st.lists(st.sampled_from(codes.Asset.values[:4]), max_size=2, unique=True),
        "family_place": st.sampled_from([None, "PKH"]),
        "members": st.lists(person_st, min_size=1, max_size=3),
    }
)
registry_st = st.lists(family_st, min_size=1, max_size=4)


def _value_st(key):
    rf = rule_fields()[key]
    if key == "age":
        return st.sampled_from(AGES)
    if rf.type == NUMBER:
        if not rf.integer:
            return st.sampled_from(["12.5", "40", "12.50", "0"])
        return st.sampled_from([0, 1, 3, 5, 10, 36, 500_000, 1_500_000])
    if rf.type == DATE:
        return st.sampled_from(["2000-02-29", "1999-03-01", "2010-03-01", "1950-01-01"])
    if rf.type in (CODE, CODES):
        return st.lists(st.sampled_from(_codes_of(key)), min_size=1, max_size=3, unique=True)
    if rf.type == TEXT:
        return st.sampled_from(WORDS[1:])
    if rf.type == AREA:
        return st.lists(st.sampled_from(AREAS), min_size=1, max_size=2, unique=True)
    return st.integers(1, 5)


# Every (field, comparison) pair equally likely.
PAIRS = [(key, op) for key in TESTED for op in rule_fields()[key].ops]


@st.composite
def condition_st(draw):
    key, op = draw(st.sampled_from(PAIRS))
    rf = rule_fields()[key]
    cond = {"field": key, "op": op}
    if op in ("is_empty", "not_empty"):
        return cond
    if op == "between":
        ends = sorted(
            [draw(_value_st(key)), draw(_value_st(key))],
            key=lambda v: Decimal(str(v)) if rf.type == NUMBER else v,
        )
        cond["value"] = ends
    else:
        cond["value"] = draw(_value_st(key))
    if rf.type == ENROLMENT:
        cond["program"] = draw(st.sampled_from(PROGRAMS))
    return cond


tree_st = st.recursive(
    condition_st(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        inner.map(lambda x: {"not": x}),
    ),
    max_leaves=6,
)

_serial = iter(range(1, 10**9))


def _build(registry) -> list[Person]:
    programs = {
        code: Program.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "target_unit": "family" if code == "PKH" else "person",
                "benefit_type": "cash",
                "funding_source": "APBN",
            },
        )[0]
        for code in PROGRAMS
    }
    cohorts = {}

    def cohort(code, decree):
        if (code, decree) not in cohorts:
            cohorts[code, decree] = Cohort.objects.create(
                program=programs[code], name="x", region_id=KOTA, decree_date=decree
            )
        return cohorts[code, decree]

    people = []
    for fam in registry:
        n = next(_serial)
        region = fam["members"][0]["region"]
        dwelling = Dwelling.objects.create(
            code=f"P-{n}",
            region_id=region,
            ownership=fam["ownership"],
            floor_area=fam["floor_area"],
            assets=fam["assets"],
        )
        family = Family.objects.create(
            kk_number=make_kk(region, n),
            region_id=region,
            dwelling=dwelling,
            desil=fam["desil"],
            welfare_score=fam["welfare_score"],
        )
        if fam["family_place"]:
            Candidate.objects.create(
                cohort=cohort(fam["family_place"], datetime.date(2025, 12, 31)),
                family=family,
                region_id=region,
                rank=1,
                state=program_codes.CandidateState.ENROLLED,
            )
        for m in fam["members"]:
            person = Person.objects.create(
                family=family,
                region_id=m["region"],
                nik=make_nik(m["region"], m["birth_date"], m["sex"], next(_serial)),
                name="Orang",
                name_key="orang",
                sex=m["sex"],
                birth_date=m["birth_date"],
                relationship=codes.Relationship.HEAD,
                employment=m["employment"],
                income=m["income"],
                occupation=m["occupation"],
            )
            for kind, severity, ended in m["disabilities"]:
                PersonDisability.objects.create(
                    person=person,
                    type=kind,
                    severity=severity,
                    assessed_on=datetime.date(2025, 1, 1),
                    source=codes.DisabilitySource.DOCTOR,
                    ended_on=datetime.date(2025, 6, 1) if ended else None,
                )
            person.ppks.set(
                __import__(
                    "padu.registry.models", fromlist=["PPKSCategory"]
                ).PPKSCategory.objects.filter(code__in=m["ppks"])
            )
            for code, decree, taken in m["places"]:
                Candidate.objects.unscoped().get_or_create(
                    cohort=cohort(code, decree),
                    person=person,
                    defaults={
                        "region_id": m["region"],
                        "rank": 1,
                        "state": program_codes.CandidateState.ENROLLED
                        if taken
                        else program_codes.CandidateState.DROPPED,
                    },
                )
            people.append(person)
    return people


@settings(max_examples=100)
@given(registry=registry_st, tree=tree_st, reference=st.sampled_from(REFERENCE_DATES))
def test_sql_selects_whom_python_finds_eligible(registry, tree, reference):
    with transaction.atomic():
        people = _build(registry)
        tree = validate(tree)
        context = Context(reference_date=reference)
        by_sql = set(
            Person.objects.unscoped()
            .filter(compile_tree(tree, context))
            .values_list("pk", flat=True)
        )
        loaded = Person.objects.unscoped().select_related("family__dwelling")
        by_python = {
            p.pk
            for p in loaded.filter(pk__in=[p.pk for p in people])
            if evaluate(tree, facts(p, reference))
        }
        event(f"selected {min(len(by_sql), 2)} of {min(len(people), 2)}")
        assert by_sql == by_python, tree
        transaction.set_rollback(True)


def _edges(registry, key, reference):
    """The values the registry holds for a number or date field, and their neighbours."""
    members = [m for fam in registry for m in fam["members"]]
    if key == "age":
        held = [age(m["birth_date"], reference) for m in members]
        return sorted({a + d for a in held for d in (-1, 0, 1)})
    if key == "person.birth_date":
        one = datetime.timedelta(days=1)
        held = [m["birth_date"] for m in members]
        return sorted({(b + d).isoformat() for b in held for d in (-one, 0 * one, one)})
    name = key.split(".")[1]
    held = [m.get(name) for m in members] + [fam.get(name) for fam in registry]
    held = [v for v in held if v is not None]
    if not held:
        return None
    if rule_fields()[key].integer:
        return sorted({v + d for v in held for d in (-1, 0, 1)})
    return sorted({str(v + d) for v in held for d in (Decimal("-0.01"), 0, Decimal("0.01"))})


@settings(max_examples=20)
@pytest.mark.parametrize("key", TESTED)
@given(registry=registry_st, data=st.data(), reference=st.sampled_from(REFERENCE_DATES))
def test_each_condition_alone(key, registry, data, reference):
    """One field at a time, its values drawn from the registry and their neighbours, so that
    each comparison's edges (an age reached that very day, a desil equal to the bound) are met."""
    rf = rule_fields()[key]
    op = data.draw(st.sampled_from(rf.ops))
    cond = {"field": key, "op": op}
    edges = _edges(registry, key, reference) if rf.type in (NUMBER, DATE) else None
    values = st.sampled_from(edges) if edges else _value_st(key)
    if op == "between":
        cond["value"] = sorted(
            [data.draw(values), data.draw(values)],
            key=lambda v: Decimal(str(v)) if rf.type == NUMBER else v,
        )
    elif op not in ("is_empty", "not_empty"):
        cond["value"] = data.draw(values)
    if rf.type == ENROLMENT:
        cond["program"] = data.draw(st.sampled_from(PROGRAMS))
    test_sql_selects_whom_python_finds_eligible.hypothesis.inner_test(
        registry=registry, tree=cond, reference=reference
    )
