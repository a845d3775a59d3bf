"""A DCI search's criteria as a scoped query of the registry: the three query types, the sort and
the page. Every query starts from `families_visible`/`people_visible` (the client's area), and
only active families and living members are searched.

A criterion the registry cannot answer is refused with the standard's reason code
(`rjct.search_criteria.invalid`, `rjct.sort.invalid`, `rjct.pagination.invalid`) and a message
that says what to send instead.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.registry import selectors
from padu.registry.codes import FamilyStatus, LifeStatus
from padu.registry.disclosure import AGE_BAND_YEARS, Disclosure
from padu.registry.models import Family, Person

from . import codes

MAX_PAGE_SIZE = 100
REGION_CODE = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
NUMBER = re.compile(r"^[0-9]{16}$")
OPERATORS = ("eq", "lt", "le", "gt", "ge", "in")
# The operators of an expression query (a MongoDB-like document) in the predicate's terms.
EXPRESSION_OPERATORS = {
    "$eq": "eq",
    "$lt": "lt",
    "$lte": "le",
    "$gt": "gt",
    "$gte": "ge",
    "$in": "in",
}


class CriteriaError(Exception):
    """A search the registry cannot answer: the standard's reason code and a message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> CriteriaError:
    return CriteriaError("rjct.search_criteria.invalid", message)


@dataclass
class Search:
    entity: str  # codes.GROUP or codes.MEMBER
    queryset: QuerySet
    page_size: int
    page_number: int


# ------------------------------------------------------------------------------------ values


