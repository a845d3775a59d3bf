"""A program's budget in a year: what its approved decrees and group grants commit (the amount
held against its ceiling) and what has been paid out. One rule, read by the services that
commit money (decrees, group grants) and by the pages and charts that show it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from padu.core.errors import DomainError
from padu.core.formats import rupiah

from .benefit_codes import DecreeState
from .models import Award, BenefitGroup, Disbursement, Program

ZERO = Decimal(0)


def committed(program_id: int, year: int) -> Decimal:
    """Granted in `year`: the awards of approved decrees dated then, and the group grants
    approved then. Unscoped: a ceiling holds for the whole office, whoever asks."""
    awards = Award.objects.unscoped().filter(
        decree__cohort__program_id=program_id,
        decree__state=DecreeState.APPROVED,
        decree__decided_on__year=year,
    )
    grants = BenefitGroup.objects.unscoped().filter(
        program_id=program_id, grant_approved_on__year=year
    )
    return (awards.aggregate(s=Sum("amount"))["s"] or ZERO) + (
        grants.aggregate(s=Sum("grant_amount"))["s"] or ZERO
    )


def check_ceiling(*, program: Program, year: int, adding: Decimal) -> None:
    """Refuse a commitment of `adding` that would pass the program's ceiling for `year`. The
    caller holds the program's row locked, so two approvals cannot both fit the same rest."""
    if program.budget_ceiling is None:
        return
    used = committed(program.pk, year)
    if used + adding > program.budget_ceiling:
        raise DomainError(
            _(
                "This approval would pass the budget ceiling of %(program)s for %(year)s: the "
                "ceiling is %(ceiling)s, %(used)s is already committed and this needs "
                "%(needed)s, %(over)s more than is left. Nothing was approved."
            )
            % {
                "program": program.name,
                "year": year,
                "ceiling": rupiah(program.budget_ceiling),
                "used": rupiah(used),
                "needed": rupiah(adding),
                "over": rupiah(used + adding - program.budget_ceiling),
            },
            code="budget_ceiling",
        )


@dataclass(frozen=True)
class BudgetLine:
    program: Program
    ceiling: Decimal | None
    committed: Decimal
    disbursed: Decimal

    @property
    def share(self) -> float | None:
        """Committed as a share of the ceiling (None without a ceiling)."""
        if not self.ceiling:
            return None
        return float(self.committed / self.ceiling)


def budget_lines(year: int, programs=None) -> list[BudgetLine]:
    """Each program's ceiling, commitments and payments in `year`, in three queries."""
    programs = list(programs if programs is not None else Program.objects.order_by("code"))
    ids = [p.pk for p in programs]
    awards = dict(
        Award.objects.unscoped()
        .filter(
            decree__cohort__program_id__in=ids,
            decree__state=DecreeState.APPROVED,
            decree__decided_on__year=year,
        )
        .order_by()
        .values_list("decree__cohort__program_id")
        .annotate(s=Sum("amount"))
    )
    grants = dict(
        BenefitGroup.objects.unscoped()
        .filter(program_id__in=ids, grant_approved_on__year=year)
        .order_by()
        .values_list("program_id")
        .annotate(s=Sum("grant_amount"))
    )
    paid = dict(
        Disbursement.objects.unscoped()
        .filter(program_id__in=ids, paid_on__year=year)
        .order_by()
        .values_list("program_id")
        .annotate(s=Sum("amount"))
    )
    return [
        BudgetLine(
            program=p,
            ceiling=p.budget_ceiling,
            committed=(awards.get(p.pk) or ZERO) + (grants.get(p.pk) or ZERO),
            disbursed=paid.get(p.pk) or ZERO,
        )
        for p in programs
    ]
