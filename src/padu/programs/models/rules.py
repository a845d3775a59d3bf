"""A program's eligibility rules as data: a versioned tree (rules/ reads, checks and compiles it).
A version is never changed once a cohort used it, so a cohort can always show the rules that
selected it; the editor saves each change as a new version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="rule_sets",
    )
    version = models.PositiveIntegerField(_("version"))
    tree = models.JSONField(_("rules"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="rule_set_version"),
        ]

    def __str__(self) -> str:
        return _("%(program)s rules v%(version)d") % {
            "program": self.program.code,
            "version": self.version,
        }
