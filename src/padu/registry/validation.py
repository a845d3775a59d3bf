"""Field rules for family and person data, and the plausibility warnings a user must confirm.

Services call these with the data a form, the API or an import gives them. Each `clean_*`
function returns the normalised values and a `{field: [messages]}` dict of errors (empty when all
is well), so that a caller can gather the errors of a family and all its members before refusing
anything. Every message is translated and names its field.

Errors (the data cannot be saved):
- NIK and KK number: the structural rules of `registry.identifiers`;
- required: KK number and kelurahan of a family; NIK, name, sex, date of birth and relationship of a
  person; a name needs a letter;
- a date of birth in the future or before 1900; coded answers outside their code list; RW/RT of
  one to three digits (stored zero-padded: "1" → "001"); coordinates only as a pair, inside
  Indonesia's bounding box; a disability severity without a disability type.

Warnings (the data may be right; the user confirms, see `WarningsNeedConfirmation`):
- the NIK's date of birth or sex disagrees with the person's (`identifiers.nik_consistency`);
- an age over 110;
- a child or grandchild not younger than the head of family, a parent not older than the head.
"""

from __future__ import annotations

import datetime
import decimal
import re

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import codes
from .identifiers import InvalidIdentifier, RegionIndex, nik_consistency, parse_kk, parse_nik

FAMILY_FIELDS = (
    "kk_number",
    "region",
    "rw",
    "rt",
    "address",
    "latitude",
    "longitude",
    "ownership",
    "floor_area",
    "floor_material",
    "wall_material",
    "roof_material",
    "water_source",
    "lighting",
    "cooking_fuel",
    "toilet",
    "assets",
    "livestock",
)
PERSON_FIELDS = (
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relationship",
    "marital_status",
    "mother_name",
    "education",
    "employment",
    "occupation",
    "income",
    "disability_physical",
    "disability_intellectual",
    "disability_mental",
    "disability_sensory",
    "disability_severity",
    "disability_note",
    "chronic_illness",
    "dukcapil_status",
    "ppks",
)
DISABILITY_FLAGS = (
    "disability_physical",
    "disability_intellectual",
    "disability_mental",
    "disability_sensory",
)

FAMILY_CODED = {
    "ownership": codes.Ownership,
    "floor_material": codes.FloorMaterial,
    "wall_material": codes.WallMaterial,
    "roof_material": codes.RoofMaterial,
    "water_source": codes.WaterSource,
    "lighting": codes.Lighting,
    "cooking_fuel": codes.CookingFuel,
    "toilet": codes.Toilet,
}
PERSON_CODED = {
    "marital_status": codes.MaritalStatus,
    "education": codes.Education,
    "employment": codes.Employment,
}
TEXT_LIMITS = {
    "address": 200,
    "name": 120,
    "birth_place": 80,
    "mother_name": 120,
    "occupation": 120,
    "disability_note": 200,
    "chronic_illness": 200,
}

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
MAX_PLAUSIBLE_AGE = 110
MAX_FLOOR_AREA = 10_000
MAX_LIVESTOCK = 100_000
MAX_INCOME = 10**12
# A box around Indonesia (Sabang–Merauke, Rote–Miangas) with a little margin.
LATITUDE_RANGE = (decimal.Decimal("-11.5"), decimal.Decimal("6.5"))
LONGITUDE_RANGE = (decimal.Decimal("94.5"), decimal.Decimal("141.5"))
RT_RW = re.compile(r"[0-9]{1,3}", re.ASCII)


def field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _label(name: str) -> str:
    from .models import Family, Person

    for model in (Family, Person):
        try:
            text = field_label(model, name)
        except FieldDoesNotExist:
            continue
        return text[:1].upper() + text[1:]
    return name


def field_message(name: str, text: str) -> str:
    """`Label: text` — every message names its field."""
    return _("%(field)s: %(message)s") % {"field": _label(name), "message": text}


_msg = field_message


class _Errors(dict):
    def add(self, name: str, text: str) -> None:
        self.setdefault(name, []).append(_msg(name, text))


