"""Coded answers of the verification form (DOMAIN.md §2.3, §6.2). The integer codes follow the
Kemensos verval instrument as implemented publicly; keep them as they are so that national exports
import unchanged. Labels are English msgids translated to Indonesian."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FamilyStatus(models.TextChoices):
    ACTIVE = "aktif", _("Active")
    MOVED = "pindah", _("Moved away")
    DISSOLVED = "bubar", _("Deceased / dissolved")
    DUPLICATE = "ganda", _("Duplicate")
    WELL_OFF = "mampu", _("Well-off (graduated)")
    NOT_FOUND = "tidak_ditemukan", _("Not found")


class LifeStatus(models.TextChoices):
    ACTIVE = "aktif", _("Living in the family")
    DECEASED = "meninggal", _("Deceased")
    MOVED = "pindah", _("Moved away")
    NOT_FOUND = "tidak_ditemukan", _("Not found")
    DUPLICATE = "ganda", _("Duplicate")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Relationship(models.IntegerChoices):
    HEAD = 1, _("Head of family")
    SPOUSE = 2, _("Wife/husband")
    CHILD = 3, _("Child")
    CHILD_IN_LAW = 4, _("Son/daughter-in-law")
    GRANDCHILD = 5, _("Grandchild")
    PARENT = 6, _("Parent/parent-in-law")
    HELPER = 7, _("Household helper")
    OTHER = 8, _("Other")


class MaritalStatus(models.IntegerChoices):
    SINGLE = 1, _("Not married")
    MARRIED = 2, _("Married")
    DIVORCED = 3, _("Divorced")
    WIDOWED = 4, _("Widowed")


class Education(models.IntegerChoices):
    NONE = 1, _("No schooling / not yet in school")
    NOT_FINISHED_SD = 2, _("Did not finish primary school")
    SD = 3, _("Primary school (SD)")
    SMP = 4, _("Junior secondary (SMP)")
    SMA = 5, _("Senior secondary (SMA/SMK)")
    DIPLOMA = 6, _("Diploma (D1–D3)")
    BACHELOR = 7, _("Bachelor (D4/S1)")
    POSTGRADUATE = 8, _("Postgraduate (S2/S3)")


class Employment(models.IntegerChoices):
    """Status kedudukan dalam pekerjaan, plus 9 for not working."""

    SELF_EMPLOYED = 1, _("Self-employed")
    WITH_TEMPORARY_HELP = 2, _("Employer with temporary workers")
    WITH_PERMANENT_HELP = 3, _("Employer with permanent workers")
    EMPLOYEE = 4, _("Private employee")
    CIVIL_SERVANT = 5, _("Civil servant/TNI/Polri/state enterprise")
    FARM_LABOURER = 6, _("Casual farm worker")
    NONFARM_LABOURER = 7, _("Casual non-farm worker")
    FAMILY_WORKER = 8, _("Unpaid family worker")
    NOT_WORKING = 9, _("Not working")


# UU 8/2016 Pasal 4: physical, intellectual, mental and sensory disability; a sensory one is
# recorded by its sub-type where known (`sensorik` alone: the sub-type was not recorded, as in the
# four flags Padu kept before). Two or more at once is "ganda" (see DISABILITY_CATEGORY).
class DisabilityType(models.TextChoices):
    PHYSICAL = "fisik", _("Physical")
    INTELLECTUAL = "intelektual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    SENSORY = "sensorik", _("Sensory (sub-type not recorded)")
    BLIND = "netra", _("Sensory: visual (netra)")
    DEAF = "rungu", _("Sensory: hearing (rungu)")
    MUTE = "wicara", _("Sensory: speech (wicara)")
    DEAF_MUTE = "rungu_wicara", _("Sensory: hearing and speech (rungu-wicara)")


class DisabilityCategory(models.TextChoices):
    """The four categories of UU 8/2016 Pasal 4."""

    PHYSICAL = "fisik", _("Physical")
    INTELLECTUAL = "intelektual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    SENSORY = "sensorik", _("Sensory")


# Each type's category: the sensory sub-types are sensory.
DISABILITY_CATEGORY = {
    t: (DisabilityCategory.SENSORY if t not in DisabilityCategory.values else DisabilityCategory(t))
    for t in DisabilityType.values
}


class DisabilitySource(models.TextChoices):
    """Where the assessment of a disability comes from."""

    DOCTOR = "surat_dokter", _("Doctor's letter")
    PSM_VISIT = "kunjungan_psm", _("PSM visit")
    SOCIAL_WORKER = "asesmen_dinas", _("Dinsos assessment")
    REGISTRY = "pendataan", _("Registry data collection")
    IMPORT = "impor", _("Imported file")
    OTHER = "lainnya", _("Other")


class PPKSResult(models.TextChoices):
    """The outcome of a PPKS assessment: whether the person belongs to the category."""

    MEETS = "memenuhi", _("Meets the criteria")
    DOES_NOT_MEET = "tidak_memenuhi", _("Does not meet the criteria")


class DisabilitySeverity(models.TextChoices):
    MILD = "ringan", _("Mild")
    MODERATE = "sedang", _("Moderate")
    SEVERE = "berat", _("Severe")


class DukcapilStatus(models.TextChoices):
    MATCHED = "padan", _("Matched")
    UNMATCHED = "tidak_padan", _("Not matched")
    UNCHECKED = "belum", _("Not yet matched")


class Ownership(models.IntegerChoices):
    OWN = 1, _("Own")
    RENT = 2, _("Rented/leased")
    RENT_FREE = 3, _("Rent-free")
    OFFICIAL = 4, _("Official housing")
    OTHER = 5, _("Other")


class FloorMaterial(models.IntegerChoices):
    MARBLE = 1, _("Marble/granite")
    CERAMIC = 2, _("Ceramic")
    PARQUET = 3, _("Parquet/vinyl/carpet")
    TILE = 4, _("Tile/terrazzo")
    GOOD_WOOD = 5, _("High-quality wood/board")
    CEMENT = 6, _("Cement/red brick")
    BAMBOO = 7, _("Bamboo")
    POOR_WOOD = 8, _("Low-quality wood/board")
    EARTH = 9, _("Earth")
    OTHER = 10, _("Other")


class WallMaterial(models.IntegerChoices):
    MASONRY = 1, _("Masonry")
    PLASTERED_BAMBOO = 2, _("Plastered woven bamboo/wire")
    WOOD = 3, _("Wood")
    WOVEN_BAMBOO = 4, _("Woven bamboo")
    LOGS = 5, _("Logs")
    BAMBOO = 6, _("Bamboo")
    OTHER = 7, _("Other")


class RoofMaterial(models.IntegerChoices):
    CONCRETE = 1, _("Concrete/concrete tile")
    CERAMIC_TILE = 2, _("Ceramic tile")
    METAL_TILE = 3, _("Metal tile")
    CLAY_TILE = 4, _("Clay tile")
    ASBESTOS = 5, _("Asbestos")
    ZINC = 6, _("Zinc sheet")
    SHINGLE = 7, _("Wooden shingle")
    BAMBOO = 8, _("Bamboo")
    THATCH = 9, _("Straw/palm fibre/leaves")
    OTHER = 10, _("Other")


class WaterSource(models.IntegerChoices):
    BOTTLED = 1, _("Branded bottled water")
    REFILL = 2, _("Refill water")
    PIPED_METERED = 3, _("Metered piped water")
    PIPED_RETAIL = 4, _("Retail piped water")
    BOREHOLE = 5, _("Borehole/pump")
    PROTECTED_WELL = 6, _("Protected well")
    UNPROTECTED_WELL = 7, _("Unprotected well")
    PROTECTED_SPRING = 8, _("Protected spring")
    UNPROTECTED_SPRING = 9, _("Unprotected spring")
    SURFACE = 10, _("River/lake/reservoir")
    RAIN = 11, _("Rainwater")
    OTHER = 12, _("Other")


class Lighting(models.IntegerChoices):
    PLN = 1, _("PLN electricity")
    NON_PLN = 2, _("Non-PLN electricity")
    NONE = 3, _("No electricity")


class CookingFuel(models.IntegerChoices):
    ELECTRIC = 1, _("Electricity")
    LPG_LARGE = 2, _("Gas over 3 kg")
    LPG_3KG = 3, _("3 kg gas")
    CITY_GAS = 4, _("Town gas/biogas")
    KEROSENE = 5, _("Kerosene")
    BRIQUETTE = 6, _("Briquettes")
    CHARCOAL = 7, _("Charcoal")
    FIREWOOD = 8, _("Firewood")
    NO_COOKING = 9, _("Does not cook at home")


class Toilet(models.IntegerChoices):
    OWN = 1, _("Own")
    SHARED = 2, _("Shared")
    PUBLIC = 3, _("Public")
    NONE = 4, _("None")


class Asset(models.TextChoices):
    GAS_CYLINDER = "tabung_gas", _("Gas cylinder of 5.5 kg or more")
    REFRIGERATOR = "lemari_es", _("Refrigerator")
    AIR_CONDITIONER = "ac", _("Air conditioner")
    WATER_HEATER = "pemanas_air", _("Water heater")
    LANDLINE = "telepon_rumah", _("Landline telephone")
    TELEVISION = "televisi", _("Television")
    GOLD = "emas", _("Gold/jewellery or savings (≥10 g gold)")
    COMPUTER = "komputer", _("Computer/laptop")
    BICYCLE = "sepeda", _("Bicycle")
    MOTORCYCLE = "sepeda_motor", _("Motorcycle")
    CAR = "mobil", _("Car")
    BOAT = "perahu", _("Boat")
    OUTBOARD_MOTOR = "motor_tempel", _("Outboard motor")
    MOTORBOAT = "perahu_motor", _("Motorboat")
    SHIP = "kapal", _("Ship")
    LAND = "lahan", _("Land")
    OTHER_HOUSE = "rumah_lain", _("House elsewhere")


class Livestock(models.TextChoices):
    CATTLE = "sapi", _("Cattle")
    BUFFALO = "kerbau", _("Buffalo")
    HORSE = "kuda", _("Horse")
    PIG = "babi", _("Pig")
    GOAT = "kambing", _("Goat/sheep")
