"""Padu's codes in the DCI's code directories (the links in the standard's introduction; the
directories themselves are vendored in `data/spdci/codes/`, from spdci/schemas), and the names a
DCI client uses for Padu's identifiers and attributes. The tests hold every Padu code to a
mapping and every mapped value to its directory, so that a code added to `registry.codes` cannot
go out unmapped, and no code goes out that the directory does not have."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from padu.registry.codes import MaritalStatus, Relationship, Sex

DIRECTORIES = Path(__file__).parent / "data" / "spdci" / "codes"

# CD.COM.03 sex (SexCategoryEnum): male, female, other, unknown.
SEX = {Sex.MALE: "male", Sex.FEMALE: "female"}
SEX_UNKNOWN = "unknown"
# What a client may send for a sex: the directory's words, their initials, Padu's own codes.
SEX_IN = {
    **{dci: padu for padu, dci in SEX.items()},
    "m": Sex.MALE,
    "f": Sex.FEMALE,
    **{str(code).lower(): code for code in Sex},
}

# CD.COM.02 marital status (MaritalStatusEnum, FHIR's codes): S never married, M married,
# W widowed, D divorced (A annulled, L legally separated and U unmarried are not Padu's).
# Padu's "not married" is the KK's "belum kawin": never married.
MARITAL_STATUS = {
    MaritalStatus.SINGLE: "S",
    MaritalStatus.MARRIED: "M",
    MaritalStatus.DIVORCED: "D",
    MaritalStatus.WIDOWED: "W",
}

# CD.COM.07 relationship type (RelationshipTypeEnum, HL7's role codes): the member's relationship
# to the head of the group, the head being SELF. The KK's "orang tua/mertua" is one code in Padu
# and two in the directory (PRN, PRNINLAW): it goes out as their common parent FAMMEMB (family
# member). A household helper (pembantu) and "lainnya" have no code in the directory: those
# members go out without `relationship_head` (None here), rather than with a wrong one.
RELATIONSHIP: dict[int, str | None] = {
    Relationship.HEAD: "SELF",
    Relationship.SPOUSE: "SPS",
    Relationship.CHILD: "CHILD",
    Relationship.CHILD_IN_LAW: "CHLDINLAW",
    Relationship.GRANDCHILD: "GRNDCHILD",
    Relationship.PARENT: "FAMMEMB",
    Relationship.HELPER: None,
    Relationship.OTHER: None,
}

# CD.COM.01 identifier type (IdentifierTypeEnum): UIN is the unique identification number a
# country gives a person, Indonesia's NIK. The directory has no type for a family card: the KK
# goes out as "KK", a type of this implementation (the directory's types are "defined as per
# implementation context"). What a client may send: the directory's UIN, Padu's names, and the
# names the standard's examples and the OpenSPP compliance suite use for the same things.
NIK = "NIK"
KK = "KK"
IDENTIFIER_OUT = {NIK: "UIN", KK: KK}
IDENTIFIER_TYPES = {
    "UIN": NIK,
    NIK: NIK,
    "NIN": NIK,
    "NID": NIK,
    "NATIONALID": NIK,
    KK: KK,
    "HOUSEHOLD_ID": KK,
    "FAMILY_CARD": KK,
}

# The entities a search answers with (`response_entity`).
GROUP = "Group"
MEMBER = "Member"

POVERTY_SCORE_TYPE = "desil"  # DTSEN desil: 1 is the poorest tenth of the country, 10 the richest


@functools.cache
def directory(name: str) -> frozenset[str]:
    """The codes of a vendored code directory (e.g. "SexCategoryEnum"): the local part of each
    member's `@id` (`category:male` → `male`), the class itself left out."""
    with (DIRECTORIES / f"{name}.jsonld").open(encoding="utf-8") as fh:
        graph = json.load(fh)["@graph"]
    return frozenset(
        node["@id"].split(":", 1)[1] for node in graph if node.get("@type") != "rdfs:Class"
    )
