"""The codes of what follows the targeting: beneficiary decrees, benefits (disbursements and
equipment), groups (KUBE, Loka Bina Karya) and training cohorts. The candidate's own states and
exit reasons are in codes.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecreeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    """How a benefit reached its beneficiary."""

    TRANSFER = "transfer", _("Transfer to the beneficiary's account")
    GROUP_ACCOUNT = "group_transfer", _("Transfer to the group's bank account")
    CASH = "cash", _("Cash, handed over")
    POST = "pos", _("Through PT Pos")


class GroupKind(models.TextChoices):
    KUBE = "kube", _("KUBE (joint business group)")
    LBK = "lbk", _("Loka Bina Karya")


class GroupRole(models.TextChoices):
    CHAIR = "ketua", _("Chair")
    SECRETARY = "sekretaris", _("Secretary")
    TREASURER = "bendahara", _("Treasurer")
    MEMBER = "anggota", _("Member")


# The officers every group elects (Permensos 2/2019 Pasal 3: ketua, sekretaris, bendahara).
OFFICERS = (GroupRole.CHAIR, GroupRole.SECRETARY, GroupRole.TREASURER)


class GroupState(models.TextChoices):
    FORMING = "forming", _("Forming")
    FORMED = "formed", _("Formed")
    FUNDED = "funded", _("Grant approved")
    DISSOLVED = "dissolved", _("Dissolved")


class BusinessType(models.TextChoices):
    """The business types of PENA and KUBE (DOMAIN.md §5.2–5.3)."""

    FOOD = "food", _("Food and drink")
    CRAFT = "craft", _("Crafts")
    SERVICE = "service", _("Services")
    FARMING = "farming", _("Farming")
    LIVESTOCK = "livestock", _("Livestock")
    TRADE = "trade", _("Trade")
    OTHER = "other", _("Other")


class InstitutionKind(models.TextChoices):
    LPK = "lpk", _("LPK (training institution)")
    BLKI = "blki", _("BLKI (industrial vocational training centre)")
    OTHER = "other", _("Other institution")


class CourseState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
