"""A cohort (angkatan) of a program: the area it draws from, the rule version and finalised data
period that selected it, its quotas, and its candidates with their rank, their reasons and where
each stands. Candidates are people's data: their manager fails closed (padu.core.scoping)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel, actor_field
from padu.core.scoping import ScopedManager, ScopedQuerySet, scope_codes, subtree_q

from ..codes import CandidateState, CohortState


def ancestors(code: str) -> list[str]:
    """`13.71.01` → `13`, `13.71`: the areas that contain a region code."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


class CohortQuerySet(ScopedQuerySet):
    """A cohort is seen by the users of the area it draws from, and by those of an area inside it
    (a TKSK sees his city's cohort, and of its candidates those of his kecamatan)."""

    def scoped(self, user, field: str | None = None):
        roots = scope_codes(user)
        inside = [a for root in roots for a in ancestors(root)]
        qs = self.filter(subtree_q("region__code", roots) | Q(region__code__in=inside))
        qs._scope = "user"
        return qs


class CohortManager(models.Manager.from_queryset(CohortQuerySet)):
    def get_queryset(self):
        qs = super().get_queryset()
        if hasattr(self, "instance"):  # a related manager: bounded by its (scoped) parent
            qs._scope = "related"
        return qs


class Cohort(BaseModel):
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    name = models.CharField(_("name"), max_length=120)
    # The area the cohort draws from: a kota, or a province whose office draws from several
    # kabupaten/kota.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_set = models.ForeignKey(
        "programs.RuleSet",
        verbose_name=_("rules"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    # The finalised month of the registry the selection was based on (periods app).
    period = models.ForeignKey(
        "periods.Period",
        verbose_name=_("data period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The day on which ages and "within N years" are reckoned (empty: the day of the run).
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    quota_total = models.PositiveIntegerField(_("total quota"), null=True, blank=True)
    # The ranking's order (targeting.priority reads and checks it).
    priority = models.JSONField(_("priority"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CohortState.choices, default=CohortState.DRAFT
    )
    decree_number = models.CharField(_("decree number"), max_length=80, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    # The last targeting run: when, by whom, and how many people each condition removed.
    targeted_at = models.DateTimeField(_("targeted at"), null=True, blank=True)
    targeted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("targeted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    funnel = models.JSONField(_("funnel"), default=list, blank=True)

    objects = CohortManager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program.code}: {self.name}"


class CohortQuota(models.Model):
    """The places of a cohort in one kecamatan or kelurahan."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["cohort", "region"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "region"], name="cohort_quota_area"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.quota}"


class Candidate(BaseModel):
    """A person (or family, for a family program) the targeting selected, in rank order; past
    the quota, on the waiting list. `reasons` holds the values that ranked him (desil, score,
    ...) and the rules he met, as the candidate list and his explanation show them."""

    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="candidates",
        db_index=False,  # candidate_rank_idx and the one-per-person/family ones lead with it
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="program_candidacies",
    )
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="program_candidacies",
    )
    # The person's (or family's) kelurahan at the run, for scoping and the lists by area.
    # Neither region has a database constraint: a run copies them from the person's row and
    # the cohort's quotas, whose own constraints checked them, and region codes are never
    # deleted (a decree ends them); checking them again cost a third of a run's writes (two of
    # seven foreign-key checks per candidate, 0.6 s at 1,000,000 people).
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # candidate_region_idx serves equality and prefix
        db_constraint=False,
    )
    # The quota area whose place he holds or waits for (empty: the cohort's total only).
    quota_area = models.ForeignKey(
        "regions.Region",
        verbose_name=_("quota area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # A run writes thousands of rows by one user: the database's check of the user columns
    # was a fifth of its writing (two of five foreign-key checks per row; see actor_field).
    created_by = actor_field(_("created by"), db_constraint=False)
    updated_by = actor_field(_("updated by"), db_constraint=False)
    rank = models.PositiveIntegerField(_("rank"))
    on_waiting_list = models.BooleanField(_("on the waiting list"), default=False)
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CandidateState.choices, default=CandidateState.CANDIDATE
    )
    exit_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["cohort", "on_waiting_list", "rank"]
        indexes = [
            models.Index(
                fields=["region"], name="candidate_region_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["cohort", "on_waiting_list", "rank"], name="candidate_rank_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                condition=Q(person__isnull=False),
                name="candidate_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["cohort", "family"],
                condition=Q(family__isnull=False),
                name="candidate_one_per_family",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(family__isnull=False),
                name="candidate_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return _("Candidate %(rank)d of %(cohort)s") % {"rank": self.rank, "cohort": self.cohort_id}
