"""Padu's codes in the DCI's code directories (the links in the standard's introduction), and the
names a DCI client uses for Padu's identifiers and attributes. A test holds every Padu code to a
mapping, so that a code added to `registry.codes` cannot go out unmapped."""

from padu.registry.codes import MaritalStatus, Relationship, Sex

# CD.COM.03 sex: male, female, others, unknown.
SEX = {Sex.MALE: "male", Sex.FEMALE: "female"}
# What a client may send for a sex: the directory's words, their initials, Padu's own codes.
SEX_IN = {
    **{dci: padu for padu, dci in SEX.items()},
    "m": Sex.MALE,
    "f": Sex.FEMALE,
    **{str(code).lower(): code for code in Sex},
}

# CD.COM.02 marital status.
MARITAL_STATUS = {
    MaritalStatus.SINGLE: "single",
    MaritalStatus.MARRIED: "married",
    MaritalStatus.DIVORCED: "divorced",
    MaritalStatus.WIDOWED: "widowed",
}

# CD.COM.07 relationship type: the member's relationship to the head of the group.
RELATIONSHIP = {
    Relationship.HEAD: "head",
    Relationship.SPOUSE: "spouse",
    Relationship.CHILD: "child",
    Relationship.CHILD_IN_LAW: "child_in_law",
    Relationship.GRANDCHILD: "grandchild",
    Relationship.PARENT: "parent",
    Relationship.HELPER: "domestic_worker",
    Relationship.OTHER: "other",
}

# Identifier types (CD.COM.01, "defined as per implementation context"): Padu's own names first,
# then the names the standard's examples and the OpenSPP compliance suite use for the same thing.
NIK = "NIK"
KK = "KK"
IDENTIFIER_TYPES = {
    NIK: NIK,
    "UIN": NIK,
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
