"""Training cohorts (angkatan): a course at a partner institution (LPK, BLKI) with its schedule,
its participants drawn from a program's candidates (a provincial office's course draws from
several kabupaten/kota), their daily attendance, completion and certificate. The equipment each
graduate receives is an EquipmentPackage naming the course."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager

from ..benefit_codes import CourseState, InstitutionKind
from .cohorts import CohortManager


class TrainingCourse(BaseModel):
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    name = models.CharField(_("name"), max_length=120)
    skill = models.CharField(_("skill taught"), max_length=120)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=8, choices=InstitutionKind.choices
    )
    institution_name = models.CharField(_("institution"), max_length=160)
    place = models.CharField(_("place"), max_length=200)
    # The organising office's area: a kota, or a province drawing from several kabupaten/kota.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=32)
    # The share of the course's recorded days a participant must attend to complete it.
    min_attendance = models.PositiveSmallIntegerField(_("minimum attendance (%)"), default=80)
    state = models.CharField(
        _("state"), max_length=10, choices=CourseState.choices, default=CourseState.PLANNED
    )

    objects = CohortManager()

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_course_dates"
            ),
            models.CheckConstraint(
                condition=Q(min_attendance__lte=100), name="training_course_attendance"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingParticipant(BaseModel):
    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("training course"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    candidate = models.ForeignKey(
        "programs.Candidate",
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    completed = models.BooleanField(_("completed"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=80, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["course", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "candidate"], name="training_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.candidate_id}"


class Attendance(models.Model):
    """One participant on one day of the course."""

    participant = models.ForeignKey(
        TrainingParticipant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["participant", "day"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="attendance_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.day.isoformat()}"
