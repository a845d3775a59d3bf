"""The programs app's models, by seam: the catalogue (programs and which may be combined), the
eligibility rules (versioned trees), and the cohorts with their quotas and candidates; then what
follows the targeting: field checks and decrees, benefits, groups and training courses."""

from .benefits import BenefitProof, Disbursement, EquipmentItem, EquipmentPackage
from .catalogue import Program, ProgramCompatibility
from .cohorts import Candidate, Cohort, CohortQuota
from .decrees import Award, BeneficiaryDecree, FieldCheck
from .groups import BenefitGroup, GroupMember
from .rules import RuleSet
from .training import Attendance, TrainingCourse, TrainingParticipant

__all__ = [
    "Attendance",
    "Award",
    "BeneficiaryDecree",
    "BenefitGroup",
    "BenefitProof",
    "Candidate",
    "Cohort",
    "CohortQuota",
    "Disbursement",
    "EquipmentItem",
    "EquipmentPackage",
    "FieldCheck",
    "GroupMember",
    "Program",
    "ProgramCompatibility",
    "RuleSet",
    "TrainingCourse",
    "TrainingParticipant",
]
