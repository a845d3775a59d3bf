"""Padu's families and people as the standard's records: a family is an `SRGroup` (its head,
size, members, place and poverty score), a person an `SRMember` around an `SRPerson`. Numbers and
dates of birth go out as `registry.disclosure` allows the caller: a masked role gets the masked
NIK and KK and a band of age instead of the date of birth."""

from __future__ import annotations

from django.db.models import Prefetch

from padu.registry import selectors
from padu.registry.codes import LifeStatus, Relationship
from padu.registry.disclosure import Disclosure, age_band
from padu.registry.models import Family, Person

from . import codes

CONTEXT = {
    "spdci": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
}


def _identifier(kind: str, number: str, disclosure: Disclosure) -> dict:
    return {
        "@type": "Identifier",
        "identifier_type": codes.IDENTIFIER_OUT[kind],
        "identifier_value": disclosure.number(number),
    }


def _timestamp(value) -> str | None:
    return value.isoformat() if value is not None else None


def _place(family: Family) -> dict:
    region = family.region
    kecamatan = region.parent
    parts = [
        family.address,
        f"RT {family.rt}/RW {family.rw}" if family.rt and family.rw else "",
        region.name,
        kecamatan.name if kecamatan else "",
    ]
    place = {
        "@type": "Place",
        "address": ", ".join(p for p in parts if p),
        "region_code": region.code,
    }
    if family.latitude is not None and family.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": str(family.latitude),
            "longitude": str(family.longitude),
        }
    return place


def person(p: Person, disclosure: Disclosure) -> dict:
    """SRPerson: who the member is."""
    out = {
        "@type": "SRPerson",
        "identifier": [_identifier(codes.NIK, p.nik, disclosure)],
        "name": {"@type": "Name", "full_name": p.name},
        "sex": codes.SEX.get(p.sex, codes.SEX_UNKNOWN),
        "registration_date": _timestamp(p.created_at),
        "last_updated": _timestamp(p.updated_at),
    }
    if disclosure.full and p.birth_date:
        out["birth_date"] = p.birth_date.isoformat()
    else:
        out["additional_attributes"] = [
            {"name": "age_band", "value": age_band(p.birth_date, disclosure.today)}
        ]
    return out


def member(p: Person, disclosure: Disclosure) -> dict:
    """SRMember: a person in a group, with the relationship to its head."""
    out = {
        "@type": "SRMember",
        "@id": f"urn:padu:person:{p.pk}",
        "member_identifier": [_identifier(codes.NIK, p.nik, disclosure)],
        "demographic_info": person(p, disclosure),
        "is_disabled": bool(p.disability_types),
        "relationship_head": codes.RELATIONSHIP.get(p.relationship),
        "registration_date": _timestamp(p.created_at),
        "group_identifier": [_identifier(codes.KK, p.family.kk_number, disclosure)],
        "poverty_score": p.family.desil,
        "poverty_score_type": codes.POVERTY_SCORE_TYPE,
    }
    if p.marital_status is not None:
        out["marital_status"] = codes.MARITAL_STATUS.get(p.marital_status)
    return {k: v for k, v in out.items() if v is not None}


def group(family: Family, members: list[Person], disclosure: Disclosure) -> dict:
    """SRGroup: the family, its head and its living members."""
    heads = [m for m in members if m.relationship == Relationship.HEAD]
    out = {
        "@context": CONTEXT,
        "@type": "SRGroup",
        "@id": f"urn:padu:family:{family.pk}",
        "group_identifier": [_identifier(codes.KK, family.kk_number, disclosure)],
        "group_type": "family",
        "place": _place(family),
        "poverty_score": family.desil,
        "poverty_score_type": codes.POVERTY_SCORE_TYPE,
        "group_size": len(members),
        "member_list": [member(m, disclosure) for m in members],
        "registration_date": _timestamp(family.created_at),
        "last_updated": _timestamp(family.updated_at),
    }
    if heads:
        out["group_head_info"] = member(heads[0], disclosure)
    return {k: v for k, v in out.items() if v is not None}


def groups(*, user, families: list[Family], disclosure: Disclosure) -> list[dict]:
    """The records of a page of families, their living members read in one query."""
    living = selectors.with_disabilities(
        selectors.people_visible(user=user)
        .filter(life_status=LifeStatus.ACTIVE)
        .order_by("relationship", "birth_date", "pk")
    )
    ids = [f.pk for f in families]
    with_members = (
        Family.objects.unscoped()  # the families of this page, already scoped by the search
        .filter(pk__in=ids)
        .select_related("region", "region__parent")
        .prefetch_related(Prefetch("members", queryset=living, to_attr="living"))
    )
    by_pk = {f.pk: f for f in with_members}
    out = []
    for family in families:
        loaded = by_pk[family.pk]
        for m in loaded.living:
            m.family = loaded
        out.append(group(loaded, loaded.living, disclosure))
    return out


def members(*, people: list[Person], disclosure: Disclosure) -> list[dict]:
    return [member(p, disclosure) for p in people]