def _text(values: dict, errors: _Errors, data: dict, name: str) -> None:
    value = data.get(name)
    value = "" if value is None else " ".join(str(value).split())
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        errors.add(
            name,
            _("use at most %(limit)d characters (this has %(count)d).")
            % {"limit": limit, "count": len(value)},
        )
    values[name] = value


def _int(errors: _Errors, name: str, value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(name, _("enter a whole number."))
        return None
    try:
        if isinstance(value, float | decimal.Decimal) and value != int(value):
            raise ValueError
        return int(value)
    except (TypeError, ValueError, decimal.InvalidOperation):
        errors.add(name, _("enter a whole number."))
        return None


def _coded(
    values: dict, errors: _Errors, data: dict, name: str, choices, *, required: bool = False
) -> None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            errors.add(name, _("this field is required."))
        values[name] = None
        return
    if issubclass(choices, int):
        number = _int(errors, name, value)
        if number is None:
            values[name] = None
            return
        value = number
    else:
        value = str(value)
    if value not in choices.values:
        errors.add(name, _("%(value)s is not one of the allowed answers.") % {"value": value})
        value = None
    values[name] = value


def _date(errors: _Errors, name: str, value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.add(name, _("enter a date as YYYY-MM-DD."))
        return None


def _decimal(errors: _Errors, name: str, value) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        errors.add(name, _("enter a number."))
        return None
    if not number.is_finite():
        errors.add(name, _("enter a number."))
        return None
    return number.quantize(decimal.Decimal("0.000001"))


def _region_code(value) -> str:
    from padu.regions.models import Region

    if isinstance(value, Region):
        return value.code
    return "" if value is None else str(value).strip()


def clean_family_data(data: dict, *, regions: RegionIndex | None = None) -> tuple[dict, dict]:
    """Normalised family values (`region` as its code) and the errors."""
    from padu.regions.models import VILLAGE_LEVELS, Region

    values: dict = {}
    errors = _Errors()

    kk = data.get("kk_number")
    kk = "" if kk is None else str(kk).strip()
    if not kk:
        errors.add("kk_number", _("this field is required."))
    else:
        try:
            kk = parse_kk(kk, regions=regions).number
        except InvalidIdentifier as exc:
            errors.setdefault("kk_number", []).append(str(exc))
    values["kk_number"] = kk

    code = _region_code(data.get("region"))
    if not code:
        errors.add("region", _("choose the kelurahan or desa."))
    elif not Region.objects.filter(code=code, level__in=VILLAGE_LEVELS).exists():
        errors.add("region", _("%(code)s is not a kelurahan or desa.") % {"code": code})
    values["region"] = code

    for name in ("rw", "rt"):
        value = data.get(name)
        value = "" if value is None else str(value).strip()
        if value and not RT_RW.fullmatch(value):
            errors.add(name, _("enter a number of one to three digits."))
        elif value:
            value = value.zfill(3)
        values[name] = value

    _text(values, errors, data, "address")

    lat = _decimal(errors, "latitude", data.get("latitude"))
    lon = _decimal(errors, "longitude", data.get("longitude"))
    if (lat is None) != (lon is None) and "latitude" not in errors and "longitude" not in errors:
        errors.add(
            "longitude" if lon is None else "latitude",
            _("give both latitude and longitude, or neither."),
        )
    if lat is not None and not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
        errors.add(
            "latitude",
            _("%(value)s lies outside Indonesia (between -11.5 and 6.5).") % {"value": lat},
        )
    if lon is not None and not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
        errors.add(
            "longitude",
            _("%(value)s lies outside Indonesia (between 94.5 and 141.5).") % {"value": lon},
        )
    values["latitude"], values["longitude"] = lat, lon

    for name, choices in FAMILY_CODED.items():
        _coded(values, errors, data, name, choices)

    area = _int(errors, "floor_area", data.get("floor_area"))
    if area is not None and not 1 <= area <= MAX_FLOOR_AREA:
        errors.add(
            "floor_area", _("enter a floor area from 1 to %(max)d m².") % {"max": MAX_FLOOR_AREA}
        )
    values["floor_area"] = area

    assets = data.get("assets") or []
    if isinstance(assets, str):
        assets = [assets]
    unknown = sorted({str(a) for a in assets} - set(codes.Asset.values))
    if unknown:
        errors.add("assets", _("unknown asset code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    values["assets"] = [a for a in codes.Asset.values if a in {str(x) for x in assets}]

    livestock_in = data.get("livestock") or {}
    livestock = {}
    if not isinstance(livestock_in, dict):
        errors.add("livestock", _("give the number of animals of each kind."))
        livestock_in = {}
    for key, count in livestock_in.items():
        if key not in codes.Livestock.values:
            errors.add("livestock", _("unknown kind of livestock: %(code)s.") % {"code": key})
            continue
        number = _int(errors, "livestock", count)
        if number is None:
            continue
        if not 0 <= number <= MAX_LIVESTOCK:
            errors.add(
                "livestock",
                _("enter a number of animals from 0 to %(max)d.") % {"max": MAX_LIVESTOCK},
            )
        elif number:
            livestock[key] = number
    values["livestock"] = {k: livestock[k] for k in codes.Livestock.values if k in livestock}
    return values, dict(errors)


def clean_person_data(
    data: dict, *, regions: RegionIndex | None = None, today: datetime.date | None = None
) -> tuple[dict, dict]:
    """Normalised person values (`ppks` as a sorted list of category codes) and the errors.
    Whether the PPKS codes exist, and the NIK is free, is the service's question."""
    today = today or timezone.localdate()
    values: dict = {}
    errors = _Errors()

    nik = data.get("nik")
    nik = "" if nik is None else str(nik).strip()
    if not nik:
        errors.add("nik", _("this field is required."))
    else:
        try:
            nik = parse_nik(nik, regions=regions).nik
        except InvalidIdentifier as exc:
            errors.setdefault("nik", []).append(str(exc))
    values["nik"] = nik

    _text(values, errors, data, "name")
    if not values["name"]:
        errors.add("name", _("this field is required."))
    elif not any(ch.isalpha() for ch in values["name"]):
        errors.add("name", _("a name needs at least one letter."))

    _coded(values, errors, data, "sex", codes.Sex, required=True)

    for name in ("birth_place", "mother_name", "occupation", "disability_note", "chronic_illness"):
        _text(values, errors, data, name)

    birth = _date(errors, "birth_date", data.get("birth_date"))
    if birth is None and "birth_date" not in errors:
        errors.add("birth_date", _("this field is required."))
    elif birth is not None and birth > today:
        errors.add(
            "birth_date",
            _("%(date)s is in the future.") % {"date": formats.date_format(birth, "DATE_FORMAT")},
        )
    elif birth is not None and birth < EARLIEST_BIRTH:
        errors.add(
            "birth_date",
            _("%(date)s is before 1900.") % {"date": formats.date_format(birth, "DATE_FORMAT")},
        )
    values["birth_date"] = birth

    _coded(values, errors, data, "relationship", codes.Relationship, required=True)
    for name, choices in PERSON_CODED.items():
        _coded(values, errors, data, name, choices)

    income = _int(errors, "income", data.get("income"))
    if income is not None and not 0 <= income <= MAX_INCOME:
        errors.add("income", _("enter an amount from 0 up to 1,000,000,000,000 rupiah."))
    values["income"] = income

    for name in DISABILITY_FLAGS:
        values[name] = bool(data.get(name))
    severity = data.get("disability_severity") or ""
    if severity and severity not in codes.DisabilitySeverity.values:
        errors.add(
            "disability_severity",
            _("%(value)s is not one of the allowed answers.") % {"value": severity},
        )
    elif severity and not any(values[name] for name in DISABILITY_FLAGS):
        errors.add("disability_severity", _("choose at least one type of disability first."))
    values["disability_severity"] = severity

    status = data.get("dukcapil_status") or codes.DukcapilStatus.UNCHECKED
    if status not in codes.DukcapilStatus.values:
        errors.add(
            "dukcapil_status", _("%(value)s is not one of the allowed answers.") % {"value": status}
        )
    values["dukcapil_status"] = status

    ppks = []
    for item in data.get("ppks") or []:
        number = _int(errors, "ppks", getattr(item, "code", item))
        if number is not None:
            ppks.append(number)
    values["ppks"] = sorted(set(ppks))
    return values, dict(errors)


def clean_desil(data: dict) -> tuple[dict, dict]:
    """`desil` (1–10 or none) and `desil_period` (a date or none), when `data` has them."""
    values: dict = {}
    errors = _Errors()
    if "desil" in data:
        desil = _int(errors, "desil", data.get("desil"))
        if desil is not None and not 1 <= desil <= 10:
            errors.add("desil", _("enter a desil from 1 to 10, or leave it empty."))
            desil = None
        values["desil"] = desil
    if "desil_period" in data:
        values["desil_period"] = _date(errors, "desil_period", data.get("desil_period"))
    return values, dict(errors)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _date_text(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def person_warnings(
    person: dict, *, members: list[dict] = (), today: datetime.date | None = None
) -> list[str]:
    """What looks wrong about `person` (cleaned values) on its own and beside the other active
    members of its family (`members`: dicts with name, relationship, birth_date)."""
    today = today or timezone.localdate()
    birth = person.get("birth_date")
    warnings = list(nik_consistency(person.get("nik") or "", birth, person.get("sex")))
    if birth is None:
        return warnings
    age = age_on(birth, today)
    if age > MAX_PLAUSIBLE_AGE:
        warnings.append(
            _msg(
                "birth_date",
                _("the person would be %(age)d years old; check the date.") % {"age": age},
            )
        )
    relationship = person.get("relationship")
    heads = [
        m
        for m in members
        if m.get("relationship") == codes.Relationship.HEAD and m.get("birth_date")
    ]
    if relationship in (codes.Relationship.CHILD, codes.Relationship.GRANDCHILD):
        for head in heads:
            if birth <= head["birth_date"]:
                warnings.append(
                    _msg(
                        "birth_date",
                        _(
                            "a %(relationship)s born on %(date)s is not younger than the head of "
                            "family %(head)s (born on %(head_date)s)."
                        )
                        % {
                            "relationship": str(codes.Relationship(relationship).label).lower(),
                            "date": _date_text(birth),
                            "head": head.get("name", ""),
                            "head_date": _date_text(head["birth_date"]),
                        },
                    )
                )
    elif relationship == codes.Relationship.PARENT:
        for head in heads:
            if birth >= head["birth_date"]:
                warnings.append(
                    _msg(
                        "birth_date",
                        _(
                            "a parent born on %(date)s is not older than the head of family "
                            "%(head)s (born on %(head_date)s)."
                        )
                        % {
                            "date": _date_text(birth),
                            "head": head.get("name", ""),
                            "head_date": _date_text(head["birth_date"]),
                        },
                    )
                )
    elif relationship == codes.Relationship.HEAD:
        for other in members:
            other_birth, rel = other.get("birth_date"), other.get("relationship")
            if other_birth is None:
                continue
            params = {
                "date": _date_text(birth),
                "name": other.get("name", ""),
                "other_date": _date_text(other_birth),
            }
            if (
                rel in (codes.Relationship.CHILD, codes.Relationship.GRANDCHILD)
                and other_birth <= birth
            ):
                params["relationship"] = str(codes.Relationship(rel).label).lower()
                text = (
                    _(
                        "the head of family, born on %(date)s, is not older than his or her "
                        "%(relationship)s %(name)s (born on %(other_date)s)."
                    )
                    % params
                )
                warnings.append(_msg("birth_date", text))
            elif rel == codes.Relationship.PARENT and other_birth >= birth:
                text = (
                    _(
                        "the head of family, born on %(date)s, is not younger than his or her "
                        "parent %(name)s (born on %(other_date)s)."
                    )
                    % params
                )
                warnings.append(_msg("birth_date", text))
    return warnings
