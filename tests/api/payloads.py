"""Valid request bodies for the write endpoints (fresh NIK/KK numbers on every call)."""

import datetime

from padu.registry import codes
from tests.factories import KEL_A, make_kk, make_nik


def person_payload(region=KEL_A, **overrides) -> dict:
    birth = overrides.pop("birth_date", datetime.date(1990, 4, 12))
    sex = overrides.pop("sex", codes.Sex.MALE)
    body = {
        "nik": make_nik(region, birth, sex),
        "name": "Andi Saputra",
        "sex": sex,
        "birth_place": "Padang",
        "birth_date": birth.isoformat(),
        "relationship": codes.Relationship.HEAD,
        "marital_status": codes.MaritalStatus.MARRIED,
        "education": codes.Education.SMA,
        "employment": codes.Employment.SELF_EMPLOYED,
        "occupation": "Pedagang",
        "income": 1_500_000,
    }
    body.update(overrides)
    return body


def family_payload(region=KEL_A, members=None, **overrides) -> dict:
    body = {
        "kk_number": make_kk(region),
        "kelurahan": region,
        "rw": "002",
        "rt": "003",
        "address": "Jl. Sawahan No. 5",
        "livestock": {"kambing": 2},
        "desil": 2,
        "members": members if members is not None else [person_payload(region)],
    }
    body.update(overrides)
    return body
