"""A field verification task: a PSM visits the family of a request and fills in the checklist of
the verification form (DOMAIN.md §2.3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager

from ..codes import DukcapilMatch, NotFoundReason, TaskState


class VerificationTask(BaseModel):
    """The checklist's answers are columns where a page lists or filters by them (found, the
    Dukcapil match, well-off); each member's status (`MemberPresence` by person id, and new
    members by name) is data in `member_statuses`. Photos are `RequestEvidence` with this task."""

    request = models.ForeignKey(
        "updates.ChangeRequest",
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    # The request's kelurahan, so that a TKSK's list of his kecamatan's tasks is one range scan.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # verification_task_region_idx serves equality and prefix
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("PSM"),
        on_delete=models.PROTECT,
        related_name="verification_tasks",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    due_on = models.DateField(_("due date"))
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    found = models.BooleanField(_("family found"), null=True, blank=True)
    not_found_reason = models.CharField(
        _("why not found"), max_length=20, choices=NotFoundReason.choices, blank=True
    )
    member_statuses = models.JSONField(_("members' status"), default=dict, blank=True)
    dukcapil_match = models.CharField(
        _("Dukcapil match"),
        max_length=12,
        choices=DukcapilMatch.choices,
        default=DukcapilMatch.NOT_CHECKED,
    )
    well_off = models.BooleanField(_("now well-off"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("verification task")
        verbose_name_plural = _("verification tasks")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["region"],
                name="verification_task_region_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["assignee", "state", "due_on"], name="verification_task_todo_idx"),
        ]
        constraints = [
            # At most one open task per request.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state=TaskState.OPEN),
                name="verification_task_one_open",
            ),
        ]

    def __str__(self) -> str:
        return _("Verification of request %(receipt)s") % {"receipt": self.request.receipt}
