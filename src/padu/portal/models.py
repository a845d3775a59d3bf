"""The public page's log: one row per lookup a citizen made (`/cek/`): a check of his family, a
proposal (usul) or objection (sanggah) sent, a receipt looked up. It is also what the page's rate
limits count.

It keeps no personal data in clear: the NIK and the client's address are keyed hashes
(`keys.py`, HMAC with the deployment's secret key), enough to count the lookups of one NIK or
one address and to tell an administrator that a number was tried many times, not to read the
number back. A lookup that matched names its family, so that the office can see who was looked up;
the log is therefore read through a scope (`ScopedManager` by the family's region).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.core.scoping import ScopedManager


class Lookup(models.Model):
    class Kind(models.TextChoices):
        CHECK = "cek", _("Check of a family")
        PROPOSAL = "usul", _("Proposal (usul)")
        OBJECTION = "sanggah", _("Objection (sanggah)")
        RECEIPT = "tanda_terima", _("Receipt looked up")

    at = models.DateTimeField(_("time"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CHECK)
    # Empty for a lookup without a NIK (a receipt).
    nik_digest = models.CharField(_("NIK (keyed hash)"), max_length=64, blank=True)
    client_digest = models.CharField(_("client address (keyed hash)"), max_length=64)
    # Whether the NIK and the name matched a registered person. A mismatch and an unknown NIK are
    # both False: the log, like the page, does not tell them apart.
    found = models.BooleanField(_("found"), default=False)
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager("family__region__code")

    class Meta:
        verbose_name = _("public page lookup")
        verbose_name_plural = _("public page lookups")
        ordering = ["-at", "-id"]
        indexes = [
            # The two rate limits: the lookups of one NIK, and of one address, since a time.
            models.Index(fields=["nik_digest", "at"], name="portal_lookup_nik_idx"),
            models.Index(fields=["client_digest", "kind", "at"], name="portal_lookup_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.nik_digest[:8]}"
