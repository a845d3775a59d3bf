"""Groups that receive a program's benefit together: KUBE (joint business groups, Permensos
2/2019) and Loka Bina Karya groups (DOMAIN.md §5.2, §5.7). Their rules (5–20 members from one
kecamatan, one KUBE per family, one chair, secretary and treasurer) are checked by
services/groups.py; the database holds the ones a row can (one KUBE per family, one holder of
each office)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager

from ..benefit_codes import BusinessType, GroupKind, GroupRole, GroupState
from .cohorts import CohortManager


class BenefitGroup(BaseModel):
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=120)
    # The kecamatan all members live in (scoping: seen by its kelurahan's users too).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="+"
    )
    business_type = models.CharField(
        _("business type"), max_length=12, choices=BusinessType.choices
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_holder = models.CharField(_("account holder"), max_length=120, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=GroupState.choices, default=GroupState.FORMING
    )
    grant_amount = models.DecimalField(
        _("grant (Rp)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    grant_approved_on = models.DateField(_("grant approved on"), null=True, blank=True)
    grant_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grant approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = CohortManager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["region", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupMember(BaseModel):
    group = models.ForeignKey(
        BenefitGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    # The group's kind, copied so that "one KUBE per family" is a constraint of this table.
    kind = models.CharField(_("kind"), max_length=8, choices=GroupKind.choices)
    role = models.CharField(
        _("role"), max_length=12, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    # The person's kelurahan (scoping).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(left_on__isnull=True),
                name="group_member_once",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(left_on__isnull=True, kind=GroupKind.KUBE),
                name="group_one_kube_per_family",
            ),
            models.UniqueConstraint(
                fields=["group", "role"],
                condition=Q(left_on__isnull=True) & ~Q(role=GroupRole.MEMBER),
                name="group_one_officer_each",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.person_id}"
