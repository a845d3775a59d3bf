from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from padu.core.scoping import within

from .capabilities import Role, capabilities_for


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_capability(self, capability: str) -> bool:
        return self.is_active and capability in capabilities_for(self.role)

    @cached_property
    def capabilities(self) -> frozenset[str]:
        return capabilities_for(self.role) if self.is_active else frozenset()

    def scope_codes(self) -> list[str]:
        """Region codes of the scopes in force today, with nested ones folded into their parent."""
        cache = getattr(self, "_scope_codes", None)
        if cache is None:
            today = timezone.localdate()
            codes = sorted(
                set(
                    self.scopes.filter(valid_from__lte=today)
                    .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today))
                    .values_list("region_id", flat=True)
                )
            )
            cache = [c for c in codes if not any(within(c, p) for p in codes if p != c)]
            self._scope_codes = cache
        return cache


class RegionScope(models.Model):
    """One region subtree a user may see. A user may hold several; each may expire."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="scopes"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("region scope")
        verbose_name_plural = _("region scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="uniq_user_region_scope")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.region_id}"


class ApiToken(models.Model):
    """A key a program uses to call the API as its owner. Only a SHA-256 of the key is stored;
    the key itself is shown once, when it is created (see accounts.tokens)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("key prefix"), max_length=16)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
