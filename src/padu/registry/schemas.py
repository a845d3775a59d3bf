"""Input and output schemas of the registry API (registry/api.py).

A record's properties are derived from its declaration (`core.records.schemas.record_schema`):
coded fields use the enums of registry.codes, so the document lists their allowed values, and
the API document does not change with the request's language. What is not a declared field (ids,
regions as objects, members, the desil history) is written here.
"""

import datetime
import re
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from padu.core.records.schemas import record_schema
from padu.core.schemas import PageParams, Version

from . import selectors
from .codes import DisabilityType, FamilyStatus, LifeStatus, Relationship, Sex
from .declarations import DWELLING, FAMILY, PERSON
from .declarations.desil import DesilSource
from .declarations.kinds import PPKSCode

KECAMATAN_CODE = r"^\d{2}\.\d{2}\.\d{2}$"
KELURAHAN_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
MASKED_NUMBER = (
    "16 digits when the caller may see it whole, else masked as `1371••••••••KQXA` (the kab/kota "
    "and a tag that tells numbers apart)."
)


# --------------------------------------------------------------------------------------- output


class RegionOut(Schema):
    code: str = Field(description="Kemendagri region code, e.g. `13.71.01.1001`.")
    name: str


class PPKSOut(Schema):
    code: int
    name: str


class DesilRecordOut(Schema):
    """One entry of the family's desil history."""

    desil: int | None
    period: datetime.date | None = Field(description="Release date of the ranking.")
    kind: DesilSource = Field(
        description="Where it came from: `impor` (a DTSEN import), `muskel` (a muskel "
        "decision), `koreksi` (a correction), `entri` (given with the family's data)."
    )
    source: str = Field(description="`import:<id>` for an import, a decision's reference.")
    import_id: int | None = Field(description="The import that brought it, if any.")
    reason: str = Field(description="Why it was corrected or decided.")


BIRTH_DATE = (
    "Null for a caller whose role sees numbers masked: a date of birth narrows the NIK "
    "(see `age_band`)."
)
AGE_BAND = "Five years of age the person's age lies in, e.g. `35–39 tahun`."


class MemberOut(Schema):
    """A member as listed on the family record; open `/people/{id}` for the full record."""

    id: int
    nik: str = Field(description="Always masked here, as in every list.")
    name: str
    sex: Sex
    birth_date: datetime.date | None = Field(description=BIRTH_DATE)
    age_band: str = Field(description=AGE_BAND)
    relationship: Relationship
    life_status: LifeStatus
    disability: list[DisabilityType] = Field(
        description="Disability types; more than one means `ganda`."
    )
    version: int


class FamilyListItemOut(Schema):
    id: int
    kk_number: str = Field(description="Always masked in a list.")
    kelurahan: RegionOut
    kecamatan: RegionOut | None
    rw: str
    rt: str
    address: str
    head_name: str | None = Field(description="Name of the head of family, if there is one.")
    member_count: int = Field(description="Members living in the family.")
    desil: int | None = Field(
        description="DTSEN desil 1 (poorest tenth) to 10; null when not ranked yet."
    )
    status: FamilyStatus
    version: int = Field(description="Send it back with a PATCH (optimistic locking).")


class DwellingOutBase(Schema):
    """The family's dwelling (rumah tangga): its ID and housing attributes."""

    id: int
    head_id: int | None = Field(description="The person who heads the household.")
    version: int


DwellingOut = record_schema(
    "DwellingOut",
    [f for f in DWELLING.fields if f.name not in ("region", "address", "note")],
    mode="out",
    base=DwellingOutBase,
)


