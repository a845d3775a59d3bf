"""The programs app's models, by seam: the catalogue (programs and which may be combined), the
eligibility rules (versioned trees), and the cohorts with their quotas and candidates."""

from .catalogue import Program, ProgramCompatibility
from .cohorts import Candidate, Cohort, CohortQuota
from .rules import RuleSet

__all__ = [
    "Candidate",
    "Cohort",
    "CohortQuota",
    "Program",
    "ProgramCompatibility",
    "RuleSet",
]
