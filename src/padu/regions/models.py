from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Village (desa)")


# Depth of each level in the code: 13 / 13.71 / 13.71.01 / 13.71.01.1001
LEVEL_DEPTH = {
    Level.PROVINSI: 1,
    Level.KABUPATEN: 2,
    Level.KOTA: 2,
    Level.KECAMATAN: 3,
    Level.KELURAHAN: 4,
    Level.DESA: 4,
}
VILLAGE_LEVELS = (Level.KELURAHAN, Level.DESA)


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
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

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
    def is_village(self) -> bool:
        return self.level in VILLAGE_LEVELS

    @property
    def nik_prefix(self) -> str:
        """The six-digit prefix a NIK registered in this kecamatan starts with (PPKKCC)."""
        return self.code.replace(".", "")[:6]
