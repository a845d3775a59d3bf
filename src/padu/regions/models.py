import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Village (desa)")
    DESA_ADAT = "desa_adat", _("Customary village (desa adat)")


# Depth of each level in the code: 13 / 13.71 / 13.71.01 / 13.71.01.1001
LEVEL_DEPTH = {
    Level.PROVINSI: 1,
    Level.KABUPATEN: 2,
    Level.KOTA: 2,
    Level.KECAMATAN: 3,
    Level.KELURAHAN: 4,
    Level.DESA: 4,
    Level.DESA_ADAT: 4,
}
VILLAGE_LEVELS = (Level.KELURAHAN, Level.DESA, Level.DESA_ADAT)


class Decree(models.Model):
    """A Kepmendagri decree whose region list was loaded: the codes it lists are valid from its
    date. A decree is loaded once its date is not before that of any decree loaded already."""

    number = models.CharField(_("decree"), max_length=80, unique=True)
    valid_from = models.DateField(_("valid from"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("region decree")
        verbose_name_plural = _("region decrees")
        ordering = ["valid_from", "number"]

    def __str__(self) -> str:
        return self.number


class RegionQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None) -> "RegionQuerySet":
        """The codes valid on `day` (today, the office's day, by default): listed by a decree
        in force and not ended by one in force. What forms and filters offer; records on an
        ended code keep it and still show it."""
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )


class Region(models.Model):
    """A unit of the Kemendagri region tree; the official dotted code is the natural key."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    # Validity: the decree that first listed the code (and its date), and the decree that no
    # longer lists it (valid until the day before that decree's date). A code is never deleted:
    # people, users' areas and the audit trail keep pointing at it.
    decree = models.ForeignKey(
        Decree,
        verbose_name=_("decree"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regions",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_by = models.ForeignKey(
        Decree,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_regions",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            # LIKE 'prefix%' range scans for subtree queries on PostgreSQL (ignored elsewhere).
            models.Index(
                fields=["code"], name="region_code_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_ended(self) -> bool:
        return self.ended_by_id is not None

    @property
    def is_village(self) -> bool:
        return self.level in VILLAGE_LEVELS

    @property
    def nik_prefix(self) -> str:
        """The six-digit prefix a NIK registered in this kecamatan starts with (PPKKCC)."""
        return self.code.replace(".", "")[:6]


class RegionChange(models.Model):
    """What a decree changed about a code: a new name, its end, or its return."""

    class Kind(models.TextChoices):
        RENAMED = "renamed", _("renamed")
        ENDED = "ended", _("ended")
        RESTORED = "restored", _("listed again")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="changes"
    )
    decree = models.ForeignKey(
        Decree, verbose_name=_("decree"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    old_name = models.CharField(_("old name"), max_length=120, blank=True)
    new_name = models.CharField(_("new name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("region change")
        verbose_name_plural = _("region changes")
        ordering = ["decree__valid_from", "region_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "decree", "kind"], name="region_change_once_per_decree"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind} ({self.decree})"
