"""A change request (usulan, sanggah) and what it carries: its evidence and every step it took."""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager

from ..codes import EvidenceKind, RemovalReason, RequestKind, RequestSource, RequestState

# Receipt numbers avoid letters and digits that read alike (0/O, 1/I/L) so that a citizen can
# type one back from paper; 10 of 31 symbols are ~49 bits, not guessable by trying.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10
# The registry's audit entries of an approval name the request so (its `reference`); the
# registry's history shows them as a link to the request (updates/sources.py).
REFERENCE_PREFIX = "updates.request"


def new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def evidence_storage() -> FileSystemStorage:
    """Evidence lies in its own directory outside MEDIA_ROOT, with no URL: it is served only by
    a view that checks the reader's scope (callable, so a test's setting applies)."""
    return FileSystemStorage(location=settings.PADU_EVIDENCE_ROOT, base_url=None)


class ChangeRequest(BaseModel):
    """One proposed change to the registry, on its way from its proposer to its approval.

    `payload` holds what is asked, by the registry declarations' field names and in their JSON
    form (checked against the declarations when the request is made: services.requests); `before`
    the same fields' values when it was made, for the before/after diff."""

    receipt = models.CharField(
        _("receipt number"), max_length=16, unique=True, default=new_receipt, editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT
    )
    source = models.CharField(_("source"), max_length=12, choices=RequestSource.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # change_request_region_idx serves equality and prefix
    )
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    # A move: the family the member joins (a KK split names its new KK number in `payload`).
    target_family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("destination family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("requested change"), default=dict, blank=True)
    before = models.JSONField(_("values before"), default=dict, blank=True)
    removal_reason = models.CharField(
        _("reason for removal"), max_length=20, choices=RemovalReason.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # A citizen's request (portal): who filed it and how to reach him; no user account.
    citizen_name = models.CharField(_("citizen's name"), max_length=120, blank=True)
    citizen_contact = models.CharField(_("citizen's contact"), max_length=120, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # An objection not verified by this day lapses (services.lapse; PADU_OBJECTION_LAPSE_DAYS).
    lapses_on = models.DateField(_("lapses on"), null=True, blank=True)
    # What the approval applied: the registry's audit entries of it carry `reference` as their
    # source; a new family or member (or a split's new family) is linked here.
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    applied_family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("family created"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person created"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["region"],
                name="change_request_region_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["state", "region"], name="change_request_state_idx"),
            models.Index(fields=["state", "lapses_on"], name="change_request_lapse_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=RequestKind.REMOVAL, removal_reason__gt="")
                | ~models.Q(kind=RequestKind.REMOVAL),
                name="change_request_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("Request %(receipt)s") % {"receipt": self.receipt}

    @property
    def reference(self) -> str:
        """The source the registry's audit entries of this request's approval carry."""
        return f"{REFERENCE_PREFIX}:{self.pk}"


class RequestEvidence(models.Model):
    """A photo or document of a request (or of its field verification: `task`). The file lies on
    disk (`evidence_storage`), never in the database; its type and size were checked on upload
    (PADU_EVIDENCE_TYPES, PADU_EVIDENCE_MAX_BYTES)."""

    request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    task = models.ForeignKey(
        "updates.VerificationTask",
        verbose_name=_("verification task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="evidence/%Y/%m")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # None: a citizen's, through the portal.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager("request__region__code")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class RequestEvent(models.Model):
    """One step of a request: its creation (`from_state` empty) and every transition, with who
    (a user, or the citizen, or the system when both are empty), when and why."""

    request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(
        _("from"), max_length=20, choices=RequestState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=RequestState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_citizen = models.BooleanField(_("by the citizen"), default=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = ScopedManager("request__region__code")

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_state or '-'} → {self.to_state}"