class FamilyOutBase(Schema):
    """A family's full record."""

    id: int
    kk_number: str = Field(description=MASKED_NUMBER)
    kecamatan: RegionOut | None
    dwelling: DwellingOut | None
    desil_history: list[DesilRecordOut]
    members: list[MemberOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int = Field(description="Send it back with a PATCH (optimistic locking).")


FamilyOut = record_schema(
    "FamilyOut",
    [f for f in FAMILY.fields if f.name != "kk_number"],
    mode="out",
    base=FamilyOutBase,
    overrides={"kelurahan": (RegionOut, ...)},
)


class FamilyRefOut(Schema):
    id: int
    kk_number: str = Field(description=MASKED_NUMBER)
    desil: int | None
    status: FamilyStatus


class PersonListItemOut(Schema):
    id: int
    nik: str = Field(description="Always masked in a list.")
    name: str
    sex: Sex
    birth_date: datetime.date | None = Field(description=BIRTH_DATE)
    age_band: str = Field(description=AGE_BAND)
    relationship: Relationship
    family_id: int
    kelurahan: RegionOut
    desil: int | None = Field(description="The family's DTSEN desil.")
    disability: list[DisabilityType]
    life_status: LifeStatus
    version: int


class PersonOutBase(Schema):
    """A person's full record."""

    id: int
    nik: str = Field(description=MASKED_NUMBER)
    age_band: str = Field(description=AGE_BAND)
    family: FamilyRefOut
    kelurahan: RegionOut
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int = Field(description="Send it back with a PATCH (optimistic locking).")


PersonOut = record_schema(
    "PersonOut",
    [f for f in PERSON.fields if f.name != "nik"],
    mode="out",
    base=PersonOutBase,
    overrides={
        "ppks": (list[PPKSOut], ...),
        "birth_date": (datetime.date | None, Field(description=BIRTH_DATE)),
    },
)


class FamilyPageOut(Schema):
    count: int = Field(description="All families matching the filters inside the caller's area.")
    limit: int
    offset: int
    items: list[FamilyListItemOut]


class PersonPageOut(Schema):
    count: int = Field(description="All people matching the filters inside the caller's area.")
    limit: int
    offset: int
    items: list[PersonListItemOut]


# ---------------------------------------------------------------------------------------- filters


def _sort_keys(sorts: dict) -> tuple[str, ...]:
    return tuple(k for key in sorts for k in (key, f"-{key}"))


FamilySort = Literal[_sort_keys(selectors.FAMILY_SORTS)]
PersonSort = Literal[_sort_keys(selectors.PERSON_SORTS)]
AgeBand = Literal[tuple(selectors.AGE_BANDS)]
DisabilityFilter = Literal[
    (selectors.DISABILITY_ANY, *DisabilityType.values, selectors.DISABILITY_MULTIPLE)
]


class RegistryFilters(PageParams):
    """The filters of the family and person lists (the same as the pages' filter forms)."""

    q: str | None = Field(None, max_length=100)
    kecamatan: str | None = Field(None, pattern=KECAMATAN_CODE, description="Kecamatan code.")
    kelurahan: str | None = Field(None, pattern=KELURAHAN_CODE, description="Kelurahan/desa code.")
    desil: str | None = Field(
        None,
        max_length=5,
        description="A desil (`3`), an inclusive range (`1-4`), or `none` (not ranked yet).",
    )
    disability: DisabilityFilter | None = Field(
        None,
        description="`any`, a category (`sensorik`: any sensory sub-type), a sub-type, or "
        "`ganda` (more than one type).",
    )
    ppks: PPKSCode | None = Field(None, description="PPKS category code.")
    sex: Sex | None = None
    age_band: AgeBand | None = Field(None, description="Age today, in years.")

    @field_validator("q")
    @classmethod
    def _q(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        digits = re.sub(r"[\s.\-]", "", value)
        if digits.isdigit() and len(digits) != selectors.NUMBER_LENGTH:
            raise ValueError(_("A NIK or KK number has 16 digits."))
        return value or None

    @field_validator("desil")
    @classmethod
    def _desil(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        try:
            selectors.parse_desil(value)
        except ValueError:
            raise ValueError(
                _("Enter a desil from 1 to 10, a range such as 1-4, or none.")
            ) from None
        return value


class FamilyFilters(RegistryFilters):
    q: str | None = Field(
        None,
        max_length=100,
        description=(
            "16 digits: the exact KK number, or a member's exact NIK; otherwise a member's name "
            "(tolerant of spelling variants), with what narrows it: a birth year (`1978`), a "
            "date of birth (`30-10-1978`), a kecamatan or kelurahan name, an RT/RW (`003/005`)."
        ),
    )
    status: FamilyStatus | None = None
    sex: Sex | None = Field(None, description="Sex of the head of family.")
    age_band: AgeBand | None = Field(None, description="Age of the head of family today.")
    disability: DisabilityFilter | None = Field(
        None, description="A member with a disability: `any`, one type, or `ganda`."
    )
    ppks: PPKSCode | None = Field(None, description="A member in this PPKS category (code).")
    sort: FamilySort | None = Field(None, description="Sort key; `-` in front for descending.")


class PersonFilters(RegistryFilters):
    q: str | None = Field(
        None,
        max_length=100,
        description=(
            "16 digits: the exact NIK; otherwise the name (tolerant of spelling variants), with "
            "what narrows it: a birth year (`1978`), a date of birth (`30-10-1978`), a kecamatan "
            "or kelurahan name, an RT/RW (`003/005`)."
        ),
    )
    desil: str | None = Field(
        None,
        max_length=5,
        description="The family's desil (`3`), an inclusive range (`1-4`), or `none`.",
    )
    status: LifeStatus | None = None
    sort: PersonSort | None = Field(
        None, description="Sort key; `-` in front for descending. Default: name (or relevance)."
    )


# ----------------------------------------------------------------------------------------- input


PersonFields = record_schema(
    "PersonFields", PERSON.writable, mode="in", doc="A member's data as a client sends it."
)


class PersonIn(PersonFields):
    confirm_warnings: bool = Field(
        False, description="Save even though the data raised warnings (see 422)."
    )


class ChangeFields(Schema):
    """Only the fields sent are changed."""

    version: Version = Field(
        description="The `version` the client read; a newer stored version answers 409."
    )
    reason: str = Field(
        "", max_length=500, description="Why the change was made (kept in the history)."
    )


class PersonChange(ChangeFields):
    """Only the fields sent are changed."""

    confirm_warnings: bool = Field(
        False, description="Save even though the change raised warnings (see 422)."
    )


PersonPatch = record_schema("PersonPatch", PERSON.writable, mode="patch", base=PersonChange)

FamilyFields = record_schema("FamilyFields", FAMILY.writable, mode="in")


class FamilyIn(FamilyFields):
    members: list[PersonFields] = Field(
        min_length=1, max_length=30, description="The members; one is the head."
    )
    confirm_warnings: bool = Field(
        False, description="Save even though the data raised warnings (see 422)."
    )


class FamilyChange(ChangeFields):
    """Only the fields sent are changed. Members are changed through `/people/{id}`."""

    confirm_warnings: bool = Field(
        False, description="Save even though the change raised warnings (see 422)."
    )


FamilyPatch = record_schema("FamilyPatch", FAMILY.writable, mode="patch", base=FamilyChange)
