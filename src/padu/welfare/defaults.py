"""The illustrative weights of version 1 (docs/welfare-score.md): points on a 0–100 scale, higher
for a better-off family, chosen by hand after the "14 kriteria" of BPS and the TNP2K indicators
(DOMAIN.md §6.3–6.4). They are NOT calibrated: BPS's PMT weights are not public, and the office
replaces these on the weights page. Coded answers are keyed by their code list (so a field added
with a known list gets its weights), the others by variable; anything missing weighs 0."""

from decimal import Decimal

from padu.registry import codes

from .variables import BASE, DISABLED, MEMBERS, variables

BY_CODES = {
    codes.Ownership: {1: 2, 2: 0, 3: -2, 4: 1, 5: -1},
    codes.FloorMaterial: {1: 6, 2: 4, 3: 4, 4: 3, 5: 2, 6: 0, 7: -3, 8: -3, 9: -6, 10: -1},
    codes.WallMaterial: {1: 3, 2: 0, 3: 0, 4: -3, 5: -2, 6: -3, 7: -1},
    codes.RoofMaterial: {1: 3, 2: 2, 3: 1, 4: 1, 5: 0, 6: 0, 7: -1, 8: -3, 9: -4, 10: -1},
    codes.WaterSource: {
        1: 3,
        2: 1,
        3: 2,
        4: 0,
        5: 1,
        6: 0,
        7: -3,
        8: 0,
        9: -3,
        10: -4,
        11: -3,
        12: -1,
    },
    codes.Lighting: {1: 1, 2: -2, 3: -5},
    codes.CookingFuel: {1: 3, 2: 3, 3: 0, 4: 1, 5: -2, 6: -3, 7: -3, 8: -5, 9: 0},
    codes.Toilet: {1: 2, 2: -1, 3: -2, 4: -5},
    codes.Asset: {
        "tabung_gas": 2,
        "lemari_es": 3,
        "ac": 5,
        "pemanas_air": 3,
        "telepon_rumah": 1,
        "televisi": 1,
        "emas": 4,
        "komputer": 4,
        "sepeda": Decimal("0.5"),
        "sepeda_motor": 3,
        "mobil": 10,
        "perahu": 1,
        "motor_tempel": 2,
        "perahu_motor": 3,
        "kapal": 8,
        "lahan": 4,
        "rumah_lain": 6,
    },
    codes.Livestock: {
        "sapi": Decimal("1.5"),
        "kerbau": Decimal("1.5"),
        "kuda": 1,
        "babi": Decimal("0.5"),
        "kambing": Decimal("0.25"),
    },
    codes.Education: {1: -4, 2: -3, 3: -1, 4: 0, 5: 2, 6: 4, 7: 6, 8: 8},
    codes.Employment: {1: 0, 2: 3, 3: 6, 4: 2, 5: 5, 6: -4, 7: -3, 8: -2, 9: -3},
    # Members by the most severe of their disabilities, beside the weight of every member with
    # one (DISABLED below): a severe disability weighs more (care, lost work).
    codes.DisabilitySeverity: {"ringan": 0, "sedang": -1, "berat": -3},
}
# Per unit: the base, each member, each member with a disability, each m² of floor, each
# Rp 100.000 of income per member.
PER_UNIT = {
    BASE: 30,
    MEMBERS: -2,
    DISABLED: -2,
    "dwelling.floor_area": Decimal("0.05"),
    "person.income": Decimal("0.20"),
}


def default_weights() -> dict[tuple[str, str], Decimal]:
    table = {}
    for variable in variables():
        by_code = BY_CODES.get(getattr(variable.kind, "codes", None), {})
        for term in variable.terms:
            if term.code == "":
                value = PER_UNIT.get(variable.key, 0)
            else:
                value = by_code.get(int(term.code) if term.code.isdigit() else term.code, 0)
            table[(variable.key, term.code)] = Decimal(value).quantize(Decimal("0.01"))
    return table