def _number(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise invalid(_("%(name)s takes a number.") % {"name": name})
    return number


def _values(name: str, operator: str, value) -> list:
    """The operand(s): `in` takes a list (or a comma-separated text), the others one value."""
    if operator == "in":
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not value:
            raise invalid(_("%(name)s with “in” takes a list of values.") % {"name": name})
        return value
    if isinstance(value, list | dict):
        raise invalid(_("%(name)s with “%(op)s” takes one value.") % {"name": name, "op": operator})
    return [value]


def _integer_range(field: str, operator: str, number: float) -> Q:
    """An integer field compared with any number (`desil < 2.5` is `desil <= 2`)."""
    if operator == "eq":
        return Q(**{field: int(number)}) if number.is_integer() else Q(pk__in=[])
    low = {"gt": math.floor(number) + 1, "ge": math.ceil(number)}.get(operator)
    high = {"lt": math.ceil(number) - 1, "le": math.floor(number)}.get(operator)
    if low is not None:
        return Q(**{f"{field}__gte": low})
    return Q(**{f"{field}__lte": high})


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------------------------- attributes


class Attributes:
    """The attributes a client may search by, for one user (masking) and one entity."""

    def __init__(self, *, entity: str, disclosure: Disclosure):
        self.entity = entity
        self.disclosure = disclosure
        self.today = timezone.localdate()
        member = entity == codes.MEMBER
        self.family = "family__" if member else ""
        handlers: dict[str, Callable[[str, object], Q]] = {
            "poverty_score": self.poverty_score,
            "desil": self.poverty_score,
            "region": self.region,
            "location": self.region,
            "district": self.region,
        }
        if member:
            handlers |= {"age": self.age, "sex": self.sex, "gender": self.sex}
        else:
            handlers |= {"group_size": self.group_size}
        self.handlers = handlers

    def q(self, name: str, operator: str, value) -> Q:
        handler = self.handlers.get(name)
        if handler is None:
            raise invalid(
                _("Padu cannot search %(entity)s records by “%(name)s”; it can by: %(names)s.")
                % {"entity": self.entity, "name": name, "names": ", ".join(sorted(self.handlers))}
            )
        if operator not in OPERATORS:
            raise invalid(_("Unknown operator “%(op)s”.") % {"op": operator})
        q = Q()
        for i, one in enumerate(_values(name, operator, value)):
            part = handler("eq" if operator == "in" else operator, one)
            q = part if i == 0 else q | part
        return q

    def poverty_score(self, operator: str, value) -> Q:
        return _integer_range(f"{self.family}desil", operator, _number("poverty_score", value))

    def region(self, operator: str, value) -> Q:
        code = str(value).strip()
        if operator != "eq" or not REGION_CODE.match(code):
            raise invalid(
                _(
                    "A region is searched with “eq” or “in” and a Kemendagri code, "
                    "e.g. 13.71 or 13.71.01.1001."
                )
            )
        return Q(region__code=code) | Q(region__code__startswith=f"{code}.")

    def sex(self, operator: str, value) -> Q:
        sex = codes.SEX_IN.get(str(value).strip().lower())
        if operator != "eq" or sex is None:
            raise invalid(_("A sex is searched with “eq” or “in” and male or female."))
        return Q(sex=sex)

    def age(self, operator: str, value) -> Q:
        number = _number("age", value)
        if not number.is_integer() or not 0 <= number <= 150:
            raise invalid(_("An age is a whole number of years from 0 to 150."))
        years = int(number)
        # The first age a comparison excludes or includes; a role that sees only bands of five
        # years may ask only at their edges (`age < 25`, `age >= 60`).
        edge = {"lt": years, "ge": years, "le": years + 1, "gt": years + 1}.get(operator)
        if not self.disclosure.full and (edge is None or edge % AGE_BAND_YEARS):
            raise invalid(
                _(
                    "Your role sees ages in bands of five years: ask with lt or ge and a "
                    "multiple of five (or le and gt and one less), e.g. age lt 25."
                )
            )
        if operator == "eq":
            born_after = _years_before(self.today, years + 1)
            return Q(birth_date__gt=born_after, birth_date__lte=_years_before(self.today, years))
        if edge is not None and operator in ("lt", "le"):
            return Q(birth_date__gt=_years_before(self.today, edge))
        return Q(birth_date__lte=_years_before(self.today, edge))

    def group_size(self, operator: str, value) -> Q:
        return _integer_range("group_size", operator, _number("group_size", value))


# --------------------------------------------------------------------------------- the query


def _predicates(attributes: Attributes, items: list) -> Q:
    """`[{seq_num, expression1, condition, expression2}, ...]`: each item's two expressions
    joined by its condition, the items all true (in the order of their seq_num)."""

    def one(expression) -> Q:
        if not isinstance(expression, dict):
            raise invalid(_("Each expression needs attribute_name, operator and attribute_value."))
        return attributes.q(
            str(expression.get("attribute_name", "")),
            str(expression.get("operator", "")),
            expression.get("attribute_value"),
        )

    q = Q()
    ordered = sorted(enumerate(items), key=lambda p: (_seq(p[1]), p[0]))
    for _i, item in ordered:
        part = one(item.get("expression1"))
        condition, second = item.get("condition"), item.get("expression2")
        if second not in (None, "", {}):
            if condition in (None, "", "and"):
                part &= one(second)
            elif condition == "or":
                part |= one(second)
            elif condition == "not":
                part &= ~one(second)
            else:
                raise invalid(_("A condition is and, or or not."))
        q &= part
    return q


def _seq(item) -> float:
    try:
        return float(item.get("seq_num"))
    except (TypeError, ValueError):
        return math.inf


def _expression(attributes: Attributes, node) -> Q:
    """`{"$and": [{"poverty_score": {"$lt": 5}}, ...]}`: a MongoDB-like query document."""
    if not isinstance(node, dict):
        raise invalid(_('An expression\'s query is an object such as {"$and": [...]}.'))
    q = Q()
    for key, value in node.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise invalid(_("%(op)s takes a list of conditions.") % {"op": key})
            parts = [_expression(attributes, v) for v in value]
            joined = parts[0]
            for part in parts[1:]:
                joined = joined & part if key == "$and" else joined | part
            q &= joined
        elif key == "$not":
            q &= ~_expression(attributes, value)
        elif isinstance(value, dict):
            for op, operand in value.items():
                if op not in EXPRESSION_OPERATORS:
                    raise invalid(_("Unknown operator “%(op)s”.") % {"op": op})
                q &= attributes.q(key, EXPRESSION_OPERATORS[op], operand)
        else:
            q &= attributes.q(key, "eq", value)
    return q


def _entity(criteria: dict) -> str:
    """The entity a search answers with: `response_entity`, else an expression's `collection`,
    else the identifier's (a KK names a family), else members."""
    named = criteria.get("response_entity")
    if named:
        return named
    query = criteria.get("query")
    if criteria["query_type"] == "expression":
        expression = (query.get("value") or {}).get("expression") or {}
        if isinstance(expression, dict) and expression.get("collection") in ("Group", "Household"):
            return codes.GROUP
    if criteria["query_type"] == "idtype-value":
        kind = codes.IDENTIFIER_TYPES.get(str(query.get("type", "")).upper())
        return codes.GROUP if kind == codes.KK else codes.MEMBER
    return codes.MEMBER


def _identifier(entity: str, query: dict, disclosure: Disclosure) -> Q:
    kind = codes.IDENTIFIER_TYPES.get(str(query.get("type", "")).upper())
    if kind is None:
        raise invalid(
            _("Padu is searched by the identifier types %(types)s.")
            % {"types": ", ".join(sorted(codes.IDENTIFIER_TYPES))}
        )
    if not disclosure.full:
        raise invalid(_("Your role may not search by NIK or KK number."))
    value = query.get("value")
    number = str(value).strip() if isinstance(value, str | int) else ""
    if not NUMBER.match(number):
        return Q(pk__in=[])  # no NIK or KK: nothing has it
    if kind == codes.NIK:
        return Q(nik=number) if entity == codes.MEMBER else Q(members__nik=number)
    return Q(family__kk_number=number) if entity == codes.MEMBER else Q(kk_number=number)


def sort_fields(entity: str, full: bool) -> dict[str, str]:
    """The attributes a search may be sorted by → the field (`-`: the attribute's order is the
    field's reversed). A role that sees bands of age may not sort by age."""
    prefix = "family__" if entity == codes.MEMBER else ""
    fields = {
        "poverty_score": f"{prefix}desil",
        "desil": f"{prefix}desil",
        "region": "region_id",
        "location": "region_id",
        "registration_date": "created_at",
    }
    if entity == codes.MEMBER:
        fields |= {"name": "name"}
        if full:
            fields |= {"age": "-birth_date", "birth_date": "birth_date"}
    else:
        fields |= {"group_size": "group_size"}
    return fields


def _sorted(qs: QuerySet, entity: str, sort, disclosure: Disclosure) -> QuerySet:
    fields = sort_fields(entity, disclosure.full)
    if not isinstance(sort, list):
        sort = []
    order = []
    for item in sort:
        field = fields.get(item.get("attribute_name")) if isinstance(item, dict) else None
        if field is None:
            raise CriteriaError(
                "rjct.sort.invalid",
                _("Padu sorts %(entity)s records by: %(names)s.")
                % {"entity": entity, "names": ", ".join(sorted(fields))},
            )
        descending = field.startswith("-") != (item.get("sort_order") == "desc")
        expression = F(field.lstrip("-"))
        order.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    return qs.order_by(*order, "pk")


def _page(pagination) -> tuple[int, int]:
    if pagination in (None, ""):
        return MAX_PAGE_SIZE, 1
    size, number = pagination.get("page_size"), pagination.get("page_number", 1)
    ok = all(isinstance(v, int | float) and float(v).is_integer() for v in (size, number))
    if not ok or not 1 <= size <= MAX_PAGE_SIZE or number < 1:
        raise CriteriaError(
            "rjct.pagination.invalid",
            _("page_size is a whole number from 1 to %(max)d and page_number one from 1.")
            % {"max": MAX_PAGE_SIZE},
        )
    return int(size), int(number)


def build(*, user, criteria: dict) -> Search:
    """The scoped, filtered, sorted query of one `search_criteria` (already schema-valid)."""
    disclosure = Disclosure(user)
    entity = _entity(criteria)
    if entity == codes.GROUP:
        qs = selectors.families_visible(user=user).filter(status=FamilyStatus.ACTIVE)
        qs = qs.annotate(
            group_size=Count("members", filter=Q(members__life_status=LifeStatus.ACTIVE))
        )
    else:
        qs = selectors.people_visible(user=user).filter(
            life_status=LifeStatus.ACTIVE, family__status=FamilyStatus.ACTIVE
        )
    attributes = Attributes(entity=entity, disclosure=disclosure)
    query, query_type = criteria["query"], criteria["query_type"]
    if query_type == "idtype-value":
        q = _identifier(entity, query, disclosure)
    elif query_type == "predicate":
        q = _predicates(attributes, query)
    else:
        expression = (query.get("value") or {}).get("expression")
        if not isinstance(expression, dict):
            raise invalid(_('An expression query\'s value is {"expression": {"query": ...}}.'))
        q = _expression(attributes, expression.get("query", {}))
    qs = qs.filter(q)
    if entity == codes.GROUP and query_type == "idtype-value":
        qs = qs.distinct()
    page_size, page_number = _page(criteria.get("pagination"))
    return Search(
        entity=entity,
        queryset=_sorted(qs, entity, criteria.get("sort"), disclosure),
        page_size=page_size,
        page_number=page_number,
    )


MODELS = {codes.GROUP: Family, codes.MEMBER: Person}
