"""The leader's view of the programs (the pimpinan's home page): per program, the budget its
approvals committed against its ceiling, and per kecamatan the people reached against the
cohorts' quotas. Drawn as server-rendered SVG bars (no script, no CDN): this module computes the
figures and the bars' geometry, the template (programs/partials/_leader_charts.html) draws them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Substr

from padu.regions.models import Region

from .budget import budget_lines
from .codes import ENROLLED_STATES
from .models import Candidate, Cohort, CohortQuota, Program

# A person is reached once approved, whatever happened since (he was given the program): the
# states the rules' "enrolled in program X" counts too.
REACHED = ENROLLED_STATES
KECAMATAN_CODE = 8  # "13.71.01": the kecamatan part of a region code
WIDTH = 100  # bars are drawn in percent of the chart's width


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    of: float | None  # the ceiling or quota (None: none set)
    text: str  # the figures in words, beside the bar

    @property
    def width(self) -> float:
        """The bar's length in percent of the chart: its share of the ceiling or quota (capped
        at the whole); without one, a full bar (drawn as such) when anything was given."""
        if not self.of:
            return float(WIDTH) if self.value else 0.0
        return round(min(self.value / self.of, 1.0) * WIDTH, 1)

    @property
    def over(self) -> bool:
        return bool(self.of) and self.value > self.of


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]


def budget_chart(year: int, rupiah) -> list[Bar]:
    """One bar per program with a ceiling or with commitments in `year`."""
    bars = []
    for line in budget_lines(year, Program.objects.order_by("code")):
        if line.ceiling is None and not line.committed:
            continue
        share = f" ({line.share:.0%})" if line.share is not None else ""
        ceiling = rupiah(line.ceiling) if line.ceiling is not None else "—"
        bars.append(
            Bar(
                label=f"{line.program.code} · {line.program.get_funding_source_display()}",
                value=float(line.committed),
                of=float(line.ceiling) if line.ceiling else None,
                text=f"{rupiah(line.committed)} / {ceiling}{share}",
            )
        )
    return bars


def reach_charts(user) -> list[Chart]:
    """Per program, per kecamatan of the user's area: the people reached and the quota."""
    reached = (
        Candidate.objects.scoped(user)
        .filter(state__in=REACHED)
        .annotate(kecamatan=Substr("region_id", 1, KECAMATAN_CODE))
        .values_list("cohort__program_id", "kecamatan")
        .annotate(n=Count("pk"))
        .order_by()
    )
    quotas = (
        CohortQuota.objects.filter(cohort__in=_cohorts(user))
        .annotate(kecamatan=Substr("region_id", 1, KECAMATAN_CODE))
        .values_list("cohort__program_id", "kecamatan")
        .annotate(q=Sum("quota"))
        .order_by()
    )
    table: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for program, kecamatan, n in reached:
        table[program][kecamatan][0] += n
    for program, kecamatan, q in quotas:
        table[program][kecamatan][1] += q
    if not table:
        return []
    names = dict(
        Region.objects.filter(code__in={k for rows in table.values() for k in rows}).values_list(
            "code", "name"
        )
    )
    programs = Program.objects.in_bulk(list(table))
    return [
        Chart(
            title=programs[pid].name,
            bars=[
                Bar(
                    label=names.get(code, code),
                    value=n,
                    of=q or None,
                    text=f"{n} / {q}" if q else f"{n}",
                )
                for code, (n, q) in sorted(table[pid].items())
            ],
        )
        for pid in sorted(table, key=lambda p: programs[p].code)
    ]


def _cohorts(user):
    return Cohort.objects.scoped(user).values("pk")
