"""The codes of programs and their cohorts: what a program gives to whom, who pays, and where a
cohort and each of its candidates stand (DOMAIN.md §5). Labels are English msgids translated to
Indonesian."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetUnit(models.TextChoices):
    PERSON = "person", _("Person")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group")


class BenefitType(models.TextChoices):
    CASH = "cash", _("Cash")
    EQUIPMENT = "equipment", _("Equipment package")
    TRAINING = "training", _("Training")
    SERVICE = "service", _("Service")


class FundingSource(models.TextChoices):
    APBN = "APBN", _("APBN")
    APBD_PROV = "APBD_PROV", _("APBD Provinsi")
    APBD_KAB = "APBD_KAB", _("APBD Kota/Kabupaten")
    CSR = "CSR", _("CSR")


class CohortState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TARGETED = "targeted", _("Targeted")
    VERIFYING = "verifying", _("Verifying")
    APPROVED = "approved", _("Approved")
    ENROLLED = "enrolled", _("Enrolled")
    CLOSED = "closed", _("Closed")


# A cohort's targeting may run (again) only before its candidates go to the field.
TARGETABLE_STATES = frozenset({CohortState.DRAFT, CohortState.TARGETED})


class CandidateState(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    ENROLLED = "enrolled", _("Enrolled")
    DELIVERED = "delivered", _("Benefit delivered")
    COMPLETED = "completed", _("Completed")
    EXITED = "exited", _("Exited")
    GRADUATED = "graduated", _("Graduated")
    DROPPED = "dropped", _("Dropped out")


# A candidate in one of these states holds (or held) a place in the program: "enrolled in
# program X" in a rule (rules/compiler.py) means one of these.
ENROLLED_STATES = frozenset(
    {
        CandidateState.APPROVED,
        CandidateState.ENROLLED,
        CandidateState.DELIVERED,
        CandidateState.COMPLETED,
        CandidateState.EXITED,
        CandidateState.GRADUATED,
    }
)

# A candidate in one of these states no longer holds a place: the waiting list fills it.
LEFT_STATES = frozenset({CandidateState.REJECTED, CandidateState.DROPPED})


class ExitReason(models.TextChoices):
    """Why a beneficiary leaves a program (DOMAIN.md §5.5: PKH's graduation types, and the
    registry's reasons a record ends)."""

    SELF_RELIANT = "sejahtera_mandiri", _("Self-reliant (own request)")
    NATURAL = "alamiah", _("No eligible component left")
    FORCED = "paksa", _("Commitments not kept")
    DESIL_ROSE = "desil_naik", _("Desil rose above the program's")
    DECEASED = "meninggal", _("Deceased")
    MOVED = "pindah", _("Moved away")
    WITHDREW = "mundur", _("Withdrew")
