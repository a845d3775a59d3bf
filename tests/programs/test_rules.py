"""The rule tree's checks and a person's explanation."""

import datetime

import pytest
from django.utils import translation

from padu.core.errors import ValidationFailed
from padu.programs.rules.compiler import Context, compile_tree
from padu.programs.rules.evaluate import explain, facts
from padu.programs.rules.fields import rule_fields
from padu.programs.rules.schema import conditions, validate
from padu.registry.models import Person

from ..factories import KEC_A, PersonFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


ON = datetime.date(2026, 7, 1)


def _messages(tree) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        validate(tree)
    return caught.value.errors["tree"]


def test_fields_come_from_the_declarations():
    fields = rule_fields()
    assert {"person.employment", "family.desil", "dwelling.floor_material", "age"} <= set(fields)
    assert "person.nik" not in fields and "family.kk_number" not in fields
    employment = fields["person.employment"]
    assert employment.numeric_codes and (9, "Not working") in [
        (c, str(label)) for c, label in employment.choices
    ]


def test_validation_names_each_bad_condition():
    tree = {
        "all": [
            {"field": "age", "op": "between", "value": [60, 18]},
            {"field": "nope", "op": "eq", "value": 1},
            {"field": "person.employment", "op": "in", "value": [99]},
            {"field": "family.desil", "op": "in", "value": [1]},
            {"field": "enrolled", "op": "within_years", "value": 2, "program": "XYZ"},
        ]
    }
    messages = _messages(tree)
    assert len(messages) == 5
    assert messages[0].startswith("Condition 1 (Age on the reference date (years)): the first end")
    assert messages[1] == "Condition 2: choose a field."
    assert "99 is not in the list" in messages[2]
    assert "cannot be compared that way" in messages[3]
    assert "choose a program" in messages[4]
    assert _messages({"any": []}) == ["A group needs at least one rule."]
    assert _messages("DROP TABLE") == ["A rule must be a group or a condition."]


def test_validation_normalises_values():
    ProgramFactory(code="PKH")
    tree = validate(
        {
            "not": {
                "any": [
                    {"field": "family.welfare_score", "op": "lt", "value": "12,5"},
                    {"field": "person.employment", "op": "in", "value": ["9", 1]},
                    {"field": "enrolled", "op": "within_years", "value": "2", "program": "PKH"},
                ]
            }
        }
    )
    parts = conditions(tree)
    assert parts[0]["value"] == "12.5"
    assert parts[1]["value"] == [1, 9]
    assert parts[2]["value"] == 2


def test_explain_gives_each_condition_and_the_value_that_decided():
    person = PersonFactory(
        birth_date=datetime.date(1990, 7, 2), employment=9, family__desil=3, disability=["fisik"]
    )
    tree = validate(
        {
            "all": [
                {"field": "age", "op": "between", "value": [18, 35]},
                {"field": "family.desil", "op": "le", "value": 2},
                {"field": "disability_type", "op": "any_of", "value": ["fisik", "netra"]},
                {"field": "region", "op": "in", "value": [KEC_A]},
            ]
        }
    )
    step = explain(tree, facts(Person.objects.unscoped().get(pk=person.pk), ON))
    assert step.kind == "all" and step.met is False
    got = [(s.number, s.met, s.actual) for s in step.children]
    assert got == [
        (1, True, "35"),
        (2, False, "3"),
        (3, True, "Physical"),
        (4, True, person.region_id),
    ]
    assert step.children[1].text == "DTSEN desil at most 2"
    sql = Person.objects.unscoped().filter(compile_tree(tree, Context(ON)))
    assert not sql.exists()


@pytest.mark.parametrize(
    "op, value", [("gt", -1), ("ge", 0), ("lt", 10**12), ("between", [-5, 10**12])]
)
def test_an_unknown_value_never_meets_a_comparison(op, value):
    """Django drops a bound outside an integer column's range as always true (income > -1 on a
    positive column), which would select people whose income nobody knows."""
    known = PersonFactory(income=0)
    PersonFactory(income=None)
    tree = validate({"field": "person.income", "op": op, "value": value})
    sql = Person.objects.unscoped().filter(compile_tree(tree, Context(ON)))
    assert list(sql.values_list("pk", flat=True)) == [known.pk]
